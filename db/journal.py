"""The intake journal: a submission made durable without the main database.

A report or an employee's DM must not depend on SQLite being writable at the moment
it arrives: another process (a backup, a long HR query) may hold the write lock past
the busy timeout, and the process may be killed before a delayed commit lands. So
the submission is first written here, one small file per submission next to the
database file, sealed with the same data key as the sealed columns (db/sealed.py),
and only then is the person told anything. The intake loop (bot/flows/report/intake.py)
moves entries into the database and deletes them once they are committed.

Each file is written atomically: a temporary file, fsync, then a hard link to its
final name (which, unlike rename, fails when the name exists: a second delivery of
the same submission finds the first), then fsync of the folder so the name itself
survives a power cut.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.sealed import Sealer

log = logging.getLogger(__name__)
# Authenticated data of every sealed entry: a journal file does not open as a column.
COLUMN = "journal.entry"
SUFFIX = ".sealed"


@dataclass(frozen=True)
class Entry:
    name: str  # the file name: "<kind>-<hash of the key>.sealed"
    kind: str
    payload: dict[str, Any]


def journal_dir(db_path: Path | str) -> Path:
    """The folder beside the database file (`ch.db` -> `ch.db.journal/`)."""
    if str(db_path) == ":memory:":  # tests of the store alone: nothing to survive
        return Path(tempfile.mkdtemp(prefix="ch-journal-"))
    p = Path(db_path)
    return p.with_name(p.name + ".journal")


class Journal:
    def __init__(self, folder: Path, sealer: Sealer) -> None:
        self.folder = folder
        self.sealer = sealer

    @staticmethod
    def name_for(kind: str, key: str) -> str:
        # Hashed: a file name shows no Slack ID; the same key always names the same file.
        return f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:40]}{SUFFIX}"

    def put(self, kind: str, key: str, payload: dict[str, Any]) -> bool:
        """Write an entry durably. False: an entry of that kind and key is already here.
        Raises OSError when it could not be made durable (the caller must say so)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = self.name_for(kind, key)
        final = self.folder / name
        if final.exists():
            return False
        sealed = self.sealer.seal(COLUMN, json.dumps({"kind": kind, **payload}))
        assert sealed is not None
        tmp = self.folder / f".tmp-{uuid.uuid4().hex}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(sealed)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, final)
            except FileExistsError:
                return False
        finally:
            tmp.unlink(missing_ok=True)
        self._sync_folder()
        return True

    def has(self, name: str) -> bool:
        return (self.folder / name).exists()

    def remove(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)
        self._sync_folder()

    def pending(self) -> list[Entry]:
        """Every entry, oldest first. One that cannot be opened (a key no longer loaded,
        a damaged file) is set aside as `.bad` and logged, never deleted."""
        if not self.folder.is_dir():
            return []
        files = sorted(
            (p for p in self.folder.iterdir() if p.name.endswith(SUFFIX)),
            key=lambda p: p.stat().st_mtime_ns,
        )
        entries = []
        for path in files:
            try:
                data = json.loads(self.sealer.open(COLUMN, path.read_text("ascii")) or "{}")
                entries.append(Entry(path.name, str(data.pop("kind")), data))
            except FileNotFoundError:
                continue  # ingested and removed meanwhile
            except Exception as e:
                log.error("journal entry cannot be opened, set aside: %s", type(e).__name__)
                path.rename(path.with_name(path.name + ".bad"))
        return entries

    def _sync_folder(self) -> None:
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
