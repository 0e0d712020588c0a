"""HR's summary as a Block Kit message. Pure: figures in, blocks out.

Repeat customers appear only as links to their cases, never by identifier: the summary
must not become a list of people to look up (the values are in each case's view).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.domain.case import STATUSES
from bot.domain.periods import Period
from bot.domain.policy import Policy
from bot.domain.severity import SEVERITIES
from bot.domain.stats import CaseRef, Counts, Summary, change, share
from bot.i18n import t
from bot.views.case_card import permalink
from bot.views.common import Block, context, divider, header, section
from bot.views.counting import cases, counted, customers, duration_text
from bot.views.mrkdwn import escape, link
from bot.views.record_labels import comma


def period_label(lang: str, period: Period) -> str:
    if period.key == "all":
        return t(lang, "hr.period.all")
    if period.key.endswith("d"):
        return counted(lang, "hr.period.days", int(period.key[:-1]))
    return period.key


def previous_label(lang: str, period: Period) -> str:
    prev = period.previous
    if prev is None:
        return ""
    if period.key.endswith("d"):
        return counted(lang, "hr.period.previous_days", int(period.key[:-1]))
    return prev.key


def _label(fn: Callable[[str], str], key: str) -> str:
    try:
        return fn(key)
    except KeyError:  # an id from an older policy version: show it as it is
        return key


def _lines(
    counts: Mapping[str, int],
    before: Mapping[str, int] | None,
    label: Callable[[str], str],
    order: tuple[str, ...] = (),
) -> str:
    keys = [k for k in order if k in counts] + sorted(
        (k for k in counts if k not in order), key=lambda k: -counts[k]
    )
    out = []
    for k in keys:
        delta = change(counts[k], (before or {}).get(k, 0)) if before is not None else ""
        out.append(
            f"• {escape(_label(label, k))}: *{counts[k]}*" + (f" ({delta})" if delta else "")
        )
    return "\n".join(out) or "—"


def case_link(ref: CaseRef, workspace_url: str) -> str:
    if ref.channel and ref.ts:
        return link(permalink(workspace_url, ref.channel, ref.ts), ref.case_no)
    return escape(ref.case_no)


def ack_met_text(lang: str, c: Counts) -> str:
    """Met of the cases whose target has passed; the ones still within it are named,
    not counted as misses (a case filed a minute ago has not missed anything)."""
    text = t(lang, "hr.summary.of", n=c.ack_met, of=c.ack_due, share=share(c.ack_met, c.ack_due))
    if c.ack_pending:
        text += "\n" + counted(lang, "hr.count.pending", c.ack_pending)
    return text


def build_summary(
    lang: str, s: Summary, period: Period, policy: Policy, workspace_url: str
) -> tuple[str, list[Block]]:
    c, p = s.counts, s.previous
    label = period_label(lang, period)
    text = t(lang, "hr.summary.fallback", period=label, total=cases(lang, c.total))
    blocks: list[Block] = [header(t(lang, "hr.summary.title", period=label))]
    if c.total == 0:
        blocks.append(section(t(lang, "hr.summary.empty")))
        if p is not None:
            blocks.append(
                context(
                    t(
                        lang,
                        "hr.summary.previous",
                        previous=previous_label(lang, period),
                        total=cases(lang, p.total),
                    )
                )
            )
        return text, blocks

    def field(key: str, value: str) -> dict[str, str]:
        return {"type": "mrkdwn", "text": f"*{t(lang, key)}*\n{value}"}

    total = f"{c.total}" + (f" ({change(c.total, p.total)})" if p is not None else "")
    blocks.append(
        {
            "type": "section",
            "fields": [
                field("hr.summary.total", total),
                field("hr.summary.ack_met", ack_met_text(lang, c)),
                field(
                    "hr.summary.ack_time",
                    t(lang, "hr.summary.percentiles", median=duration_text(s.ack.median, lang),
                      p90=duration_text(s.ack.p90, lang), n=s.ack.n),
                ),
                field(
                    "hr.summary.close_time",
                    t(lang, "hr.summary.percentiles", median=duration_text(s.close.median, lang),
                      p90=duration_text(s.close.p90, lang), n=s.close.n),
                ),
            ],
        }
    )  # fmt: skip
    groups = [
        ("hr.summary.by_status", c.by_status, p.by_status if p else None,
         lambda k: t(lang, f"status.{k}"), STATUSES),
        ("hr.summary.by_severity", c.by_severity, p.by_severity if p else None,
         lambda k: t(lang, f"severity.{k}"), SEVERITIES),
        ("hr.summary.by_category", c.by_category, p.by_category if p else None,
         lambda k: policy.category(k).label.get(lang), ()),
        ("hr.summary.by_channel", c.by_channel, p.by_channel if p else None,
         lambda k: policy.contact_channel(k).label.get(lang), ()),
        ("behalf.hr_by_filed_by", c.by_filed_by, p.by_filed_by if p else None,
         lambda k: t(lang, f"behalf.hr_{k}"), ("self", "on_behalf")),
    ]  # fmt: skip
    for key, counts, prev, fn, order in groups:
        blocks.append(section(f"*{t(lang, key)}*\n{_lines(counts, prev, fn, order)}"))
    conclusion = {o.id: o.label.get(lang) for o in policy.conclusions}
    blocks.append(
        section(
            f"*{t(lang, 'hr.summary.by_conclusion')}*\n"
            + _lines(s.by_conclusion, None, lambda k: conclusion[k], tuple(conclusion))
            + "\n"
            + t(lang, "hr.summary.unassessed", n=max(0, c.total - sum(s.by_conclusion.values())))
        )
    )
    blocks.append(
        section(
            f"*{t(lang, 'hr.summary.measures')}*\n"
            + _lines(s.measures, None, lambda k: t(lang, f"hr.measure.{k}"))
        )
    )
    blocks.append(
        section(
            f"*{t(lang, 'hr.summary.care')}*\n"
            + t(lang, "hr.summary.care_lines", offered=s.care_done, consent=c.counseling_ok,
                welfare=s.welfare_answered, retaliation=s.retaliation, ever=c.counseling_ever)
        )
    )  # fmt: skip
    blocks.append(divider())
    blocks.append(section(_repeat_text(lang, s, workspace_url)))
    notes = [t(lang, "hr.summary.notes")]
    if p is not None:
        notes.insert(
            0,
            t(
                lang,
                "hr.summary.previous",
                previous=previous_label(lang, period),
                total=cases(lang, p.total),
            ),
        )
    blocks.append(context(*notes))
    return text, blocks


def _repeat_text(lang: str, s: Summary, workspace_url: str) -> str:
    r = s.repeat
    head = f"*{t(lang, 'hr.summary.repeat')}*\n"
    if not r.customers:
        return head + t(lang, "hr.summary.repeat_none")
    lines = [
        t(lang, "hr.summary.repeat_line", customers=customers(lang, r.customers),
          cases=cases(lang, r.cases))
    ]  # fmt: skip
    for n, refs in r.top:
        # At most 5 links each: 5 customers x 5 links stay within a section's 3000 characters.
        links = comma(lang).join(case_link(ref, workspace_url) for ref in refs[:5])
        lines.append(t(lang, "hr.summary.repeat_top", count=cases(lang, n), cases=links))
    return head + "\n".join(lines)
