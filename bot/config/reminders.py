"""The `[reminders]` section of the configuration, validated at start-up.

Every key is optional; an absent key takes the default shown::

    [reminders]
    # How long a new case may wait for an acknowledgement before it escalates,
    # per severity (durations like "10m", "4h", "1d").
    ack_after = { urgent = "10m", high = "30m", medium = "4h", low = "4h" }
    # How many times an unacknowledged case escalates (each after the same interval).
    max_escalations = 3
    # How many times an open policy step is reminded (each after the step's interval).
    max_step_reminders = 3
    # Non-urgent reminders wait until the end of these local hours; "off" disables.
    quiet_hours = "22:00-07:00"
    # Local time of the daily digest of open cases; "off" disables.
    digest_time = "09:00"
    # Days after closing that the employee gets a welfare check-in; 0 disables.
    welfare_after_days = 14
    # Seconds between two runs of the reminder loop.
    tick_seconds = 30
    # Severities whose acknowledgement escalation never waits for quiet hours (the
    # digest and step reminders still do).
    ack_through_quiet_hours = ["urgent", "high"]
    # A high case with a "critical" category (violence, threats, stalking) escalates
    # after this long if its severity's ack_after is longer (docs/severity.md).
    critical_ack_after = "15m"
    # A case happening now summons a person; if nobody has said "I'm going" after this
    # long, the summons widens (repeated up to max_escalations times).
    backup_after = "3m"

Problems raise ConfigError naming the key (e.g. "reminders.ack_after.high").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.errors import ConfigError
from bot.domain.durations import parse_duration
from bot.domain.severity import DEFAULT_ACK_AFTER, SEVERITIES

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
KNOWN = {
    "ack_after",
    "max_escalations",
    "max_step_reminders",
    "quiet_hours",
    "digest_time",
    "welfare_after_days",
    "tick_seconds",
    "ack_through_quiet_hours",
    "critical_ack_after",
    "backup_after",
}


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # spans midnight

    def end_after(self, when: datetime, tz: ZoneInfo) -> datetime:
        """When quiet hours that include `when` end (an aware datetime)."""
        local = when.astimezone(tz)
        end = datetime.combine(local.date(), self.end, tzinfo=tz)
        if end <= local:
            end += timedelta(days=1)
        return end


@dataclass(frozen=True)
class ReminderSettings:
    ack_after: Mapping[str, timedelta]
    max_escalations: int = 3
    max_step_reminders: int = 3
    quiet_hours: QuietHours | None = QuietHours(time(22), time(7))
    digest_time: time | None = time(9)
    welfare_after: timedelta | None = timedelta(days=14)
    tick_seconds: float = 30.0
    ack_through_quiet_hours: frozenset[str] = frozenset({"urgent", "high"})
    critical_ack_after: timedelta = timedelta(minutes=15)
    backup_after: timedelta = timedelta(minutes=3)

    def quiet_until(self, when: datetime, tz: ZoneInfo) -> datetime | None:
        """The end of quiet hours if `when` falls in them, else None."""
        q = self.quiet_hours
        if q is None or not q.contains(when.astimezone(tz).time()):
            return None
        return q.end_after(when, tz)


def _clock(value: Any, key: str) -> time | None:
    if value == "off":
        return None
    m = _CLOCK.match(value) if isinstance(value, str) else None
    if not m:
        raise ConfigError(key, f'must be a local time "HH:MM" or "off", got {value!r}')
    return time(int(m[1]), int(m[2]))


def _duration(data: dict[str, Any], key: str, default: str) -> timedelta:
    raw = data.get(key, default)
    if not isinstance(raw, str):
        raise ConfigError(f"reminders.{key}", f'must be a duration such as "5m", got {raw!r}')
    try:
        return parse_duration(raw)
    except ValueError as e:
        raise ConfigError(f"reminders.{key}", str(e)) from None


def _severities(data: dict[str, Any], key: str, default: tuple[str, ...]) -> frozenset[str]:
    raw = data.get(key, list(default))
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"reminders.{key}", "must be a list of severities")
    for x in raw:
        if x not in SEVERITIES:
            known = ", ".join(SEVERITIES)
            raise ConfigError(f"reminders.{key}", f"unknown severity {x!r}; use {known}")
    return frozenset(raw)


def _int(data: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"reminders.{key}", f"must be a whole number {low}–{high}")
    return value


def parse_reminders(data: Any) -> ReminderSettings:
    if not isinstance(data, dict):
        raise ConfigError("reminders", "must be a table")
    for key in data:
        if key not in KNOWN:
            raise ConfigError(f"reminders.{key}", "unknown key")
    ack_raw = data.get("ack_after", {})
    if not isinstance(ack_raw, dict):
        raise ConfigError("reminders.ack_after", "must be a table of severity = duration")
    ack_after = dict(DEFAULT_ACK_AFTER)
    for sev, raw in ack_raw.items():
        key = f"reminders.ack_after.{sev}"
        if sev not in SEVERITIES:
            raise ConfigError(key, f"unknown severity; use {', '.join(SEVERITIES)}")
        if not isinstance(raw, str):
            raise ConfigError(key, f'must be a duration such as "30m", got {raw!r}')
        try:
            ack_after[sev] = parse_duration(raw)
        except ValueError as e:
            raise ConfigError(key, str(e)) from None
    quiet: QuietHours | None = None
    quiet_raw = data.get("quiet_hours", "22:00-07:00")
    if quiet_raw != "off":
        parts = quiet_raw.split("-") if isinstance(quiet_raw, str) else []
        if len(parts) != 2:
            raise ConfigError("reminders.quiet_hours", 'must look like "22:00-07:00" or "off"')
        start = _clock(parts[0].strip(), "reminders.quiet_hours")
        end = _clock(parts[1].strip(), "reminders.quiet_hours")
        if start is None or end is None or start == end:
            raise ConfigError("reminders.quiet_hours", "start and end must differ")
        quiet = QuietHours(start, end)
    days = _int(data, "welfare_after_days", 14, 0, 365)
    tick = data.get("tick_seconds", 30)
    if not isinstance(tick, int | float) or isinstance(tick, bool) or not 1 <= tick <= 3600:
        raise ConfigError("reminders.tick_seconds", "must be a number of seconds 1–3600")
    return ReminderSettings(
        ack_after=ack_after,
        max_escalations=_int(data, "max_escalations", 3, 0, 20),
        max_step_reminders=_int(data, "max_step_reminders", 3, 0, 20),
        quiet_hours=quiet,
        digest_time=_clock(data.get("digest_time", "09:00"), "reminders.digest_time"),
        welfare_after=timedelta(days=days) if days else None,
        tick_seconds=float(tick),
        ack_through_quiet_hours=_severities(data, "ack_through_quiet_hours", ("urgent", "high")),
        critical_ack_after=_duration(data, "critical_ack_after", "15m"),
        backup_after=_duration(data, "backup_after", "3m"),
    )

