"""Key rotation: re-encrypting every sealed value with the current data key.

Rotation runs beside the live bot: it opens the database itself and re-seals in small
BEGIN IMMEDIATE transactions, each row only if it still holds the value read (a row
the bot changed meanwhile is picked up by the next pass). The bot must already run with
CH_DATA_KEY = new and CH_DATA_KEY_PREVIOUS = old, so it opens values of either key.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from db import timeline
from db.cases import reporter_ref
from db.sealed import PREFIX, Sealer
from db.store import checkpoint, harden

log = logging.getLogger(__name__)
BATCH = 50
# Sealed bytes, not text (a kept evidence file: db/evidence_copies.py): re-sealed as
# bytes, one row at a time (a row may hold tens of megabytes).
BYTES_COLUMNS = frozenset({"evidence_copies.content"})


@dataclass
class RotationReport:
    resealed: int = 0
    reporters_sealed: int = 0
    refs_filled: int = 0
    checkpointed: bool = False


def _text_columns(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        for col in conn.execute(f"PRAGMA table_info([{table}])"):
            if str(col[2]).upper() == "TEXT":
                yield table, str(col[1])


def _reseal_json(sealer: Sealer, value: str) -> str | None:
    """timeline.detail holds sealed strings inside JSON; re-seal those, keep the rest."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    changed = False
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, str) and v.startswith(PREFIX + ":") and not sealer.is_current(v):
            v = sealer.seal(timeline.TEXT, sealer.open(timeline.TEXT, v))
            changed = True
        out[k] = v
    return json.dumps(out, ensure_ascii=False) if changed else None


def _new_value(sealer: Sealer, column: str, value: str) -> str | None:
    if value.startswith(PREFIX + ":") and column in BYTES_COLUMNS:
        data = sealer.open_bytes(column, value)
        return None if sealer.is_current(value) or data is None else sealer.seal_bytes(column, data)
    if value.startswith(PREFIX + ":"):
        return None if sealer.is_current(value) else sealer.seal(column, sealer.open(column, value))
    if value.startswith("{") and f'"{PREFIX}:' in value:
        return _reseal_json(sealer, value)
    return None


def rotate(conn: sqlite3.Connection, sealer: Sealer, hash_key: bytes) -> RotationReport:
    """Re-seal everything not sealed with sealer.keys[0]; seal legacy plain reporters."""
    conn.isolation_level = None
    conn.execute("PRAGMA busy_timeout=10000")
    harden(conn)  # the old-key ciphertext is zeroed where it is overwritten
    report = RotationReport()
    for table, column in _text_columns(conn):
        last = 0
        batch = 1 if f"{table}.{column}" in BYTES_COLUMNS else BATCH
        while True:
            rows = conn.execute(
                f"SELECT rowid, [{column}] FROM [{table}] WHERE rowid > ? "
                f"AND [{column}] LIKE '%{PREFIX}:%' ORDER BY rowid LIMIT ?",
                [last, batch],
            ).fetchall()
            if not rows:
                break
            conn.execute("BEGIN IMMEDIATE")
            for rowid, value in rows:
                new = _new_value(sealer, f"{table}.{column}", value)
                if new is not None:
                    report.resealed += conn.execute(
                        f"UPDATE [{table}] SET [{column}] = ? WHERE rowid = ? AND [{column}] = ?",
                        [new, rowid, value],
                    ).rowcount
            conn.execute("COMMIT")
            last = rows[-1][0]
    _seal_legacy_reporters(conn, sealer, hash_key, report)
    # Until a checkpoint, the old values still sit in the file's pages (the new ones are
    # in the WAL) and the WAL keeps frames written before: the bot never takes a
    # TRUNCATE checkpoint itself, so rotation does.
    report.checkpointed = checkpoint(conn)
    return report


def _seal_legacy_reporters(
    conn: sqlite3.Connection, sealer: Sealer, hash_key: bytes, report: RotationReport
) -> None:
    """Cases filed before m040: fill reporter_ref, seal confidential reporters' IDs."""
    rows = conn.execute(
        "SELECT id, reporter_id, show_name FROM cases WHERE reporter_id != '(deleted)' AND "
        f"(reporter_ref IS NULL OR (show_name = 0 AND reporter_id NOT LIKE '{PREFIX}:%'))"
    ).fetchall()
    for i in range(0, len(rows), BATCH):
        conn.execute("BEGIN IMMEDIATE")
        for case_id, stored, show_name in rows[i : i + BATCH]:
            plain = stored if not stored.startswith(PREFIX + ":") else None
            if plain is None:
                plain = sealer.open("cases.reporter_id", stored) or ""
            new = plain if show_name else stored
            if not show_name and plain == stored:
                new = sealer.seal("cases.reporter_id", plain) or ""
                report.reporters_sealed += 1
            conn.execute(
                "UPDATE cases SET reporter_id = ?, reporter_ref = COALESCE(reporter_ref, ?) "
                "WHERE id = ? AND reporter_id = ?",
                [new, reporter_ref(hash_key, plain), case_id, stored],
            )
            report.refs_filled += 1
        conn.execute("COMMIT")
