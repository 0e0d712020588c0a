"""Property-based tests through the real HTTP endpoint: any slash command text, any button
value, any private_metadata or view state gets a 200 (an answer or a refusal), never a
500, and a person who may not touch a case changes nothing."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.simulator.harness import RESPONDERS, Harness, running_bot
from bot.views.ids import Action, Callback, Command
from tests.conftest import T0
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
    if callback != Callback.REPORT_FORM:
        assert after == before
