"""The company's TOML configuration, read and validated once at start-up.

Every problem is reported as one line naming the key, so an admin can fix it
without reading a traceback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.case_room import CaseRoom, parse_case_room
from bot.config.errors import ConfigError, reject_unknown, require
from bot.config.reminders import ReminderSettings, parse_reminders
from bot.config.retention import Retention, parse_retention
from bot.config.sites import parse_sites
from bot.domain.durations import parse_duration
from bot.domain.rotation import Rotation
from bot.domain.urgent import Site

LANGUAGES = ("ja", "en")
REQUIRED_ROTATIONS = ("legal", "counseling")
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{6,}$")
_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")
_GROUP = re.compile(r"^S[A-Z0-9]{6,}$")
# Every top-level key and table; anything else is a typo that would silently do nothing.
TOP_LEVEL = (
    "responders_channel",
    "hr",
    "timezone",
    "language",
    "rotations",
    "policy_file",
    "repeat_window_days",
    "reminders",
    "retention",
    "case_room",
    "sites",
)
ROTATION_KEYS = ("members", "start", "shift")


@dataclass(frozen=True)
class Config:
    responders_channel: str
    hr_users: tuple[str, ...]
    hr_groups: tuple[str, ...]
    timezone: ZoneInfo
    language: str
    rotations: dict[str, Rotation]
    policy_file: Path | None = None
    repeat_window: timedelta = timedelta(days=180)
    # The [reminders] and [retention] tables, parsed once at load (defaults if absent).
    reminders: ReminderSettings = field(default_factory=lambda: parse_reminders({}))
    retention: Retention = field(default_factory=lambda: parse_retention({}))
    case_room: CaseRoom = field(default_factory=CaseRoom)  # [case_room] (issue 13)
    # Where an employee may be when they ask for help now (bot/config/sites.py).
    sites: tuple[Site, ...] = ()

    def site(self, site_id: str | None) -> Site | None:
        return next((s for s in self.sites if s.id == site_id), None)


def _rotation(name: str, data: Any) -> Rotation:
    where = f"rotations.{name}."
    if not isinstance(data, dict):
        raise ConfigError(f"rotations.{name}", "must be a table")
    reject_unknown(data, ROTATION_KEYS, where)
    members = require(data, "members", list, where)
    if not members:
        raise ConfigError(f"{where}members", "must name at least one person")
    for i, m in enumerate(members):
        if not isinstance(m, str) or not _USER.match(m):
            raise ConfigError(f"{where}members[{i}]", f"not a Slack user ID: {m!r}")
    start = data.get("start")
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start)
        except ValueError:
            raise ConfigError(f"{where}start", f"not an ISO date-time: {start!r}") from None
    if not isinstance(start, datetime):
        raise ConfigError(f"{where}start", "missing or not a date-time")
    if start.tzinfo is None:
        raise ConfigError(f"{where}start", "needs a UTC offset, e.g. 2026-01-05T09:00:00+09:00")
    shift_raw = require(data, "shift", str, where)
    try:
        shift = parse_duration(shift_raw)
    except ValueError as e:
        raise ConfigError(f"{where}shift", str(e)) from None
    return Rotation(name, tuple(members), start, shift)


def parse_config(data: dict[str, Any], base_dir: Path) -> Config:
    reject_unknown(data, TOP_LEVEL)
    channel = require(data, "responders_channel", str)
    if not _CHANNEL.match(channel):
        raise ConfigError("responders_channel", f"not a Slack channel ID: {channel!r}")
    hr = require(data, "hr", list)
    hr_users, hr_groups = [], []
    for i, h in enumerate(hr):
        if isinstance(h, str) and _USER.match(h):
            hr_users.append(h)
        elif isinstance(h, str) and _GROUP.match(h):
            hr_groups.append(h)
        else:
            raise ConfigError(f"hr[{i}]", f"not a Slack user or user-group ID: {h!r}")
    if not hr:
        raise ConfigError("hr", "must name at least one person or user group")
    tz_name = require(data, "timezone", str)
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone", f"unknown time zone: {tz_name!r}") from None
    language = require(data, "language", str)
    if language not in LANGUAGES:
        raise ConfigError("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")
    rotations_raw = require(data, "rotations", dict)
    rotations = {name: _rotation(name, r) for name, r in rotations_raw.items()}
    for needed in REQUIRED_ROTATIONS:
        if needed not in rotations:
            raise ConfigError(f"rotations.{needed}", "missing")
    policy_file = None
    if "policy_file" in data:
        policy_file = base_dir / require(data, "policy_file", str)
        if not policy_file.is_file():
            raise ConfigError("policy_file", f"no such file: {policy_file}")
    window = data.get("repeat_window_days", 180)
    # bool is an int in Python: `true` must not read as one day, nor 1.9 as one.
    if not isinstance(window, int) or isinstance(window, bool):
        raise ConfigError("repeat_window_days", f"must be a whole number of days, got {window!r}")
    if window < 1:
        raise ConfigError("repeat_window_days", "must be at least 1")
    return Config(
        responders_channel=channel,
        hr_users=tuple(hr_users),
        hr_groups=tuple(hr_groups),
        timezone=tz,
        language=language,
        rotations=rotations,
        policy_file=policy_file,
        repeat_window=timedelta(days=window),
        reminders=parse_reminders(data.get("reminders", {})),
        retention=parse_retention(data.get("retention", {})),
        case_room=parse_case_room(data.get("case_room", {})),
        sites=parse_sites(data.get("sites", [])),
    )


def load_config(path: Path) -> Config:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("CH_CONFIG", f"no configuration file at {path}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(str(path), f"not valid TOML: {e}") from None
    return parse_config(data, path.parent)
