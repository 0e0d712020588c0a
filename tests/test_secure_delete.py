"""What rotate-key re-seals and what retention purges is gone from the database file
and its WAL, while the bot keeps running (secure_delete + a TRUNCATE checkpoint)."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import DATA_KEY, Harness
from bot.flows.retention import purge_due
from db.rows import iso
from db.sealed import new_key
from tests.test_cli_config import run_cli

ROOT = Path(__file__).resolve().parents[1]
NARRATIVE = "He shouted the same threat three times at the counter"


def raw_files(db_path: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in (db_path, Path(f"{db_path}-wal")) if p.exists()
    )


async def sealed_narrative(h: Harness) -> bytes:
    value = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT narrative FROM cases").fetchone()[0]
    )
    # The ciphertext itself (nonce + ct + tag, base64): what must not survive anywhere.
    return str(value).split(":", 2)[2].encode()


async def test_rotate_key_leaves_no_old_ciphertext_in_the_file_or_the_wal(
    h: Harness, tmp_path: Path
) -> None:
    await h.report(h.cast.employee, narrative=NARRATIVE)
    await h.settle()
    old = await sealed_narrative(h)
    db_path = Path(h.bot.ctx.store.path)
    assert old in raw_files(db_path)
    previous = base64.urlsafe_b64encode(DATA_KEY).decode().rstrip("=")
    result = await asyncio.to_thread(
        run_cli, tmp_path, None, "rotate-key",
        CH_DB=str(db_path), CH_DATA_KEY=new_key(), CH_DATA_KEY_PREVIOUS=previous,
        CH_HASH_KEY="sim-hash-key-0123456789", PYTHONPATH=str(ROOT),
    )
    assert result.returncode == 0, result.stderr
    assert "re-sealed" in result.stdout and "busy" not in result.stdout
    assert await sealed_narrative(h) != old  # the bot, still running, sees the new value
    assert old not in raw_files(db_path)


def close_all(db: sqlite_utils.Database, at: str) -> None:
    db.execute("UPDATE cases SET status = 'closed', closed_at = ?", [at])


async def test_a_purge_leaves_no_ciphertext_in_the_file_or_the_wal(
    h: Harness, clock: FixedClock
) -> None:
    await h.report(h.cast.employee, narrative=NARRATIVE)
    await h.settle()
    sealed = await sealed_narrative(h)
    db_path = Path(h.bot.ctx.store.path)
    await h.bot.ctx.store.run(close_all, iso(clock.now()))
    clock.advance(timedelta(days=1096))
    assert await purge_due(h.bot.ctx) > 0
    assert sealed not in raw_files(db_path)
    assert await h.bot.ctx.store.run(
        lambda db: db.execute("PRAGMA secure_delete").fetchone()[0]
    ) == 1
