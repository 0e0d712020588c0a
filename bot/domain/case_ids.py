"""Case numbers people can say aloud: CH-2026-0042 (year in the company's time zone)."""

from __future__ import annotations

import re

_CASE_NO = re.compile(r"^CH-(\d{4})-(\d{4,6})$")


def format_case_no(year: int, seq: int) -> str:
    return f"CH-{year}-{seq:04d}"


def parse_case_no(text: str) -> tuple[int, int] | None:
    m = _CASE_NO.match(text.strip().upper())
    return (int(m.group(1)), int(m.group(2))) if m else None
