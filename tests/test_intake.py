"""Nothing the employee sends is lost while the database is locked past its busy timeout.

Another connection (a backup, a long HR query) holds SQLite's write lock for longer than
the bot's busy_timeout (5 s). Every test goes through the real endpoint and judges by
what the employee was shown, what Slack received and what the database holds.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from slacksim import Message
from slacksim.forms import report_values
from tests.case_kit import file_case

BUSY_TIMEOUT = 5.0  # db/store.py: PRAGMA busy_timeout=5000


class Lock:
    """A write lock held by another connection, as `sqlite3` in a shell would hold it."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        self.conn.execute("BEGIN EXCLUSIVE")
        self.conn.execute("UPDATE outbox SET attempts = attempts WHERE 0")

    def release(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()


def db_path(h: Harness) -> Path:
    return Path(str(h.bot.ctx.store.path))


def journal_files(h: Harness) -> list[str]:
    folder = db_path(h).with_name(db_path(h).name + ".journal")
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def cases(h: Harness) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path(h)) as conn:
        return [(str(n), str(v)) for n, v in conn.execute("SELECT case_no, view_id FROM cases")]


def bot_dms(h: Harness, user: str) -> list[Message]:
    return [m for m in h.sim.dms(user) if m.user != user]


async def open_and_fill(h: Harness, user: str) -> tuple[dict[str, Any], dict[str, Any]]:
    view = await h.open_form(user)
    values = report_values(
        occurred_at=h.bot.ctx.clock.now(),
        contact="phone",
        categories=["verbal_abuse"],
        danger="over",
        narrative="The customer shouted for an hour.",
    )
    return view, values


async def test_a_report_acked_during_a_long_lock_is_filed_once_the_lock_clears(
    h: Harness,
) -> None:
    user = h.cast.employee
    view, values = await open_and_fill(h, user)
    lock = Lock(db_path(h))
    try:
        reply = await h.slack.submit_view(user, view, values)
        assert reply.status == 200, reply
        assert reply.json()["response_action"] == "update"
        shown = json.dumps(reply.json()["view"], ensure_ascii=False)
        assert t("ja", "confirm.recording") in shown
        # Durable beside the database, and sealed: no report text in its name or bytes.
        folder = db_path(h).with_name(db_path(h).name + ".journal")
        assert journal_files(h) and "shouted" not in "".join(journal_files(h))
        assert all(b"shouted" not in p.read_bytes() for p in folder.iterdir())
        # Past the busy timeout: the commit the request started has failed by now.
        await asyncio.sleep(BUSY_TIMEOUT + 1.5)
        assert cases(h) == []
    finally:
        lock.release()
    # The intake commits it from the journal; the number follows privately.
    await h.sim.wait_for(
        lambda s: any("CH-2026-0001" in (m.text or "") for m in bot_dms(h, user)), timeout=30
    )
    await h.settle()
    assert [n for n, _ in cases(h)] == ["CH-2026-0001"]
    assert sum("CH-2026-0001" in (m.text or "") for m in h.sim.messages(RESPONDERS)) == 1
    assert sum("CH-2026-0001" in (m.text or "") for m in bot_dms(h, user)) == 1
    assert journal_files(h) == []


async def test_the_employee_is_told_plainly_when_the_report_is_not_recorded(h: Harness) -> None:
    user = h.cast.employee_en
    view, values = await open_and_fill(h, user)
    # Neither the database (locked) nor the journal (its folder cannot be made) can
    # take the report: the employee must not be told it is being recorded.
    journal = db_path(h).with_name(db_path(h).name + ".journal")
    journal.write_text("not a folder")
    lock = Lock(db_path(h))
    try:
        reply = await h.slack.submit_view(user, view, values)
        assert reply.json() == {
            "response_action": "errors",
            "errors": {"narrative": t("en", "confirm.not_recorded")},
        }
        await asyncio.sleep(BUSY_TIMEOUT + 1.0)
    finally:
        lock.release()
    # The form kept their text: submitting the same form again records it, once.
    again = await h.slack.submit_view(user, view, values)
    assert again.json()["response_action"] == "update"
    assert "CH-2026-0001" in json.dumps(again.json()["view"])
    await h.settle()
    assert [n for n, _ in cases(h)] == ["CH-2026-0001"]


