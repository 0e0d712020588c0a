"""Reporting periods HR asks about: `30d`, `90d`, `2026-10`, `2026-Q3`, `all`. Pure.

Boundaries fall at midnight in the company's time zone, not UTC: a report filed at
00:30 on 1 November in Tokyo belongs to November even though it is still October in
UTC. Every period is half-open, [start, end), so adjacent periods never share a case.

The comparison period is the one just before, of the same kind: the previous N days
for `Nd`, the previous calendar month or quarter for a month or a quarter (which is
what people compare in reviews; their lengths differ by a day or two). `all` has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT = "30d"
MAX_DAYS = 3660
_DAYS = re.compile(r"^(\d{1,4})d$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-q([1-4])$")


class PeriodError(ValueError):
    """Text that is not a period; the message is an i18n key."""


@dataclass(frozen=True)
class Period:
    key: str  # canonical text, e.g. "30d", "2026-10", "2026-Q3", "all"
    start: datetime | None  # aware; None = since the beginning
    end: datetime | None  # aware, exclusive; None = no end
    previous_key: str | None = None
    previous_start: datetime | None = None

    @property
    def previous(self) -> Period | None:
        if self.previous_key is None or self.start is None:
            return None
        return Period(self.previous_key, self.previous_start, self.start)

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return round((self.end - self.start).total_seconds() / 86400)


def _midnight(d: date, tz: ZoneInfo) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=tz)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def month(year: int, mon: int, tz: ZoneInfo) -> Period:
    if not (1 <= mon <= 12 and 2000 <= year <= 2100):
        raise PeriodError("hr.bad_period")
    ny, nm = _add_months(year, mon, 1)
    py, pm = _add_months(year, mon, -1)
    return Period(
        f"{year:04d}-{mon:02d}",
        _midnight(date(year, mon, 1), tz),
        _midnight(date(ny, nm, 1), tz),
        f"{py:04d}-{pm:02d}",
        _midnight(date(py, pm, 1), tz),
    )


def quarter(year: int, q: int, tz: ZoneInfo) -> Period:
    if not 2000 <= year <= 2100:
        raise PeriodError("hr.bad_period")
    first = 3 * (q - 1) + 1
    ny, nm = _add_months(year, first, 3)
    py, pm = _add_months(year, first, -3)
    return Period(
        f"{year:04d}-Q{q}",
        _midnight(date(year, first, 1), tz),
        _midnight(date(ny, nm, 1), tz),
        f"{py:04d}-Q{(pm - 1) // 3 + 1}",
        _midnight(date(py, pm, 1), tz),
    )


def last_days(n: int, now: datetime, tz: ZoneInfo) -> Period:
    """The last n local days including today: from midnight n-1 days ago to tonight."""
    if not 1 <= n <= MAX_DAYS:
        raise PeriodError("hr.bad_period")
    today = now.astimezone(tz).date()
    end = _midnight(today + timedelta(days=1), tz)
    start = _midnight(today - timedelta(days=n - 1), tz)
    prev = _midnight(today - timedelta(days=2 * n - 1), tz)
    return Period(f"{n}d", start, end, f"{n}d", prev)


def this_month(now: datetime, tz: ZoneInfo) -> Period:
    local = now.astimezone(tz)
    return month(local.year, local.month, tz)


def parse_period(text: str, now: datetime, tz: ZoneInfo) -> Period:
    """Parse what HR typed (case-insensitive); empty means the default, 30d."""
    s = text.strip().lower() or DEFAULT
    if s == "all":
        return Period("all", None, None)
    if m := _DAYS.match(s):
        return last_days(int(m.group(1)), now, tz)
    if m := _MONTH.match(s):
        return month(int(m.group(1)), int(m.group(2)), tz)
    if m := _QUARTER.match(s):
        return quarter(int(m.group(1)), int(m.group(2)), tz)
    raise PeriodError("hr.bad_period")
