"""Policy versions that mean something (issue 12 §4), through the bot's real endpoint: a
case opened under policy v1 keeps v1's checklist, counts and reminders after the bot
restarts with v2; a new case gets v2; a responder moves an open case to v2 with a reason
(refused without one), which redraws it and is in its timeline; two different files
under one version string stop the start; HR's review PDF lists what changed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
import sqlite_utils

from bot.clock import FixedClock
from bot.config import parse_config
from bot.demo.harness import Harness, running_bot, sample_config
from bot.domain.policy_file import PolicyError
from bot.views.ids import Action
from db.timeline import entries
from slacksim import SlackSimulator
from slacksim.render import render_message, render_view
from tests.case_kit import (
    Filed,
    complete_step,
    events_of,
    file_case,
    press,
    press_and_open,
    text,
    updated,
)
from tests.conftest import T0, check_all_calls
from tests.test_home import _home
from tests.test_hr_review import _pages, _review
from tests.test_reminders import step_reminders, tick

V1, V2 = "2026-04-01", "2027-04-01"
OLD_STEP = "上長に電話で一報"  # only in v1
NEW_STEP = "事後の振り返り面談"  # only in v2
NEW_STEP2 = "顧客対応記録の共有"  # only in v2


def _step(id_: str, title: str, remind: str) -> str:
    return f"""
[[steps]]
id = "{id_}"
remind_after = "{remind}"
needs_note = false
kind = "action"
title.ja = "{title}"
title.en = "{id_}"
text.ja = "{title}を行います。"
text.en = "Do {id_}."
"""


def policy_text(version: str, *extra: str, assess: str = "1d") -> str:
    """The packaged policy with another version, extra steps, and assess's interval."""
    base = resources.files("bot.domain").joinpath("policy_data/default.toml").read_text("utf-8")
    base = base.replace('version = "2026-12-01"', f'version = "{version}"', 1)
    head, rest = base.split('id = "assess"\nremind_after = "1d"', 1)
    return f'{head}id = "assess"\nremind_after = "{assess}"{rest}' + "".join(extra)


def v1() -> str:
    return policy_text(V1, _step("call_manager", OLD_STEP, "30m"))


def v2() -> str:
    return policy_text(V2, _step("debrief", NEW_STEP, "2h"), _step("share_log", NEW_STEP2, "3h"),
                       assess="12h")  # fmt: skip


@asynccontextmanager
async def bot_with(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock, policy: str, name: str
) -> AsyncIterator[Harness]:
    path = tmp_path / f"{name}.toml"
    path.write_text(policy, encoding="utf-8")
    config = parse_config(sample_config(policy_file=str(path)), tmp_path)
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config, sim=sim) as h:
        yield h
        check_all_calls(h.sim)


@pytest.fixture
async def sim() -> AsyncIterator[SlackSimulator]:
    from bot.demo.harness import BOT_TOKEN, populate

    s = SlackSimulator(token=BOT_TOKEN)
    await s.start()
    populate(s)
    yield s
    await s.stop()


def card(h: Harness, filed: Filed) -> str:
    return render_message(filed.card, h.cast.names())


def checklist(h: Harness, filed: Filed) -> str:
    return render_message(filed.checklist, h.cast.names())


async def redraw(h: Harness, filed: Filed) -> None:
    """Acknowledge: any action redraws the card and its checklist from the store."""
    before = filed.checklist.update_count
    await press(h, h.cast.responder, Action.ACK, filed)
    await updated(h, filed.checklist, before)


async def test_an_old_case_keeps_its_version_after_a_restart_with_a_new_one(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock
) -> None:
    async with bot_with(tmp_path, sim, clock, v1(), "v1") as h:
        old = await file_case(h)
        assert "0/11" in card(h, old) and OLD_STEP in checklist(h, old)

    clock.set(T0 + timedelta(minutes=5))
    async with bot_with(tmp_path, sim, clock, v2(), "v2") as h:
        assert h.bot.ctx.policy.version == V2
        await redraw(h, old)
        shown = card(h, old)
        assert "1/11" not in shown and "0/11" in shown, shown  # v1 counts: 11 steps
        assert V1 in shown and "最新バージョンに移行" in shown  # it may be moved
        assert OLD_STEP in checklist(h, old) and NEW_STEP not in checklist(h, old)
        assert V1 in checklist(h, old)  # its footer names the version it follows

        new = await file_case(h)
        assert "0/12" in card(h, new) and V2 in card(h, new)
        assert NEW_STEP in checklist(h, new) and OLD_STEP not in checklist(h, new)
        assert "最新バージョンに移行" not in card(h, new)  # already the current one

        # Reminders follow each case's version: v1's 30-minute step for the old case,
        # v2's 2-hour step for the new one, never the other's.
        await tick(h, clock, T0 + timedelta(minutes=31))
        assert any(OLD_STEP in str(m.blocks) for m in step_reminders(h, old.card))
        await tick(h, clock, T0 + timedelta(hours=2, minutes=10))
        assert any(NEW_STEP in str(m.blocks) for m in step_reminders(h, new.card))
        assert not any(NEW_STEP in str(m.blocks) for m in step_reminders(h, old.card))
        assert not any(OLD_STEP in str(m.blocks) for m in step_reminders(h, new.card))

        # The App Home's overdue steps hold each case to its own version too.
        _, home = await _home(h, h.cast.responder)
        overdue = home.split("期限を過ぎた手順")[1].splitlines()
        assert any(old.case_no in line and OLD_STEP in line for line in overdue)
        assert not any(old.case_no in line and NEW_STEP in line for line in overdue)
        assert any(new.case_no in line and NEW_STEP in line for line in overdue)


