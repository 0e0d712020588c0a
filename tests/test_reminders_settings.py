"""The `[reminders]` configuration: defaults, and errors that name the key."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, parse_config
from bot.config.reminders import parse_reminders
from bot.demo.harness import sample_config

TOKYO = ZoneInfo("Asia/Tokyo")


def test_defaults_when_the_section_is_absent() -> None:
    s = parse_config(sample_config(), Path(".")).reminders
    assert s.ack_after == {
        "urgent": timedelta(minutes=10),
        "high": timedelta(minutes=30),
        "medium": timedelta(hours=4),
        "low": timedelta(hours=4),
    }
    assert (s.max_escalations, s.digest_time, s.welfare_after) == (3, time(9), timedelta(14))


def test_a_configured_section_is_read() -> None:
    config = parse_config(
        sample_config(
            reminders={
                "ack_after": {"high": "1h"},
                "max_escalations": 5,
                "quiet_hours": "off",
                "digest_time": "08:30",
                "welfare_after_days": 0,
            }
        ),
        Path("."),
    )
    s = config.reminders
    assert s.ack_after["high"] == timedelta(hours=1)
    assert s.ack_after["urgent"] == timedelta(minutes=10)
    assert (s.max_escalations, s.quiet_hours, s.digest_time) == (5, None, time(8, 30))
    assert s.welfare_after is None


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"ack_after": {"high": "soon"}}, "reminders.ack_after.high"),
        ({"ack_after": {"critical": "1h"}}, "reminders.ack_after.critical"),
        ({"ack_after": "1h"}, "reminders.ack_after"),
        ({"max_escalations": -1}, "reminders.max_escalations"),
        ({"max_escalations": True}, "reminders.max_escalations"),
        ({"quiet_hours": "22-7"}, "reminders.quiet_hours"),
        ({"quiet_hours": "07:00-07:00"}, "reminders.quiet_hours"),
        ({"digest_time": "25:00"}, "reminders.digest_time"),
        ({"welfare_after_days": "14"}, "reminders.welfare_after_days"),
        ({"tick_seconds": 0}, "reminders.tick_seconds"),
        ({"remind_every": "1h"}, "reminders.remind_every"),
        ("often", "reminders"),
    ],
)
def test_mistakes_name_the_key(section: Any, key: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_reminders(section)
    assert e.value.key == key


@pytest.mark.parametrize(
    ("local", "quiet_until"),
    [
        ("2026-11-27T21:59", None),
        ("2026-11-27T22:00", "2026-11-28T07:00"),
        ("2026-11-28T03:00", "2026-11-28T07:00"),
        ("2026-11-28T07:00", None),
        ("2026-11-28T12:00", None),
    ],
)
def test_quiet_hours_span_midnight(local: str, quiet_until: str | None) -> None:
    s = parse_reminders({"quiet_hours": "22:00-07:00"})
    got = s.quiet_until(datetime.fromisoformat(local).replace(tzinfo=TOKYO), TOKYO)
    want = datetime.fromisoformat(quiet_until).replace(tzinfo=TOKYO) if quiet_until else None
    assert got == want
