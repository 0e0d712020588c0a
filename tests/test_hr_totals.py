"""The maintained totals (db/totals.py, m110) equal a full recount from the base tables.

Seeded random histories against a real SQLite file migrated as the bot migrates it:
cases filed with db.cases.file_case (shared customers, so repeats come and go),
acknowledged, worked on, closed, reopened, re-severed and re-categorised, assessed
in versions, measures recorded and confirmed, care steps done and undone, welfare
check-ins answered, retaliation reported, and retention purges (which delete the case's
customer identifiers). After every batch, HR's summary from the totals (db.stats) must
equal db.recount.recount, which counts straight from cases, case_customers, assessments,
measures, case_steps, reminders, welfare_answers and timeline, over periods that are
all time, whole Tokyo days (with partial UTC days at the edges), and odd ranges.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.domain.periods import last_days, month, parse_period
from bot.domain.report import Behalf, Report
from bot.domain.severity import DEFAULT_ACK_AFTER
from db import cases, consent, handling, recount, reminders, retention, stats, timeline, totals
from db.rows import iso
from db.sealed import Sealer, install
from db.store import open_database

TZ = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 9, 1, tzinfo=UTC)
CATEGORIES = ("verbal_abuse", "threat", "other", "persistent_contact")
SEVERITIES = ("urgent", "high", "medium", "low")


def _db(tmp_path: Path) -> sqlite_utils.Database:
    db = open_database(tmp_path / "totals.db")
    install(db, Sealer((bytes(range(32)),)))
    return db


def _file(db: sqlite_utils.Database, rng: random.Random, at: datetime, n: int) -> None:
    customers = {
        k: f"h{rng.randrange(12)}" for k in rng.sample(["phone", "email"], rng.randint(0, 2))
    }
    report = Report(
        occurred_at=at - timedelta(minutes=5),
        contact_channel=rng.choice(["phone", "email", "chat"]),
        identifiers={},
        categories=tuple(rng.sample(CATEGORIES, rng.randint(1, 2))),
        demand="refund",
        narrative="shouted",
        danger="over",
        show_name=rng.random() < 0.5,
        counseling_ok=rng.random() < 0.5,
        evidence_files=(),
        evidence_links=(),
        # Filed for a colleague now and then (issue 13): HR tells the two apart.
        behalf=Behalf("Yamada", "Warehouse 2", None, rng.random() < 0.5)
        if rng.random() < 0.3
        else None,
    )
    new = cases.NewCase(
        report, f"U{n:04d}", "ja", f"V{n}", at, at.year, "2026.1", customers,
        "ULEGAL", "UCOUNS", timedelta(days=90),
    )  # fmt: skip
    cases.file_case(db, new, lambda earlier: rng.choice(SEVERITIES) if earlier else "low")


def _act(db: sqlite_utils.Database, rng: random.Random, case_id: int, at: datetime) -> None:
    """One random thing that happens to a case, through the bot's writers where it has one."""
    op = rng.randrange(14)
    if op == 0:
        handling.acknowledge(db, case_id, at, "UR")
    elif op == 1:
        handling.working(db, case_id, at, "UR", "lead")
    elif op == 2:  # closed (the close flow's UPDATE, without its checklist)
        db.execute(
            "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ? AND status != 'closed'",
            [iso(at), case_id],
        )
    elif op == 3:
        handling.reopen(db, case_id, at, "UR")
    elif op == 4:
        db.execute("UPDATE cases SET severity = ? WHERE id = ?", [rng.choice(SEVERITIES), case_id])
    elif op == 5:
        cats = json.dumps(rng.sample(CATEGORIES, rng.randint(0, 3)))
        db.execute("UPDATE cases SET categories = ? WHERE id = ?", [cats, case_id])
    elif op == 6:  # a new version of the assessment
        v = db.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM assessments WHERE case_id = ?", [case_id]
        ).fetchone()[0]
        db.table("assessments").insert({"case_id": case_id, "version": v, "at": iso(at),
            "conclusion": rng.choice(["harassment", "gray", "not_harassment", ""])})  # fmt: skip
    elif op == 7:
        db.table("measures").insert({"case_id": case_id, "kind": rng.choice(["warned", "lawyer"]),
            "needs_confirmation": rng.randint(0, 1), "recorded_at": iso(at)})  # fmt: skip
    elif op == 8:
        db.execute("UPDATE measures SET confirmed_at = ? WHERE case_id = ?", [iso(at), case_id])
    elif op == 9:
        if rng.random() < 0.6:
            handling.complete_step(db, case_id, "care", at, "UC")
        else:
            handling.undo_step(db, case_id, "care", at, "UC")
    elif op == 10:  # a welfare check-in, answered once or twice
        reminders.schedule_welfare(db, case_id, at)
        rid = db.execute("SELECT MAX(id) FROM reminders WHERE case_id = ?", [case_id]).fetchone()[0]
        for answer in rng.sample(["ok", "talk", "worse"], rng.randint(1, 2)):
            db.execute(
                "INSERT OR IGNORE INTO welfare_answers VALUES (?, ?, ?)", [rid, answer, iso(at)]
            )
    elif op == 11:
        timeline.add(db, case_id, at, "UE", "retaliation_reported")
    elif op == 12:  # the employee changes her consent (issue 11): counseling now and ever
        choice = consent.Choice(rng.random() < 0.5, rng.random() < 0.5)
        consent.change_consent(db, case_id, at, "UE", choice, "dm", "UC")
    else:  # retention: the identity rule deletes the case's customer identifiers
        retention.purge(db, case_id, rng.choice(["identity", "narrative", "timeline"]), at)