async def test_a_responder_moves_an_open_case_to_the_current_version_with_a_reason(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock
) -> None:
    async with bot_with(tmp_path, sim, clock, v1(), "v1") as h:
        old = await file_case(h)
        await complete_step(h, h.cast.responder, old, "safety")  # in both versions
        await complete_step(h, h.cast.responder, old, "call_manager")  # v1 only
        assert "2/11" in card(h, old)

    clock.set(T0 + timedelta(hours=1))
    async with bot_with(tmp_path, sim, clock, v2(), "v2") as h:
        view = await press_and_open(h, h.cast.responder, Action.MOVE_POLICY, old)
        shown = render_view(view, h.cast.names())
        assert f"追加：{NEW_STEP}" in shown and f"削除：{OLD_STEP}" in shown
        assert "変更：事実確認と判断（リマインドまでの時間）" in shown  # assess: 1d -> 12h

        empty = await h.slack.submit_view(h.cast.responder, view, {"reason": text("  ")})
        assert empty.json()["response_action"] == "errors", empty
        assert "reason" in empty.json()["errors"]
        assert await h.bot.ctx.store.run(lambda db: _version(db, old.id)) == V1  # unchanged

        before = old.checklist.update_count
        reason = "長期化する見込みのため、見直し後の方針で対応する"
        reply = await h.slack.submit_view(h.cast.responder, view, {"reason": text(reason)})
        assert reply.status == 200 and not reply.body, reply
        await updated(h, old.checklist, before)
        shown = card(h, old)
        assert "1/12" in shown and V2 in shown, shown  # safety kept; call_manager gone
        assert "最新バージョンに移行" not in shown
        assert NEW_STEP in checklist(h, old) and OLD_STEP not in checklist(h, old)
        assert "policy_moved" in await events_of(h, old.id)
        [moved] = [e for e in await h.bot.ctx.store.run(entries, old.id)
                   if e.event == "policy_moved"]  # fmt: skip
        assert moved.detail["policy_from"] == V1 and moved.detail["policy_to"] == V2
        assert reason not in str(moved.detail)  # the reason is sealed

        timeline = await press_and_open(h, h.cast.responder, Action.TIMELINE, old)
        shown = render_view(timeline, h.cast.names())
        assert "方針の最新バージョンに移行" in shown and f"{V1} → {V2}" in shown
        assert reason in shown

        # The steps it gained are reminded from the move; the one it lost never again.
        await tick(h, clock, T0 + timedelta(hours=3, minutes=5))
        texts = [str(m.blocks) for m in step_reminders(h, old.card)]
        assert any(NEW_STEP in b for b in texts) and not any(OLD_STEP in b for b in texts)

        again = await press(h, h.cast.responder, Action.MOVE_POLICY, old)
        assert again.status == 200
        await h.sim.wait_for(
            lambda s: any("すでに最新の方針" in str(m.text) for m in s.ephemerals(h.cast.responder))
        )


def _version(db: sqlite_utils.Database, case_id: int) -> str:
    row = db.execute("SELECT policy_version FROM cases WHERE id = ?", [case_id]).fetchone()
    return str(row[0])


async def test_two_files_under_one_version_stop_the_start(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock
) -> None:
    async with bot_with(tmp_path, sim, clock, v1(), "v1"):
        pass
    # Comments and layout are not the content: the same version starts.
    async with bot_with(tmp_path, sim, clock, "# reviewed, no change\n" + v1(), "v1b") as h:
        assert h.bot.ctx.policy.version == V1
    edited = v1().replace('remind_after = "30m"', 'remind_after = "45m"')
    with pytest.raises(PolicyError) as refused:
        async with bot_with(tmp_path, sim, clock, edited, "v1-edited"):
            pass
    message = str(refused.value)
    assert "v1-edited.toml" in message and f"'{V1}' is already the version" in message
    assert "new version" in message


async def test_the_review_pdf_lists_the_versions_and_what_changed(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock
) -> None:
    async with bot_with(tmp_path, sim, clock, v1(), "v1") as h:
        await file_case(h)
    clock.set(T0 + timedelta(days=2))
    async with bot_with(tmp_path, sim, clock, v2(), "v2") as h:
        h.sim.users[h.cast.hr].locale = "ja-JP"
        pages = "\n".join(_pages(await _review(h, h.cast.hr, "review 2026"), "h12pol-review"))
        flat = pages.replace("\n", "")
        assert f"{V1}" in flat and "2026-11-27 から使用" in flat
        assert "2026-11-29 から使用（現在の版）" in flat
        assert f"版 {V1} → 版 {V2}（2026-11-29 から）の対応手順の変更" in flat
        assert f"追加：{NEW_STEP}" in flat and f"追加：{NEW_STEP2}" in flat
        assert f"削除：{OLD_STEP}" in flat
        assert "変更：事実確認と判断（リマインドまでの時間）" in flat
        assert "何が変わったかはここでは示せません" not in flat


