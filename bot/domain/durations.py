"""Durations as an admin writes them in configuration and policy files ("30m", "1d12h"). Pure."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_DURATION_HINT = (
    "expected a number and a unit (w, d, h, m, s), largest unit first, "
    "e.g. '90s', '30m', '4h', '7d' or '1d12h'"
)


def parse_duration(s: str) -> timedelta:
    """Parse "90s", "30m", "12h", "1d", "2w" or combinations such as "1d12h".

    Raises ValueError with a message fit to show an admin for anything else, and for zero
    or negative durations: a reminder or shift that is due immediately is always a typo.
    """
    text = s.strip()
    if text.startswith("-"):
        raise ValueError(f"duration {s!r} must be positive")
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"invalid duration {s!r}: {_DURATION_HINT}")
    weeks, days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    try:
        result = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ValueError(f"duration {s!r} is too long") from None
    if result <= timedelta(0):
        raise ValueError(f"duration {s!r} must be positive")
    return result
