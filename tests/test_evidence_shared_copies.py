"""The copy of an evidence file the bot shares into a viewer's DM does not stay in Slack
for good: it is recorded, deleted after `[retention] shared_copy_hours` (through outages
of files.delete), and deleted with the rest of the case's evidence when the evidence rule
purges it. The bot deletes nothing but its own shared copies (issue 12 §5)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import FixedClock
from bot.config import ConfigError, parse_config
from bot.demo.harness import BOT_TOKEN, RESPONDERS, Harness, running_bot, sample_config
from bot.flows.retention import purge_due
from bot.views.ids import Action
from db.rows import iso
from slacksim import SlackSimulator
from slacksim.model import SimFile
from tests.conftest import check_all_calls
from tests.test_evidence import SCREENSHOT, _entries
from tests.test_evidence_copies import open_buttons
from tests.test_retention import close, hold

CASE = "CH-2026-0001"


@pytest.fixture
async def h(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot with copies kept for 2 hours and evidence purged a day after closing."""
    retention = {"shared_copy_hours": 2, "evidence_days": 1}
    config = parse_config(sample_config(retention=retention), tmp_path)
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config) as harness:
        yield harness
        check_all_calls(harness.sim)


async def file_report(h: Harness, file_id: str) -> None:
    employee = h.cast.employee_en
    shot = h.sim.add_file(file_id, "alex_kim_screenshot.png", employee, SCREENSHOT)
    assert (await h.report(employee, narrative="He threw a box at me", files=[shot])).status == 200
    await h.settle()


async def open_evidence(h: Harness, user: str, case_no: str = CASE) -> SimFile:
    """Press View details on the case's card, then Evidence 1: the copy shared to `user`."""
    card = next(m for m in h.sim.messages(RESPONDERS) if case_no in json.dumps(m.blocks))
    value = json.dumps({"case": case_no})
    before = len(h.sim.views_opened)
    reply = await h.slack.click(
        user, Action.VIEW_DETAILS, value, channel=RESPONDERS, message_ts=card.ts
    )
    assert reply.status == 200
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    view = h.sim.views_opened[-1].view
    action_id, item = open_buttons(view)[0]
    shared = len(h.sim.files)
    assert (await h.slack.click(user, action_id, item, view=view)).status == 200
    copy: SimFile = await h.sim.wait_for(lambda s: len(s.files) > shared and s.files[-1])
    await h.settle()
    return copy


async def hr_opens_evidence(h: Harness, case_no: str = CASE) -> SimFile:
    """HR opens Evidence 1 from her case view (/ch-cases show, with a purpose)."""
    opened = len(h.sim.views_opened)
    await h.slash("/ch-cases", h.cast.hr, f"show {case_no}")
    await h.sim.wait_for(lambda s: len(s.views_opened) > opened)
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Checking evidence"}}}
    answer = (await h.slack.submit_view(h.cast.hr, h.sim.views_opened[-1].view, values)).json()
    action_id, item = open_buttons(answer["view"])[0]
    shared = len(h.sim.files)
    assert (await h.slack.click(h.cast.hr, action_id, item, view=answer["view"])).status == 200
    copy: SimFile = await h.sim.wait_for(lambda s: len(s.files) > shared and s.files[-1])
    assert copy.channel_id == h.sim.dm_channel(h.cast.hr)
    await h.settle()
    return copy


def deleted_ids(h: Harness) -> list[str]:
    return [c.args["file"] for c in h.sim.calls_to("files.delete") if c.http_status == 200]


async def test_a_shared_copy_is_deleted_from_her_dm_after_the_configured_hours(
    h: Harness, clock: FixedClock
) -> None:
    await file_report(h, "F0SHOT0001")
    responder = h.cast.responder2  # reads English
    copy = await open_evidence(h, responder)
    assert copy.channel_id == h.sim.dm_channel(responder) and not copy.deleted
    assert "This copy will be removed from this conversation in 2 hours." in (
        copy.initial_comment or ""
    )
    clock.advance(timedelta(hours=1, minutes=59))
    await h.settle()
    assert not copy.deleted and h.sim.calls_to("files.delete") == []

    clock.advance(timedelta(minutes=1))
    await h.settle()
    assert copy.deleted  # gone from her DM
    assert deleted_ids(h) == [copy.id]
    assert not h.sim.hosted["F0SHOT0001"].deleted  # the employee's own file is not touched

    # She needs it again: View details shares a new copy, and that opening is recorded.
    again = await open_evidence(h, responder)
    assert again.id != copy.id and not again.deleted
    opened = [actor for actor, event, _ in await _entries(h) if event == "evidence_opened"]
    assert opened == [responder, responder]
    rows = await h.bot.ctx.store.run(
        lambda db: [
            (r["slack_file_id"], r["viewer"], r["item"], r["status"])
            for r in db.table("shared_copies").rows
        ]
    )
    assert rows == [(copy.id, responder, 1, "deleted"), (again.id, responder, 1, "shared")]


async def test_the_message_tells_a_japanese_reader_when_the_copy_goes(h: Harness) -> None:
    await file_report(h, "F0SHOT0001")
    copy = await open_evidence(h, h.cast.responder)  # reads Japanese
    assert "このコピーは2時間後にこの会話から削除されます。" in (copy.initial_comment or "")
    assert "案件の詳細画面からもう一度開いてください" in (copy.initial_comment or "")


