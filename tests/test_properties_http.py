"""Property-based tests through the real HTTP endpoint: any slash command text, any button
value, any private_metadata or view state gets a 200 (an answer or a refusal), never a
500, and a person who may not touch a case changes nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness, running_bot
from bot.views.case_card import action_value
from bot.views.ids import Action, Callback, Command
from slacksim.forms import report_values
from tests.case_kit import assessment_values
from tests.conftest import T0
from tests.faults.world import CASE_NO
from tests.test_properties import HOSTILE_TEXT, JSON, VALUES

T = TypeVar("T")
HTTP = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COMMANDS = [str(c) for c in Command] + ["/ch-hold"]


class Live:
    """The bot and simulator on an event loop in a background thread, for sync @given tests."""

    def __init__(self, db: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.done: asyncio.Event | None = None
        self.h: Harness | None = None
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.task = asyncio.run_coroutine_threadsafe(self._serve(db), self.loop)
        assert self.ready.wait(20), "harness did not start"

    async def _serve(self, db: Path) -> None:
        self.done = asyncio.Event()
        async with running_bot(db, clock=FixedClock(T0)) as h:
            self.h = h
            self.ready.set()
            await self.done.wait()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def close(self) -> None:
        assert self.done is not None
        self.loop.call_soon_threadsafe(self.done.set)
        self.task.result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    world = Live(tmp_path_factory.mktemp("props") / "ch.db")
    h = world.h
    assert h is not None
    world.run(h.report(h.cast.employee, narrative="the one real case"))
    world.run(h.settle())
    yield world
    world.close()


def snapshot(live: Live) -> tuple[int, int, int, int]:
    h = live.h
    assert h is not None

    def counts(db: Any) -> tuple[int, int, int]:
        return db.table("cases").count, db.table("timeline").count, db.table("outbox").count

    return (*live.run(h.bot.ctx.store.run(counts)), len(h.sim.messages(RESPONDERS)))


@HTTP
@given(command=st.sampled_from(COMMANDS), text=HOSTILE_TEXT)
def test_any_command_text_from_an_outsider_is_answered_never_500(
    live: Live, command: str, text: str
) -> None:
    h = live.h
    assert h is not None
    before = snapshot(live)
    reply = live.run(h.slash(command, h.cast.outsider, text))
    assert reply.status == 200, (command, text, reply)
    if command != Command.REPORT:  # /report-ch only opens a form: nothing is stored
        assert snapshot(live)[0] == before[0]


@HTTP
@given(action=st.sampled_from([str(a) for a in Action] + ["no.such.action"]), value=VALUES)
def test_any_button_value_from_an_outsider_changes_nothing(
    live: Live, action: str, value: Any
) -> None:
    h = live.h
    assert h is not None
    before = snapshot(live)
    raw = value if isinstance(value, str) else json.dumps(value)
    reply = live.run(
        h.slack.click(
            h.cast.outsider, action, raw[:2000], channel=RESPONDERS, message_ts="1764300000.000100"
        )
    )
    assert reply.status in (200, 404), reply  # 404: Bolt's answer to an unknown action ID
    assert snapshot(live) == before


@HTTP
@given(callback=st.sampled_from([str(c) for c in Callback]), metadata=VALUES, state=JSON)
def test_any_submitted_view_from_an_outsider_is_answered_and_changes_nothing(
    live: Live, callback: str, metadata: Any, state: Any
) -> None:
    h = live.h
    assert h is not None
    before = snapshot(live)
    meta = metadata if isinstance(metadata, str) else json.dumps(metadata)
    view = {
        "id": "V0PROPS001",
        "type": "modal",
        "callback_id": callback,
        "private_metadata": meta[:3000],
        "title": {"type": "plain_text", "text": "x"},
    }
    reply = live.run(h.slack.submit_view(h.cast.outsider, view, state))
    assert reply.status in (200, 404), reply
    after = snapshot(live)
    # Anyone in the workspace may report: the form, and the one-tap first modal (issue 11).
    if callback not in (Callback.REPORT_FORM, Callback.REPORT_START):
        assert after == before


# ---------------------------------------------------------------- signed malformed payloads

# What a broken or hostile (but signed) sender could put anywhere in a payload: wrong
# types, numbers past every range (1e20 as a date, 2**70 as a timestamp), lone surrogates.
HUGE = st.sampled_from([10**20, -(10**20), 2**63, 2**70, 1e20, 1e308, -1e308, 0.5, -0.0])
ODD_TEXT = st.text(st.characters(), max_size=40)  # every category, lone surrogates too
ODD = st.one_of(HUGE, ODD_TEXT, JSON, st.integers(), st.booleans(), st.none())


class Tracebacks(logging.Handler):
    """Every record carrying a traceback, wherever in the bot it was logged."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.seen.append(f"{record.name}: {record.getMessage()[:200]}")


