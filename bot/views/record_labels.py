"""Labels for a case record's stored codes, in HR's language, for the case view and the
export alike. Plain text (not escaped): each caller escapes for its medium.

A code the policy no longer has (a case handled under an older version) still reads,
as its code, rather than failing the whole view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.policy import Category, Option, Policy, Step
from bot.i18n import catalogue, t


def _find(items: Sequence[Category | Option | Step], id: str, lang: str) -> str:
    for item in items:
        if item.id == id:
            return item.title.get(lang) if isinstance(item, Step) else item.label.get(lang)
    return id


def _key(lang: str, key: str, fallback: str) -> str:
    return t(lang, key) if key in catalogue("en") else fallback


def comma(lang: str) -> str:
    return "、" if lang == "ja" else ", "


def dot(lang: str) -> str:
    """Between the parts of one line (date · who · what): Japanese writes a full-width
    middle dot, as the catalogue does."""
    return " ・ " if lang == "ja" else " · "


def items(lang: str) -> str:
    """Between list items that have commas of their own ("Verbal abuse, insults, …")."""
    return "、" if lang == "ja" else "; "


def paren(lang: str, text: str) -> str:
    return f"（{text}）" if lang == "ja" else f" ({text})"


def colon(lang: str) -> str:
    return "：" if lang == "ja" else ": "


def category(policy: Policy, lang: str, id: str) -> str:
    return _find(policy.categories, id, lang)


def categories(policy: Policy, lang: str, ids: Sequence[str]) -> str:
    return items(lang).join(category(policy, lang, c) for c in ids)


def mhlw_types(policy: Policy, lang: str, ids: Sequence[str]) -> str:
    return comma(lang).join(_find(policy.mhlw_types, i, lang) for i in ids)


def channel(policy: Policy, lang: str, id: str) -> str:
    return _find(policy.contact_channels, id, lang)


def step(policy: Policy, lang: str, id: str) -> str:
    return _find(policy.steps, id, lang)


def demand_valid(policy: Policy, lang: str, id: str) -> str:
    return _find(policy.demand_valid, id, lang)


def means(policy: Policy, lang: str, id: str) -> str:
    return _find(policy.means_appropriate, id, lang)


def conclusion(policy: Policy, lang: str, id: str) -> str:
    return _find(policy.conclusions, id, lang)


def measure(lang: str, kind: str) -> str:
    return _key(lang, f"hr.measure.{kind}", kind)


def status(lang: str, id: str) -> str:
    return _key(lang, f"status.{id}", id)


def severity(lang: str, id: str) -> str:
    return _key(lang, f"severity.{id}", id)


def danger(lang: str, id: str) -> str:
    return _key(lang, f"hr.record.danger_{id}", id)


def answer(lang: str, id: str) -> str:
    return _key(lang, f"hr.record.answer_{id}", id)


def lawyer(lang: str, id: str) -> str:
    return _key(lang, f"act.measure.lawyer_{id}", id)


def yes_no(lang: str, value: bool) -> str:
    return t(lang, "yes" if value else "no")


def when(at: datetime | None, tz: ZoneInfo) -> str:
    """A time as people in the company read it: their zone, to the minute."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


def duration(lang: str, start: datetime, end: datetime | None) -> str:
    """ "2 days 3 h 5 min" / "2日3時間5分": a span people can read at a glance."""
    if end is None:
        return ""
    minutes = max(0, round((end - start).total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t(lang, "hr.record.days", n=days))
    if hours:
        parts.append(t(lang, "hr.record.hours", n=hours))
    if mins or not parts:
        parts.append(t(lang, "hr.record.minutes", n=mins))
    text = parts[0]
    for part in parts[1:]:  # "3 h 5 min" / "3時間5分": the spacing is the catalogue's
        text = t(lang, "hr.record.span", first=text, second=part)
    return text
