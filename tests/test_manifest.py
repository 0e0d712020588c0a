"""The Slack app manifest is valid and matches what the bot listens for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.demo.harness import Harness

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "slack-manifest-schema" / "schemas" / "manifest.schema.1.0.0.json"


def manifest() -> dict:  # type: ignore[type-arg]
    return json.loads((ROOT / "manifest.json").read_text("utf-8"))


def test_manifest_validates_against_slacks_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"Slack's manifest schema is not beside the repo ({SCHEMA}); "
                    "it is a reference copy in ../shared, present in CI")
    import jsonschema

    schema = json.loads(SCHEMA.read_text("utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest()), key=str)
    assert not errors, [e.message for e in errors]


async def test_every_declared_command_reaches_a_listener(h: Harness) -> None:
    # Bolt answers 404 to a request no listener matches.
    for command in manifest()["features"]["slash_commands"]:
        reply = await h.slash(command["command"], h.cast.outsider, "")
        assert reply.status == 200, (command["command"], reply)


async def test_unknown_command_is_not_handled(h: Harness) -> None:
    reply = await h.slash("/not-ours", h.cast.outsider, "")
    assert reply.status == 404


def test_manifest_subscribes_to_what_the_bot_needs() -> None:
    m = manifest()
    assert m["settings"]["interactivity"]["is_enabled"] is True
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    # users.info, conversations.info/members/history/replies of the (private) responders
    # channel, usergroups.users.list, chat.postMessage, DMs, uploads
    assert {"commands", "chat:write", "im:write", "im:history", "users:read", "groups:read",
            "groups:history", "usergroups:read", "files:write"} <= scopes
    events = m["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_home_opened", "message.groups", "message.im"} <= set(events)


def test_manifest_asks_for_no_public_channel_scope() -> None:
    """Least privilege: the responders channel must be private (the bot refuses to start
    otherwise), so nothing the bot does needs to read public channels."""
    m = manifest()
    scopes = m["oauth_config"]["scopes"]["bot"]
    assert [s for s in scopes if s.startswith("channels:")] == []
    assert "message.channels" not in m["settings"]["event_subscriptions"]["bot_events"]