@pytest.fixture(scope="module")
def templates(live: Live) -> dict[str, dict[str, Any]]:
    """Real payloads of the three kinds the bot parses deeply, built from what the bot
    showed: the report form submitted, a card button pressed, a case modal submitted."""
    h = live.h
    assert h is not None

    async def build() -> dict[str, dict[str, Any]]:
        card = h.sim.messages(RESPONDERS)[0]
        case_no = CASE_NO.search(card.text or "")
        assert case_no, card.text
        form = await h.open_form(h.cast.employee)
        values = report_values(
            occurred_at=T0,
            contact="phone",
            categories=["verbal_abuse"],
            danger="over",
            narrative="shouted",
            customer={"account": "A-1"},
            links="https://ex.example/a",
        )
        before = len(h.sim.calls_to("views.open"))
        value = action_value(case_no.group(0))
        await h.slack.click(
            h.cast.responder,
            Action.ASSESSMENT,
            value,
            channel=RESPONDERS,
            message_ts=card.ts,
            thread_ts=card.ts,
        )
        await h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
        modal = h.sim.calls_to("views.open")[before].response["view"]
        user = {"id": h.cast.responder, "username": "r", "team_id": "T0SIM"}
        return {
            "report_form": {
                "type": "view_submission",
                "team": {"id": "T0SIM"},
                "api_app_id": "A0SIM",
                "user": {**user, "id": h.cast.employee},
                "view": {**form, "state": {"values": values}},
            },
            "block_actions": {
                "type": "block_actions",
                "team": {"id": "T0SIM"},
                "api_app_id": "A0SIM",
                "user": user,
                "trigger_id": h.sim.new_trigger(h.cast.responder),
                "actions": [
                    {
                        "type": "button",
                        "action_id": str(Action.ACK),
                        "block_id": "b",
                        "value": value,
                        "action_ts": "1764300000.000200",
                    }
                ],
                "channel": {"id": RESPONDERS},
                "container": {
                    "type": "message",
                    "channel_id": RESPONDERS,
                    "message_ts": card.ts,
                    "is_ephemeral": False,
                },
                "message": {"ts": card.ts, "thread_ts": card.ts},
            },
            "case_modal": {
                "type": "view_submission",
                "team": {"id": "T0SIM"},
                "api_app_id": "A0SIM",
                "user": user,
                "view": {**modal, "state": {"values": assessment_values()}},
            },
        }

    return live.run(build())


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, inner in items:
        out += _paths(inner, (*prefix, key))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any, delete: bool) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    head = path[0]
    if len(path) == 1 and delete and isinstance(copy, dict):
        del copy[head]
    else:
        copy[head] = _replace(copy[head], path[1:], new, delete)
    return copy


@settings(HTTP, max_examples=60)
@given(kind=st.sampled_from(["report_form", "block_actions", "case_modal"]), data=st.data())
def test_signed_malformed_payloads_never_get_5xx_or_a_traceback(
    live: Live, templates: dict[str, dict[str, Any]], kind: str, data: st.DataObject
) -> None:
    h = live.h
    assert h is not None
    payload = templates[kind]
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        path = data.draw(st.sampled_from(_paths(payload)[1:]), label="path")
        payload = _replace(payload, path, data.draw(ODD, label="value"), data.draw(st.booleans()))
    watch = Tracebacks()
    logging.getLogger().addHandler(watch)
    try:
        reply = live.run(h.slack.interact(payload))
        live.run(h.settle())  # work after the ack (commits, posts) may fail too
    finally:
        logging.getLogger().removeHandler(watch)
    assert reply.status < 500, (kind, reply)
    assert watch.seen == [], watch.seen
