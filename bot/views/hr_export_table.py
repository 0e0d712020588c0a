"""The export's table: one row per case record, headers and values in HR's language.

Labels, not stored codes; people by name (looked up by the flow), a confidential
reporter as "the employee"; times in the company's zone. Free text (the employee's
words, reasons, the closing summary and lessons) only when HR asked `with-text`.
The same cells go to the CSV and to the workbook (bot/views/hr_xlsx.py). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.case_record import CaseRecord
from bot.domain.evidence import hide_reporter_id
from bot.domain.policy import Policy
from bot.i18n import t
from bot.views import record_labels as lbl

Cell = str | int | float | datetime | None  # a datetime is local, naive: Excel has no zones

BASE = (
    "case_no", "reported_at", "occurred_at", "status", "severity", "site", "contact_channel",
    "categories", "mhlw_types", "danger", "reporter_named", "on_behalf", "counseling_ok",
    "repeat_count", "policy_version", "lead", "acknowledged_at", "acknowledged_by",
    "minutes_to_ack",
    "closed_at", "closed_by", "minutes_to_close", "conclusion", "demand_valid",
    "means_appropriate", "assessment_version", "assessed_at", "assessed_by", "measures",
    "measures_awaiting",
)  # fmt: skip
AFTER_STEPS = (
    "care_done", "counseling_requested", "checkins_sent", "checkin_answers",
    "retaliation_reported",
)  # fmt: skip
TEXT = ("demand", "narrative", "assessment_reason", "closing_summary", "lessons")
TIMES = frozenset({"reported_at", "occurred_at", "acknowledged_at", "closed_at", "assessed_at"})


@dataclass(frozen=True)
class Column:
    key: str  # "step_done.<id>" for a step's completion time
    header: str

    @property
    def is_time(self) -> bool:
        return self.key in TIMES or self.key.startswith("step_done.")


def columns(lang: str, policy: Policy, with_text: bool) -> list[Column]:
    cols = [Column(k, t(lang, f"hr.export.col.{k}")) for k in BASE]
    cols += [
        Column(f"step_done.{s.id}", t(lang, "hr.export.col.step", step=s.title.get(lang)))
        for s in policy.steps
    ]
    cols += [Column(k, t(lang, f"hr.export.col.{k}")) for k in AFTER_STEPS]
    if with_text:
        cols += [Column(k, t(lang, f"hr.export.col.{k}")) for k in TEXT]
    return cols


def _join(lang: str, items: list[str]) -> str:
    # English labels hold commas ("Verbal abuse, insults, ..."): "; " keeps them apart.
    return ("、" if lang == "ja" else "; ").join(items)


def _local(at: datetime | None, tz: ZoneInfo) -> datetime | None:
    return at.astimezone(tz).replace(tzinfo=None, microsecond=0) if at else None


def _minutes(start: datetime, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 60, 1) if end else None


class _Row:
    def __init__(
        self, lang: str, r: CaseRecord, policy: Policy, tz: ZoneInfo, names: Mapping[str, str]
    ) -> None:
        self.lang, self.r, self.p, self.tz, self.names = lang, r, policy, tz, names

    def who(self, actor: str | None) -> str:
        c = self.r.case
        if not actor:
            return ""
        if actor == c.reporter_id and not c.show_name:
            return t(self.lang, "actor.reporter")
        if actor == "ch-responder":
            return t(self.lang, "actor.bot")
        return self.names.get(actor, actor)

    def own_words(self, text: str) -> str:
        # The employee's words may hold their own user ID (a pasted link, a mention).
        return hide_reporter_id(text, self.r.case, t(self.lang, "evidence.id_hidden"))

    def values(self) -> dict[str, Cell]:
        r, c, lang, p, tz = self.r, self.r.case, self.lang, self.p, self.tz
        a = r.assessment
        answers = [lbl.answer(lang, x) for ci in r.checkins for x, _ in ci.answers]
        out: dict[str, Cell] = {
            "case_no": c.case_no,
            "reported_at": _local(c.reported_at, tz),
            "occurred_at": _local(c.occurred_at, tz),
            "status": lbl.status(lang, c.status),
            "severity": lbl.severity(lang, c.severity),
            "site": c.site or "",  # picked when asking for help now; other reports have none
            "contact_channel": lbl.channel(p, lang, c.contact_channel),
            "categories": _join(lang, [lbl.category(p, lang, x) for x in c.categories]),
            "mhlw_types": _join(lang, [lbl.mhlw_types(p, lang, [x]) for x in a.mhlw_types])
            if a
            else "",
            "danger": lbl.danger(lang, c.danger),
            "reporter_named": lbl.yes_no(lang, c.show_name),
            "on_behalf": lbl.yes_no(lang, c.on_behalf),  # who it was filed for is never exported
            "counseling_ok": lbl.yes_no(lang, c.counseling_ok),
            "repeat_count": c.repeat_count,
            "policy_version": c.policy_version,
            "lead": self.who(r.lead),
            "acknowledged_at": _local(c.acknowledged_at, tz),
            "acknowledged_by": self.who(r.acknowledged_by),
            "minutes_to_ack": _minutes(c.reported_at, c.acknowledged_at),
            "closed_at": _local(c.closed_at, tz),
            "closed_by": self.who(r.closed_by) if c.closed_at else "",
            "minutes_to_close": _minutes(c.reported_at, c.closed_at),
            "conclusion": lbl.conclusion(p, lang, a.conclusion) if a else "",
            "demand_valid": lbl.demand_valid(p, lang, a.demand_valid) if a else "",
            "means_appropriate": lbl.means(p, lang, a.means_appropriate) if a else "",
            "assessment_version": a.version if a else None,
            "assessed_at": _local(a.at, tz) if a else None,
            "assessed_by": self.who(a.by) if a else "",
            # A severe measure counts once a second responder confirmed it.
            "measures": _join(lang, [lbl.measure(lang, m.kind) for m in r.measures if m.counts]),
            "measures_awaiting": _join(
                lang, [lbl.measure(lang, m.kind) for m in r.measures if not m.counts]
            ),
            "care_done": lbl.yes_no(lang, r.care is not None),
            "counseling_requested": lbl.yes_no(lang, r.counseling_requested),
            "checkins_sent": len(r.checkins),
            "checkin_answers": _join(lang, answers),
            "retaliation_reported": r.retaliation_reports,
            "demand": self.own_words(c.demand),
            "narrative": self.own_words(c.narrative),
            "assessment_reason": a.reason if a else "",
            "closing_summary": r.closing_summary,
            "lessons": r.lessons,
        }
        for sid, done in r.steps.items():
            out[f"step_done.{sid}"] = _local(done.done_at, tz)
        return out


def row(
    lang: str,
    record: CaseRecord,
    cols: list[Column],
    policy: Policy,
    tz: ZoneInfo,
    names: Mapping[str, str],
) -> list[Cell]:
    values = _Row(lang, record, policy, tz, names).values()
    return [values.get(c.key) for c in cols]


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")  # Excel reads this as a date and time
    text = str(value)
    # A cell starting with = + - @ is a formula to Excel: a typed "=HYPERLINK(...)"
    # must stay text (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