async def test_a_files_delete_outage_is_retried_until_the_copy_is_gone(
    h: Harness, clock: FixedClock
) -> None:
    await file_report(h, "F0SHOT0001")
    copy = await open_evidence(h, h.cast.responder2)
    h.sim.fail("files.delete", status=503, times=3)  # Slack is down for files.delete
    # ... and then deletes it but the answer is lost: the retry hears file_deleted.
    h.sim.fail_after("files.delete", status=500)
    clock.advance(timedelta(hours=2))
    await h.settle()
    assert copy.deleted
    statuses = [c.http_status for c in h.sim.calls_to("files.delete")]
    assert statuses == [503, 503, 503, 500, 200]
    assert h.sim.calls_to("files.delete")[-1].response == {"ok": False, "error": "file_deleted"}
    attempts, status = await h.bot.ctx.store.run(
        lambda db: db.execute(
            "SELECT o.attempts, s.status FROM outbox o, shared_copies s"
            " WHERE o.kind = 'shared_copy_delete:' || s.id"
        ).fetchone()
    )
    assert (attempts, status) == (5, "deleted")


async def test_a_held_case_keeps_its_sealed_copy_but_not_the_copy_in_her_dm(
    h: Harness, clock: FixedClock
) -> None:
    await file_report(h, "F0SHOT0001")
    assert CASE in await hold(h, h.cast.hr, f"set {CASE} lawsuit pending")
    copy = await open_evidence(h, h.cast.responder2)
    clock.advance(timedelta(hours=2))
    await h.settle()
    assert copy.deleted
    h.sim.delete_file("F0SHOT0001", by=h.cast.employee_en)  # her upload is gone too
    assert (await open_evidence(h, h.cast.responder2)).data == SCREENSHOT  # the sealed copy


async def test_the_evidence_purge_deletes_every_shared_copy_of_that_case_and_nothing_else(
    h: Harness, clock: FixedClock
) -> None:
    await file_report(h, "F0SHOT0001")
    await file_report(h, "F0SHOT0002")  # a second case, left open
    first = [await open_evidence(h, u) for u in (h.cast.responder, h.cast.responder2)]
    first.append(await hr_opens_evidence(h))  # HR's copy goes too
    other = await open_evidence(h, h.cast.responder, "CH-2026-0002")
    clock.advance(timedelta(hours=1))  # the copies' 2 hours are not up yet
    # CH-2026-0001 closed a day ago: the evidence rule (1 day here) is due for it.
    await h.bot.ctx.store.run(close, CASE, iso(clock.now() - timedelta(days=1, minutes=1)))
    assert await purge_due(h.bot.ctx) >= 1
    await h.settle()
    assert all(c.deleted for c in first)
    assert sorted(deleted_ids(h)) == sorted(c.id for c in first)
    assert not other.deleted  # another case's copy stays until its own time
    assert not any(f.deleted for f in h.sim.hosted.values())  # the employee's files stay
    recorded = await h.bot.ctx.store.run(
        lambda db: [
            (r["case_no"], r["rule"])
            for r in db.table("deletions").rows_where("what = 'shared_copies.slack_file'")
        ]
    )
    assert recorded == [(CASE, "evidence")]  # the deletion record says they went
    viewers = await h.bot.ctx.store.run(
        lambda db: [(r["viewer"], r["status"]) for r in db.table("shared_copies").rows]
    )
    assert viewers == [
        (h.cast.responder, "deleted"), (h.cast.responder2, "deleted"), (h.cast.hr, "deleted"),
        (h.cast.responder, "shared"),
    ]  # fmt: skip
    clock.advance(timedelta(hours=1))
    await h.settle()
    assert other.deleted and sorted(deleted_ids(h)) == sorted(c.id for c in [*first, other])


def test_shared_copy_hours_is_validated() -> None:
    def config(section: dict[str, Any]) -> timedelta:
        return parse_config(sample_config(retention=section), Path(".")).retention.shared_copy_for

    assert config({}) == timedelta(hours=24)
    assert config({"shared_copy_hours": 6}) == timedelta(hours=6)
    for bad in (0, -1, "24h", 1.5, True):
        with pytest.raises(ConfigError) as e:
            config({"shared_copy_hours": bad})
        assert e.value.key == "retention.shared_copy_hours"


async def test_the_simulator_lets_the_bot_delete_only_its_own_uploads() -> None:
    async with SlackSimulator(token=BOT_TOKEN) as sim:
        sim.add_user("U0EMPLOYEE", "employee")
        client = AsyncWebClient(token=BOT_TOKEN, base_url=sim.base_url, timeout=5)
        own = await client.files_upload_v2(channel="C1", content=b"x", filename="a.txt")
        theirs = sim.add_file("F0THEIRS01", "theirs.png", "U0EMPLOYEE", SCREENSHOT)

        async def error_of(**args: str) -> str:
            with pytest.raises(SlackApiError) as e:
                await client.api_call("files.delete", json=args)
            return str(e.value.response["error"])

        assert (await client.files_delete(file=own["file"]["id"]))["ok"]
        assert sim.files[0].deleted
        assert await error_of(file=own["file"]["id"]) == "file_deleted"
        assert await error_of(file=theirs["id"]) == "cant_delete_file"
        assert not sim.hosted["F0THEIRS01"].deleted
        assert await error_of(file="F0NOSUCH01") == "file_not_found"
        assert await error_of() == "invalid_arguments"  # Slack needs `file`
