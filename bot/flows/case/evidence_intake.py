"""Files the employee sends in her DM with the app become evidence of her case.

They are attached (db/evidence_copies.py: a sealed copy is kept, the thread is told
how many files came, never which) and she is told which case they joined. No link,
name or ID of them is shown to anyone. Attaching is idempotent by file ID, so it runs
before the relay of her text (which records the event's keys): a crash in between, or
Slack sending the event again, attaches nothing twice and loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.context import AppContext
from bot.domain.evidence import file_id, workspace_host
from db import conversation, evidence_copies
from db.cases import reporter_ref
from db.rows import immediate

log = logging.getLogger(__name__)
MAX_FILES = 20  # one Slack message carries at most 10; anything beyond is not a person


def dm_file_ids(event: dict[str, Any]) -> list[str]:
    """The Slack file IDs of a message event (subtype file_share, or files with text)."""
    files = event.get("files")
    if not isinstance(files, list):
        return []
    ids = [f.get("id") for f in files if isinstance(f, dict)]
    return [i for i in ids if isinstance(i, str) and file_id(i)][:MAX_FILES]


def _attach(
    db: sqlite_utils.Database,
    ref: str,
    thread_ts: str | None,
    employee: str,
    files: list[str],
    at: datetime,
    host: str,
) -> tuple[str, int] | None:
    """(case number, files newly attached); None when it is not clear which case."""
    with immediate(db):
        case_id = conversation.case_for_dm(db, ref, thread_ts)
        if case_id is None:
            return None
        case_no, show_name = db.execute(
            "SELECT case_no, show_name FROM cases WHERE id = ?", [case_id]
        ).fetchone()
        actor = employee if show_name else "reporter"  # as for her replies
        added = evidence_copies.attach(db, case_id, files, at, actor, source="dm", host=host)
        return str(case_no), added


Answer = Callable[..., Awaitable[None]]  # employee_messages.answer_dm


async def take_dm_files(ctx: AppContext, dm: dict[str, Any], answer: Answer) -> bool:
    """Attach the DM's files to her case and tell her (through `answer`); False when
    no case is clear (the relay then asks her which report it is about)."""
    files = [str(f) for f in dm.get("file_ids") or []]
    employee = str(dm["user"])
    found = await ctx.store.run(
        _attach,
        reporter_ref(ctx.settings.hash_key, employee),
        dm.get("thread_ts"),
        employee,
        files,
        datetime.fromisoformat(str(dm["at"])),
        workspace_host(ctx.workspace_url),
    )
    if found is None:
        return False
    case_no, added = found
    if added:  # none: the same message again (a Slack retry): she was told already
        ctx.kick_deliveries()
        log.info("employee sent evidence files: case=%s files=%s", case_no, added)
        key = "evidence_intake.dm_attached_one" if added == 1 else "evidence_intake.dm_attached"
        await answer(ctx, dm, key, case_no=case_no, n=str(added))
    return True
