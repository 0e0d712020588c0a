"""Evidence survives the employee deleting her upload: the app keeps a sealed copy
when a file joins a case, serves that copy when a responder opens it, retries the copy
through an outage, and purges it under the evidence retention rule (not under hold)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import timedelta
from typing import Any

from bot.clock import FixedClock
from bot.demo.harness import DATA_KEY, RESPONDERS, Harness
from bot.flows.retention import purge_due
from db import evidence_copies
from db.cases import find_case_no
from db.keys import rotate
from db.rows import iso
from db.sealed import Sealer, install, new_key, parse_key
from db.store import open_database
from tests.test_details_access import open_details
from tests.test_evidence import SCREENSHOT, _entries, _seen_by_others
from tests.test_retention import close, hold

CASE = "CH-2026-0001"
NAME = "alex_kim_screenshot.png"


async def _file_a_report(h: Harness) -> None:
    employee = h.cast.employee_en
    shot = h.sim.add_file("F0SHOT0001", NAME, employee, SCREENSHOT)
    assert (await h.report(employee, narrative="He threw a box at me", files=[shot])).status == 200


def open_buttons(view: dict[str, Any]) -> list[tuple[str, str]]:
    """(action_id, value) of each evidence Open button in a modal, in order."""
    return [
        (el["action_id"], el["value"])
        for b in view["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"].startswith("case.evidence.open")
    ]


async def details(h: Harness, user: str) -> dict[str, Any]:
    before = len(h.sim.views_opened)
    await open_details(h, user)
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    view: dict[str, Any] = h.sim.views_opened[-1].view
    return view


async def open_first(h: Harness, user: str) -> Any:
    """Press Evidence 1 in View details; the file the bot shares to the viewer."""
    view = await details(h, user)
    action_id, value = open_buttons(view)[0]
    shared = len(h.sim.files)
    assert (await h.slack.click(user, action_id, value, view=view)).status == 200
    return await h.sim.wait_for(lambda s: len(s.files) > shared and s.files[-1])


async def _copy_rows(h: Harness) -> list[dict[str, Any]]:
    return await h.bot.ctx.store.run(lambda db: list(db.table("evidence_copies").rows))


async def test_a_deleted_upload_still_opens_from_the_sealed_copy(h: Harness) -> None:
    await _file_a_report(h)
    await h.settle()
    reporter, responder = h.cast.employee_en, h.cast.responder2
    h.sim.delete_file("F0SHOT0001", by=reporter)  # she deletes her own upload
    info_calls = len(h.sim.calls_to("files.info"))

    shared = await open_first(h, responder)
    assert shared.data == SCREENSHOT  # the very file, byte for byte
    assert shared.channel_id == h.sim.dm_channel(responder)
    assert shared.filename == f"{CASE}-evidence-1.png"
    assert len(h.sim.calls_to("files.info")) == info_calls  # served from the copy
    shown = _seen_by_others(h.sim, reporter)
    for secret in (reporter, "alex_kim", NAME, "F0SHOT0001"):
        assert secret not in shown, secret
    opened = [(a, d) for a, e, d in await _entries(h) if e == "evidence_opened"]
    assert opened == [(responder, {"item": 1})]
    # Sealed: neither the bytes nor the file's ID are in the database as written.
    rows = await _copy_rows(h)
    assert [r["status"] for r in rows] == ["kept"] and rows[0]["extension"] == ".png"
    assert "F0SHOT" not in json.dumps(rows) and rows[0]["content"].startswith("v1:")


async def test_the_copy_waits_out_an_outage_of_files_info(h: Harness) -> None:
    h.sim.fail("files.info", status=503, times=10_000)  # files.info is down
    await _file_a_report(h)
    # The card, its checklist and her confirmation do not wait for the copy.
    card = await h.sim.wait_for(lambda s: s.messages(RESPONDERS) and s.messages(RESPONDERS)[0])
    await h.sim.wait_for(lambda s: s.replies(RESPONDERS, card.ts))
    await h.sim.wait_for(lambda s: s.dms(h.cast.employee_en))
    await h.sim.wait_for(lambda s: len(s.calls_to("files.info")) >= 3)
    assert [r["status"] for r in await _copy_rows(h)] == ["pending"]
    h.sim.clear_faults()  # Slack is back
    await h.settle()
    assert [r["status"] for r in await _copy_rows(h)] == ["kept"]
    assert h.sim.calls_to("files.info")[-1].http_status == 200
    attempts, status = await h.bot.ctx.store.run(
        lambda db: db.execute(
            "SELECT attempts, status FROM outbox WHERE kind LIKE 'evidence\\_copy:%' ESCAPE '\\'"
        ).fetchone()
    )
    assert attempts >= 4 and status == "done"
    h.sim.delete_file("F0SHOT0001", by=h.cast.employee_en)
    assert (await open_first(h, h.cast.responder)).data == SCREENSHOT


async def test_a_file_deleted_before_its_copy_is_said_to_be_gone(h: Harness) -> None:
    employee = h.cast.employee_en
    kept = h.sim.add_file("F0KEPT0001", "kept.png", employee, SCREENSHOT)
    gone = h.sim.add_file("F0GONE0001", "alex_kim.png", employee, SCREENSHOT)
    h.sim.delete_file("F0GONE0001", by=employee)
    await h.report(employee, files=[gone, kept])
    await h.settle()
    view = await details(h, h.cast.responder)
    text = json.dumps(view, ensure_ascii=False)
    said = "証拠 1：開けません。アプリがコピーを保存する前に、Slack上でファイルが削除されました"
    assert said in text  # the responder reads Japanese
    assert [v for _, v in open_buttons(view)] == [json.dumps({"case": CASE, "item": 2})]
    assert sorted(r["status"] for r in await _copy_rows(h)) == ["deleted", "kept"]


async def test_copies_are_purged_by_the_evidence_rule_and_kept_under_hold(
    h: Harness, clock: FixedClock
) -> None:
    for _ in range(2):
        await _file_a_report(h)  # the same file, reported twice: two cases, two copies
    await h.settle()
    store = h.bot.ctx.store
    for no in (CASE, "CH-2026-0002"):
        await store.run(close, no, iso(clock.now()))
    assert "CH-2026-0002" in await hold(h, h.cast.hr, "set CH-2026-0002 lawsuit pending")
    clock.advance(timedelta(days=1096))
    await purge_due(h.bot.ctx)

    def copies(db: Any) -> dict[str, tuple[Any, Any]]:
        rows = db.execute(
            "SELECT c.case_no, e.content, e.file_id FROM evidence_copies e"
            " JOIN cases c ON c.id = e.case_id"
        ).fetchall()
        return {no: (content, fid) for no, content, fid in rows}

    found = await store.run(copies)
    assert found[CASE] == (None, None)  # purged: the bytes and which file
    assert found["CH-2026-0002"][0] is not None  # under legal hold: kept
    deletions = await store.run(
        lambda db: [(r["what"], r["rule"]) for r in db.table("deletions").rows]
    )
    assert ("evidence_copies.content", "evidence") in deletions
    one = await store.run(find_case_no, CASE)
    held = await store.run(find_case_no, "CH-2026-0002")
    assert await store.run(evidence_copies.kept_copy, one.id, "F0SHOT0001") is None
    kept = await store.run(evidence_copies.kept_copy, held.id, "F0SHOT0001")
    assert kept is not None and kept.data == SCREENSHOT


async def test_key_rotation_reseals_a_kept_copy(h: Harness) -> None:
    await _file_a_report(h)
    await h.settle()
    path = str(h.bot.ctx.store.path)
    new = parse_key(new_key())

    def rotate_in_other_connection() -> int:
        conn = sqlite3.connect(path)
        try:
            return rotate(conn, Sealer((new, DATA_KEY)), b"sim-hash-key-0123456789").resealed
        finally:
            conn.close()

    assert await asyncio.to_thread(rotate_in_other_connection) >= 2  # the bytes, the file ID
    db = open_database(path)
    try:
        install(db, Sealer((new,)))  # the old key is gone: the copy opens with the new one
        case = find_case_no(db, CASE)
        assert case is not None
        copy = evidence_copies.kept_copy(db, case.id, "F0SHOT0001")
        assert copy is not None and copy.data == SCREENSHOT
    finally:
        db.close()
