"""The simulator speaks the Web API methods issue 13 added as Slack does: shapes and
errors of conversations.create / .invite / .archive and chat.getPermalink, and the
required arguments the spec leaves out but Slack enforces."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from slacksim import SlackSimulator
from slacksim.model import BOT_USER_ID
from slacksim.spec import (
    BUILTIN_REQUIRED,
    SLACK_ALSO_REQUIRES,
    find_spec_path,
    load_openapi_required,
)
from tests.test_simulator import TOKEN, client_for, expect_error

NEW = ("conversations.create", "conversations.invite", "conversations.archive")


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator(token=TOKEN) as simulator:
        simulator.add_user("U0PERSON01", "a")
        simulator.add_user("U0PERSON02", "b")
        yield simulator


@pytest.mark.skipif(find_spec_path() is None, reason="Slack's OpenAPI spec not present")
def test_the_new_methods_are_in_slacks_spec_and_the_tables() -> None:
    path = find_spec_path()
    assert path is not None
    declared = load_openapi_required(path)
    spec = json.loads(path.read_text("utf-8"))
    for method in (*NEW, "chat.getPermalink"):
        assert method in declared and method in BUILTIN_REQUIRED
        assert set(BUILTIN_REQUIRED[method]) == set(declared[method])
        # What our answer holds is what Slack's success schema names.
        schema = spec["paths"]["/" + method]
        success = next(iter(schema.values()))["responses"]["200"]["schema"]
        assert set(success["required"]) <= {"ok", "channel", "permalink"}
    for method in NEW:
        assert SLACK_ALSO_REQUIRES[method]


@pytest.mark.asyncio
async def test_create_invite_archive_as_slack_answers(sim: SlackSimulator) -> None:
    client = client_for(sim)
    made = await client.conversations_create(name="ch-2026-0042", is_private=True)
    channel = made["channel"]
    assert channel["is_private"] is True and channel["name"] == "ch-2026-0042"
    assert channel["is_member"] is True and channel["creator"] == BOT_USER_ID
    cid = channel["id"]
    err = await expect_error(client.conversations_create(name="ch-2026-0042", is_private=True))
    assert err.response["error"] == "name_taken"
    err = await expect_error(client.conversations_create(name="CH 2026", is_private=True))
    assert err.response["error"] == "invalid_name_specials"
    err = await expect_error(client.conversations_create(name="x" * 81))
    assert err.response["error"] == "invalid_name_maxlength"
    invited = await client.conversations_invite(channel=cid, users="U0PERSON01,U0PERSON02")
    assert invited["channel"]["id"] == cid
    assert sim.channels[cid].members == [BOT_USER_ID, "U0PERSON01", "U0PERSON02"]
    for users, error in (("U0PERSON01", "already_in_channel"), (BOT_USER_ID, "cant_invite_self"),
                         ("U0NOBODY01", "user_not_found")):  # fmt: skip
        err = await expect_error(client.conversations_invite(channel=cid, users=users))
        assert err.response["error"] == error
    assert (await client.conversations_archive(channel=cid))["ok"]
    err = await expect_error(client.conversations_archive(channel=cid))
    assert err.response["error"] == "already_archived"
    err = await expect_error(client.chat_postMessage(channel=cid, text="hello"))
    assert err.response["error"] == "is_archived"
    err = await expect_error(client.conversations_invite(channel=cid, users="U0PERSON01"))
    assert err.response["error"] == "is_archived"


@pytest.mark.asyncio
async def test_missing_arguments_are_refused_as_slack_refuses_them(sim: SlackSimulator) -> None:
    client = client_for(sim)
    for method, args in (("conversations.create", {}), ("conversations.invite", {"channel": "C1"}),
                         ("conversations.archive", {})):  # fmt: skip
        err = await expect_error(client.api_call(method, json=args))
        assert err.response["error"] == "invalid_arguments", method


@pytest.mark.asyncio
async def test_a_private_channel_the_bot_is_not_in_is_invisible(sim: SlackSimulator) -> None:
    sim.add_channel("C0SECRET01", "secret", members=["U0PERSON01"], is_private=True)
    msg = sim.add_message("C0SECRET01", "hi", "U0PERSON01")
    client = client_for(sim)
    err = await expect_error(client.chat_getPermalink(channel="C0SECRET01", message_ts=msg.ts))
    assert err.response["error"] == "channel_not_found"
    err = await expect_error(client.conversations_archive(channel="C0SECRET01"))
    assert err.response["error"] == "channel_not_found"
    err = await expect_error(client.chat_getPermalink(channel="D0NEVER001", message_ts="1.2"))
    assert err.response["error"] == "channel_not_found"
