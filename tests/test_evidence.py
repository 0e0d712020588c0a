"""Evidence files: no responder learns a confidential reporter's ID or name from them,
and each file still opens (the bot shares a copy of its own to the viewer's DM)."""

from __future__ import annotations

import json
from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.views.ids import Action
from db import timeline
from db.cases import find_case_no
from slacksim import SlackSimulator
from tests.test_details_access import open_details

SCREENSHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # ~10 KB
RECORDING = b"ID3" + b"\x00\x01" * 3000


def _report_with_files(h: Harness, *, shot_deleted: bool = False) -> Any:
    employee = h.cast.employee_en
    shot = h.sim.add_file("F0SHOT0001", "alex_kim_screenshot.png", employee, SCREENSHOT)
    if shot_deleted:  # the employee deletes it at once, before the app kept a copy
        h.sim.delete_file("F0SHOT0001", by=employee)
    voice = h.sim.add_file("F0VOICE001", "AlexKim-call.mp3", employee, RECORDING, "audio/mpeg")
    links = "\n".join([
        voice["permalink"],  # the employee pasted a link to a file of theirs
        f"https://sim.slack.test/team/{employee}",  # a profile link names the employee
        "https://social.example/post/1?a=1&b=2",
    ])  # fmt: skip
    return h.report(employee, narrative="He threw a box at me", files=[shot], links=links)


def _seen_by_others(sim: SlackSimulator, reporter: str) -> str:
    """Everything the bot showed to anyone but the reporter: views, messages,
    ephemerals and the files it shared (names, titles, comments)."""
    own_dm = sim.dm_channel(reporter)
    views = (*sim.views_opened, *sim.views_pushed, *sim.views.values())
    shown: list[Any] = [v.view for v in views if v.user_id != reporter]
    shown += [(m.text, m.blocks) for m in sim.all_messages if m.channel != own_dm]
    shown += [(e.text, e.blocks) for e in sim.all_ephemerals if e.user != reporter]
    shown += [(f.filename, f.title, f.initial_comment) for f in sim.files]
    return json.dumps(shown, ensure_ascii=False)


def open_buttons(view: dict[str, Any]) -> list[str]:
    """The values of the Open buttons of evidence files, in order."""
    return [
        el["value"]
        for b in view["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"].startswith(Action.OPEN_EVIDENCE)
    ]


_open_buttons = open_buttons


async def _entries(h: Harness) -> list[tuple[str, str, dict[str, Any]]]:
    def load(db: Any) -> list[tuple[str, str, dict[str, Any]]]:
        case = find_case_no(db, "CH-2026-0001")
        return [(e.actor, e.event, e.detail) for e in timeline.entries(db, case.id)]

    return await h.bot.ctx.store.run(load)


async def test_details_name_no_confidential_reporter_and_each_file_opens(h: Harness) -> None:
    await _report_with_files(h)
    await h.settle()
    responder, reporter = h.cast.responder2, h.cast.employee_en  # reads English
    opened = len(h.sim.views_opened)  # the report form is one of them already
    await open_details(h, responder)
    await h.sim.wait_for(lambda s: len(s.views_opened) > opened)
    view = h.sim.views_opened[-1].view
    assert "He threw a box at me" in json.dumps(view)
    assert "social.example/post/1?a=1&amp;b=2" in json.dumps(view)  # an ordinary link stays
    shown = _seen_by_others(h.sim, reporter)
    for secret in (reporter, "Alex Kim", "alex_kim", "AlexKim", "F0SHOT0001", "F0VOICE001"):
        assert secret not in shown, secret
    buttons = _open_buttons(view)
    assert len(buttons) == 2  # the uploaded file and the pasted Slack file link
    assert "1 link from the employee is not shown" in json.dumps(view)

    for n, (value, data, name) in enumerate(
        [(buttons[0], SCREENSHOT, "png"), (buttons[1], RECORDING, "mp3")], start=1
    ):
        reply = await h.slack.click(responder, Action.OPEN_EVIDENCE, value, view=view)
        assert reply.status == 200
        shared = await h.sim.wait_for(lambda s, n=n: len(s.files) >= n and s.files[n - 1])
        assert shared.data == data  # the very file, byte for byte
        assert shared.channel_id == h.sim.dm_channel(responder)
        assert shared.filename == f"CH-2026-0001-evidence-{n}.{name}"
        assert shared.initial_comment and f"Evidence {n} of CH-2026-0001" in shared.initial_comment
    # Each file was fetched once, when it joined the case (its sealed copy); opening
    # served that copy.
    assert h.sim.downloads == [("F0SHOT0001", True), ("F0VOICE001", True)]
    assert [c.args["file"] for c in h.sim.calls_to("files.info")] == ["F0SHOT0001", "F0VOICE001"]
    shown = _seen_by_others(h.sim, reporter)
    for secret in (reporter, "Alex Kim", "alex_kim", "AlexKim"):
        assert secret not in shown, secret
    opened = [(a, d) for a, e, d in await _entries(h) if e == "evidence_opened"]
    assert opened == [(responder, {"item": 1}), (responder, {"item": 2})]


