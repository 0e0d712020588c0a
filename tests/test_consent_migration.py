"""m184_consent_ever on a file from before it: every case whose employee agreed on the
form counts as "agreed at some time", and the maintained totals equal a recount."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from db import consent, recount, stats
from db.migrations import migrations
from db.sealed import Sealer, install
from tests.test_hr_totals import START, _file


def test_m184_backfills_counseling_ever_and_the_totals(tmp_path: Path) -> None:
    conn = sqlite3.connect(str(tmp_path / "old.db"), isolation_level=None)
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before="m184_consent_ever")  # a file from before it
    install(db, Sealer((bytes(range(32)),)))
    rng = random.Random(5)
    for i in range(40):
        _file(db, rng, START + timedelta(hours=5 * i), i)
    agreed = db.execute("SELECT COUNT(*) FROM cases WHERE counseling_ok = 1").fetchone()[0]
    assert 0 < agreed < 40
    migrations.apply(db)
    rows = db.execute("SELECT counseling_ok, counseling_ever FROM cases").fetchall()
    assert all(ok == ever for ok, ever in rows)
    whole = (None, None)
    assert stats.summary(db, "all", whole, None) == recount.recount(db, "all", whole, None)
    assert stats.counts(db, whole).counseling_ever == agreed
    # A withdrawal afterwards: fewer agree now, as many agreed at some time.
    case_id = db.execute("SELECT id FROM cases WHERE counseling_ok = 1").fetchone()[0]
    consent.change_consent(db, case_id, START, "UE", consent.Choice(False, False), "home", "UC")
    counts = stats.counts(db, whole)
    assert (counts.counseling_ok, counts.counseling_ever) == (agreed - 1, agreed)
    assert stats.summary(db, "all", whole, None) == recount.recount(db, "all", whole, None)
