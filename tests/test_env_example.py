"""`.env.example` and the README name every setting the code reads from the environment."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_read_by_the_code() -> set[str]:
    text = (ROOT / "bot" / "settings.py").read_text("utf-8")
    return set(re.findall(r'"((?:SLACK|CH)_[A-Z_]+|PORT)"', text)) - {
        "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"}  # read only to warn that they are ignored


def test_every_setting_is_documented() -> None:
    example = (ROOT / ".env.example").read_text("utf-8")
    readme = (ROOT / "README.md").read_text("utf-8")
    names = settings_read_by_the_code()
    assert {"SLACK_BOT_TOKEN", "CH_DATA_KEY", "PORT"} <= names
    for name in names:
        assert re.search(rf"^{name}=$", example, re.M), f"{name} missing from .env.example"
        assert f"`{name}`" in readme, f"{name} missing from the README"
