"""Backup while the bot runs, restore, and key rotation beside the live bot."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.demo.harness import DATA_KEY, running_bot
from db.backup import backup
from db.cases import find_case_no
from db.keys import RotationReport, rotate
from db.sealed import Sealer, key_id, parse_key
from db.sealed import new_key as make_key
from db.store import Store


async def test_backup_while_running_restores_every_case(tmp_path: Path, clock: FixedClock) -> None:
    live, copy = tmp_path / "ch.db", tmp_path / "backups" / "ch-copy.db"
    async with running_bot(live, clock=clock) as h:
        for i in range(5):
            await h.report(h.cast.employee, narrative=f"narrative {i}")
        # The copy is taken while reports keep arriving and deliveries keep writing.
        results = await asyncio.gather(
            asyncio.to_thread(backup, live, copy),
            *(h.report(h.cast.employee_en, narrative=f"late {i}") for i in range(3)),
        )
        copied = results[0]
        assert isinstance(copied, int) and 5 <= copied <= 8
        await h.settle()
    with pytest.raises(FileExistsError):
        backup(live, copy)  # never overwrites
    assert not Path(str(copy) + "-wal").exists()
    # Restore = put the copy where CH_DB points, start the bot.
    restored = tmp_path / "restored" / "ch.db"
    restored.parent.mkdir()
    restored.write_bytes(copy.read_bytes())
    store = Store(restored, Sealer((DATA_KEY,)))
    await store.open()
    try:
        for n in range(1, copied + 1):
            case = await store.run(find_case_no, f"CH-2026-{n:04d}")
            assert case is not None
            assert case.narrative.startswith(("narrative", "late"))
    finally:
        await store.close()


async def test_rotate_key_beside_the_running_bot(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "ch.db"
    new = parse_key(make_key())
    async with running_bot(db, clock=clock) as h:
        await h.report(
            h.cast.employee, narrative="old key words", demand="refund", links="https://a.example/x"
        )
        await h.settle()

        # The bot now runs with (new, old): here the harness bot still seals with the
        # old key, which is exactly what rotation must cope with while it runs.
        def rotate_in_other_connection() -> RotationReport:
            conn = sqlite3.connect(str(db))
            try:
                return rotate(conn, Sealer((new, DATA_KEY)), b"sim-hash-key-0123456789")
            finally:
                conn.close()

        report = await asyncio.to_thread(rotate_in_other_connection)
        assert report.resealed >= 4  # narrative, demand, links, files, reporter, ...
    files = [*tmp_path.glob("ch.db*"), *tmp_path.glob("ch.db.journal/*")]  # + intake journal
    raw = b"".join(p.read_bytes() for p in files if p.is_file())
    assert f"v1:{key_id(DATA_KEY)}:".encode() not in raw
    store = Store(db, Sealer((new,)))  # the old key is gone for good
    await store.open()
    try:
        case = await store.run(find_case_no, "CH-2026-0001")
        assert case is not None and case.narrative == "old key words"
        assert case.reporter_id == h.cast.employee and case.evidence_links == (
            "https://a.example/x",
        )
    finally:
        await store.close()
