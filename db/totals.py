"""HR's maintained totals: per UTC day and per customer identifier, kept by SQLite triggers.

At a million cases, counting the summary from the cases themselves costs seconds. These
tables hold the same figures pre-added, so the summary costs what the number of days,
categories and duration buckets costs, not the number of cases (db/stats.py reads them):

- hr_counts (day, dim, key, n): cases per day by status, severity, channel, category
  (one row per category a case names), and the day's acknowledged, closed and
  counselling-consent counts. Marginals, not the joint GROUP BY: that is all HR sees.
- hr_durations (kind, day, severity, bucket, n): time to acknowledge / close, counted in
  geometric buckets (hr_buckets, 4 per doubling). A percentile finds its bucket here and
  its exact value by walking the duration index over that one bucket only.
- hr_facts (day, fact, key, n): current conclusions, counted measures, care steps done,
  answered welfare check-ins and retaliation reports, on the day of their case.
- hr_customers (hash, n, first_at, last_at): distinct cases per identifier, and
  hr_repeat_cases: the cases naming an identifier that is in two or more cases.

Days are UTC (substr of the stored ISO text), so the triggers need no time zone: a
period in the company's zone is its whole UTC days from these tables plus its partial
UTC days at the edges counted from the cases by index (db/recount.py).

Why triggers: every writer (filing, handling, retention, whatever is added later) keeps
the totals exact in its own transaction without knowing they exist. Each trigger either
recomputes the contribution of the rows it touched from the base tables (subtract before
the change, add after), or recomputes an identifier's row outright, so a total is always
what a recount would give. The SQL here is migration m110's schema: change it only with
a new migration that drops and recreates it.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from bot.domain import stats as S

DAY = "substr(c.reported_at, 1, 10)"  # reported_at is UTC ISO text (db.rows.iso)
# Seconds to close, spelled as the generated column cases.close_secs (m030) is, so a
# full scan can read it from idx_cases_hr_scan (which holds closed_at and reported_at).
CLOSE_SECS = "ROUND((julianday(c.closed_at) - julianday(c.reported_at)) * 86400.0, 3)"
CATEGORIES = (
    "json_each(CASE WHEN json_valid(c.categories) AND json_type(c.categories) = 'array' "
    "THEN c.categories ELSE '[]' END)"
)
# Bucket lower bounds: everything below 1 s, then 2^(k/4) s up to ~34 years.
BUCKETS = [-1e18, *(2 ** (k / 4) for k in range(121))]

# Ordinary rowid tables, not WITHOUT ROWID: key rotation (bot/keys.py) walks every
# table's text columns by rowid.
SCHEMA = (
    "CREATE TABLE hr_counts (day TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY (day, dim, key))",
    "CREATE TABLE hr_durations (kind TEXT NOT NULL, day TEXT NOT NULL, severity TEXT NOT NULL,"
    " bucket REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, day, severity, bucket))",
    "CREATE TABLE hr_facts (day TEXT NOT NULL, fact TEXT NOT NULL, key TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY (day, fact, key))",
    "CREATE TABLE hr_buckets (lo REAL PRIMARY KEY)",
    "CREATE TABLE hr_customers (hash TEXT PRIMARY KEY, n INTEGER NOT NULL, first_at TEXT,"
    " last_at TEXT)",
    "CREATE INDEX hr_customers_n ON hr_customers (n DESC, hash)",
    "CREATE TABLE hr_repeat_cases (case_id INTEGER PRIMARY KEY)",
    # Targets met: the one bucket a target falls inside is counted exactly from here,
    # per severity, reading only index entries.
    "CREATE INDEX idx_cases_sev_ack ON cases (severity, ack_secs, reported_at)",
)
TABLES = ("hr_counts", "hr_durations", "hr_facts", "hr_customers", "hr_repeat_cases")


def _upsert(table: str, keys: str, select: str) -> str:
    # "WHERE true": without it SQLite would read ON CONFLICT as part of a join.
    return (
        f"INSERT INTO {table} ({keys}, n) SELECT * FROM ({select}) WHERE true "
        f"ON CONFLICT ({keys}) DO UPDATE SET n = n + excluded.n"
    )


# Who filed (issue 13, m160): the employee themselves or someone on their behalf. Counted
# only once the column exists, so m110 builds what it always built on a fresh file.
FILED_BY = "CASE WHEN c.on_behalf = 1 THEN 'on_behalf' ELSE 'self' END"


def has_filed_by(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "on_behalf" for row in conn.execute("PRAGMA table_info(cases)"))


# Consent that can change (issue 11, m184): a case counts under "counseling_ever" if the
# employee agreed to counseling at any time; a filing agrees in counseling_ok alone.
EVER = "MAX(COALESCE(c.counseling_ok, 0), COALESCE(c.counseling_ever, 0))"


def has_ever(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "counseling_ever" for row in conn.execute("PRAGMA table_info(cases)"))


def counts_sql(where: str, sign: int, filed_by: bool = True, ever: bool = False) -> str:
    """Add `sign` x the marginal counts of the cases `c` matching `where`."""
    parts = [
        ("'total'", "''", "1", ""),
        ("'status'", "c.status", "1", ""),
        ("'severity'", "c.severity", "1", ""),
        ("'channel'", "COALESCE(c.contact_channel, '')", "1", ""),
        ("'acked'", "''", "1", " AND c.ack_secs IS NOT NULL"),
        ("'closed'", "''", "1", " AND c.closed_at IS NOT NULL"),
        ("'counseling'", "''", "c.counseling_ok", " AND c.counseling_ok IS NOT NULL"),
    ]
    if filed_by:
        parts.append(("'filed_by'", FILED_BY, "1", ""))
    if ever:
        parts.append(("'counseling_ever'", "''", EVER, ""))
    rows = [
        f"SELECT {DAY} AS day, {dim} AS dim, {key} AS key, {v} AS v FROM cases c "
        f"WHERE {where}{extra}"
        for dim, key, v, extra in parts
    ]
    rows.append(
        f"SELECT {DAY}, 'category', j.value, 1 FROM cases c, {CATEGORIES} j "
        f"WHERE {where} AND j.type = 'text'"
    )
    select = (
        f"SELECT day, dim, key, {sign} * SUM(v) FROM ({' UNION ALL '.join(rows)}) "
        "GROUP BY day, dim, key"
    )
    return _upsert("hr_counts", "day, dim, key", select)


def durations_sql(where: str, sign: int) -> str:
    bucket = "(SELECT MAX(lo) FROM hr_buckets WHERE lo <= {})"
    rows = [
        f"SELECT {kind!r} AS kind, {DAY} AS day, c.severity AS severity, "
        f"{bucket.format(expr)} AS bucket FROM cases c WHERE {where} AND {expr} IS NOT NULL"
        for kind, expr in (("ack", "c.ack_secs"), ("close", CLOSE_SECS))
    ]
    select = (
        f"SELECT kind, day, severity, bucket, {sign} * COUNT(*) "
        f"FROM ({' UNION ALL '.join(rows)}) GROUP BY kind, day, severity, bucket"
    )
    return _upsert("hr_durations", "kind, day, severity, bucket", select)


# Each fact as db/recount.py counts it, grouped by the case's day; `{w}` narrows the rows.
FACTS = {
    "conclusion": (
        f"SELECT {DAY} AS d, 'conclusion', COALESCE(a.conclusion, '') AS k, {{s}} * COUNT(*) "
        "FROM cases c JOIN assessments a ON a.case_id = c.id WHERE {w} AND NOT EXISTS ("
        "SELECT 1 FROM assessments b WHERE b.case_id = a.case_id AND b.version > a.version) "
        "GROUP BY d, k"
    ),
    "measure": (
        # str(None) is what recount shows for a measure without a kind.
        f"SELECT {DAY} AS d, 'measure', COALESCE(m.kind, 'None') AS k, {{s}} * COUNT(*) "
        "FROM cases c JOIN measures m ON m.case_id = c.id WHERE {w} AND "
        "(COALESCE(m.needs_confirmation, 0) = 0 OR m.confirmed_at IS NOT NULL) GROUP BY d, k"
    ),
    "care": (
        f"SELECT {DAY} AS d, 'care', '', {{s}} * COUNT(*) FROM cases c "
        f"JOIN case_steps s ON s.case_id = c.id WHERE {{w}} AND s.step_id = '{S.CARE_STEP}' "
        "GROUP BY d"
    ),
    "welfare": (
        # A reminder belongs to one case, so distinct per day adds up to distinct overall.
        f"SELECT {DAY} AS d, 'welfare', '', {{s}} * COUNT(DISTINCT w.reminder_id) "
        "FROM cases c JOIN reminders r ON r.case_id = c.id "
        "JOIN welfare_answers w ON w.reminder_id = r.id WHERE {w} GROUP BY d"
    ),
    "retaliation": (
        f"SELECT {DAY} AS d, 'retaliation', '', {{s}} * COUNT(*) FROM timeline t "
        f"JOIN cases c ON c.id = t.case_id WHERE t.event = '{S.RETALIATION_EVENT}' AND {{w}} "
        "GROUP BY d"
    ),
}


def facts_sql(fact: str, where: str, sign: int) -> str:
    return _upsert("hr_facts", "day, fact, key", FACTS[fact].format(w=where, s=sign))


def _case_sql(where: str, sign: int, filed_by: bool = True, ever: bool = False) -> list[str]:
    return [counts_sql(where, sign, filed_by, ever), durations_sql(where, sign)]


def _all_facts(where: str, sign: int) -> list[str]:
    return [facts_sql(f, where, sign) for f in FACTS]


CASE_COLUMNS = (
    "id, reported_at, status, severity, contact_channel, categories, counseling_ok, "
    "acknowledged_at, closed_at"
)
REPORTED = f"'{S.RETALIATION_EVENT}'"


def _customer_sql(row: str) -> list[str]:
    """Recompute identifier `row`.hash outright, then which cases name a repeat identifier:
    the row's case, and, if the identifier now has at most 2 cases (so it may just have
    crossed 1 <-> 2), every case naming it. Beyond 2 the others' state cannot change."""
    h, case = f"{row}.hash", f"{row}.case_id"
    affected = (
        f"SELECT {case} AS x UNION SELECT case_id FROM case_customers WHERE hash = {h} "
        f"AND COALESCE((SELECT n FROM hr_customers WHERE hash = {h}), 0) <= 2"
    )
    return [
        f"INSERT OR REPLACE INTO hr_customers (hash, n, first_at, last_at) "
        f"SELECT {h}, COUNT(DISTINCT case_id), MIN(reported_at), MAX(reported_at) "
        f"FROM case_customers WHERE hash = {h} HAVING {h} IS NOT NULL",
        f"DELETE FROM hr_customers WHERE hash = {h} AND n = 0",
        f"DELETE FROM hr_repeat_cases WHERE case_id IN ({affected})",
        f"INSERT OR IGNORE INTO hr_repeat_cases (case_id) SELECT a.x FROM ({affected}) a "
        "WHERE a.x IS NOT NULL AND EXISTS (SELECT 1 FROM case_customers cc "
        "JOIN hr_customers hc ON hc.hash = cc.hash WHERE cc.case_id = a.x AND hc.n >= 2)",
    ]


