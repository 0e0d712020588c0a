"""The review report's "what changed in the policy" part (issue 14 §3, issue 12 §4):
the versions in force in the period with the date each was first used, and the steps
added, removed and changed between each and the next. Pure: lines of text, escaped for
reportlab's markup (the same entities as mrkdwn's), that bot/views/review_pdf lays out.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.policy_versions import KnownVersion, step_changes
from bot.i18n import t
from bot.views.policy_move import change_lines


def _day(v: KnownVersion, tz: ZoneInfo) -> str:
    return v.first_seen.astimezone(tz).strftime("%Y-%m-%d")


def version_rows(
    lang: str, versions: Sequence[KnownVersion], current: str, tz: ZoneInfo
) -> list[tuple[str, str]]:
    """(version, "first used <date>" and whether it is the current one) per version."""
    rows = []
    for v in versions:
        used = t(lang, "policy_review.first_used", date=_day(v, tz))
        if v.version == current:
            used += t(lang, "policy_review.current")
        rows.append((v.version, used))
    return rows


def change_sections(
    lang: str, versions: Sequence[KnownVersion], tz: ZoneInfo
) -> list[tuple[str, list[str]]]:
    """(heading, item lines) per change from one version to the next."""
    out = []
    for old, new in pairwise(versions):
        head = t(lang, "policy_review.changes", old=old.version, new=new.version,
                 date=_day(new, tz))  # fmt: skip
        lines = change_lines(lang, step_changes(old.policy, new.policy))
        out.append((head, lines or [t(lang, "policy_move.no_step_change")]))
    return out
