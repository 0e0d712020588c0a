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


async def test_every_declared_shortcut_reaches_a_listener(h: Harness) -> None:
    """Issue 13: the message and global shortcuts; Bolt answers 404 to one nobody handles."""
    declared = manifest()["features"]["shortcuts"]
    assert {s["type"] for s in declared} == {"message", "global"}
    for s in declared:
        trigger = h.sim.new_trigger(h.cast.employee)
        if s["type"] == "global":
            reply = await h.slack.global_shortcut(h.cast.employee, s["callback_id"], trigger)
        else:
            message = {"type": "message", "text": "x", "user": h.cast.outsider,
                       "ts": "1764300000.000100", "team": "T0SIM"}  # fmt: skip
            reply = await h.slack.message_shortcut(
                h.cast.employee, s["callback_id"], trigger, channel="C0GENERAL1", message=message
            )
        assert reply.status == 200, (s, reply)
    reply = await h.slack.global_shortcut(h.cast.employee, "not.ours", h.sim.new_trigger("U1"))
    assert reply.status == 404


def test_scopes_are_what_the_bot_uses_and_no_more() -> None:
    """Shortcuts need only `commands`; the private case room (conversations.create with
    is_private, .invite, .archive) needs `groups:write`; chat.getPermalink needs none."""
    assert sorted(manifest()["oauth_config"]["scopes"]["bot"]) == sorted([
        "commands", "chat:write", "im:write", "im:history", "groups:history", "groups:read",
        "groups:write", "users:read", "usergroups:read", "files:write", "files:read",
    ])  # fmt: skip
