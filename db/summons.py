"""Who was asked, by direct message, to go to a case happening now (issue 11).

Each person asked to go (the site's supervisors, the backup on duty, whoever a widened
call adds) gets a DM through the outbox (kind helper_summons:<user ID>), so an outage
loses none. Those rows are also the record of who was summoned for which case: such a
person may say "I'm going" to that case from the DM, even when they are not in the
responders channel (bot/flows/case/helper.py); nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from bot.domain.stored import OutboxKind, outbox_key
from db import outbox
from db.sealed import unseal

PREFIX = outbox_key(OutboxKind.HELPER_SUMMONS, "")  # "helper_summons:"


def _like() -> str:
    return PREFIX.replace("_", "\\_") + "%"


def summoned(db: sqlite_utils.Database, case_id: int) -> list[str]:
    """Everyone sent a summons DM for the case, in the order they were asked."""
    rows = db.execute(
        "SELECT kind FROM outbox WHERE case_id = ? AND kind LIKE ? ESCAPE '\\' ORDER BY id",
        [case_id, _like()],
    ).fetchall()
    return list(dict.fromkeys(str(r[0])[len(PREFIX) :] for r in rows))


def queue(
    db: sqlite_utils.Database, case_id: int, people: Iterable[str], at: datetime,
    *, again: bool = False,
) -> list[str]:  # fmt: skip
    """Queue a summons DM to each person not sent one yet (`again`: to everyone already
    summoned too, e.g. when she has said where she is); call inside the transaction that
    decides it. Returns who was queued."""
    already = summoned(db, case_id)
    todo = [p for p in dict.fromkeys(people) if p and (again or p not in already)]
    for person in todo:
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.HELPER_SUMMONS, person), at)
    return todo


def was_summoned(db: sqlite_utils.Database, case_id: int, user_id: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM outbox WHERE case_id = ? AND kind = ?",
        [case_id, outbox_key(OutboxKind.HELPER_SUMMONS, user_id)],
    ).fetchone()
    return row is not None


def delivered(db: sqlite_utils.Database, case_id: int) -> list[tuple[str, str, str]]:
    """(person, DM channel, ts) of every summons DM already in Slack, to redraw them."""
    rows = db.execute(
        "SELECT kind, channel, ts FROM outbox WHERE case_id = ? AND kind LIKE ? ESCAPE '\\'"
        " AND status = 'done' AND channel IS NOT NULL AND ts IS NOT NULL ORDER BY id",
        [case_id, _like()],
    ).fetchall()
    out = []
    for kind, channel, ts in rows:
        # A DM's channel is kept sealed (db/outbox.py); a channel ID as it is.
        opened = (
            channel
            if str(channel).startswith(("C", "G"))
            else unseal(db, "outbox.channel", channel)
        )
        if opened:
            out.append((str(kind)[len(PREFIX) :], str(opened), str(ts)))
    return out


def earlier_sent(db: sqlite_utils.Database, case_id: int, user_id: str, before_id: int) -> bool:
    """Did this person already get a summons DM for the case (this one is an update)?"""
    row = db.execute(
        "SELECT 1 FROM outbox WHERE case_id = ? AND kind = ? AND id < ?",
        [case_id, outbox_key(OutboxKind.HELPER_SUMMONS, user_id), before_id],
    ).fetchone()
    return row is not None
