"""Tests for the fake Slack Web API, driven through slack-sdk's real AsyncWebClient."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from slacksim import (
    BOT_USER_ID,
    BUILTIN_REQUIRED,
    NEWER_THAN_SPEC,
    RESPONSE_URL_CALL,
    SLACK_ALSO_REQUIRES,
    UPLOAD_CALL,
    SimulatorSpec,
    SlackSimulator,
    find_spec_path,
    load_openapi_required,
    render_message,
    render_view,
)
from slacksim import spec as spec_module

TOKEN = "xoxb-test"
SPEC_PATH = find_spec_path()
needs_spec = pytest.mark.skipif(
    SPEC_PATH is None,
    reason="Slack OpenAPI spec not found (../shared/slack-api-specs or $CH_SLACK_SPEC)",
)


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator(token=TOKEN) as simulator:
        simulator.add_user("U1", "alice", real_name="Alice A", locale="ja-JP")
        simulator.add_user("U2", "bob")
        simulator.add_channel("C1", "hr-cases", members=["U1", "U2", BOT_USER_ID])
        yield simulator


def client_for(sim: SlackSimulator, token: str = TOKEN, timeout: int = 5) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=sim.base_url, timeout=timeout)


async def expect_error(call: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        await call  # type: ignore[misc]
    return info.value


# --------------------------------------------------------------------------- messages


@pytest.mark.asyncio
async def test_post_message_returns_unique_increasing_ts(sim: SlackSimulator) -> None:
    client = client_for(sim)
    stamps = []
    for i in range(5):
        resp = await client.chat_postMessage(channel="C1", text=f"hello {i}")
        assert resp["channel"] == "C1"
        stamps.append(resp["ts"])
    assert len(set(stamps)) == 5
    assert [float(s) for s in stamps] == sorted(float(s) for s in stamps)
    assert all(len(s.split(".")[1]) == 6 for s in stamps)
    assert [m.text for m in sim.messages("C1")] == [f"hello {i}" for i in range(5)]
    assert sim.messages("C1")[0].user == BOT_USER_ID


@pytest.mark.asyncio
async def test_post_to_user_id_lands_in_dm(sim: SlackSimulator) -> None:
    client = client_for(sim)
    resp = await client.chat_postMessage(channel="U1", text="your report was received")
    dm = resp["channel"]
    assert dm.startswith("D")
    opened = await client.conversations_open(users="U1")
    assert opened["channel"]["id"] == dm
    again = await client.chat_postMessage(channel=dm, text="second")
    assert again["channel"] == dm
    assert [m.text for m in sim.dms("U1")] == ["your report was received", "second"]
    assert sim.dms("U2") == []


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
async def test_post_message_requires_some_content(sim: SlackSimulator) -> None:
    err = await expect_error(client_for(sim).chat_postMessage(channel="C1"))
    assert err.response["error"] == "no_text"
    blocks_only = await client_for(sim).chat_postMessage(channel="C1", blocks=[{"type": "divider"}])
    assert blocks_only["ok"]


@pytest.mark.asyncio
async def test_update_history_replies_permalink_metadata(sim: SlackSimulator) -> None:
    client = client_for(sim)
    metadata = {"event_type": "case_opened", "event_payload": {"case": "K-1"}}
    parent = await client.chat_postMessage(channel="C1", text="case", metadata=metadata)
    ts = parent["ts"]
    await client.chat_postMessage(channel="C1", text="reply 1", thread_ts=ts)
    await client.chat_postMessage(channel="C1", text="reply 2", thread_ts=ts)
    await client.chat_postMessage(channel="C1", text="later")

    history = await client.conversations_history(channel="C1", include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["later", "case"]
    assert history["messages"][1]["metadata"] == metadata

    replies = await client.conversations_replies(channel="C1", ts=ts)
    assert [m["text"] for m in replies["messages"]] == ["case", "reply 1", "reply 2"]
    assert [m.text for m in sim.replies("C1", ts)] == ["reply 1", "reply 2"]

    newer = await client.conversations_history(channel="C1", oldest=ts)
    assert [m["text"] for m in newer["messages"]] == ["later"]

    await client.chat_update(channel="C1", ts=ts, text="case (closed)")
    assert sim.messages("C1")[0].text == "case (closed)"
    assert sim.messages("C1")[0].metadata == metadata  # omitted fields are kept
    err = await expect_error(client.chat_update(channel="C1", ts="1.000000", text="x"))
    assert err.response["error"] == "message_not_found"

    link = await client.chat_getPermalink(channel="C1", message_ts=ts)
    assert link["permalink"] == f"https://sim.slack.test/archives/C1/p{ts.replace('.', '')}"


@pytest.mark.asyncio
async def test_ephemeral_and_reactions(sim: SlackSimulator) -> None:
    client = client_for(sim)
    resp = await client.chat_postEphemeral(channel="C1", user="U2", text="only you")
    assert resp["message_ts"]
    assert [e.text for e in sim.ephemerals("U2")] == ["only you"]
    assert sim.messages("C1") == []

    posted = await client.chat_postMessage(channel="C1", text="x")
    await client.reactions_add(channel="C1", timestamp=posted["ts"], name="eyes")
    assert sim.messages("C1")[0].reactions == ["eyes"]


@pytest.mark.asyncio
async def test_form_encoded_json_fields_are_decoded(sim: SlackSimulator) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    # Form body plus query string: both must be merged.
    resp = await client_for(sim).api_call(
        "chat.postMessage",
        data={"blocks": json.dumps(blocks), "text": "[1]"},
        params={"channel": "C1"},
    )
    assert resp["ok"]
    msg = sim.messages("C1")[0]
    assert msg.blocks == blocks
    assert msg.text == "[1]"  # text is never JSON-decoded


@pytest.mark.asyncio
async def test_response_url_respond(sim: SlackSimulator) -> None:
    webhook = AsyncWebhookClient(sim.response_url("U1", "C1"))
    assert (await webhook.send(text="only you see this")).status_code == 200
    assert (await webhook.send(text="everyone", response_type="in_channel")).status_code == 200
    assert [e.text for e in sim.ephemerals("U1")] == ["only you see this"]
    assert [m.text for m in sim.messages("C1")] == ["everyone"]
    assert [c.method for c in sim.calls] == [RESPONSE_URL_CALL, RESPONSE_URL_CALL]


# ---------------------------------------------------------------- people & channels


@pytest.mark.asyncio
async def test_users_channels_and_groups(sim: SlackSimulator) -> None:
    client = client_for(sim)
    plain = await client.users_info(user="U1")
    assert plain["user"]["profile"]["real_name"] == "Alice A"
    assert "locale" not in plain["user"]
    with_locale = await client.users_info(user="U1", include_locale=True)
    assert with_locale["user"]["locale"] == "ja-JP"
    err = await expect_error(client.users_info(user="U404"))
    assert err.response["error"] == "user_not_found"

    members = await client.conversations_members(channel="C1")
    assert members["members"] == ["U1", "U2", BOT_USER_ID]
    assert members["response_metadata"]["next_cursor"] == ""
    info = await client.conversations_info(channel="C1")
    assert info["channel"]["name"] == "hr-cases"

    sim.add_usergroup("S1", ["U1", "U2"])
    group = await client.usergroups_users_list(usergroup="S1")
    assert group["users"] == ["U1", "U2"]

    auth = await client.auth_test()
    assert (auth["user_id"], auth["bot_id"]) == ("U0BOT", "B0BOT")


# ------------------------------------------------------------------ spec & auth


@pytest.mark.asyncio
async def test_missing_required_argument_rejected(sim: SlackSimulator) -> None:
    err = await expect_error(client_for(sim).api_call("chat.update", json={"channel": "C1"}))
    assert err.response.status_code == 200
    assert err.response["error"] == "invalid_arguments"
    assert err.response["response_metadata"]["messages"] == ["[ERROR] missing required field: ts"]
    assert sim.calls_to("chat.update")[0].response["error"] == "invalid_arguments"


@pytest.mark.asyncio
async def test_unknown_method_rejected(sim: SlackSimulator) -> None:
    err = await expect_error(client_for(sim).api_call("chat.postMessageTypo"))
    assert err.response.status_code == 404
    assert err.response["error"] == "unknown_method"


@pytest.mark.asyncio
async def test_bad_or_missing_token(sim: SlackSimulator) -> None:
    err = await expect_error(client_for(sim, token="xoxb-wrong").auth_test())
    assert err.response["error"] == "invalid_auth"
    err = await expect_error(AsyncWebClient(base_url=sim.base_url).auth_test())
    assert err.response["error"] == "not_authed"


@needs_spec
def test_builtin_table_agrees_with_openapi_spec() -> None:
    assert SPEC_PATH is not None
    declared = load_openapi_required(SPEC_PATH)
    for method, required in BUILTIN_REQUIRED.items():
        assert method in declared, method
        assert set(required) == set(declared[method]), method
    # What the built-in table documents about the old spec stays true:
    for method in NEWER_THAN_SPEC:
        assert method not in declared
    for method, extra in SLACK_ALSO_REQUIRES.items():
        assert not set(extra) & set(declared[method]), method
    assert "text" not in declared["chat.postMessage"]


@needs_spec
@pytest.mark.asyncio
async def test_openapi_mode_answers_other_spec_methods(sim: SlackSimulator) -> None:
    assert sim.spec_source == "openapi"
    resp = await client_for(sim).api_call("users.getPresence", params={"user": "U1"})
    assert resp["ok"]
    assert sim.calls_to("users.getPresence")[0].args == {"user": "U1"}


@pytest.mark.asyncio
async def test_builtin_fallback_when_spec_absent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(spec_module.SPEC_ENV_VAR, str(tmp_path / "missing.json"))
    monkeypatch.setattr(spec_module, "REPO_ROOT", tmp_path / "repo")
    assert find_spec_path() is None
    assert SimulatorSpec.load().source == "builtin"
    async with SlackSimulator(token=TOKEN) as sim:
        assert sim.spec_source == "builtin"
        sim.add_channel("C9", "general")  # a post needs a real channel (channel_not_found)
        client = client_for(sim)
        assert (await client.chat_postMessage(channel="C9", text="hi"))["ok"]
        err = await expect_error(client.api_call("users.getPresence"))
        assert err.response["error"] == "unknown_method"
        err = await expect_error(client.api_call("users.info", params={}))
        assert err.response["error"] == "invalid_arguments"


# -------------------------------------------------------------------------- faults


@pytest.mark.asyncio
async def test_429_carries_retry_after_and_has_no_side_effect(sim: SlackSimulator) -> None:
    sim.fail("chat.postMessage", status=429, retry_after=7)
    err = await expect_error(client_for(sim).chat_postMessage(channel="C1", text="x"))
    assert err.response.status_code == 429
    assert err.response.headers["Retry-After"] == "7"
    assert err.response["error"] == "ratelimited"
    assert sim.messages("C1") == []
    assert (await client_for(sim).chat_postMessage(channel="C1", text="x"))["ok"]


@pytest.mark.asyncio
async def test_5xx_and_outage(sim: SlackSimulator) -> None:
    client = client_for(sim)
    sim.fail("*", status=500, times=2)
    for _ in range(2):
        err = await expect_error(client.chat_postMessage(channel="C1", text="x"))
        assert err.response.status_code == 500
    assert sim.messages("C1") == []
    sim.down()
    err = await expect_error(client.auth_test())
    assert err.response.status_code == 503
    sim.up()
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    assert [c.http_status for c in sim.calls] == [500, 500, 503, 200]


@pytest.mark.asyncio
async def test_per_channel_rate_limit(sim: SlackSimulator) -> None:
    client = client_for(sim)
    sim.add_channel("C2", "general")
    sim.rate_limit_per_channel(1.0)
    for _ in range(3):  # the burst
        await client.chat_postMessage(channel="C1", text="x")
    err = await expect_error(client.chat_postMessage(channel="C1", text="x"))
    assert err.response.status_code == 429
    assert int(err.response.headers["Retry-After"]) >= 1
    assert (await client.chat_postMessage(channel="C2", text="x"))["ok"]  # other channel
    sim.clear_faults()
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]


@pytest.mark.asyncio
async def test_stall_applies_side_effect_before_late_answer(sim: SlackSimulator) -> None:
    sim.stall("chat.postMessage", 1.5)
    client = AsyncWebClient(token=TOKEN, base_url=sim.base_url, timeout=1)
    client.timeout = 0.2  # type: ignore[assignment]  # sdk annotates int; float works
    with pytest.raises(asyncio.TimeoutError):
        await client.chat_postMessage(channel="C1", text="once")
    assert [m.text for m in sim.messages("C1")] == ["once"]
    # The naive retry duplicates the post: exactly what the bot must guard against.
    await client_for(sim).chat_postMessage(channel="C1", text="once")
    assert len(sim.messages("C1")) == 2


@pytest.mark.asyncio
async def test_refuse_and_accept_connections(sim: SlackSimulator) -> None:
    # No retry handlers: the SDK's default connection-error retry would add a ~1 s backoff.
    client = AsyncWebClient(token=TOKEN, base_url=sim.base_url, retry_handlers=[])
    port = sim.port
    await sim.refuse_connections()
    with pytest.raises(aiohttp.ClientConnectorError):
        await client.auth_test()
    await sim.accept_connections()
    assert sim.port == port
    assert (await client.auth_test())["ok"]


@pytest.mark.asyncio
async def test_wait_for(sim: SlackSimulator) -> None:
    async def post_later() -> None:
        await asyncio.sleep(0.05)
        await client_for(sim).chat_postMessage(channel="C1", text="x")

    task = asyncio.create_task(post_later())
    found = await sim.wait_for(lambda s: s.messages("C1"), timeout=2)
    assert len(found) == 1
    await task
    with pytest.raises(TimeoutError, match=r"chat\.postMessage->200"):
        await sim.wait_for(lambda s: s.dms("U1"), timeout=0.05)


# --------------------------------------------------------------------------- views


MODAL = {
    "type": "modal",
    "callback_id": "report",
    "title": {"type": "plain_text", "text": "Report"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened"},
            "element": {"type": "plain_text_input", "action_id": "v", "multiline": True},
        }
    ],
}


@pytest.mark.asyncio
async def test_triggers_are_single_use_and_expire(sim: SlackSimulator) -> None:
    client = client_for(sim)
    trigger = sim.new_trigger("U1")
    opened = await client.views_open(trigger_id=trigger, view=MODAL)
    assert opened["view"]["id"].startswith("V")
    assert sim.views_opened[0].user_id == "U1"

    err = await expect_error(client.views_open(trigger_id=trigger, view=MODAL))
    assert err.response["error"] == "expired_trigger_id"

    short = sim.new_trigger("U1", ttl=0.05)
    await asyncio.sleep(0.1)
    err = await expect_error(client.views_open(trigger_id=short, view=MODAL))
    assert err.response["error"] == "expired_trigger_id"

    err = await expect_error(client.views_open(trigger_id="123.456.abc", view=MODAL))
    assert err.response["error"] == "invalid_trigger_id"
    sim.strict_triggers = False
    assert (await client.views_open(trigger_id="123.456.abc", view=MODAL))["ok"]


@pytest.mark.asyncio
async def test_views_update_push_publish(sim: SlackSimulator) -> None:
    client = client_for(sim)
    view = {**MODAL, "external_id": "case-K-1"}
    opened = (await client.views_open(trigger_id=sim.new_trigger("U1"), view=view))["view"]
    updated = await client.views_update(view_id=opened["id"], view=view, hash=opened["hash"])
    assert updated["view"]["hash"] != opened["hash"]
    err = await expect_error(client.views_update(view_id=opened["id"], view=view, hash="stale"))
    assert err.response["error"] == "hash_conflict"
    by_external = await client.views_update(external_id="case-K-1", view=view)
    assert by_external["view"]["id"] == opened["id"]

    pushed = await client.views_push(trigger_id=sim.new_trigger("U1"), view=MODAL)
    assert sim.views_pushed[0].id == pushed["view"]["id"]

    home = {"type": "home", "blocks": [{"type": "divider"}]}
    first = await client.views_publish(user_id="U1", view=home)
    second = await client.views_publish(user_id="U1", view=home)
    assert first["view"]["id"] == second["view"]["id"]
    assert sim.home_views["U1"]["hash"] == second["view"]["hash"]


# --------------------------------------------------------------------------- files


@pytest.mark.asyncio
async def test_files_upload_v2_three_steps(sim: SlackSimulator) -> None:
    client = client_for(sim)
    resp = await client.files_upload_v2(
        channel="C1",
        content=b"case,status\nK-1,open\n",
        filename="cases.csv",
        title="Cases",
        initial_comment="export",
    )
    assert resp["file"]["title"] == "Cases"
    assert [c.method for c in sim.calls] == [
        "files.getUploadURLExternal",
        UPLOAD_CALL,
        "files.completeUploadExternal",
    ]
    (stored,) = sim.files
    assert stored.data == b"case,status\nK-1,open\n"
    assert (stored.title, stored.channel_id, stored.initial_comment) == (
        "Cases",
        "C1",
        "export",
    )
    assert stored.length == len(stored.data)


@pytest.mark.asyncio
async def test_complete_upload_without_bytes_fails(sim: SlackSimulator) -> None:
    client = client_for(sim)
    url = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    assert url["upload_url"].startswith(sim.root_url)
    err = await expect_error(
        client.files_completeUploadExternal(files=[{"id": url["file_id"], "title": "a"}])
    )
    assert err.response["error"] == "file_not_found"


# -------------------------------------------------------------------------- render


def test_render_message_card() -> None:
    message = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "New report K-1"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "<!here> reported by <@U1>: see <https://x.test/k1|the case> &amp; "
                    "&lt;notes&gt;",
                },
                "fields": [
                    {"type": "mrkdwn", "text": "*Severity*\nhigh"},
                    {"type": "mrkdwn", "text": "*Lead*\n<@U404>"},
                ],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "in <#C1|hr-cases>"}]},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Take lead"}},
                    {"type": "button", "text": {"type": "plain_text", "text": "Close"}},
                ],
            },
        ],
    }
    assert render_message(message, {"U1": "alice"}).split("\n") == [
        "== New report K-1 ==",
        "@here reported by @alice: see the case (https://x.test/k1) & <notes>",
        "  *Severity*",
        "  high",
        "  *Lead*",
        "  @U404",
        "  in #hr-cases",
        "-" * 40,
        "[Take lead] [Close]",
    ]
    assert render_message({"text": "plain &lt;b&gt;"}, {}) == "plain <b>"


def test_render_view_modal() -> None:
    assert render_view(MODAL).split("\n") == [
        "[modal] Report",
        "-" * 40,
        "What happened: plain_text_input",
        "-" * 40,
        "[Send]",
    ]