MODAL = {"id": "V1", "type": "modal"}  # a button in a modal comes with its view, as Slack sends it


async def test_open_is_checked_on_every_press_and_fails_politely(h: Harness) -> None:
    await _report_with_files(h, shot_deleted=True)
    await h.settle()
    assert h.sim.downloads == [("F0VOICE001", True)]  # the copy kept of the one not deleted
    forged = json.dumps({"case": "CH-2026-0001", "item": 1})
    await h.slack.click(h.cast.outsider, Action.OPEN_EVIDENCE, forged, view=MODAL)
    await h.sim.wait_for(lambda s: s.dms(h.cast.outsider))
    assert h.sim.files == [] and h.sim.downloads == [("F0VOICE001", True)]
    # A number the case does not have, and a file Slack no longer has.
    beyond = json.dumps({"case": "CH-2026-0001", "item": 9})
    await h.slack.click(h.cast.responder2, Action.OPEN_EVIDENCE, beyond, view=MODAL)
    await h.sim.wait_for(lambda s: s.dms(h.cast.responder2))
    assert "no longer part of the case" in str(h.sim.dms(h.cast.responder2)[-1].text)
    await h.slack.click(h.cast.responder2, Action.OPEN_EVIDENCE, forged, view=MODAL)
    await h.sim.wait_for(lambda s: len(s.dms(h.cast.responder2)) == 2)
    text = str(h.sim.dms(h.cast.responder2)[-1].text)
    assert "no longer available" in text and h.cast.employee_en not in text
    assert h.sim.files == []
    opened = [a for a, e, _ in await _entries(h) if e == "evidence_opened"]
    assert opened == [h.cast.responder2]  # the failed attempt is still recorded


async def test_hr_case_view_shows_files_by_number_only(h: Harness) -> None:
    await _report_with_files(h)
    await h.settle()
    opened = len(h.sim.views_opened)
    await h.slash("/ch-cases", h.cast.hr, "show CH-2026-0001")
    await h.sim.wait_for(lambda s: len(s.views_opened) > opened)
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Checking evidence"}}}
    answer = (await h.slack.submit_view(h.cast.hr, h.sim.views_opened[-1].view, values)).json()
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert len(_open_buttons(answer["view"])) == 2
    for secret in (h.cast.employee_en, "alex_kim", "F0SHOT0001"):
        assert secret not in shown
    assert RESPONDERS not in shown


def test_a_copy_keeps_only_a_real_extension_never_part_of_a_name() -> None:
    from bot.views.evidence import extension_of

    assert extension_of("Sato.Hana", "") == ""  # her name after a dot is not a type
    assert extension_of("Sato.Hana", "png") == ".png"  # Slack's own file type instead
    assert extension_of("通話録音.M4A", "") == ".m4a"
    assert extension_of("screenshot", "jpg") == ".jpg"
    assert extension_of("notes.secret1", "binary") == ""
