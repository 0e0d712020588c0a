"""Fixtures of the fault suite: a simulated Slack and the real bot process against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.demo.harness import populate
from tests.faults.world import TOTAL, BotProcess, FaultSim, World  # TOTAL: tests/conftest.py


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    sim = FaultSim()
    await sim.start()
    populate(sim)
    bot = BotProcess(sim, tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            await bot.start()
            w = World(sim, bot, session)
            yield w
            TOTAL.add(w.ledger)
            print(w.ledger.line())
            assert w.ledger.lost == 0 and w.ledger.duplicates == 0, w.ledger.problems
            assert w.leaked() == [], "the bot logged report text, names or view state"
            # A task that died of an unexpected error leaves a traceback: none may.
            assert "Traceback" not in bot.logs(), "the bot crashed inside a task"
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait()
        await sim.stop()

