"""HR's case record (`/ch-cases show`): a readable account of one case in HR's language.

What was reported and when, every policy step with who and when (and its note), each
assessment version with its reason, the measures with who recorded and confirmed them,
the care offered and accepted, the welfare check-ins and their answers, the close and
its lessons, then the timeline. People appear as mentions (Slack shows their names), a
confidential reporter as "the employee", the bot by name (bot/views/timeline_labels).

Pure. Slack's limits: 100 blocks a modal, 3000 characters a section. User text is
escaped and split in the raw text (bot/views/mrkdwn.split_escaped), never cut; what
cannot fit (a very long timeline) is named, not silently dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case_record import CaseRecord, TimelineEntry
from bot.domain.evidence import evidence_of, hide_reporter_id
from bot.domain.identifiers import Customer
from bot.domain.policy import Policy
from bot.i18n import t
from bot.views import customer_ids
from bot.views import record_labels as lbl
from bot.views.case_card import newest_that_fit, reporter_text
from bot.views.common import Block, context, header, modal, section
from bot.views.conversation_modal import details_block
from bot.views.evidence import evidence_blocks
from bot.views.ids import Callback
from bot.views.mrkdwn import escape, split_escaped
from bot.views.record_labels import dot
from bot.views.timeline_labels import actor_label, event_label

MAX_BLOCKS = 100
SECTION = 2900  # a section holds 3000 characters; some room for the joins


def _items(prefix: str, raw: str) -> list[str]:
    """`prefix` (mrkdwn) followed by the user's `raw` text, escaped, in pieces that each
    fit a section."""
    pieces = split_escaped(raw, SECTION - len(prefix)) or [""]
    return [prefix + pieces[0], *pieces[1:]]


def _pack(items: list[str]) -> list[Block]:
    texts: list[str] = []
    for item in items:
        if texts and len(texts[-1]) + 1 + len(item) <= SECTION:
            texts[-1] += "\n" + item
        else:
            texts.append(item)
    return [section(text) for text in texts]


class _Record:
    """The record's parts for one reader (language, zone)."""

    def __init__(self, lang: str, r: CaseRecord, policy: Policy, tz: ZoneInfo) -> None:
        self.lang, self.r, self.policy, self.tz = lang, r, policy, tz
        self.dot = dot(lang)  # between the parts of a line
        self.case = r.case
        self.c = lbl.colon(lang)  # "：" in Japanese, ": " in English

    def tr(self, key: str, **params: object) -> str:
        return t(self.lang, f"hr.record.{key}", **params)

    def who(self, actor: str | None) -> str:
        return actor_label(self.lang, actor, self.case) if actor else "—"

    def when(self, at: datetime | None) -> str:
        return lbl.when(at, self.tz) or "—"

    def own_words(self, text: str) -> str:
        return hide_reporter_id(text, self.case, t(self.lang, "evidence.id_hidden"))

    def bold(self, key: str) -> str:
        return f"*{self.tr(key)}{self.c.rstrip()}*"

    def field(self, key: str) -> str:
        return f"{self.tr(key)}{self.c}"

    def items(self, prefix: str, raw: str) -> list[str]:
        # Anyone's free text may hold a confidential reporter's ID (a typed mention).
        return _items(prefix, self.own_words(raw))

    def facts(self) -> list[Block]:
        c, r, lang, p = self.case, self.r, self.lang, self.policy

        def row(key: str, value: str) -> str:
            return f"{self.bold(key)} {value or '—'}"

        a = r.assessment
        lines = [
            row("status", escape(lbl.status(lang, c.status))),
            row("severity", escape(lbl.severity(lang, c.severity))),
            row("reported", f"{self.when(c.reported_at)}{self.dot}{reporter_text(lang, c)}"),
            row("occurred", self.when(c.occurred_at)),
            row("channel", escape(lbl.channel(p, lang, c.contact_channel))),
            row("categories", escape(lbl.categories(p, lang, c.categories))),
            row("mhlw", escape(lbl.mhlw_types(p, lang, a.mhlw_types)) if a else ""),
            row("danger", escape(lbl.danger(lang, c.danger))),
            row("repeat", self.tr("repeat_n", n=c.repeat_count)),
            row("lead", self.who(r.lead)),
            row("acknowledged", self._span(c.acknowledged_at, r.acknowledged_by)),
            row("closed", self._span(c.closed_at, r.closed_by)),
            row("policy", escape(c.policy_version)),
        ]
        return [header(c.case_no), *_pack(lines)]

    def _span(self, at: datetime | None, by: str | None) -> str:
        if at is None:
            return self.tr("not_yet")
        after = lbl.duration(self.lang, self.case.reported_at, at)
        return f"{self.when(at)}{self.dot}{self.who(by)} " + self.tr("after", span=after)

    def words(
        self,
        additions: list[tuple[datetime, str]],
        host: str,
        room: int,
        deleted: frozenset[str] = frozenset(),
        talked: bool = False,
    ) -> list[Block]:
        c = self.case
        items = self.items(f"*{t(self.lang, 'details.demand')}*\n", c.demand or "—")
        blocks = _pack(items)
        blocks += _pack(self.items(f"*{t(self.lang, 'details.narrative')}*\n", c.narrative or "—"))
        blocks += evidence_blocks(self.lang, c.case_no, evidence_of(c, host, deleted))
        if talked:  # what the team and the employee wrote: one recorded button away
            blocks.append(details_block(self.lang, c.case_no))
        # Later additions, newest first, as many as fit; the rest are named.
        room -= len(blocks) + 1
        parts = [
            _pack(self.items(f"*{t(self.lang, 'details.additions')}* ({self.when(at)})\n", text))
            for at, text in additions
        ]
        return blocks + newest_that_fit(self.lang, parts, room)

    def steps(self) -> list[Block]:
        items = []
        known = {s.id for s in self.policy.steps}
        ids = [s.id for s in self.policy.steps] + sorted(set(self.r.steps) - known)
        for sid in ids:
            title = escape(lbl.step(self.policy, self.lang, sid))
            done = self.r.steps.get(sid)
            if done is None:
                items.append(f"⬜ *{title}*{self.dot}{self.tr('step_open')}")
                continue
            by, at = self.who(done.done_by), self.when(done.done_at)
            items.append(f"✅ *{title}*{self.dot}{by}{self.dot}{at}")
            if done.note:
                items += self.items(f"    {self.field('note')}", done.note)
        return [header(self.tr("steps")), *_pack(items)]

    def assessments(self) -> list[Block]:
        p, lang = self.policy, self.lang
        items = []
        for a in reversed(self.r.assessments):  # the current version first
            current = self.tr("current") if a is self.r.assessment else ""
            head = (
                f"*{self.tr('version', version=a.version)}*{current}{self.dot}"
                f"{self.who(a.by)}{self.dot}{self.when(a.at)}\n"
                f"{self.field('conclusion')}*{escape(lbl.conclusion(p, lang, a.conclusion))}*\n"
                f"{self.field('demand_valid')}{escape(lbl.demand_valid(p, lang, a.demand_valid))}"
                f"\n{self.field('means')}{escape(lbl.means(p, lang, a.means_appropriate))}\n"
                f"{self.field('mhlw')}{escape(lbl.mhlw_types(p, lang, a.mhlw_types)) or '—'}\n"
                f"{self.field('reason')}"
            )
            items += self.items(head, a.reason or "—")
        return [header(self.tr("assessment")), *_pack(items or [self.tr("none_assessed")])]

    def measures(self) -> list[Block]:
        items = []
        for m in self.r.measures:
            line = f"• *{escape(lbl.measure(self.lang, m.kind))}*{self.dot}" + self.tr(
                "recorded_by", who=self.who(m.recorded_by), when=self.when(m.recorded_at)
            )
            if m.confirmed_at is not None:
                by, at = self.who(m.confirmed_by), self.when(m.confirmed_at)
                line += self.dot + self.tr("confirmed_by", who=by, when=at)
            elif m.needs_confirmation:
                line += self.dot + self.tr("awaiting")
            if m.detail.get("lawyer"):
                line += self.dot + escape(lbl.lawyer(self.lang, m.detail["lawyer"]))
            if m.detail.get("applies_to"):  # issue 12: the identifiers it acts on
                kinds = m.detail["applies_to"].split(",")
                line += self.dot + customer_ids.applies_line(self.lang, kinds)
            items.append(line)
            for key in ("police_no", "note"):
                if m.detail.get(key):
                    items += self.items(f"    {self.field(key)}", m.detail[key])
        return [header(self.tr("measures")), *_pack(items or [self.tr("no_measures")])]

    def care(self) -> list[Block]:
        c, r = self.case, self.r
        consent = self.tr("consent_yes" if c.counseling_ok else "consent_no")
        items = [f"{self.bold('counseling')} {consent}"]
        if r.care is None:
            items.append(f"{self.bold('care_step')} {self.tr('step_open')}")
        else:
            by, at = self.who(r.care.done_by), self.when(r.care.done_at)
            items.append(f"{self.bold('care_step')} {self.tr('care_done', who=by, when=at)}")
            if r.care.note:
                items += self.items(f"    {self.field('note')}", r.care.note)
        if not r.checkins:
            items.append(f"{self.bold('welfare')} {self.tr('welfare_none')}")
        for ci in r.checkins:
            answers = lbl.comma(self.lang).join(
                escape(lbl.answer(self.lang, a)) + lbl.paren(self.lang, self.when(at))
                for a, at in ci.answers
            )
            items.append(
                f"{self.bold('welfare')} {self.tr('sent', when=self.when(ci.sent_at))}{self.dot}"
                f"{answers or self.tr('no_answer')}"
            )
        if r.retaliation_reports:
            items.append(f":warning: {self.tr('retaliation', n=r.retaliation_reports)}")
        return [header(self.tr("care")), *_pack(items)]

    def close(self) -> list[Block]:
        items = self.items(f"{self.bold('summary')}\n", self.r.closing_summary or "—")
        items += self.items(f"{self.bold('lessons')}\n", self.r.lessons or "—")
        return [header(self.tr("close")), *_pack(items)]

    def timeline(self, room: int) -> list[Block]:
        lines = [self._entry(e) for e in self.r.timeline]
        blocks = _pack(lines)
        if len(blocks) <= room - 1:
            return [header(t(self.lang, "hr.show.timeline")), *blocks]
        # Newest first to keep: drop the oldest lines until the rest fits, and say so.
        kept = lines
        while kept and len(_pack(kept)) > room - 2:
            kept = kept[max(1, len(kept) // 10) :]
        note = context(self.tr("timeline_older", n=len(lines) - len(kept)))
        return [header(t(self.lang, "hr.show.timeline")), note, *_pack(kept)]

    def _entry(self, e: TimelineEntry) -> str:
        what = event_label(self.lang, e.event)
        d = e.detail
        extra = ""
        if e.event in ("step_done", "step_undone") and d.get("step"):
            extra = lbl.step(self.policy, self.lang, str(d["step"]))
        elif e.event in ("measure_recorded", "measure_confirmed") and d.get("kind"):
            extra = lbl.measure(self.lang, str(d["kind"]))
        elif e.event == "assessment_recorded" and d.get("conclusion"):
            concl = lbl.conclusion(self.policy, self.lang, str(d["conclusion"]))
            extra = concl + lbl.paren(self.lang, self.tr("version", version=d.get("version", "?")))
        elif e.event == "welfare_answered" and d.get("answer"):
            extra = lbl.answer(self.lang, str(d["answer"]))
        elif e.event == "policy_moved" and d.get("policy_to"):  # issue 12 §4
            extra = t(self.lang, "policy_move.moved", **{"from": d.get("policy_from"),
                                                         "to": d["policy_to"]})  # fmt: skip
        line = f"{self.when(e.at)}{self.dot}{self.who(e.actor)}{self.dot}{what}"
        if e.event == "lead_handed" and isinstance(d.get("to"), str):
            line += f" → {self.who(d['to'])}"
        return line + (f"{self.c}{escape(extra)}" if extra else "")


def build_record_modal(
    lang: str,
    record: CaseRecord,
    policy: Policy,
    tz: ZoneInfo,
    additions: list[tuple[datetime, str]],
    workspace_host: str = "",
    customer: Customer | None = None,
    deleted: frozenset[str] = frozenset(),  # files gone before a copy was kept
    talked: bool = False,  # messages with the employee exist (issue 12 §6)
) -> dict[str, Any]:
    v = _Record(lang, record, policy, tz)
    facts = v.facts()
    if customer is not None:  # issue 12: what HR needs to follow up with the customer
        facts += customer_ids.details_blocks(lang, record.case, customer)
    rest = [*v.steps(), *v.assessments(), *v.measures(), *v.care(), *v.close()]
    footer = [context(t(lang, "hr.show.audited"))]
    room = MAX_BLOCKS - len(facts) - len(rest) - len(footer)
    # Leave the timeline a little room.
    words = v.words(additions, workspace_host, room - 4, deleted, talked)
    timeline = v.timeline(room - len(words))
    blocks = [*facts, *words, *rest, *timeline, *footer]
    if len(blocks) > MAX_BLOCKS:  # only a pathological record (hundreds of versions)
        blocks = [*blocks[: MAX_BLOCKS - 2], context(v.tr("more_than_fits")), *footer]
    return modal(Callback.HR_CASE, record.case.case_no, blocks, close=t(lang, "close"))
