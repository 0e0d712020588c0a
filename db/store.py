"""One thread owns the SQLite connection; the event loop hands it plain functions.

This is Datasette's shape: sqlite-utils is synchronous and a connection belongs to
the thread that opened it, so every read and write runs on one dedicated worker
thread and the asyncio loop never blocks on SQLite. Because there is exactly one
writer, "read the next case number, then insert" cannot race.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from db.migrations import migrations
from db.sealed import Sealer, install

T = TypeVar("T")


def harden(conn: sqlite3.Connection) -> None:
    """For every connection that writes: deleted and overwritten values are zeroed in
    their pages (SQLite builds differ in the default), so a purged narrative or an
    old-key ciphertext does not survive in free space of the file."""
    conn.execute("PRAGMA secure_delete=ON")


def checkpoint(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it, so what was just deleted or re-sealed
    leaves the -wal too; False if readers kept part of it (the next one finishes)."""
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating the folder), tune, and migrate a database. Call on the owning thread."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=True, isolation_level=None)
    db = sqlite_utils.Database(conn)
    # WAL lets `backup` and readers in other processes work while the bot writes;
    # busy_timeout rides out a brief lock held by another process.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    db.execute("PRAGMA foreign_keys=ON")
    harden(conn)
    migrations.apply(db)
    return db


def open_read_only(path: Path | str) -> sqlite_utils.Database:
    """Open an existing database for reading only (`check-config` beside a running bot):
    no folder or file is created, nothing is migrated or written."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=5000")
    return sqlite_utils.Database(conn)


class Store:
    def __init__(self, path: Path | str, sealer: Sealer | None = None) -> None:
        self.path = path
        self.sealer = sealer
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite_utils.Database | None = None

    def _open(self) -> None:
        self._db = open_database(self.path)
        if self.sealer is not None:
            install(self._db, self.sealer)

    async def open(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._open)

    def _call(self, fn: Callable[..., T], *args: object) -> T:
        assert self._db is not None, "Store.open() was not awaited"
        return fn(self._db, *args)

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run `fn(db, *args)` on the owning thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, fn, *args)

    def run_sync(self, fn: Callable[..., T], *args: object) -> T:
        """For CLI commands outside the event loop."""
        return self._executor.submit(self._call, fn, *args).result()

    async def close(self) -> None:
        def _close(_: object = None) -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await asyncio.get_running_loop().run_in_executor(self._executor, _close)
        self._executor.shutdown(wait=True)
