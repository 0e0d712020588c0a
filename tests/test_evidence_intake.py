"""Files the employee gives after filing become evidence of her case: through "Add
information" (its file input) and sent in her DM with the app. They are kept as
sealed copies, the thread is told how many (never which), and nothing shown names her."""

from __future__ import annotations

import json
from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.views.evidence import ADD_FILES_BLOCK
from bot.views.ids import Action
from slacksim.render import render_message
from tests.case_kit import choice, choices, open_add_info, text
from tests.conftest import T0
from tests.test_case_actions_messages import open_from_notice
from tests.test_evidence import _seen_by_others
from tests.test_evidence_copies import details, open_buttons
from tests.urgent_kit import tap

CASE = "CH-2026-0001"
PNG = b"\x89PNG\r\n\x1a\n" + b"evidence" * 100


def _file(h: Harness, n: int, name: str = "alex_kim_{n}.png") -> dict[str, Any]:
    data = PNG + str(n).encode()
    return h.sim.add_file(f"F0ADD{n:05d}", name.format(n=n), h.cast.employee_en, data)


async def _file_case(h: Harness, files: list[dict[str, Any]] | None = None) -> None:
    reply = await h.report(h.cast.employee_en, narrative="He threw a box at me", files=files)
    assert reply.status == 200
    await h.settle()


async def _add_info_modal(h: Harness) -> dict[str, Any]:
    return await open_add_info(h, h.cast.employee_en)


def _add_values(text: str, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "addition": {"value": {"type": "plain_text_input", "value": text or None}},
        ADD_FILES_BLOCK: {ADD_FILES_BLOCK: {"type": "file_input", "files": files}},
    }


async def add_information(
    h: Harness, text: str, files: list[dict[str, Any]], modal: dict[str, Any] | None = None
) -> Any:
    modal = modal or await _add_info_modal(h)
    reply = await h.slack.submit_view(h.cast.employee_en, modal, _add_values(text, files))
    await h.settle()
    return reply.json()


def _thread(h: Harness) -> list[str]:
    card = h.sim.messages(RESPONDERS)[0]
    return [render_message(m, h.cast.names()) for m in h.sim.replies(RESPONDERS, card.ts)]


def _no_trace_of_her(h: Harness) -> None:
    shown = _seen_by_others(h.sim, h.cast.employee_en)
    for secret in (h.cast.employee_en, "alex_kim", "F0ADD"):
        assert secret not in shown, secret


async def test_add_information_takes_files_that_become_evidence(h: Harness) -> None:
    await _file_case(h, [_file(h, 1)])
    modal = await _add_info_modal(h)
    inputs = {b["block_id"]: b for b in modal["blocks"] if b["type"] == "input"}
    assert inputs[ADD_FILES_BLOCK]["element"]["type"] == "file_input"
    assert inputs[ADD_FILES_BLOCK]["optional"] is True

    answer = await add_information(h, "He called again", [_file(h, 2), _file(h, 3)], modal)
    assert answer["response_action"] == "update"
    assert f"Added to {CASE}" in json.dumps(answer["view"])
    notice = _thread(h)[-1]
    assert f"従業員が {CASE} に情報とファイル 2 件を追加しました" in notice  # the team reads ja
    # A second submission of the same modal (a double click) adds nothing.
    await h.slack.submit_view(h.cast.employee_en, modal, _add_values("He called again", []))
    await h.settle()
    assert sum("情報とファイル" in t for t in _thread(h)) == 1

    view = await details(h, h.cast.responder2)
    assert "He called again" in json.dumps(view)
    buttons = open_buttons(view)
    assert len(buttons) == 3
    action_id, value = buttons[2]
    assert (await h.slack.click(h.cast.responder2, action_id, value, view=view)).status == 200
    shared = await h.sim.wait_for(lambda s: s.files and s.files[-1])
    assert shared.data == PNG + b"3" and shared.filename == f"{CASE}-evidence-3.png"
    _no_trace_of_her(h)


async def test_files_alone_may_be_added_but_not_nothing(h: Harness) -> None:
    await _file_case(h)
    modal = await _add_info_modal(h)
    empty = await h.slack.submit_view(h.cast.employee_en, modal, _add_values("", []))
    assert empty.json()["errors"] == {"addition": "Write something, or attach a file."}
    await add_information(h, "", [_file(h, 1)], modal)
    assert f"従業員が {CASE} に証拠ファイルを 1 件追加しました" in _thread(h)[-1]
    assert len(open_buttons(await details(h, h.cast.responder))) == 1
    _no_trace_of_her(h)


async def _sends_in_dm(h: Harness, event: dict[str, Any], event_id: str) -> None:
    assert (await h.slack.event(event, event_id=event_id)).status == 200


def _bot_dms(h: Harness) -> list[str]:
    user = h.cast.employee_en
    return [str(m.text) for m in h.sim.dms(user) if m.user != user]


