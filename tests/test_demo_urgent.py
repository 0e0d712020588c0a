"""The demo opens with the one-tap path (issue 11) and shows the employee being told
that someone has her case; the act runs against the real bot like the rest."""

from __future__ import annotations

import io
from pathlib import Path

from bot.clock import FixedClock
from bot.config import parse_config
from bot.demo.harness import Cast, running_bot, sample_config
from bot.demo.output import Printer
from bot.demo.urgent import happening_now, with_backup
from bot.i18n import t
from tests.conftest import T0


async def test_the_opening_act_shows_the_tap_and_the_employee_hearing_back(
    tmp_path: Path,
) -> None:
    cast = Cast()
    config = parse_config(with_backup(sample_config(cast, language="en"), cast), Path("."))
    out = io.StringIO()
    async with running_bot(tmp_path / "d.db", clock=FixedClock(T0), config=config) as h:
        await happening_now(h, Printer(cast.names(), out))
        rows = await h.bot.ctx.store.run(lambda db: db.table("cases").count)
    text = out.getvalue()
    assert t("en", "urgent.button_now") in text and t("en", "confirm.safety_title") in text
    assert "Shinjuku store / register 2" in text and "[I'm going]" in text
    assert "Someone from the response team has your report" in text
    assert "is on the way to you" in text
    # The supervisor's DM names Alex (Alex allowed the helper to know); the card does not.
    summons = t("en", "urgent_help.dm_summons", case_no="CH-2026-0001",
                where="Shinjuku store / register 2", who="@Alex Kim")  # fmt: skip
    assert summons.split("\n")[2] in text
    assert rows == 1  # completing the report did not make a second case
