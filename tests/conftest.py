"""Fixtures: a simulated Slack, the real bot serving HTTP against it, a fixed clock, and
a fresh migrated database for the tests of db/ functions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import DATA_KEY, Harness, running_bot
from db.sealed import Sealer, install
from db.store import open_database
from slacksim import SlackSimulator
from tests.blockkit import check_message, check_view

# 2026-11-27 10:00 in Tokyo: a Friday morning.
T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
# Calls the bot makes that carry Block Kit, and where the payload is.
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


def check_all_calls(sim: SlackSimulator) -> None:
    """Every Web API call the bot made was one Slack's spec allows, and every Block Kit
    payload passes slack-sdk's models and the limits they do not check."""
    for call in sim.calls:
        err = (call.response or {}).get("error")
        assert err not in ("unknown_method", "invalid_arguments"), (call.method, call.response)
        if call.method in MESSAGE_METHODS:
            check_message(call.args)
        elif call.method in VIEW_METHODS:
            check_view(call.args["view"])


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """A database file of its own, migrated as the bot opens it, sealed with the
    simulated company's key (db functions seal what they store)."""
    db = open_database(tmp_path / "fresh.db")
    install(db, Sealer((DATA_KEY,)))
    yield db
    db.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def h(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Harness]:
    async with running_bot(tmp_path / "ch.db", clock=clock) as harness:
        yield harness
        check_all_calls(harness.sim)


@pytest.fixture
async def hu(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot with sites, site supervisors and a backup rotation (happening now)."""
    from tests.urgent_kit import urgent_config  # it imports the kits that import this

    async with running_bot(tmp_path / "ch.db", clock=clock, config=urgent_config()) as harness:
        yield harness
        check_all_calls(harness.sim)


# The fault suite's closing line ("faults: scenarios=... lost=0 duplicates=0") sums
# every test's ledger; with pytest-xdist each worker sends its sums to the controller.
@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    from tests.faults.world import TOTAL, Ledger

    sums = getattr(node, "workeroutput", {}).get("faults")
    if sums:
        TOTAL.add(Ledger(*sums))


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # a pytest-xdist worker
        from tests.faults.world import TOTAL

        output["faults"] = [TOTAL.scenarios, TOTAL.cases, TOTAL.lost, TOTAL.duplicates]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.faults.world import TOTAL

    if TOTAL.scenarios:
        terminalreporter.write_line(TOTAL.line())
