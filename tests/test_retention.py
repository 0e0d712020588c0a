"""Retention: the purge empties what is due after closing, records the deletion, and
leaves cases under legal hold (set and released by HR with /ch-hold) alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.clock import FixedClock
from bot.config import ConfigError, parse_config
from bot.demo.harness import Harness, sample_config
from bot.flows.retention import parse_hold_command, purge_due
from db.cases import find_case_no
from db.rows import iso


def close(db: sqlite_utils.Database, case_no: str, at: str) -> None:
    db.execute("UPDATE cases SET status = 'closed', closed_at = ? WHERE case_no = ?", [at, case_no])


def row(db: sqlite_utils.Database, case_no: str) -> dict[str, object]:
    return dict(next(db.table("cases").rows_where("case_no = ?", [case_no])))


async def hold(h: Harness, user: str, text: str) -> str:
    before = len(h.sim.responses)
    assert (await h.slash("/ch-hold", user, text)).status == 200
    await h.sim.wait_for(lambda s: len(s.responses) > before)
    return str(h.sim.responses[-1].body["text"])


async def test_purge_is_due_after_closing_and_skips_held_cases(
    h: Harness, clock: FixedClock
) -> None:
    for _ in range(2):
        await h.report(h.cast.employee, narrative="verbatim words", links="https://ex.com/a")
    await h.settle()
    store, ctx = h.bot.ctx.store, h.bot.ctx
    for no in ("CH-2026-0001", "CH-2026-0002"):
        await store.run(close, no, iso(clock.now()))
    # HR holds case 2; an outsider cannot; bad input gets the usage line.
    assert "CH-2026-0002" in await hold(h, h.cast.hr, "set CH-2026-0002 lawsuit pending")
    assert "HR" in await hold(h, h.cast.outsider, "set CH-2026-0001 because")
    assert "/ch-hold" in await hold(h, h.cast.hr, "set CH-2026-0001")  # no reason

    assert await purge_due(ctx) == 0  # nothing is due on the day of closing
    clock.advance(timedelta(days=1096))
    assert await purge_due(ctx) == 3  # narrative, evidence, identity of case 1
    assert await purge_due(ctx) == 0  # recorded: never applied twice
    one = await store.run(row, "CH-2026-0001")
    two = await store.run(row, "CH-2026-0002")
    assert one["narrative"] is None and one["evidence_links"] is None
    assert one["reporter_id"] == "(deleted)" and one["reporter_ref"] is None
    assert two["narrative"] is not None and two["reporter_ref"] is not None
    case = await store.run(find_case_no, "CH-2026-0001")
    assert case is not None and case.narrative == "" and case.status == "closed"
    deletions = await store.run(
        lambda db: [(r["what"], r["rule"]) for r in db.table("deletions").rows]
    )
    assert ("cases.narrative", "narrative") in deletions
    assert ("cases.evidence_links", "evidence") in deletions
    assert ("cases.reporter_id", "identity") in deletions
    assert {r for _, r in deletions} == {"narrative", "evidence", "identity"}

    # Released: the rules apply again at the next run; the timeline records it all.
    assert "CH-2026-0002" in await hold(h, h.cast.hr, "release CH-2026-0002")
    clock.advance(timedelta(days=800))  # past the timeline rule too
    assert await purge_due(ctx) == 5
    events = await store.run(
        lambda db: [r["event"] for r in db.table("timeline").rows_where("case_id = 2")]
    )
    assert events.count("legal_hold_set") == 1 and events.count("legal_hold_released") == 1
    assert (await store.run(row, "CH-2026-0002"))["narrative"] is None


def test_hold_command_parser() -> None:
    assert parse_hold_command("set ch-2026-0001 court order 12") == (
        "set",
        "CH-2026-0001",
        "court order 12",
    )
    assert parse_hold_command("release CH-2026-0001") == ("release", "CH-2026-0001", "")
    for bad in ("", "set", "hold CH-2026-0001 x", "set CH-2026 x", "set CH-2026-0001"):
        assert parse_hold_command(bad) is None


def test_retention_section_is_validated() -> None:
    def config(section: object) -> object:
        return parse_config(sample_config(retention=section), Path(".")).retention

    assert config({"narrative_days": 30}).periods["narrative"] == timedelta(days=30)  # type: ignore[attr-defined]
    for bad, key in (
        ({"narrative_days": 0}, "retention.narrative_days"),
        ({"narative_days": 5}, "retention.narative_days"),
        ({"check_hours": "daily"}, "retention.check_hours"),
        ("yes", "retention"),
    ):
        with pytest.raises(ConfigError) as e:
            config(bad)
        assert e.value.key == key
