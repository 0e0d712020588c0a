"""Everything the employee gave is reachable from View details and HR's case view:
every file has its Open button (25 to an actions block) and every link is shown,
within Slack's 100 blocks per modal; nothing beyond the first few is cut."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.demo.harness import Harness
from bot.domain.evidence import workspace_host
from bot.views.case_card import build_details_modal
from bot.views.hr_record import build_record_modal
from db.case_record import case_record
from db.cases import find_case_no
from tests.blockkit import check_view
from tests.test_evidence_copies import details, open_buttons
from tests.test_evidence_intake import PNG, _file, _sends_in_dm, add_information

CASE = "CH-2026-0001"


def _links(n: int, length: int) -> list[str]:
    """n distinct links of `length` characters each."""
    return [f"https://social.example/p/{i:03d}/".ljust(length, "a") for i in range(1, n + 1)]


def _shown_text(view: dict[str, Any]) -> str:
    return "\n".join(
        b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and "text" in b
    )


async def test_thirty_files_and_every_link_open_from_details_and_hr(h: Harness) -> None:
    # The most each way in: 10 files and 10 links of 1,000 characters in the form, 10
    # files through "Add information", 10 sent in her DM.
    links = _links(10, 1000)
    form_files = [_file(h, n) for n in range(1, 11)]
    reply = await h.report(h.cast.employee_en, files=form_files, links="\n".join(links))
    assert reply.status == 200
    await h.settle()
    await add_information(h, "More screenshots", [_file(h, n) for n in range(11, 21)])
    event = h.sim.file_share_event(h.cast.employee_en, [_file(h, n) for n in range(21, 31)])
    await _sends_in_dm(h, event, "Ev0REACH01")
    said = "The 10 files are attached"
    await h.sim.wait_for(lambda s: any(said in str(m.text) for m in s.dms(h.cast.employee_en)))
    await h.settle()

    view = await details(h, h.cast.responder2)
    assert len(view["blocks"]) <= 100
    buttons = open_buttons(view)
    assert [json.loads(v)["item"] for _, v in buttons] == list(range(1, 31))
    assert len({a for a, _ in buttons}) == 30  # unique action_ids (Slack wants it per block)
    assert all(len(b["elements"]) <= 25 for b in view["blocks"] if b["type"] == "actions")
    shown = _shown_text(view)
    assert all(link in shown for link in links)
    # The last one opens: the 30th file, byte for byte.
    action_id, value = buttons[-1]
    assert (await h.slack.click(h.cast.responder2, action_id, value, view=view)).status == 200
    shared = await h.sim.wait_for(lambda s: s.files and s.files[-1])
    assert shared.data == PNG + b"30" and shared.filename == f"{CASE}-evidence-30.png"

    # HR's case view shows them all as well.
    opened = len(h.sim.views_opened)
    await h.slash("/ch-cases", h.cast.hr, f"show {CASE}")
    await h.sim.wait_for(lambda s: len(s.views_opened) > opened)
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Checking evidence"}}}
    answer = (await h.slack.submit_view(h.cast.hr, h.sim.views_opened[-1].view, values)).json()
    assert len(open_buttons(answer["view"])) == 30
    assert all(link in _shown_text(answer["view"]) for link in links)
    check_view(answer["view"])


async def test_forty_long_links_and_thirty_files_fit_both_modals(h: Harness) -> None:
    """Beyond what one form takes today (a case may gather links from more places):
    the modals still hold every file and every link within 100 blocks."""
    await h.report(h.cast.employee_en, narrative="He threw a box at me")
    await h.settle()
    links = _links(40, 1000)
    files = [f"F0MANY{n:04d}" for n in range(1, 31)]

    def load(db: Any) -> Any:
        case = find_case_no(db, CASE)
        return case_record(db, case.id)

    record = await h.bot.ctx.store.run(load)
    case = replace(record.case, evidence_links=tuple(links), evidence_files=tuple(files))
    ctx, host = h.bot.ctx, workspace_host(h.bot.ctx.workspace_url)
    for lang in ("ja", "en"):
        added = [(case.reported_at, "later words")] * 3
        responders = build_details_modal(
            lang, case, ctx.policy, ctx.config.timezone, added, host
        )
        hr = build_record_modal(
            lang, replace(record, case=case), ctx.policy, ctx.config.timezone, added, host
        )
        for view in (responders, hr):
            check_view(view)  # slack-sdk's models and the 100-block limit
            assert len(open_buttons(view)) == 30
            shown = _shown_text(view)
            assert all(link in shown for link in links)
