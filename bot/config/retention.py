"""The `[retention]` section of the configuration, validated at start-up.

Periods count from the day a case closes; every key is optional::

    [retention]
    narrative_days = 1095   # the story, the demand, notes, reasons, relayed messages
    evidence_days = 1095    # evidence links, file references, sealed copies, copies left in DMs
    identity_days = 1095    # who reported, customer identifiers (sealed + hashes), DM channels
    timeline_days = 1825    # timeline details (the who/what/when entries stay as a record)
    check_hours = 24        # how often the purge runs
    shared_copy_hours = 24  # how long a copy of evidence opened by a responder stays in her DM

A case under legal hold (`/ch-hold set`) is skipped whatever its age. A shared copy
(the file the bot puts in a viewer's DM when she opens evidence) is deleted from Slack
after `shared_copy_hours`, hold or not: the hold keeps the sealed copy in the database,
and the viewer can open it again from View details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.config.errors import ConfigError

RULES = ("narrative", "evidence", "identity", "timeline")
DEFAULT_DAYS = {"narrative": 1095, "evidence": 1095, "identity": 1095, "timeline": 1825}


@dataclass(frozen=True)
class Retention:
    periods: dict[str, timedelta]  # rule -> time after closing
    check_every: timedelta = timedelta(hours=24)
    shared_copy_for: timedelta = timedelta(hours=24)  # then the DM copy is deleted


def _positive(section: dict[str, Any], key: str, default: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"retention.{key}", f"must be a whole number above 0, got {value!r}")
    return value


def parse_retention(section: Any) -> Retention:
    if not isinstance(section, dict):
        raise ConfigError("retention", "must be a table")
    known = {f"{r}_days" for r in RULES} | {"check_hours", "shared_copy_hours"}
    for key in section:
        if key not in known:
            raise ConfigError(f"retention.{key}", f"unknown key; known: {', '.join(sorted(known))}")
    periods = {r: timedelta(days=_positive(section, f"{r}_days", DEFAULT_DAYS[r])) for r in RULES}
    return Retention(
        periods,
        timedelta(hours=_positive(section, "check_hours", 24)),
        timedelta(hours=_positive(section, "shared_copy_hours", 24)),
    )
