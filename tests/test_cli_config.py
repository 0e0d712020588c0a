"""Invalid configuration stops start-up with one clear line naming the key; exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.simulator.harness import sample_config
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
               CH_DATA_KEY=new_key(), CH_CONFIG=str(cfg), CH_DB=str(tmp_path / "db"))
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