async def employee_writes(
    h: Harness, body: str, event_id: str, retry: int | None = None
) -> dict[str, Any]:
    user = h.cast.employee
    msg = h.sim.add_message(user, body, user)
    event = {
        "type": "message",
        "channel": msg.channel,
        "channel_type": "im",
        "user": user,
        "text": body,
        "ts": msg.ts,
        "client_msg_id": f"cm-{event_id}",
    }
    reply = await h.slack.event(event, event_id=event_id, retry_num=retry)
    assert reply.status == 200, reply
    return event


def relays(h: Harness, card: Message, case_no: str, body: str) -> int:
    """How many times a reply reached the thread: as a notice, never with her words."""
    thread = h.sim.replies(RESPONDERS, card.ts)
    assert not any(body in (m.text or "") + json.dumps(m.blocks or [], ensure_ascii=False)
                   for m in thread)
    return sum(m.text == t("ja", "conversation.replied", case_no=case_no) for m in thread)


async def test_a_dm_reply_during_a_lock_is_relayed_once_after_it(h: Harness) -> None:
    filed = await file_case(h)
    user = h.cast.employee
    before = len(bot_dms(h, user))
    lock = Lock(db_path(h))
    try:
        await employee_writes(h, "He called again at noon", "Ev0LOCK001")
        # Told at once that it is kept and will follow; not silently dropped.
        await h.sim.wait_for(lambda _: len(bot_dms(h, user)) > before, timeout=BUSY_TIMEOUT + 5)
        assert bot_dms(h, user)[-1].text == t("ja", "act.relay.delayed")
        # Slack retries the same event while the first is still waiting.
        await employee_writes(h, "He called again at noon", "Ev0LOCK001", retry=1)
        await asyncio.sleep(1.0)
    finally:
        lock.release()
    passed_on = t("ja", "act.relay.passed_on", case_no=filed.case_no)
    await h.sim.wait_for(lambda _: bot_dms(h, user)[-1].text == passed_on, timeout=30)
    await h.settle()
    # Once more after the relay: the database remembers the event.
    await employee_writes(h, "He called again at noon", "Ev0LOCK001", retry=2)
    await asyncio.sleep(0.5)
    await h.settle()
    assert relays(h, filed.card, filed.case_no, "He called again at noon") == 1
    assert [m.text for m in bot_dms(h, user)[before:]] == [t("ja", "act.relay.delayed"), passed_on]
    assert journal_files(h) == []


async def test_information_added_twice_from_one_form_is_recorded_once(h: Harness) -> None:
    filed = await file_case(h, h.cast.employee_en)
    dm = h.sim.dms(h.cast.employee_en)[0]
    value = next(el["value"] for b in dm.blocks if b["type"] == "actions" for el in b["elements"])
    await h.slack.click(h.cast.employee_en, Action.ADD_INFO, value)
    await h.sim.wait_for(
        lambda s: s.calls_to("views.open")[-1].args["view"]["callback_id"] == "report.add_info"
    )
    modal = h.sim.calls_to("views.open")[-1].response["view"]
    values = {"addition": {"value": {"type": "plain_text_input", "value": "He called again"}}}
    first, second = await asyncio.gather(
        h.slack.submit_view(h.cast.employee_en, modal, values),
        h.slack.submit_view(h.cast.employee_en, modal, values),
    )
    assert first.json() == second.json() and first.json()["response_action"] == "update"
    await h.settle()
    with sqlite3.connect(db_path(h)) as conn:
        added = conn.execute(
            "SELECT COUNT(*) FROM timeline WHERE case_id = ? AND event = 'info_added'", [filed.id]
        ).fetchone()[0]
    assert added == 1
    note = t("ja", "thread.info_added", case_no=filed.case_no)  # the team's language
    assert [m.text for m in h.sim.replies(RESPONDERS, filed.card.ts)].count(note) == 1