def _periods(rng: random.Random, now: datetime) -> list[tuple[stats.Range, stats.Range | None]]:
    out: list[tuple[stats.Range, stats.Range | None]] = [((None, None), None)]
    for text in ("30d", "7d", "1d", "2026-10"):
        p = parse_period(text, now, TZ)
        prev = p.previous
        out.append(((p.start, p.end), (prev.start, prev.end) if prev else None))
    p = last_days(rng.randint(1, 90), now, TZ)
    out.append(((p.start, p.end), None))
    m = month(2026, rng.randint(9, 11), TZ)
    out.append(((m.start, m.end), (None, m.start)))
    # Not day-aligned anywhere, and inside one UTC day.
    a = START + timedelta(seconds=rng.randrange(80 * 86400))
    out.append(((a, a + timedelta(seconds=rng.randrange(1, 30 * 86400))), None))
    out.append(((a, a + timedelta(hours=3)), (None, a)))
    return out


def _assert_equal(db: sqlite_utils.Database, rng: random.Random, now: datetime) -> None:
    targets = rng.choice(
        [DEFAULT_ACK_AFTER, {"urgent": timedelta(minutes=7), "low": timedelta(hours=1)}]
    )
    # Asked at the time of the last filing (some cases still within their target),
    # a little later, and without a time (none pending).
    for at in (now - timedelta(days=1), now - timedelta(hours=20), None):
        for period, previous in _periods(rng, now):
            fast = stats.summary(db, "p", period, previous, targets, at)
            slow = recount.recount(db, "p", period, previous, targets, at)
            assert fast == slow, (period, at)


def _totals(db: sqlite_utils.Database) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in totals.TABLES:
        rows = db.execute(f"SELECT * FROM {table}").fetchall()
        out[table] = sorted(
            r for r in rows if table in ("hr_customers", "hr_repeat_cases") or r[-1]
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_equal_a_recount_after_random_histories(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    db = _db(tmp_path)
    at = START
    filed = 0
    for _ in range(6):
        for _ in range(25):
            at += timedelta(minutes=rng.randrange(1, 6 * 60))
            _file(db, rng, at, filed)
            filed += 1
            for _ in range(rng.randint(0, 3)):
                case_id = rng.randint(1, filed)
                _act(db, rng, case_id, at + timedelta(minutes=rng.randrange(1, 3000)))
        _assert_equal(db, rng, at + timedelta(days=1))
    # The figures covered what they should: otherwise equality proves little.
    every = recount.recount(db, "all", (None, None), None)
    assert recount.recount(db, "all", (None, None), None, DEFAULT_ACK_AFTER, at).counts.ack_pending
    assert every.repeat.customers > 0 and every.by_conclusion and every.measures
    assert every.care_done and every.welfare_answered and every.retaliation
    assert every.counts.closed and every.counts.by_status.get("in_progress")
    by = every.counts.by_filed_by
    assert by.get("self") and by.get("on_behalf") and sum(by.values()) == every.counts.total
    assert db.execute("SELECT COUNT(*) FROM deletions WHERE what = 'case_customers'").fetchone()[0]
    # The triggers' totals are what the backfill computes from scratch.
    kept = _totals(db)
    totals.rebuild(db.conn)
    assert _totals(db) == kept


def test_backfill_of_an_existing_database(tmp_path: Path) -> None:
    """A file with cases from before m110: the migration fills the totals from them."""
    rng = random.Random(9)
    db = _db(tmp_path)
    for i in range(60):
        _file(db, rng, START + timedelta(hours=7 * i), i)
        _act(db, rng, rng.randint(1, i + 1), START + timedelta(hours=7 * i + 1))
    for table in totals.TABLES:  # as it was before the migration: no totals
        db.execute(f"DELETE FROM {table}")
    assert stats.summary(db, "all", (None, None), None) != recount.recount(
        db, "all", (None, None), None
    )
    totals.rebuild(db.conn)  # what m110 runs after creating the tables
    _assert_equal(db, rng, START + timedelta(days=20))


def test_a_case_still_within_its_target_is_neither_met_nor_missed(tmp_path: Path) -> None:
    """Filed seconds ago and not acknowledged: pending, not a miss; once its target has
    passed, a miss. Acknowledged in time: met, whenever asked."""
    db = _db(tmp_path)
    rng = random.Random(4)
    _file(db, rng, START, 0)
    _file(db, rng, START + timedelta(minutes=1), 1)
    db.execute("UPDATE cases SET severity = 'high'")
    handling.acknowledge(db, 1, START + timedelta(minutes=5), "UR")
    every = (None, None)
    soon = stats.counts(db, every, DEFAULT_ACK_AFTER, START + timedelta(minutes=1, seconds=20))
    assert (soon.ack_met, soon.ack_pending, soon.ack_due) == (1, 1, 1)
    # High: 30 minutes. At 30 min after filing it is still within; a second later, missed.
    edge = stats.counts(db, every, DEFAULT_ACK_AFTER, START + timedelta(minutes=30, seconds=59))
    assert edge.ack_pending == 1
    late = stats.counts(db, every, DEFAULT_ACK_AFTER, START + timedelta(minutes=31, seconds=1))
    assert (late.ack_met, late.ack_pending, late.ack_due) == (1, 0, 2)
    assert recount.counts(db, every, DEFAULT_ACK_AFTER, START + timedelta(minutes=2)) == (
        stats.counts(db, every, DEFAULT_ACK_AFTER, START + timedelta(minutes=2))
    )