def triggers(filed_by: bool = True, ever: bool = False) -> dict[str, str]:
    """name -> CREATE TRIGGER statement (`filed_by`: the m160 dimension, `ever`: m184's,
    once each exists)."""
    cols = (
        CASE_COLUMNS + (", on_behalf" if filed_by else "") + (", counseling_ever" if ever else "")
    )

    def _case_sql(where: str, sign: int) -> list[str]:
        return [counts_sql(where, sign, filed_by, ever), durations_sql(where, sign)]

    t: dict[str, tuple[str, list[str]]] = {
        # cases: the counts and durations move with any counted column; the facts move
        # only if the case's day (or id) changes.
        "cases_ai": ("AFTER INSERT ON cases",
                     _case_sql("c.id = NEW.id", 1) + _all_facts("c.id = NEW.id", 1)),
        "cases_bu": (f"BEFORE UPDATE OF {cols} ON cases", _case_sql("c.id = OLD.id", -1)),
        "cases_au": (f"AFTER UPDATE OF {cols} ON cases", _case_sql("c.id = NEW.id", 1)),
        "cases_bu_day": ("BEFORE UPDATE OF id, reported_at ON cases",
                         _all_facts("c.id = OLD.id", -1)),
        "cases_au_day": ("AFTER UPDATE OF id, reported_at ON cases",
                         _all_facts("c.id = NEW.id", 1)),
        "cases_bd": ("BEFORE DELETE ON cases",
                     _case_sql("c.id = OLD.id", -1) + _all_facts("c.id = OLD.id", -1)),
    }  # fmt: skip

    def whole(table: str, fact: str, columns: str, before: str, after: str) -> None:
        """Subtract what the touched cases (or check-ins) count before the change, add
        what they count after: for facts that depend on a row's siblings."""
        for event, old, new in (
            ("INSERT", "NEW", "NEW"), (f"UPDATE OF {columns}", "OLD", "NEW"),
            ("DELETE", "OLD", "OLD"),
        ):  # fmt: skip
            where = before.format(old=old, new=new)
            t[f"{table}_b{event[0].lower()}"] = (
                f"BEFORE {event} ON {table}",
                [facts_sql(fact, where, -1)],
            )
            where = after.format(old=old, new=new)
            t[f"{table}_a{event[0].lower()}"] = (
                f"AFTER {event} ON {table}",
                [facts_sql(fact, where, 1)],
            )

    # The current conclusion depends on the case's other versions; whether a check-in
    # was answered, on its other answers.
    cases = "c.id IN ({old}.case_id, {new}.case_id)"
    whole("assessments", "conclusion", "case_id, version, conclusion", cases, cases)
    answers = "r.id IN ({old}.reminder_id, {new}.reminder_id)"
    whole("welfare_answers", "welfare", "reminder_id", answers, answers)

    # The other facts count rows one by one: a new row adds itself, a gone one subtracts.
    rows = {
        "measures": ("measure", "m.id = {}.id", "id, case_id, kind, needs_confirmation, "
                     "confirmed_at", ""),
        "case_steps": ("care", "s.case_id = {0}.case_id AND s.step_id = {0}.step_id",
                       "case_id, step_id", f"{{}}.step_id = '{S.CARE_STEP}'"),
        "timeline": ("retaliation", "t.id = {}.id", "id, case_id, event",
                     f"{{}}.event = {REPORTED}"),
        "reminders": ("welfare", "r.id = {}.id", "id, case_id", ""),
    }  # fmt: skip
    for table, (fact, match, columns, when) in rows.items():

        def on(event: str, row: str, table: str = table, when: str = when) -> str:
            return f"{event} ON {table}" + (f" WHEN {when.format(row)}" if when else "")

        new, old = match.format("NEW"), match.format("OLD")
        t[f"{table}_ai"] = (on("AFTER INSERT", "NEW"), [facts_sql(fact, new, 1)])
        t[f"{table}_bu"] = (on(f"BEFORE UPDATE OF {columns}", "OLD"), [facts_sql(fact, old, -1)])
        t[f"{table}_au"] = (on(f"AFTER UPDATE OF {columns}", "NEW"), [facts_sql(fact, new, 1)])
        t[f"{table}_bd"] = (on("BEFORE DELETE", "OLD"), [facts_sql(fact, old, -1)])
    t |= {
        "case_customers_ai": ("AFTER INSERT ON case_customers", _customer_sql("NEW")),
        "case_customers_ad": ("AFTER DELETE ON case_customers", _customer_sql("OLD")),
        "case_customers_au": ("AFTER UPDATE OF case_id, hash, reported_at ON case_customers",
                              _customer_sql("OLD") + _customer_sql("NEW")),
    }  # fmt: skip
    return {
        name: f"CREATE TRIGGER hr_{name} {head} BEGIN\n"
        + "".join(f"  {s};\n" for s in body)
        + "END"
        for name, (head, body) in t.items()
    }


