"""Generate realistic cases straight into a SQLite file, for HR's summary benchmark.

    python -m bench.gen_cases /tmp/cases.db 1000000 [--years 3] [--seed 7]

One million cases take about a minute and a half (executemany in one transaction,
journal off; HR's totals computed once at the end, as migration m110's backfill does).
The shape follows what a company of a few thousand customer-facing staff would
see over `years` years ending on 2026-11-27 (Tokyo):
- severity: urgent 5%, high 25%, medium 40%, low 30%; one to three categories,
  verbal abuse and persistent contact most common; contact mostly phone and email;
- 97% acknowledged (urgent within minutes, low within hours, a lognormal tail); the
  older a case, the likelier it is closed (median about 12 days after the report);
- customers drawn from a skewed population twice the number of cases, so about one
  identifier in three names a customer seen before (a few serial complainers); 0–2
  identifiers per case, stored as keyed hashes exactly as the bot stores them;
- narratives, demands and evidence are real AES-GCM sealed values (a small pool of
  sealed texts reused), so rows are the size they are in production;
- a timeline "reported" entry per case; an assessment for 60%, a measure for 10%,
  the care step done for 30%, welfare answers for 15%, retaliation reported for 0.5%.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.identifiers import customer_hash
from db import totals
from db.sealed import Sealer
from db.store import open_database

HASH_KEY = b"bench-hash-key-0123456789"
DATA_KEY = bytes(range(32))
END = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
CATEGORIES = {
    "verbal_abuse": 30, "persistent_contact": 18, "unreasonable_demand": 14,
    "time_restraint": 10, "intimidation": 8, "threat": 6, "online_defamation": 4,
    "attack_on_named_employee": 3, "discrimination": 2, "sexual": 2, "forced_apology": 2,
    "violence": 1, "stalking": 1, "other": 4,
}  # fmt: skip
CHANNELS = {"phone": 45, "email": 20, "chat": 12, "in_person": 13, "social_media": 7, "other": 3}
SEVERITY = {"urgent": 5, "high": 25, "medium": 40, "low": 30}
ACK_MINUTES = {"urgent": 4.0, "high": 15.0, "medium": 90.0, "low": 150.0}  # medians
CONCLUSIONS = {"harassment": 55, "gray": 30, "not_harassment": 15}
MEASURES = {"warned": 50, "ceased_negotiations": 20, "stopped_service": 10,
            "police_report": 5, "lawyer": 10, "other": 5}  # fmt: skip
KINDS = ("account", "order", "phone", "email", "handle")


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="microseconds")


def _pick(weights: dict[str, int], n: int, rng: random.Random) -> list[str]:
    return rng.choices(list(weights), list(weights.values()), k=n)


def _sealed_pool(size: int, rng: random.Random) -> dict[str, list[str]]:
    sealer = Sealer((DATA_KEY,))
    words = ("お客様", "返金", "電話", "大声", "何度も", "謝罪", "土下座", "名前", "ネット",
             "社長", "責任", "誠意")  # fmt: skip
    pool: dict[str, list[str]] = {}
    for col, lo, hi in (("narrative", 10, 50), ("demand", 2, 12), ("evidence_links", 0, 2)):
        texts = []
        for _ in range(size):
            if col == "evidence_links":
                text = json.dumps(
                    [f"https://example.com/post/{rng.randrange(10**6)}"] * rng.randint(lo, hi)
                )
            else:
                text = "".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))
            texts.append(sealer.seal(f"cases.{col}", text) or "")
        pool[col] = texts
    pool["evidence_files"] = [sealer.seal("cases.evidence_files", "[]") or ""]
    pool["reporter_id"] = [
        sealer.seal("cases.reporter_id", f"U0EMP{i:05d}") or "" for i in range(size)
    ]
    return pool


_ISO = "strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', ?, 'unixepoch')"  # as db.rows.iso writes
_CASE_COLUMNS = (
    "id, case_no, year, seq, reporter_id, reporter_lang, show_name, counseling_ok,"
    " occurred_at, reported_at, contact_channel, categories, severity, danger, demand,"
    " narrative, evidence_links, evidence_files, status, policy_version, legal_on_duty,"
    " counseling_on_duty, repeat_count, card_channel, card_ts, acknowledged_at, closed_at, lead"
)
_CASE_VALUES = (
    f"?, 'CH-' || ? || '-' || printf('%04d', ?), ?, ?, ?, 'ja', ?, ?, {_ISO}, {_ISO}, ?, ?, ?,"
    f" ?, ?, ?, ?, ?, ?, '2026.1', 'U0LEGAL001', 'U0COUNS001', 0, 'C0RESPOND1', ?,"
    f" {_ISO}, {_ISO}, ?"
)


def _without_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes; building them once after the load is several times
    faster than keeping them up to date row by row. Returns the SQL to rebuild them."""
    marks = ",".join("?" * len(tables))
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, _ in rows:
        conn.execute(f"DROP INDEX [{name}]")
    return [sql for _, sql in rows]


