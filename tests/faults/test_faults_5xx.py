"""Slack did the post but answered 5xx, internal_error or fatal_error: the real bot
process must treat the answer as "maybe posted" and never double a card, a checklist
reply or a confirmation (Slack's docs: "some aspect of the operation may have succeeded")."""

from __future__ import annotations

import pytest

from tests.faults.world import World

# The real process: slow (minutes). `pytest -m "not slow"` leaves it out while iterating.
pytestmark = pytest.mark.slow

POSTS = ("card", "thread", "confirmation")
# The call takes effect, then Slack answers as failed (see FaultSim.inject).
ANSWERS = ("done+500", "done+503", "done+internal_error", "done+fatal_error")


async def test_post_succeeded_but_slack_answered_5xx(world: World) -> None:
    sim = world.sim
    for kind in POSTS:
        for answer in ANSWERS:
            world.scenario, start = f"chat.postMessage({kind}) {answer}", len(world.submitted)
            user = world.new_user()
            view = await world.open_form(user)
            sim.on_post(kind, answer)
            assert (await world.submit(user, view)).status == 200
            await world.scenario_done(world.scenario, start)
    # Every post answered as failed: each is looked for before it is tried again.
    world.scenario, start = "every post done then 500", len(world.submitted)
    sim.inject("chat.postMessage", "done+500", times=3)
    assert (await world.report()).status == 200
    await world.scenario_done(world.scenario, start)