def create_triggers(conn: sqlite3.Connection) -> None:
    for sql in triggers(has_filed_by(conn), has_ever(conn)).values():
        conn.execute(sql)


def drop_triggers(conn: sqlite3.Connection) -> None:
    """For a bulk load (bench/gen_cases.py): load, then create_triggers and rebuild."""
    for name in triggers():
        conn.execute(f"DROP TRIGGER IF EXISTS hr_{name}")


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every total from the base tables (the backfill of an existing file)."""
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    for sql in [*_case_sql("1", 1, has_filed_by(conn), has_ever(conn)), *_all_facts("1", 1)]:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO hr_customers (hash, n, first_at, last_at) SELECT hash, "
        "COUNT(DISTINCT case_id), MIN(reported_at), MAX(reported_at) FROM case_customers "
        "WHERE hash IS NOT NULL GROUP BY hash"
    )
    conn.execute(
        "INSERT OR IGNORE INTO hr_repeat_cases (case_id) SELECT DISTINCT cc.case_id "
        "FROM case_customers cc JOIN hr_customers h ON h.hash = cc.hash WHERE h.n >= 2 "
        "AND cc.case_id IS NOT NULL"
    )


def install(db: sqlite_utils.Database) -> None:
    """Migration m110: the tables, the buckets, the triggers, and the backfill."""
    conn = db.conn
    for sql in SCHEMA:
        conn.execute(sql)
    conn.executemany("INSERT INTO hr_buckets (lo) VALUES (?)", [(lo,) for lo in BUCKETS])
    create_triggers(conn)
    rebuild(conn)


def add_filed_by(db: sqlite_utils.Database) -> None:
    """Migration m160: the triggers again with the filed-by dimension, and the backfill
    (every earlier case was filed by the employee: on_behalf defaults to 0)."""
    conn = db.conn
    drop_triggers(conn)
    create_triggers(conn)
    rebuild(conn)


def add_counseling_ever(db: sqlite_utils.Database) -> None:
    """Migration m184: the triggers again with "agreed to counseling at any time", and
    the backfill (before m184 consent never changed: ever is what the form said)."""
    conn = db.conn
    drop_triggers(conn)
    create_triggers(conn)
    rebuild(conn)
