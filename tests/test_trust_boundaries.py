"""Who counts as a responder: a member of a *private* responders channel, of the bot's
own workspace or organisation. A public channel stops start-up and fails check-config;
Slack Connect guests in the channel are outsiders."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.demo.harness import (
    BOT_TOKEN,
    RESPONDERS,
    Harness,
    populate,
    running_bot,
    sample_config,
)
from bot.i18n import t
from bot.views.ids import Action
from slacksim import SlackSimulator
from tests.case_kit import events_of, file_case, press, refusal
from tests.test_cli_config import run_cli, toml

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = "U0EXTERN01"  # a Slack Connect guest from another company
STRANGER = "U0STRANG01"  # someone Slack only shows as a stranger
SISTER = "U0SISTER01"  # another workspace of the same Enterprise Grid organisation


@pytest.fixture
async def sim() -> AsyncIterator[SlackSimulator]:
    s = SlackSimulator(token=BOT_TOKEN)
    await s.start()
    populate(s)
    yield s
    await s.stop()


def make_public(sim: SlackSimulator) -> None:
    sim.channels[RESPONDERS].is_private = False


async def cli(tmp_path: Path, sim: SlackSimulator, *args: str) -> tuple[int, str, str]:
    # The CLI is a separate process; the simulator answers it from this event loop.
    result = await asyncio.to_thread(
        run_cli, tmp_path, toml(sample_config()), *args,
        SLACK_API_URL=sim.base_url, SLACK_BOT_TOKEN=BOT_TOKEN,
        PYTHONPATH=str(ROOT),  # this checkout's code, wherever the venv was installed from
    )
    return result.returncode, result.stdout, result.stderr


async def test_check_config_fails_on_a_public_responders_channel(
    tmp_path: Path, sim: SlackSimulator
) -> None:
    code, out, err = await cli(tmp_path, sim, "check-config")
    assert code == 0, err
    assert "configuration OK" in out and "NOT verified" not in out
    make_public(sim)
    code, out, err = await cli(tmp_path, sim, "check-config")
    assert code == 2
    assert err.strip().count("\n") == 0, err  # one line
    assert "C0RESPOND1 is a public channel" in err and "private" in err
    assert "configuration OK" not in out


async def test_the_bot_refuses_to_start_with_a_public_responders_channel(
    tmp_path: Path, sim: SlackSimulator
) -> None:
    make_public(sim)
    code, _, err = await cli(tmp_path, sim, "run")
    assert code == 2, err
    assert err.strip().splitlines()[-1].startswith("ch-responder: configuration error: ")
    assert "public channel" in err and "Traceback" not in err
    assert not sim.calls_to("chat.postMessage")


async def test_start_with_slack_unreachable_is_said_and_lets_nobody_in_until_verified(
    tmp_path: Path, sim: SlackSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    sim.fail("conversations.info", status=503, times=6)  # the start-up check and its retries
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with running_bot(tmp_path / "ch.db", sim=sim) as h:
            assert any("could not verify that the responders channel is private" in r.message
                       for r in caplog.records)
            filed = await file_case(h)  # reports still flow during the outage
            sim.clear_faults()
            make_public(sim)  # Slack answers again: the channel turns out public
            events = await events_of(h, filed.id)
            await press(h, h.cast.responder, Action.ACK, filed)
            assert await refusal(h, h.cast.responder, 0) == t("ja", "act.refuse.not_allowed")
            assert await events_of(h, filed.id) == events


async def test_harness_start_raises_a_config_error_for_a_public_channel(
    tmp_path: Path, sim: SlackSimulator
) -> None:
    make_public(sim)
    with pytest.raises(ConfigError, match="public channel"):
        async with running_bot(tmp_path / "ch.db", sim=sim):
            pass


@pytest.mark.parametrize("who", [EXTERNAL, STRANGER])
async def test_slack_connect_members_of_the_channel_may_not_act(
    tmp_path: Path, sim: SlackSimulator, who: str
) -> None:
    sim.add_user(EXTERNAL, "guest", real_name="Guest Other Co", team_id="T0OTHERCO")
    sim.add_user(STRANGER, "stranger", real_name="Stranger", team_id="T0OTHERCO",
                 is_stranger=True)
    sim.channels[RESPONDERS].members += [EXTERNAL, STRANGER]
    async with running_bot(tmp_path / "ch.db", sim=sim) as h:
        filed = await file_case(h)
        events = await events_of(h, filed.id)
        await press(h, who, Action.ACK, filed)
        assert await refusal(h, who, 0) == t("en", "act.refuse.not_allowed")
        await press(h, who, Action.VIEW_DETAILS, filed)
        assert await refusal(h, who, 1) == t("en", "refuse.not_responder")
        assert await events_of(h, filed.id) == events  # not even a details_viewed
        assert not [c for c in sim.calls_to("views.open")
                    if c.args["view"].get("callback_id") == "case.details"]
        assert filed.card.update_count == 0


async def test_a_member_of_the_same_grid_organisation_is_a_responder(tmp_path: Path) -> None:
    sim = SlackSimulator(token=BOT_TOKEN)
    sim.enterprise_id = "E0SIMORG"
    await sim.start()
    try:
        populate(sim)
        sim.add_user(SISTER, "sister", real_name="Sister Team", team_id="T0SISTER")
        sim.channels[RESPONDERS].members.append(SISTER)
        async with running_bot(tmp_path / "ch.db", sim=sim) as h:
            filed = await file_case(h)
            await press(h, SISTER, Action.ACK, filed)
            await h.sim.wait_for(lambda _: filed.card.update_count > 0)
            assert "acknowledged" in await events_of(h, filed.id)
    finally:
        await sim.stop()


async def test_people_are_checked_with_auth_test_once(h: Harness) -> None:
    filed = await file_case(h)
    await press(h, h.cast.responder, Action.ACK, filed)
    await h.sim.wait_for(lambda _: filed.card.update_count > 0)
    await press(h, h.cast.responder2, Action.TAKE_LEAD, filed)
    await h.sim.wait_for(lambda _: filed.card.update_count > 1)
    # One at start (workspace URL) and one for the organisation, then cached.
    assert len(h.sim.calls_to("auth.test")) <= 2
