"""Sealed copies of evidence files, and files added to a case after it was filed.

The employee's upload is hers: she can delete it in Slack, and the evidence would be
gone. So each file of a case gets a row here when it joins the case (filed, added
through "Add information", sent in her DM) and an outbox job (`evidence_copy:<row id>`)
that fetches it once and keeps its bytes sealed with the data key (db/sealed.py). The
Slack file ID is sealed too; of the original name only the extension is kept. The
`evidence` retention rule empties the copy (db/retention.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.domain.evidence import file_id
from bot.domain.stored import OutboxKind, outbox_key
from db import outbox, timeline
from db.rows import immediate, insert, iso
from db.sealed import seal, seal_bytes, unseal, unseal_bytes

PENDING, KEPT, DELETED, TOO_LARGE, REFUSED = "pending", "kept", "deleted", "too_large", "refused"
FILE_ID = "evidence_copies.file_id"
CONTENT = "evidence_copies.content"
LINKS = "cases.evidence_links"


def added_later(db: sqlite_utils.Database, case_id: int) -> list[str]:
    """The files attached after filing (bare file IDs among the links): completing a
    quick report (db/urgent.py) keeps them."""
    row = db.execute("SELECT evidence_links FROM cases WHERE id = ?", [case_id]).fetchone()
    links = json.loads(unseal(db, LINKS, row[0] if row else None) or "[]")
    return [link for link in links if file_id(link) == link]


@dataclass(frozen=True)
class Job:
    id: int
    case_id: int
    file_id: str


@dataclass(frozen=True)
class Copy:
    data: bytes
    extension: str
    mimetype: str


def _rows(db: sqlite_utils.Database, case_id: int) -> dict[str, tuple[int, str]]:
    """file ID -> (row id, status) of the case's files (few: each is opened here)."""
    rows = db.execute(
        "SELECT id, file_id, status FROM evidence_copies WHERE case_id = ? AND file_id IS NOT NULL",
        [case_id],
    ).fetchall()
    return {unseal(db, FILE_ID, f) or "": (int(i), str(s)) for i, f, s in rows}


def queue(
    db: sqlite_utils.Database, case_id: int, refs: Iterable[str], at: datetime, host: str = ""
) -> int:
    """A copy job for each Slack file among `refs` (stored references or pasted links)
    that the case has none for yet. Call inside the transaction that adds them.
    `host`: the workspace's own host, whose file links are Slack's too."""
    known = set(_rows(db, case_id))
    queued = 0
    for ref in refs:
        fid = file_id(ref, host)
        if fid is None or fid in known:
            continue
        known.add(fid)
        row = {"case_id": case_id, "file_id": seal(db, FILE_ID, fid), "status": PENDING}
        pk = insert(db, "evidence_copies", {**row, "queued_at": iso(at)})
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.EVIDENCE_COPY, pk), at)
        queued += 1
    return queued


def job(db: sqlite_utils.Database, copy_id: int) -> Job | None:
    """The file a copy job is to fetch; None once done (or purged by retention)."""
    row = db.execute(
        "SELECT case_id, file_id FROM evidence_copies WHERE id = ? AND status = ?",
        [copy_id, PENDING],
    ).fetchone()
    if row is None or row[1] is None:
        return None
    return Job(copy_id, int(row[0]), unseal(db, FILE_ID, row[1]) or "")


def _job_done(db: sqlite_utils.Database, delivery_id: int, now: datetime) -> None:
    # A copy job posts nothing: no channel and no ts to record.
    db.execute(
        "UPDATE outbox SET status = 'done', done_at = ?, last_error = NULL WHERE id = ?",
        [iso(now), delivery_id],
    )


def keep(
    db: sqlite_utils.Database,
    delivery_id: int,
    copy_id: int,
    data: bytes,
    extension: str,
    mimetype: str,
    now: datetime,
) -> None:
    """Store the fetched file sealed and finish its job, in one transaction. A case
    purged meanwhile (file_id emptied) keeps nothing."""
    with immediate(db):
        db.execute(
            "UPDATE evidence_copies SET status = ?, content = ?, extension = ?, mimetype = ?,"
            " size = ?, kept_at = ? WHERE id = ? AND status = ? AND file_id IS NOT NULL",
            [KEPT, seal_bytes(db, CONTENT, data), extension, mimetype, len(data), iso(now),
             copy_id, PENDING],
        )  # fmt: skip
        _job_done(db, delivery_id, now)


