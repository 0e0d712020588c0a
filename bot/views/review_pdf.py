"""The annual policy review report as a PDF (reportlab). Pure: figures in, bytes out.

Text and charts use one font, the IPAexGothic TTF bundled with matplotlib-fontja
(bot/views/hr_chart.font_path), embedded in the PDF: Japanese renders on any machine
and in any viewer, and the charts speak the same language as the text. Customers
appear only as counts; employees are not named; the "prevent recurrence" notes are
responders' text and are escaped, never read as markup.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from bot.domain.case import STATUSES
from bot.domain.policy import Policy
from bot.domain.policy_versions import KnownVersion
from bot.domain.review import Review
from bot.domain.severity import SEVERITIES
from bot.domain.stats import share
from bot.i18n import t
from bot.views.counting import cases, counted, customers, duration_text
from bot.views.hr_chart import bar_axes, font, font_path
from bot.views.record_labels import dot
from bot.views.review_policy import change_sections, version_rows

FONT = "IPAexGothic"
MAX_BARS = 14  # categories in the chart; the table lists them all


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path())))


def _bars(labels: list[str], values: list[int], title: str, axis: str, horizontal: bool) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fp = font()
    height = max(2.4, 0.32 * len(labels) + 1.0) if horizontal else 3.0
    fig = Figure(figsize=(6.6, height), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    pos = list(range(len(labels)))
    if horizontal:
        ax.barh(pos[::-1], values, color="#4C72B0")
        ax.set_yticks(pos[::-1], labels)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
        ax.set_xlabel(axis, fontproperties=fp)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            label.set_fontproperties(fp)
    else:
        ax.bar(pos, values, color="#4C72B0")
        ax.set_xticks(pos, labels)
        ax.set_ylabel(axis, fontproperties=fp)
        bar_axes(ax, fp)
        if len(labels) > 8:  # a year of months: slanted, so the labels do not touch
            for label in ax.get_xticklabels():
                label.set_rotation(40)
                label.set_horizontalalignment("right")
    ax.set_title(title, fontproperties=fp)
    (ax.xaxis if horizontal else ax.yaxis).set_major_formatter("{x:,.0f}")  # 9,000
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _label(fn: Callable[[str], str], key: str) -> str:
    try:
        return fn(key)
    except KeyError:  # an id from an older policy version: shown as it is
        return key


def _ordered(counts: Mapping[str, int], order: tuple[str, ...] = ()) -> list[str]:
    return [k for k in order if k in counts] + sorted(
        (k for k in counts if k not in order), key=lambda k: (-counts[k], k)
    )


class _Doc:
    """Collects flowables in the report's styles."""

    def __init__(self, lang: str) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.lang = lang
        wrap = "CJK" if lang == "ja" else None  # Japanese breaks between characters
        base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=14, wordWrap=wrap)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12)
        self.h1 = ParagraphStyle("h1", parent=base, fontSize=17, leading=24, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=12,
                                 spaceAfter=4, textColor="#1F3A60")  # fmt: skip
        self.story: list[Any] = []

    def t(self, key: str, **kw: object) -> str:
        return t(self.lang, key, **kw)

    def para(self, text: str, style: Any = None) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(text, style or self.body))

    def head(self, key: str) -> None:
        self.para(escape(self.t(key)), self.h2)

    def table(self, rows: list[tuple[str, str]]) -> None:
        from reportlab.platypus import Paragraph, Table, TableStyle

        if not rows:
            self.para("—")
            return
        data = [[Paragraph(escape(a), self.body), Paragraph(escape(b), self.body)] for a, b in rows]
        table = Table(data, colWidths=[270, 200], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#C8CDD4"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))  # fmt: skip
        self.story.append(table)

    def image(self, png: bytes, width: float) -> None:
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        w, h = ImageReader(io.BytesIO(png)).getSize()
        self.story.append(Image(io.BytesIO(png), width=width, height=width * h / w))


def build_review_pdf(
    lang: str, r: Review, policy: Policy, period_label: str, previous_label: str,
    targets: Mapping[str, Any], made: datetime, tz: ZoneInfo,
    versions: Sequence[KnownVersion] = (),
    labels: Policy | None = None,
) -> bytes:  # fmt: skip
    """`versions`: the policy versions in force in the period, oldest first. `labels`:
    the current policy with what only older versions have (PolicyBook.labels), so a
    category a later version dropped is named, not shown as its id."""
    names = labels or policy
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    _register()
    d = _Doc(lang)
    s, c = r.summary, r.summary.counts

    def n(k: int) -> str:  # a counted noun: 1件, 2 cases
        return cases(lang, k)

    d.para(escape(d.t("hr.review.title")), d.h1)
    d.para(escape(d.t("hr.review.subtitle", company_policy=policy.name.get(lang),
                      period=period_label, made=made.astimezone(tz).strftime("%Y-%m-%d %H:%M"))),
           d.small)  # fmt: skip
    d.story.append(Spacer(1, 4))
    d.para(escape(d.t("hr.review.intro")))

    d.head("hr.review.overview")
    rows = [(d.t("hr.review.total"), n(c.total))]
    if s.previous is not None:
        rows.append((d.t("hr.review.previous", previous=previous_label), n(s.previous.total)))
    rows += [(t(lang, f"status.{k}"), n(c.by_status[k])) for k in _ordered(c.by_status, STATUSES)]
    d.table(rows)
    if r.monthly:
        months = sorted(r.monthly)
        d.image(_bars([_month(lang, m, len(months) > 12) for m in months],
                      [r.monthly[m] for m in months], d.t("hr.review.chart_months"),
                      d.t("hr.review.axis_cases"), horizontal=False), 440)  # fmt: skip

    d.head("hr.review.by_category")
    cat = {k: _label(lambda i: names.category(i).label.get(lang), k) for k in c.by_category}
    order = _ordered(c.by_category)
    d.table([(cat[k], n(c.by_category[k])) for k in order])
    if order:
        top = order[:MAX_BARS]
        d.image(_bars([cat[k] for k in top], [c.by_category[k] for k in top],
                      d.t("hr.review.chart_categories"), d.t("hr.review.axis_cases"),
                      horizontal=True), 400)  # fmt: skip
    d.head("hr.review.by_channel")
    d.table([(_label(lambda i: names.contact_channel(i).label.get(lang), k), n(c.by_channel[k]))
             for k in _ordered(c.by_channel)])  # fmt: skip
    d.head("hr.review.by_severity")
    d.table([(t(lang, f"severity.{k}"), n(c.by_severity[k]))
             for k in _ordered(c.by_severity, SEVERITIES)])  # fmt: skip
    d.head("hr.review.by_site")
    named = {k: v for k, v in r.by_site.items() if k}
    if named:
        d.table([(escape(k), n(named[k])) for k in _ordered(named)]
                + [(d.t("hr.review.site_none"), n(r.by_site.get("", 0)))])  # fmt: skip
    d.para(escape(d.t("hr.review.no_site")))

    d.head("hr.review.repeat")
    rep = s.repeat
    if rep.customers:
        largest = cases(lang, rep.top[0][0]) if rep.top else "—"
        d.para(escape(d.t("hr.review.repeat_text", customers=customers(lang, rep.customers),
                          cases=n(rep.cases), largest=largest)))  # fmt: skip
    else:
        d.para(escape(d.t("hr.review.repeat_none")))

    d.head("hr.review.times")
    ack = d.t("hr.summary.of", n=f"{c.ack_met:,}", of=f"{c.ack_due:,}",
              share=share(c.ack_met, c.ack_due))  # fmt: skip
    d.table([
        (d.t("hr.review.ack_target"), ack),
        (d.t("hr.review.ack_time"), _pct(lang, s.ack.median, s.ack.p90, s.ack.n)),
        (d.t("hr.review.close_time"), _pct(lang, s.close.median, s.close.p90, s.close.n)),
    ])  # fmt: skip
    if c.ack_pending:
        d.para(escape(counted(lang, "hr.count.pending", c.ack_pending)), d.small)
    spans = ("、" if lang == "ja" else ", ").join(
        f"{t(lang, f'severity.{k}')} {duration_text(v.total_seconds(), lang)}"
        for k, v in targets.items()
    )
    d.para(escape(d.t("hr.review.ack_targets", targets=spans)), d.small)
    d.para(escape(d.t("hr.review.close_target")), d.small)

    d.head("hr.review.measures")
    if s.measures:
        d.table([(_label(lambda k: _measure(lang, k), k), n(s.measures[k]))
                 for k in _ordered(s.measures)])  # fmt: skip
    else:
        d.para(escape(d.t("hr.review.measures_none")))
    d.head("hr.review.care")
    d.table([(d.t("hr.review.care_done"), n(s.care_done)),
             (d.t("hr.review.care_ok"), n(c.counseling_ok))])  # fmt: skip
    d.head("hr.review.retaliation")
    rows = [(d.t("hr.review.checkins_sent"), n(r.checkins_sent))]
    rows += [(d.t("hr.review.answer", answer=t(lang, f"welfare.answer_{a}")), n(r.answers[a]))
             for a in _ordered(r.answers, ("ok", "counseling", "worse"))]  # fmt: skip
    rows.append((d.t("hr.review.retaliation_reported"), n(s.retaliation)))
    d.table(rows)

    d.head("hr.review.lessons")
    d.para(escape(d.t("hr.review.lessons_done", done=n(r.prevent_done), noted=n(r.lessons_noted))))
    if not r.lessons:
        d.para(escape(d.t("hr.review.lessons_none")))
    for lesson in r.lessons:
        when = lesson.at.astimezone(tz).strftime("%Y-%m-%d")
        note = escape(lesson.note).replace("\n", "<br/>")
        d.para(f"<b>{escape(lesson.case_no)}</b>{dot(d.lang)}{when}<br/>{note}", d.small)
        d.story.append(Spacer(1, 3))
    if r.lessons_noted > len(r.lessons):
        d.para(escape(d.t("hr.review.lessons_more", n=n(r.lessons_noted - len(r.lessons)),
                          shown=n(len(r.lessons)))), d.small)  # fmt: skip

    d.head("hr.review.policy")
    d.para(escape(d.t("hr.review.policy_versions")))
    d.table([(k or "—", n(r.versions[k])) for k in sorted(r.versions, reverse=True)])
    d.story.append(Spacer(1, 4))
    # What changed (issue 12 §4): the versions in force, then each change between them.
    d.para(escape(d.t("policy_review.in_force")))
    d.table(version_rows(lang, versions, policy.version, tz))
    for head, lines in change_sections(lang, versions, tz):
        d.para(escape(head))
        d.para("<br/>".join(f"• {line}" for line in lines), d.small)  # escaped already
    if len(versions) < 2:
        d.para(escape(d.t("policy_review.unchanged")), d.small)
    d.story.append(Spacer(1, 4))
    d.para(escape(d.t("policy_review.current_steps", version=policy.version)))
    for i, step in enumerate(policy.steps, 1):
        d.para(f"{i}. <b>{escape(step.title.get(lang))}</b>: {escape(step.text.get(lang))}",
               d.small)  # fmt: skip

    d.head("hr.review.announcements")
    if not r.announcements:
        d.para(escape(d.t("hr.review.announce_none")))
    for a in r.announcements:
        at = a.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        line = d.t("hr.review.announce_line", at=at, channel=a.channel_name or a.channel,
                   version=a.policy_version)  # fmt: skip
        d.para(escape(line))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(FONT, 8)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, d.t("hr.review.page", n=doc.page))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm,
                            title=d.t("hr.review.title"), author="ch-responder")  # fmt: skip
    doc.build(d.story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _month(lang: str, ym: str, long: bool) -> str:
    """A chart label: 10月 / Oct; with the year when the period spans more than 12."""
    year, mon = int(ym[:4]), int(ym[5:7])
    if lang == "ja":
        return f"{year % 100}/{mon}" if long else f"{mon}月"
    return f"{year % 100}/{mon:02d}" if long else calendar.month_abbr[mon]


def _measure(lang: str, kind: str) -> str:
    text = t(lang, f"hr.measure.{kind}")
    if text == f"hr.measure.{kind}":
        raise KeyError(kind)
    return text


def _pct(lang: str, median: float | None, p90: float | None, count: int) -> str:
    if not count:
        return "—"
    return t(lang, "hr.review.percentiles", median=duration_text(median, lang),
             p90=duration_text(p90, lang), n=cases(lang, count))  # fmt: skip