async def test_files_sent_in_the_dm_are_attached_once_and_acknowledged(h: Harness) -> None:
    await _file_case(h, [_file(h, 1)])
    answered = len(_bot_dms(h))
    event = h.sim.file_share_event(h.cast.employee_en, [_file(h, 2)])
    await _sends_in_dm(h, event, "Ev0FILES01")
    await h.sim.wait_for(lambda _: len(_bot_dms(h)) > answered)
    await h.settle()
    assert _bot_dms(h)[-1] == (
        f"Thank you. The file is attached to your report {CASE} as evidence."
        " Only the response team can open it."
    )
    assert f"従業員が {CASE} に証拠ファイルを 1 件追加しました" in _thread(h)[-1]
    # Slack sends the event again: nothing is attached or said twice.
    await _sends_in_dm(h, event, "Ev0FILES01")
    await h.settle()
    assert len(_bot_dms(h)) == answered + 1
    assert sum("証拠ファイルを 1 件" in t for t in _thread(h)) == 1
    view = await details(h, h.cast.responder)
    assert len(open_buttons(view)) == 2
    rows = await h.bot.ctx.store.run(lambda db: list(db.table("evidence_copies").rows))
    assert [r["status"] for r in rows] == ["kept", "kept"]
    _no_trace_of_her(h)


async def test_a_message_with_files_relays_its_text_and_attaches_the_files(h: Harness) -> None:
    await _file_case(h)
    answered = len(_bot_dms(h))
    files = [_file(h, 1), _file(h, 2)]
    event = h.sim.file_share_event(h.cast.employee_en, files, text="Here are the recordings")
    await _sends_in_dm(h, event, "Ev0FILES02")
    await h.sim.wait_for(lambda _: len(_bot_dms(h)) >= answered + 2)
    await h.settle()
    said = _bot_dms(h)[answered:]
    assert f"The 2 files are attached to your report {CASE} as evidence." in said[0]
    assert said[1] == f"Passed on to the response team ({CASE})."
    thread = "\n".join(_thread(h))
    assert f"従業員が {CASE} に証拠ファイルを 2 件追加しました" in thread
    # Her words stay out of the shared thread (issue 12 §6): responders read them in
    # the conversation, opened from the notice that she replied.
    assert "Here are the recordings" not in thread
    card = h.sim.messages(RESPONDERS)[0]
    notice = next(m for m in reversed(h.sim.replies(RESPONDERS, card.ts))
                  if Action.OPEN_CONVERSATION in json.dumps(m.blocks))  # fmt: skip
    view = await open_from_notice(h, h.cast.responder2, notice)
    assert "Here are the recordings" in json.dumps(view)
    # Not the old "(attached files: ask the employee to use Add information)" any more.
    assert "ファイルが添付されています" not in thread
    assert len(open_buttons(await details(h, h.cast.responder))) == 2
    _no_trace_of_her(h)


async def test_files_from_someone_with_no_report_are_not_silently_dropped(h: Harness) -> None:
    outsider = h.cast.outsider
    shot = h.sim.add_file("F0OUTS0001", "x.png", outsider, PNG)
    event = h.sim.file_share_event(outsider, [shot])
    assert (await h.slack.event(event, event_id="Ev0FILES03")).status == 200
    answer = await h.sim.wait_for(lambda s: [m for m in s.dms(outsider) if m.user != outsider])
    assert "You have no report with me yet" in str(answer[-1].text)
    rows = await h.bot.ctx.store.run(lambda db: list(db.table("evidence_copies").rows))
    assert rows == []


async def test_files_sent_before_a_quick_report_is_completed_stay(hu: Harness) -> None:
    h, user = hu, hu.cast.employee_en
    _, safety = await tap(h, user, channel="phone")
    await h.settle()
    answered = len(_bot_dms(h))
    await _sends_in_dm(h, h.sim.file_share_event(user, [_file(h, 1)]), "Ev0QUICK01")
    await h.sim.wait_for(lambda _: len(_bot_dms(h)) > answered)
    form = await h.press_in_view(user, safety, Action.COMPLETE_REPORT)
    values = {
        "occurred_at": {"value": {"type": "datetimepicker",
                                  "selected_date_time": int(T0.timestamp())}},
        "contact_channel": choice("phone", "static_select"),
        "categories": choices(["threat"]),
        "danger": choice("over"),
        "narrative": text("He said he would wait for me outside."),
        "evidence_files": {"value": {"type": "file_input", "files": [_file(h, 2)]}},
    }  # fmt: skip
    assert (await h.slack.submit_view(user, form, values)).json()["response_action"] == "update"
    await h.settle()
    view = await details(h, h.cast.responder2)
    assert len(open_buttons(view)) == 2  # the form's file and the one sent before it
    rows = await h.bot.ctx.store.run(lambda db: list(db.table("evidence_copies").rows))
    assert [r["status"] for r in rows] == ["kept", "kept"]
    _no_trace_of_her(h)


async def test_a_file_added_later_takes_the_next_number_and_renumbers_nothing(
    h: Harness,
) -> None:
    pasted = _file(h, 2)  # a file of hers whose link she pasted in the form
    reply = await h.report(h.cast.employee_en, files=[_file(h, 1)], links=pasted["permalink"])
    assert reply.status == 200
    await h.settle()
    await add_information(h, "", [_file(h, 3)])
    view = await details(h, h.cast.responder2)
    buttons = open_buttons(view)
    assert len(buttons) == 3
    for n, (action_id, value) in enumerate(buttons, start=1):
        assert (await h.slack.click(h.cast.responder2, action_id, value, view=view)).status == 200
        shared = await h.sim.wait_for(lambda s, n=n: len(s.files) >= n and s.files[n - 1])
        assert shared.data == PNG + str(n).encode()  # item n is still the file it was