def settle(
    db: sqlite_utils.Database, delivery_id: int, copy_id: int, status: str, now: datetime
) -> None:
    """No copy can be made (the file was deleted first, is too large, or is not a
    Slack file the token may fetch): say so, and finish the job."""
    with immediate(db):
        db.execute(
            "UPDATE evidence_copies SET status = ? WHERE id = ? AND status = ?",
            [status, copy_id, PENDING],
        )
        _job_done(db, delivery_id, now)


def finish(db: sqlite_utils.Database, delivery_id: int, now: datetime) -> None:
    with immediate(db):
        _job_done(db, delivery_id, now)


def kept_copy(db: sqlite_utils.Database, case_id: int, fid: str) -> Copy | None:
    found = _rows(db, case_id).get(fid)
    if found is None or found[1] != KEPT:
        return None
    row = db.execute(
        "SELECT content, extension, mimetype FROM evidence_copies WHERE id = ?", [found[0]]
    ).fetchone()
    data = unseal_bytes(db, CONTENT, row[0])
    return None if data is None else Copy(data, row[1] or "", row[2] or "")


def status_of(db: sqlite_utils.Database, case_id: int, fid: str) -> str | None:
    found = _rows(db, case_id).get(fid)
    return found[1] if found else None


def deleted(db: sqlite_utils.Database, case_id: int) -> frozenset[str]:
    """The case's files deleted in Slack before a copy was kept: gone for good."""
    return frozenset(f for f, (_, s) in _rows(db, case_id).items() if s == DELETED)


def attach(
    db: sqlite_utils.Database,
    case_id: int,
    file_ids: Iterable[str],
    at: datetime,
    actor: str,
    *,
    source: str,
    with_text: bool = False,
    view_id: str | None = None,
    host: str = "",
) -> int:
    """Add files the employee gave after filing to the case's evidence, queue their
    copies and tell the thread how many (never which): the number added. Files the
    case has already are not added twice (a Slack retry, the same file sent again).
    Call inside the transaction that records what came with them."""
    files_col, links_col = db.execute(
        "SELECT evidence_files, evidence_links FROM cases WHERE id = ?", [case_id]
    ).fetchone()
    links: list[str] = json.loads(unseal(db, LINKS, links_col) or "[]")
    refs = [*json.loads(unseal(db, "cases.evidence_files", files_col) or "[]"), *links]
    have = {file_id(r, host) for r in refs}
    new = [f for f in dict.fromkeys(file_ids) if file_id(f) is not None and f not in have]
    if not new:
        return 0
    # Appended to the links as bare file IDs: evidence items are numbered form files
    # first, then link files in order, so a file added later takes the next number and
    # no earlier item is renumbered (bot/domain/evidence.py evidence_of).
    db.execute(
        "UPDATE cases SET evidence_links = ? WHERE id = ?",
        [seal(db, LINKS, json.dumps(links + new)), case_id],
    )
    queue(db, case_id, new, at, host)
    entry = timeline.add(
        db, case_id, at, actor, "evidence_added", view_id=view_id,
        n=len(new), source=source, with_text=with_text,
    )  # fmt: skip
    outbox.enqueue(db, case_id, outbox_key(OutboxKind.EVIDENCE_ADDED, entry), at)
    return len(new)


def added_count(db: sqlite_utils.Database, case_id: int, entry_id: int) -> tuple[int, bool]:
    """(files added, whether text came with them) of an `evidence_added` entry."""
    row = db.execute(
        "SELECT detail FROM timeline WHERE id = ? AND case_id = ? AND event = 'evidence_added'",
        [entry_id, case_id],
    ).fetchone()
    if row is None:
        raise LookupError(f"no evidence_added entry {entry_id} in case {case_id}")
    detail = json.loads(row[0] or "{}")
    return int(detail.get("n") or 0), bool(detail.get("with_text"))