def _case_rows(n: int, span: float, rng: random.Random) -> Iterator[tuple[object, ...]]:
    pool = _sealed_pool(64, rng)
    end = END.timestamp()
    offsets = sorted(rng.random() * span for _ in range(n))
    severities = _pick(SEVERITY, n, rng)
    channels = _pick(CHANNELS, n, rng)
    cats_a = _pick(CATEGORIES, n, rng)
    cats_b = _pick(CATEGORIES, n, rng)
    seqs: dict[int, int] = {}
    rand, lognorm = rng.random, rng.lognormvariate
    for i in range(n):
        reported = end - span + offsets[i]
        age = end - reported
        sev = severities[i]
        year = time.gmtime(reported + 9 * 3600).tm_year  # the case number's year is Tokyo's
        seq = seqs[year] = seqs.get(year, 0) + 1
        acked = closed = None
        if rand() < 0.97:
            acked = reported + 60 * lognorm(0, 0.9) * ACK_MINUTES[sev]
            close = 86400 * lognorm(2.5, 0.8)
            if close < age:
                closed = reported + close
        status = "closed" if closed else ("in_progress" if acked else "new")
        a, b = cats_a[i], cats_b[i]
        cats = f'["{a}"]' if a == b or rand() < 0.6 else f'["{min(a, b)}", "{max(a, b)}"]'
        show = rand() < 0.3
        k = i % 64
        yield (
            i + 1, year, seq, year, seq,
            f"U0EMP{k:05d}" if show else pool["reporter_id"][k], int(show),
            int(rand() < 0.4), reported - 60 * (5 + 600 * rand()), reported,
            channels[i], cats, sev, "ongoing" if sev == "urgent" else "over",
            pool["demand"][k], pool["narrative"][k], pool["evidence_links"][k],
            pool["evidence_files"][0], status, f"{1700000000 + i}.000100",
            acked, closed, "U0RESPOND1" if acked else None,
        )  # fmt: skip


def _customers(conn: sqlite3.Connection, n: int) -> None:
    """0-2 identifiers per case (mean 1) from a population twice the number of cases.
    The keyed hashes are computed once per customer in Python, exactly as the bot does;
    SQLite then assigns customers to cases with a skewed deterministic draw (the product
    of two uniform numbers), so a few customers come back again and again."""
    population = max(10, 2 * n)
    conn.execute("CREATE TEMP TABLE cust (c INTEGER PRIMARY KEY, kind TEXT, hash TEXT)")
    conn.executemany(
        "INSERT INTO cust VALUES (?, ?, ?)",
        (
            (c, KINDS[c % 5], customer_hash(HASH_KEY, KINDS[c % 5], f"cust{c}@example.com"))
            for c in range(population)
        ),
    )
    draw = f"((id * {{a}} % 1000003) * (id * {{b}} % 1000003) % {population})"
    for a, b, share in ((2654435761, 40503, 80), (97, 1000001, 20)):
        conn.execute(
            f"INSERT INTO case_customers (case_id, kind, hash, reported_at)"
            f" SELECT id, cust.kind, cust.hash, reported_at FROM cases"
            f" JOIN cust ON cust.c = {draw.format(a=a, b=b)} * {draw.format(a=b, b=a)}"
            f" / {population}"
            f" WHERE id * 7 % 100 < {share}"
        )
    conn.execute("DROP TABLE cust")


