"""The customer's identifiers as the employee typed them, sealed (cases.customer_ids).

The keyed hashes in case_customers find repeat customers; these values let responders
act on the customer (suspend the account, cancel the order) without asking the employee
again. One sealed JSON object per case ({kind: value}); the identity retention rule
replaces it with PURGED (db/retention.py), so the details can say the values were
deleted rather than never given.
"""

from __future__ import annotations

import json

import sqlite_utils

from bot.domain.identifiers import Customer, IdsState, in_order
from db.sealed import seal, unseal

COLUMN = "cases.customer_ids"
PURGED = "(deleted)"


def sealed(db: sqlite_utils.Database, values: dict[str, str]) -> str | None:
    """The column's value for these identifiers; None when none were given."""
    return seal(db, COLUMN, json.dumps(in_order(values), ensure_ascii=False)) if values else None


def _opened(db: sqlite_utils.Database, stored: str | None) -> dict[str, str]:
    if not stored or stored == PURGED:
        return {}
    data = json.loads(unseal(db, COLUMN, stored) or "{}")
    return in_order({str(k): str(v) for k, v in data.items()}) if isinstance(data, dict) else {}


def merged(db: sqlite_utils.Database, case_id: int, values: dict[str, str]) -> str | None:
    """What the case keeps once a later form (completing a one-tap case) adds values:
    what it held, with the new values of the same kind replacing the old."""
    row = db.execute("SELECT customer_ids FROM cases WHERE id = ?", [case_id]).fetchone()
    return sealed(db, {**_opened(db, row[0] if row else None), **values})


def of_case(db: sqlite_utils.Database, case_id: int) -> Customer:
    row = db.execute("SELECT customer_ids FROM cases WHERE id = ?", [case_id]).fetchone()
    stored = row[0] if row else None
    if stored == PURGED:
        return Customer(IdsState.PURGED)
    if stored is None and db.execute(
        "SELECT 1 FROM case_customers WHERE case_id = ? LIMIT 1", [case_id]
    ).fetchone():
        return Customer(IdsState.HASH_ONLY)  # filed before m182: only the hashes were kept
    return Customer(IdsState.KEPT, _opened(db, stored))


def purge(db: sqlite_utils.Database, case_id: int) -> bool:
    """The identity rule's part (inside its transaction): True if there were values."""
    return bool(
        db.execute(
            "UPDATE cases SET customer_ids = ? WHERE id = ? AND customer_ids IS NOT NULL"
            " AND customer_ids != ?",
            [PURGED, case_id, PURGED],
        ).rowcount
    )
