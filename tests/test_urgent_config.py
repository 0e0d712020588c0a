"""The configuration of issue 11: `sites`, `[rotations.backup]` and the new reminder
keys, parsed strictly (an error names the key), and the example file parses."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, parse_config
from bot.demo.harness import sample_config

ROOT = Path(__file__).resolve().parents[1]


def parsed(**overrides: Any) -> Any:
    return parse_config(sample_config(**overrides), Path("."))


def test_defaults() -> None:
    config = parsed()
    assert config.sites == ()
    s = config.reminders
    assert s.ack_through_quiet_hours == {"urgent", "high"}
    assert s.critical_ack_after == timedelta(minutes=15)
    assert s.backup_after == timedelta(minutes=3)


def test_sites_and_keys_parse() -> None:
    config = parsed(
        sites=[{"id": "shibuya", "name": "渋谷店", "supervisors": ["U0SUPERV01"]}],
        reminders={"ack_through_quiet_hours": ["urgent"], "backup_after": "5m"},
    )
    site = config.site("shibuya")
    assert site is not None and site.name == "渋谷店" and site.supervisors == ("U0SUPERV01",)
    assert config.site("nowhere") is None
    assert config.reminders.ack_through_quiet_hours == {"urgent"}
    assert config.reminders.backup_after == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"sites": {"id": "x"}}, "sites"),
        ({"sites": [{"id": "Shibuya", "name": "x"}]}, "sites[0].id"),
        ({"sites": [{"id": "a", "name": "x"}, {"id": "a", "name": "y"}]}, "sites[1].id"),
        ({"sites": [{"id": "a"}]}, "sites[0].name"),
        ({"sites": [{"id": "a", "name": "x", "boss": 1}]}, "sites[0].boss"),
        ({"sites": [{"id": "a", "name": "x", "supervisors": ["bob"]}]}, "sites[0].supervisors[0]"),
        ({"reminders": {"ack_through_quiet_hours": ["critical"]}},
         "reminders.ack_through_quiet_hours"),
        ({"reminders": {"backup_after": 3}}, "reminders.backup_after"),
        ({"reminders": {"critical_ack_after": "soon"}}, "reminders.critical_ack_after"),
    ],
)  # fmt: skip
def test_bad_values_name_the_key(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as e:
        parsed(**overrides)
    assert e.value.key == key


def test_the_example_file_with_the_commented_tables_parses() -> None:
    text = (ROOT / "ch-responder.example.toml").read_text("utf-8")
    # The optional tables are shown commented out: uncommented, they must parse too.
    lines = [
        line[2:] if line.startswith(("# [", "# id", "# name", "# supervisors", "# members",
                                     "# start", "# shift")) else line
        for line in text.splitlines()
    ]  # fmt: skip
    config = parse_config(tomllib.loads("\n".join(lines)), ROOT)
    assert "backup" in config.rotations and config.site("shibuya") is not None