# The other tables, filled by SQLite from the cases themselves; `id * 2654435761 % 100`
# is a cheap deterministic stand-in for a random percentage.
_PCT = "(id * 2654435761 % 100)"
_DERIVED = (
    "INSERT INTO timeline (case_id, at, actor, event, detail)"
    " SELECT id, reported_at, 'U0EMP00000', 'reported', '{}' FROM cases",
    "INSERT INTO timeline (case_id, at, actor, event, detail)"
    " SELECT id, closed_at, 'U0EMP00000', 'retaliation_reported', '{}' FROM cases"
    " WHERE closed_at IS NOT NULL AND id * 7919 % 1000 < 5",
    "INSERT INTO assessments (case_id, version, demand_valid, means_appropriate, conclusion, at)"
    " SELECT id, 1, 'invalid', 'inappropriate', CASE WHEN id % 20 < 11 THEN 'harassment'"
    " WHEN id % 20 < 17 THEN 'gray' ELSE 'not_harassment' END, closed_at FROM cases"
    f" WHERE closed_at IS NOT NULL AND {_PCT} < 60",
    "INSERT INTO measures (case_id, kind, needs_confirmation, recorded_at, confirmed_at)"
    " SELECT id, CASE id % 10 WHEN 0 THEN 'police_report' WHEN 1 THEN 'lawyer'"
    " WHEN 2 THEN 'stopped_service' WHEN 3 THEN 'ceased_negotiations' ELSE 'warned' END,"
    " 0, closed_at, closed_at FROM cases"
    " WHERE closed_at IS NOT NULL AND id * 104729 % 100 < 10",
    "INSERT INTO case_steps (case_id, step_id, done_at, done_by)"
    " SELECT id, 'care', closed_at, 'U0COUNS001' FROM cases"
    " WHERE closed_at IS NOT NULL AND id * 1299709 % 100 < 30",
)
TABLES = ("cases", "case_customers", "timeline", "assessments", "measures", "case_steps")


def generate(path: Path | str, n: int, years: float = 3.0, seed: int = 7) -> dict[str, float]:
    """Write `n` cases (and their customers, timeline, assessments, ...) into a new file
    at `path`, created by the bot's own migrations. Returns row counts and seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    db = open_database(path)
    conn: sqlite3.Connection = db.conn
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MiB: the index builds sort in memory
    conn.execute("BEGIN")
    # HR's totals (db/totals.py, m110) are computed once after the load, as the
    # migration's backfill does, rather than by the triggers row by row.
    totals.drop_triggers(conn)
    rebuild = _without_indexes(conn, TABLES)
    conn.executemany(
        f"INSERT INTO cases ({_CASE_COLUMNS}) VALUES ({_CASE_VALUES})",
        _case_rows(n, years * 365 * 86400, rng),
    )
    _customers(conn, n)
    for sql in _DERIVED:
        conn.execute(sql)
    for sql in rebuild:
        conn.execute(sql)
    totals.rebuild(conn)
    totals.create_triggers(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA analysis_limit=1000")  # sampled statistics: enough for the planner
    conn.execute("ANALYZE")
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    db.close()
    return {**counts, "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.path.exists():
        raise SystemExit(f"{args.path} exists; give a new file")
    print(generate(args.path, args.n, args.years, args.seed))


if __name__ == "__main__":
    main()
