"""Posts Slack may have made: never doubled, however busy the channel; retries that no
clock step can stall and that go at once when Slack answers again (issue 9: 2, 6, 23)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness, running_bot
from bot.flows.delivery.deliverer import Backoff
from slacksim import BOT_USER_ID, SlackSimulator
from slacksim.forms import report_values
from tests.conftest import T0, check_all_calls
from tests.test_delivery import counts
from tests.test_reminders import case_and_card, escalations

BUSY = 250  # ordinary messages posted after the uncertain attempt: more than one page


def bot_counts(h: Harness) -> tuple[int, int, int]:
    """(cards, checklist replies, confirmations) the bot posted, among people's messages."""
    cards = [m for m in h.sim.messages(RESPONDERS) if m.user == BOT_USER_ID]
    threads = sum(
        1 for c in cards for m in h.sim.replies(RESPONDERS, c.ts) if m.user == BOT_USER_ID
    )
    dms = [m for m in h.sim.dms(h.cast.employee_en) if m.user == BOT_USER_ID]
    return len(cards), threads, len(dms)


@pytest.mark.parametrize("status,error", [(500, None), (503, None), (200, "internal_error"),
                                          (200, "fatal_error")])  # fmt: skip
async def test_slack_posts_but_answers_as_failed_and_nothing_is_doubled(
    h: Harness, status: int, error: str | None
) -> None:
    # Card, checklist reply and confirmation: each is done by Slack, then answered as failed.
    h.sim.fail_after("chat.postMessage", status, error=error, times=3)
    reply = await h.report(h.cast.employee_en)
    assert reply.status == 200
    await h.settle()
    assert counts(h) == (1, 1, 1)
    check_all_calls(h.sim)


async def test_a_card_left_uncertain_is_found_under_a_busy_channel(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, client_timeout=1) as h:
        # Card and confirmation both reach Slack, but the answers come after the timeout.
        h.sim.stall("chat.postMessage", seconds=1.5, times=2)
        await h.report(h.cast.employee_en)
        await h.sim.wait_for(lambda s: s.messages(RESPONDERS) and s.dms(h.cast.employee_en))
        dm = h.sim.dms(h.cast.employee_en)[0].channel
        for i in range(BUSY):  # meanwhile the channel and the DM go on
            h.sim.add_message(RESPONDERS, f"chatter {i}", h.cast.responder2)
            h.sim.add_message(dm, f"hello {i}", h.cast.employee_en)
        await h.settle(15)
        assert bot_counts(h) == (1, 1, 1)
        assert any(c.args.get("cursor") for c in h.sim.calls_to("conversations.history"))


async def test_a_reminder_left_uncertain_is_found_under_a_busy_thread(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, client_timeout=1) as h:
        _, card = await case_and_card(h, danger="ongoing")
        # A busy thread (replies are read oldest first): the escalation comes after them.
        for i in range(BUSY):
            h.sim.add_message(RESPONDERS, f"on it {i}", h.cast.responder2, thread_ts=card.ts)
        h.sim.stall("chat.postMessage", seconds=1.5, times=1)
        assert h.bot.reminders is not None
        await h.bot.reminders.tick(T0 + timedelta(minutes=10))
        await h.settle(15)
        assert len(escalations(h, card)) == 1
        assert any(c.args.get("cursor") for c in h.sim.calls_to("conversations.replies"))


class SteppedClock:
    """Wall-clock time that an operator (or NTP) can step."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def failed_posts(sim: SlackSimulator) -> int:
    return sum(1 for c in sim.calls_to("chat.postMessage") if c.http_status >= 500)


async def test_a_backward_clock_step_does_not_stall_retries(h: Harness) -> None:
    wall = SteppedClock()
    h.bot.deliverer.clock = wall  # the delivery loop's wall clock, as the process has it
    h.sim.fail("chat.postMessage", status=503, times=2)
    await h.report(h.cast.employee_en)
    await h.sim.wait_for(lambda s: failed_posts(s) == 2)
    wall.offset = -timedelta(hours=1)  # the clock is set back an hour
    await h.settle(5)
    assert counts(h) == (1, 1, 1)


async def test_when_slack_answers_again_waiting_deliveries_go_at_once(
    tmp_path: Path, clock: FixedClock
) -> None:
    # Production-like backoff: after a few failures the next try is a minute away.
    async with running_bot(tmp_path / "db", clock=clock, backoff=Backoff(base=60, cap=300)) as h:
        view = await h.open_form(h.cast.employee_en)
        h.sim.down()
        values = report_values(
            occurred_at=clock.now(),
            contact="chat",
            categories=["verbal_abuse"],
            danger="over",
            narrative="outage",
        )
        assert (await h.slack.submit_view(h.cast.employee_en, view, values)).status == 200
        await h.sim.wait_for(lambda s: len(s.calls_to("chat.postMessage")) >= 2)
        h.sim.up()
        # Someone opens the form: the first call Slack answers proves it is back.
        await h.open_form(h.cast.employee)
        await h.settle(5)
        assert counts(h) == (1, 1, 1)
