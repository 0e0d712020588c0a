"""Online backup: a consistent copy of the database while the bot keeps writing.

SQLite's backup API copies page by page and restarts if a writer changes a page it
already copied, so the copy is one committed state, WAL content included. Copying the
file with `cp` while the bot runs could catch a half-written transaction or miss the WAL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def backup(source: Path | str, target: Path | str, pages_per_step: int = 256) -> int:
    """Copy `source` into a new file `target`; returns the number of cases copied."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    dst = sqlite3.connect(str(target))
    try:
        src.execute("PRAGMA busy_timeout=10000")
        # Small steps hand the lock back between them: the bot's writes wait milliseconds.
        src.backup(dst, pages=pages_per_step, sleep=0.005)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        (check,) = dst.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise RuntimeError(f"backup failed its integrity check: {check}")
        return int(dst.execute("SELECT COUNT(*) FROM cases").fetchone()[0])
    finally:
        dst.close()
        src.close()
