"""Helpers for the HR tests (no tests here): a known set of cases, and asking as HR."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import Harness
from db.rows import iso
from slacksim.render import render_message

TZ = ZoneInfo("Asia/Tokyo")
PHONE = "090-1234-5678"


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


async def report_at(h: Harness, clock: FixedClock, when: datetime, **form: Any) -> str:
    clock.set(when)
    reply = await h.report(h.cast.employee, occurred_at=when - timedelta(minutes=5), **form)
    assert reply.status == 200 and reply.json()["response_action"] == "update", reply

    def last(db: sqlite_utils.Database) -> str:
        return str(db.execute("SELECT case_no FROM cases ORDER BY id DESC").fetchone()[0])

    return await h.bot.ctx.store.run(last)


async def seed_known_cases(h: Harness, clock: FixedClock) -> dict[str, str]:
    """Four cases whose figures the tests know (see test_hr_summary for the arithmetic).

    B is one second before midnight at the end of October in Tokyo; A is exactly at
    midnight, so it belongs to November although it is still October in UTC."""
    b = await report_at(h, clock, jst(2026, 10, 31, 23, 59, 59), categories=["threat"],
                        contact="email", customer={"phone": PHONE})  # fmt: skip
    a = await report_at(h, clock, jst(2026, 11, 1, 0, 0, 0), categories=["verbal_abuse"],
                        contact="phone", customer={"phone": PHONE})  # fmt: skip
    c = await report_at(h, clock, jst(2026, 11, 10, 12, 0), categories=["threat"],
                        contact="email", danger="ongoing", counseling_ok=True,
                        customer={"phone": "+81 90 1234 5678"})  # fmt: skip
    d = await report_at(h, clock, jst(2026, 11, 20, 9, 0), categories=["other"], contact="chat")
    clock.set(jst(2026, 11, 27, 10, 0))
    await h.settle()
    ids = {"A": a, "B": b, "C": c, "D": d}

    def handle(db: sqlite_utils.Database) -> None:
        # What responders' actions would have recorded (issue 3 builds those flows).
        def case(key: str) -> dict[str, Any]:
            return dict(next(db.table("cases").rows_where("case_no = ?", [ids[key]])))

        ca, cc = case("A"), case("C")
        ra = datetime.fromisoformat(ca["reported_at"])
        rc = datetime.fromisoformat(cc["reported_at"])
        db.table("cases").update(ca["id"], {"status": "closed",
            "acknowledged_at": iso(ra + timedelta(minutes=20)),
            "closed_at": iso(ra + timedelta(days=2))})  # fmt: skip
        db.table("cases").update(cc["id"], {"status": "acknowledged",
            "acknowledged_at": iso(rc + timedelta(minutes=15))})  # fmt: skip
        db.table("assessments").insert({"case_id": ca["id"], "version": 1, "conclusion": "gray",
                                        "at": iso(ra)})  # fmt: skip
        db.table("assessments").insert({"case_id": ca["id"], "version": 2,
                                        "conclusion": "harassment", "at": iso(ra)})  # fmt: skip
        db.table("measures").insert({"case_id": ca["id"], "kind": "warned",
                                     "needs_confirmation": 0, "recorded_at": iso(ra)})  # fmt: skip
        db.table("measures").insert({"case_id": cc["id"], "kind": "police_report",
                                     "needs_confirmation": 1, "recorded_at": iso(rc)})  # fmt: skip
        db.table("case_steps").insert({"case_id": ca["id"], "step_id": "care",
                                       "done_at": iso(ra),
                                       "done_by": h.cast.responder})  # fmt: skip
        db.table("timeline").insert({"case_id": cc["id"], "at": iso(rc), "actor": h.cast.employee,
                                     "event": "retaliation_reported", "detail": "{}"})  # fmt: skip
        rid = (
            db.table("reminders")
            .insert({"key": "welfare:A", "case_id": ca["id"], "kind": "welfare", "due_at": iso(ra)})
            .last_pk
        )
        db.table("welfare_answers").insert({"reminder_id": rid, "answer": "ok", "at": iso(ra)})

    await h.bot.ctx.store.run(handle)
    return ids


async def ask(h: Harness, user: str, text: str, wait_dm: bool = True) -> list[str]:
    """Type /ch-cases as `user`; returns the new DMs (rendered) once the answer is there."""
    before = len(h.sim.dms(user))
    reply = await h.slash("/ch-cases", user, text)
    assert reply.status == 200
    if wait_dm:
        await h.sim.wait_for(lambda s: len(s.dms(user)) > before, timeout=15)
    return [render_message(m, {}) for m in h.sim.dms(user)[before:]]


def ephemeral_texts(h: Harness, user: str) -> list[str]:
    return [str(r.body.get("text") or "") for r in h.sim.responses if r.user_id == user]
