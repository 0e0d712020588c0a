"""The `[case_room]` section: the private channel a severe case may get (issue 13).

Every key is optional (defaults shown)::

    [case_room]
    auto_for_urgent = false   # open one as soon as an urgent case is filed
    archive_at_close = true   # archive it when the case closes (else it is only told)
    hr = []                   # HR contacts to invite (Slack user IDs)

The lead and the on-duty legal and counseling people are always invited; the reporter
never is (the room is where the team talks about the case, not with the employee).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.config.errors import ConfigError, reject_unknown

KEYS = ("auto_for_urgent", "archive_at_close", "hr")
_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")


@dataclass(frozen=True)
class CaseRoom:
    auto_for_urgent: bool = False
    archive_at_close: bool = True
    hr: tuple[str, ...] = ()


def _bool(section: dict[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"case_room.{key}", f"must be true or false, got {value!r}")
    return value


def parse_case_room(section: Any) -> CaseRoom:
    if not isinstance(section, dict):
        raise ConfigError("case_room", "must be a table")
    reject_unknown(section, KEYS, "case_room.")
    hr = section.get("hr", [])
    if not isinstance(hr, list):
        raise ConfigError("case_room.hr", "must be a list of Slack user IDs")
    for i, uid in enumerate(hr):
        if not isinstance(uid, str) or not _USER.match(uid):
            raise ConfigError(f"case_room.hr[{i}]", f"not a Slack user ID: {uid!r}")
    return CaseRoom(
        auto_for_urgent=_bool(section, "auto_for_urgent", False),
        archive_at_close=_bool(section, "archive_at_close", True),
        hr=tuple(dict.fromkeys(hr)),
    )
