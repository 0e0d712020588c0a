"""The HTTP endpoint: the signature is checked before anything is parsed, every request
gets a clear answer (never a 500), and form bodies are read as Slack meant them."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest
from slack_bolt.request.internals import parse_body

from bot.demo.harness import RESPONDERS, Harness
from bot.slack_http import parse_slack_body
from slacksim.requests import APP, TEAM
from tests.test_oncall import oncall

FORM = "application/x-www-form-urlencoded"


def command_body(h: Harness, command: str, user: str, text: str, channel_name: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "channel_id": "C0PAYLOAD1",
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP,
            "response_url": f"{h.sim.base_url}response/{user}",
            "trigger_id": h.sim.new_trigger(user),
        }
    )


TRICKY = [
    ("/report-ch", "the customer sent a payload of insults", "general"),
    ("/report-ch", "", "payload-team"),
    ("/ch-cases", "customer payload-shop", "general"),
]


@pytest.mark.parametrize(("command", "text", "channel"), TRICKY)
def test_bolt_parse_body_still_misreads_the_word_payload(
    command: str, text: str, channel: str
) -> None:
    """Why bot/slack_http.py parses bodies itself. If this fails after a Bolt upgrade,
    Bolt has fixed parse_body and the workaround could go (keep the endpoint tests)."""
    body = urlencode({"command": command, "text": text, "channel_name": channel})
    assert parse_body(body, FORM) == {}  # Bolt 1.30: the command vanishes
    parsed = parse_slack_body(body, FORM)
    assert parsed["command"] == command and parsed["text"] == text


async def test_a_command_mentioning_payload_opens_the_form(h: Harness) -> None:
    user = h.cast.employee_en
    view = await h.open_form(user, "the customer sent a payload of insults")
    narrative = next(b for b in view["blocks"] if b.get("block_id") == "narrative")
    assert narrative["element"]["initial_value"] == "the customer sent a payload of insults"


async def test_a_command_typed_in_a_channel_named_payload_opens_the_form(h: Harness) -> None:
    user = h.cast.employee_en
    body = command_body(h, "/report-ch", user, "", "payload-team")
    reply = await h.slack.post(body, FORM)
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda s: any(c.response.get("ok") for c in s.calls_to("views.open")))


async def test_an_hr_command_mentioning_payload_is_answered(h: Harness) -> None:
    hr = h.cast.hr
    body = command_body(h, "/ch-cases", hr, "customer payload-shop", "general")
    reply = await h.slack.post(body, FORM)
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda s: s.calls_to("chat.postMessage"))  # the answer, in a DM


UNSIGNED_BODIES = [
    b"\xff\xfe\x00garbage",
    b"payload=%7B",
    b"payload={not json",
    b"{",
    b"[1, 2]",
    b"payload=" + json.dumps({"type": "block_actions"}).encode() * 0,
]


@pytest.mark.parametrize("body", UNSIGNED_BODIES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "not-a-number", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "1e20", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=\u00e9"},
    ],
)
async def test_unsigned_malformed_requests_get_401_and_no_traceback(
    h: Harness, caplog: pytest.LogCaptureFixture, body: bytes, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.WARNING)
    h2 = {"Content-Type": FORM, **{k: v.encode().decode("latin-1") for k, v in headers.items()}}
    async with h.slack.session.post(h.url, data=body, headers=h2) as resp:
        assert resp.status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


SIGNED_MALFORMED = [
    ("payload=%7B", FORM),
    ("payload=[1]", FORM),
    ("{", "application/json"),
    ("[1, 2]", "application/json"),
    ('"just a string"', "application/json"),
]


@pytest.mark.parametrize(("body", "ctype"), SIGNED_MALFORMED)
async def test_signed_malformed_bodies_get_400_not_500(
    h: Harness, caplog: pytest.LogCaptureFixture, body: str, ctype: str
) -> None:
    reply = await h.slack.post(body, ctype)
    assert reply.status == 400, reply
    assert "malformed" in reply.body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_a_signed_body_that_is_not_utf8_gets_400(h: Harness) -> None:
    raw = b"command=%2Freport-ch&text=\xff\xfe"
    ts = str(int(time.time()))
    import hashlib
    import hmac

    sig = "v0=" + hmac.new(
        h.slack.secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256
    ).hexdigest()
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
    async with h.slack.session.post(h.url, data=raw, headers=headers) as resp:
        assert resp.status == 400


def form_values(h: Harness, **fields: object) -> dict[str, object]:
    from slacksim.forms import report_values

    base = report_values(
        occurred_at=h.bot.ctx.clock.now(),
        contact="phone",
        categories=["verbal_abuse"],
        danger="over",
        narrative="The customer shouted.",
    )
    base.update(fields)
    return base


@pytest.mark.parametrize("when", [10**20, -(10**20), 2**63, 1e20])
async def test_a_date_far_out_of_range_is_a_form_error(h: Harness, when: object) -> None:
    view = await h.open_form(h.cast.employee_en)
    values = form_values(
        h, occurred_at={"value": {"type": "datetimepicker", "selected_date_time": when}}
    )
    reply = await h.slack.submit_view(h.cast.employee_en, view, values)
    assert reply.status == 200, reply
    assert reply.json()["response_action"] == "errors"
    assert "occurred_at" in reply.json()["errors"]


async def test_a_lone_surrogate_in_the_story_is_kept_as_a_replacement(h: Harness) -> None:
    view = await h.open_form(h.cast.employee_en)
    narrative = {"value": {"type": "plain_text_input", "value": "He said \ud800 twice"}}
    values = form_values(h, narrative=narrative)
    reply = await h.slack.submit_view(h.cast.employee_en, view, values)
    assert reply.status == 200, reply
    await h.settle()
    assert len(h.sim.messages(RESPONDERS)) == 1


@pytest.mark.parametrize(
    "state",
    [
        {"narrative": "flat string"},
        {"narrative": {"value": {"value": 42}}, "categories": {"value": {"selected_options": "x"}}},
        {"occurred_at": {"value": {"selected_date_time": "tomorrow"}}, "danger": [1]},
        {"consent": {"value": {"selected_options": [{"value": ["x"]}]}}},
    ],
)
async def test_wrongly_typed_state_values_get_form_errors(
    h: Harness, state: dict[str, object]
) -> None:
    view = await h.open_form(h.cast.employee_en)
    reply = await h.slack.submit_view(h.cast.employee_en, view, form_values(h, **state))
    assert reply.status == 200, reply
    assert reply.json()["response_action"] in ("errors", "update"), reply  # form or recorded


@pytest.mark.parametrize("until", ["99999999d", "999999999w", "9999-12-31T23:59", "0001-01-01"])
async def test_an_override_far_out_of_range_is_refused_politely(h: Harness, until: str) -> None:
    answer = await oncall(h, h.cast.hr, f"override legal <@{h.cast.legal[0]}> until {until}")
    assert "90" in answer.text or "past" in answer.text.lower() or "time" in answer.text.lower()


def test_socket_mode_is_not_affected_by_the_payload_word() -> None:
    """Socket Mode hands Bolt the envelope's payload as a dict (slack_bolt.adapter.
    socket_mode.async_internals), so parse_body never runs there."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    body = {"command": "/report-ch", "text": "a payload of insults", "channel_name": "payload"}
    req = AsyncBoltRequest(mode="socket_mode", body=body)
    assert req.body == body


@pytest.mark.parametrize("state", [10**20, "values", [1]])
async def test_a_case_modal_whose_state_is_not_an_object_gets_400(
    h: Harness, caplog: pytest.LogCaptureFixture, state: object
) -> None:
    # Found by the property test: a view_submission for a responders' modal with a
    # state that is not an object crashed the listener (500 and an ERROR log).
    reply = await h.slack.interact({
        "type": "view_submission", "team": {"id": TEAM}, "api_app_id": APP,
        "user": {"id": h.cast.responder, "team_id": TEAM},
        "view": {"id": "V0CLOSE001", "type": "modal", "callback_id": "case.close",
                 "private_metadata": "{}", "state": state},
    })  # fmt: skip
    assert reply.status == 400, reply
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