def test_versions_in_force_in_a_period() -> None:
    """A version is in force from its first use until the next one's: the one in force
    when the period starts is listed, one that began after it ends is not."""
    from datetime import UTC, datetime

    from bot.domain.policy_file import parse_policy
    from bot.domain.policy_versions import KnownVersion, in_force

    policy = parse_policy(v1().encode(), "v1")
    a, b, c = (KnownVersion(v, datetime(2026, m, 1, tzinfo=UTC), policy)
               for v, m in (("a", 1), ("b", 6), ("c", 12)))  # fmt: skip
    history = (a, b, c)
    year = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    assert [v.version for v in in_force(history, *year)] == ["a", "b"]
    assert [v.version for v in in_force(history, datetime(2026, 12, 2, tzinfo=UTC), None)] == ["c"]
    assert [v.version for v in in_force(history, None, None)] == ["a", "b", "c"]


async def test_the_export_has_a_column_for_a_step_only_an_older_version_has(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock
) -> None:
    from tests.test_hr_export import _export

    async with bot_with(tmp_path, sim, clock, v1(), "v1") as h:
        old = await file_case(h)
        await complete_step(h, h.cast.responder, old, "call_manager")  # v1 only
    clock.set(T0 + timedelta(hours=1))
    async with bot_with(tmp_path, sim, clock, v2(), "v2") as h:
        new = await file_case(h)
        _, rows = await _export(h, "export 2026-11")
        by_no = {r["Case number"]: r for r in rows}
        assert by_no[old.case_no]["Step done: call_manager"]  # when it was done, under v1
        assert by_no[new.case_no]["Step done: call_manager"] == ""
        assert "Step done: debrief" in by_no[new.case_no]  # v2's own steps too


async def test_a_case_from_before_versions_were_kept_keeps_the_first_packaged_policy(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock
) -> None:
    """A case opened under the first release's packaged policy (2026-10-01), before the
    bot kept versions: after the upgrade it is still drawn with that policy (its stop
    step could not be marked not applicable), not the current one."""
    config = parse_config(sample_config(), tmp_path)  # the packaged default policy
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config, sim=sim) as h:
        old = await file_case(h)

    def as_before_this_release(db: sqlite_utils.Database) -> None:
        db.execute("UPDATE cases SET policy_version = '2026-10-01' WHERE id = ?", [old.id])
        db.execute("DELETE FROM policy_versions")  # the release before kept no versions
        db.conn.commit()

    from db.store import open_database

    db = open_database(tmp_path / "ch.db")
    as_before_this_release(db)
    db.close()
    clock.set(T0 + timedelta(hours=1))
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config, sim=sim) as h:
        await redraw(h, old)
        assert "2026-10-01" in card(h, old) and "最新バージョンに移行" in card(h, old)
        drawn = checklist(h, old)
        assert "該当なし" not in drawn  # 2026-10-01 had no conditional steps
        kept = await h.bot.ctx.store.run(
            lambda db: db.execute(
                "SELECT first_seen_at FROM policy_versions WHERE version = '2026-10-01'"
            ).fetchall()
        )
        assert [datetime.fromisoformat(r[0]) for r in kept] == [T0]  # dated by its first case
        new = await file_case(h)
        assert "該当なし" in checklist(h, new)  # the current policy for a new case


# What each packaged version contains, as shipped. A deployment keeps the packaged
# default under its version: shipping different content under a version already shipped
# would stop every such bot at its next start (the clash rule). Edited the default? Give it
# a new version, and keep the old file in policy_data/earlier/ for the cases opened under it.
SHIPPED = {
    "2026-10-01": "89287741d9d8434d20f994d4949e339fe8a0c567cd0efde207eb1932b0613639",
    "2026-12-01": "92c087b2540a07160d49dceeb6b31d0c0740123bd1f1c193838c56cb361192f4",
}


def test_no_packaged_policy_changes_content_under_a_version_already_shipped() -> None:
    from bot.domain.policy_file import packaged_earlier, parse_policy, read_policy
    from bot.domain.policy_versions import content_hash

    packaged = [read_policy(None), *packaged_earlier()]
    found = {parse_policy(raw, src).version: content_hash(raw, src) for src, raw in packaged}
    for version, digest in found.items():
        if version in SHIPPED:
            assert digest == SHIPPED[version], (
                f"the packaged policy {version} changed: bump its version (and add it to"
                " SHIPPED), keeping the old file in bot/domain/policy_data/earlier/"
            )
    assert set(SHIPPED) <= set(found), "a shipped version is no longer packaged"
