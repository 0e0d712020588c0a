"""Invalid configuration stops start-up with one clear line naming the key; exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.demo.harness import sample_config
from db.sealed import new_key

ROOT = Path(__file__).resolve().parents[1]


def toml(data: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, str):
            return '"' + v.replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v).lower() if isinstance(v, bool) else str(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if k != "rotations"]
    for name, rot in data.get("rotations", {}).items():
        lines.append(f"[rotations.{name}]")
        lines += [f"{k} = {value(v)}" for k, v in rot.items()]
    return "\n".join(lines) + "\n"


def run_cli(tmp_path: Path, config_text: str | None, *args: str,
            **env_over: str) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "ch.toml"
    if config_text is not None:
        cfg.write_text(config_text, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CH_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", CH_HASH_KEY="k" * 20,
               CH_DATA_KEY=new_key(), CH_CONFIG=str(cfg), CH_DB=str(tmp_path / "db"),
               PYTHONPATH=str(ROOT))  # this checkout's code, not whatever is installed
    env.update(env_over)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_check_config_prints_who_is_on_duty(tmp_path: Path) -> None:
    result = run_cli(tmp_path, toml(sample_config()), "check-config")
    assert result.returncode == 0, result.stderr
    assert "configuration OK" in result.stdout
    assert "legal: U0LEGAL00" in result.stdout and "counseling: U0COUNS00" in result.stdout


def broken(**changes: Any) -> str:
    data = sample_config()
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return toml(data)


def no_counseling() -> str:
    data = sample_config()
    del data["rotations"]["counseling"]
    return toml(data)


def bad_shift() -> str:
    data = sample_config()
    data["rotations"]["legal"]["shift"] = "a week"
    return toml(data)


CASES = [
    (broken(responders_channel=None), "responders_channel: missing"),
    (broken(responders_channel="general"), "responders_channel: not a Slack channel ID"),
    (broken(timezone="Tokyo/Nowhere"), "timezone: unknown time zone"),
    (broken(language="fr"), "language: must be one of ja, en"),
    (broken(hr=["bob"]), "hr[0]: not a Slack user or user-group ID"),
    (no_counseling(), "rotations.counseling: missing"),
    (bad_shift(), "rotations.legal.shift"),
    ("responders_channel = [", "not valid TOML"),
    (toml(sample_config()) + "[reminder]\nmax_escalations = 2\n", "reminder: unknown key"),
    (broken(repeat_window_days="abc"), "repeat_window_days: must be a whole number"),
    (broken(repeat_window_days=1.9), "repeat_window_days: must be a whole number"),
    (broken(repeat_window_days=True), "repeat_window_days: must be a whole number"),
    (broken(responders_chanel="C0123456789"), "responders_chanel: unknown key"),
    (toml(sample_config()).replace('shift = "7d"', 'shift = "7d"\nmember = "x"'),
     "rotations.legal.member: unknown key"),
    (toml(sample_config()) + "[reminders]\nack_after = { high = 30 }\n",
     "reminders.ack_after.high: must be a duration"),
    (toml(sample_config()) + "[reminders]\nmax_escalation = 2\n",
     "reminders.max_escalation: unknown key"),
    (toml(sample_config()) + "[retention]\nnarrative_days = true\n",
     "retention.narrative_days: must be a whole number"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_invalid_configuration_exits_2_naming_the_key(tmp_path: Path, text: str,
                                                      expected: str) -> None:
    result = run_cli(tmp_path, text, "check-config")
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_config_file_and_missing_secret(tmp_path: Path) -> None:
    result = run_cli(tmp_path, None, "run")
    assert result.returncode == 2 and "no configuration file" in result.stderr
    result = run_cli(tmp_path, toml(sample_config()), "run", SLACK_SIGNING_SECRET="")
    assert result.returncode == 2 and "SLACK_SIGNING_SECRET: missing" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["backup", "copy.db"], ["rotate-key"]])
def test_backup_and_rotate_key_without_a_database_say_so(tmp_path: Path,
                                                         command: list[str]) -> None:
    result = run_cli(tmp_path, toml(sample_config()), *command)
    assert result.returncode == 2, result.stderr
    assert "CH_DB: no database at" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "db").exists()  # nothing created by asking


@pytest.mark.parametrize(("raw", "ok"), [("0.5", True), ("2", True), ("0", False),
                                         ("nan", False), ("abc", False), ("121", False)])
def test_slack_timeout_takes_fractional_seconds(raw: str, ok: bool) -> None:
    from bot.settings import SettingsError, load_settings

    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "CH_HASH_KEY": "k" * 20,
           "CH_DATA_KEY": new_key(), "CH_SLACK_TIMEOUT": raw}
    if ok:
        assert load_settings(env).slack_timeout == float(raw)
    else:
        with pytest.raises(SettingsError, match="CH_SLACK_TIMEOUT"):
            load_settings(env)


def test_check_config_shows_an_override_set_in_the_database(tmp_path: Path) -> None:
    """check-config answers by the bot's rule: HR's override beats the schedule."""
    from datetime import UTC, datetime, timedelta

    from bot.config import load_config
    from db.overrides import add_override
    from db.store import open_database

    data = sample_config()
    before = run_cli(tmp_path, toml(data), "check-config")
    assert "schedule alone" in before.stdout and "(HR override)" not in before.stdout
    rotation = load_config(tmp_path / "ch.toml").rotations["legal"]
    now = datetime.now(UTC)
    stand_in = next(m for m in rotation.members if m != rotation.on_duty(now))
    db = open_database(tmp_path / "db")
    add_override(db, "legal", stand_in, now - timedelta(minutes=1), now + timedelta(hours=12),
                 "U0HR00000")
    db.conn.close()
    result = run_cli(tmp_path, toml(data), "check-config")
    assert result.returncode == 0, result.stderr
    assert f"legal: {stand_in} (HR override) until" in result.stdout
    assert "schedule alone" not in result.stdout


def test_check_config_refuses_an_edited_policy_that_kept_its_version(tmp_path: Path) -> None:
    """The start's check (docs/policy-file.md), made by check-config too: exit 2, one line."""
    from datetime import UTC, datetime

    from bot.domain.policy_file import read_policy
    from bot.domain.policy_versions import content_hash
    from db.policy_versions import record
    from db.store import open_database

    source, raw = read_policy(None)
    policy = tmp_path / "policy.toml"
    policy.write_bytes(raw)
    db = open_database(tmp_path / "db")
    record(db, "2026-12-01", content_hash(raw, source), raw, datetime(2026, 12, 1, tzinfo=UTC))
    db.conn.close()
    config = toml(sample_config(policy_file="policy.toml"))
    assert run_cli(tmp_path, config, "check-config").returncode == 0  # the same content
    policy.write_bytes(raw.replace(b'remind_after = "15m"', b'remind_after = "20m"', 1))
    result = run_cli(tmp_path, config, "check-config")
    assert result.returncode == 2, result
    assert "policy.toml: version: '2026-12-01' is already the version" in result.stderr
    assert "Traceback" not in result.stderr
