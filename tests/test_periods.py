"""Reporting periods: boundaries at midnight in Tokyo, and the period before."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.periods import PeriodError, parse_period

TZ = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "key", "start", "end", "prev_start"),
    [
        ("", "30d", jst(2026, 10, 29), jst(2026, 11, 28), jst(2026, 9, 29)),
        ("30d", "30d", jst(2026, 10, 29), jst(2026, 11, 28), jst(2026, 9, 29)),
        ("1d", "1d", jst(2026, 11, 27), jst(2026, 11, 28), jst(2026, 11, 26)),
        ("90D", "90d", jst(2026, 8, 30), jst(2026, 11, 28), jst(2026, 6, 1)),
        ("2026-10", "2026-10", jst(2026, 10, 1), jst(2026, 11, 1), jst(2026, 9, 1)),
        ("2026-1", "2026-01", jst(2026, 1, 1), jst(2026, 2, 1), jst(2025, 12, 1)),
        ("2026-12", "2026-12", jst(2026, 12, 1), jst(2027, 1, 1), jst(2026, 11, 1)),
        ("2026-Q3", "2026-Q3", jst(2026, 7, 1), jst(2026, 10, 1), jst(2026, 4, 1)),
        ("2026-q1", "2026-Q1", jst(2026, 1, 1), jst(2026, 4, 1), jst(2025, 10, 1)),
        ("2026-Q4", "2026-Q4", jst(2026, 10, 1), jst(2027, 1, 1), jst(2026, 7, 1)),
    ],
)
def test_periods(text: str, key: str, start: datetime, end: datetime, prev_start: datetime) -> None:
    p = parse_period(text, NOW, TZ)
    assert (p.key, p.start, p.end) == (key, start, end)
    prev = p.previous
    assert prev is not None and prev.start == prev_start and prev.end == start


def test_month_starts_at_tokyo_midnight_not_utc() -> None:
    p = parse_period("2026-11", NOW, TZ)
    assert p.start == datetime(2026, 10, 31, 15, 0, tzinfo=UTC)


def test_all_has_no_bounds_and_no_previous() -> None:
    p = parse_period("all", NOW, TZ)
    assert (p.start, p.end, p.previous) == (None, None, None)


def test_days_and_previous_have_the_same_length() -> None:
    p = parse_period("30d", NOW, TZ)
    prev = p.previous
    assert prev is not None and p.days == prev.days == 30


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-0", "2026-Q5", "0d", "99999d", "soon", "1999-01"]
)
def test_rejects(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text, NOW, TZ)
