"""Settings from the environment (and `.env`), read once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from db.sealed import SealError, parse_key

DEFAULT_API_URL = "https://slack.com/api/"


class SettingsError(ValueError):
    """One missing or invalid environment setting; the message names it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str
    app_token: str | None
    api_url: str
    config_path: Path
    db_path: Path
    hash_key: bytes
    port: int
    # Data keys for encryption at rest: the first seals, all open (key rotation).
    data_keys: tuple[bytes, ...] = ()
    # Seconds before a Web API call is given up (the outbox then looks before reposting).
    slack_timeout: float = 10.0
    # Seconds before the first retry of a failed post (then doubling). Production keeps
    # 1 s; the real-process fault suite shortens it so its scenarios settle sooner.
    retry_backoff: float = 1.0
    # Kept only to warn that they are ignored: Bolt would silently switch to OAuth.
    oauth_env_present: bool = False


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"PORT: not a number: {raw!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"PORT: must be between 1 and 65535, got {port}")
    return port


def _seconds(name: str, raw: str, low: float, high: float) -> float:
    try:
        seconds = float(raw)
    except ValueError:
        raise SettingsError(f"{name}: not a number of seconds: {raw!r}") from None
    # Fractions (0.5) make tests fast; NaN and inf fail the range check too.
    if not low <= seconds <= high:
        raise SettingsError(f"{name}: must be between {low:g} and {high:g}, got {raw}")
    return seconds


def _timeout(raw: str) -> float:
    return _seconds("CH_SLACK_TIMEOUT", raw, 0.1, 120)


def load_settings(env: Mapping[str, str] | None = None, *, require_slack: bool = True) -> Settings:
    """Build Settings from `env` (default: os.environ after loading `.env`)."""
    if env is None:
        from dotenv import load_dotenv

        load_dotenv(override=False)
        env = os.environ

    def required(key: str) -> str:
        value = env.get(key, "").strip()
        if not value and require_slack:
            raise SettingsError(f"{key}: missing (see .env.example)")
        return value

    bot_token = required("SLACK_BOT_TOKEN")
    if bot_token and not bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN: must be a bot token starting with xoxb-")
    signing_secret = required("SLACK_SIGNING_SECRET")
    app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
    if app_token and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN: must be an app-level token starting with xapp-")
    hash_key = required("CH_HASH_KEY")
    if hash_key and len(hash_key) < 16:
        raise SettingsError("CH_HASH_KEY: too short; use at least 16 random characters")
    data_keys = []
    for name in ("CH_DATA_KEY", "CH_DATA_KEY_PREVIOUS"):
        raw = env.get(name, "").strip()
        if name == "CH_DATA_KEY" and not raw and require_slack:
            raise SettingsError("CH_DATA_KEY: missing (make one with `ch-responder new-key`)")
        for part in filter(None, (p.strip() for p in raw.split(","))):
            try:
                data_keys.append(parse_key(part))
            except SealError as e:
                raise SettingsError(f"{name}: {e}") from None
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise SettingsError(f"SLACK_API_URL: not an http(s) URL: {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"  # slack-sdk appends the method name to the base URL
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url,
        config_path=Path(env.get("CH_CONFIG", "").strip() or "ch-responder.toml"),
        db_path=Path(env.get("CH_DB", "").strip() or "data/ch-responder.db"),
        hash_key=hash_key.encode(),
        port=_port(env.get("PORT", "").strip() or "3000"),
        data_keys=tuple(data_keys),
        slack_timeout=_timeout(env.get("CH_SLACK_TIMEOUT", "").strip() or "10"),
        retry_backoff=_seconds(
            "CH_RETRY_BACKOFF", env.get("CH_RETRY_BACKOFF", "").strip() or "1", 0.01, 60
        ),
        oauth_env_present=bool(env.get("SLACK_CLIENT_ID") and env.get("SLACK_CLIENT_SECRET")),
    )
