"""View details: responders and HR only; every viewing lands in the case timeline."""

from __future__ import annotations

import json

from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from db import timeline
from db.cases import find_case_no


async def open_details(h: Harness, user: str) -> None:
    card = h.sim.messages(RESPONDERS)[0]
    value = next(el["value"] for b in card.blocks if b["type"] == "actions"
                 for el in b["elements"] if el["action_id"] == Action.VIEW_DETAILS)
    reply = await h.slack.click(user, Action.VIEW_DETAILS, value, channel=RESPONDERS,
                                message_ts=card.ts)
    assert reply.status == 200


async def viewers(h: Harness) -> list[str]:
    def load(db):  # type: ignore[no-untyped-def]
        case = find_case_no(db, "CH-2026-0001")
        return [e.actor for e in timeline.entries(db, case.id) if e.event == "details_viewed"]
    return await h.bot.ctx.store.run(load)  # type: ignore[no-any-return]


async def test_responder_hr_and_hr_group_see_details_others_do_not(h: Harness) -> None:
    # A file Slack has (one it does not have is shown as no longer available).
    files = [h.sim.add_file("F0EVIDENCE", "evidence.png", h.cast.employee_en, b"\x89PNG")]
    await h.report(h.cast.employee_en, narrative="He threw a box at me", files=files,
                   links="https://social.example/post/1")
    await h.settle()
    allowed = [h.cast.responder, h.cast.hr, h.cast.hr_group_member]
    for user in [*allowed, h.cast.outsider, h.cast.employee]:
        before = len(h.sim.calls_to("views.open"))
        await open_details(h, user)
        if user in allowed:
            await h.sim.wait_for(lambda s, b=before: len(s.calls_to("views.open")) > b)
            view = json.dumps(h.sim.calls_to("views.open")[-1].args["view"])
            assert "He threw a box at me" in view
            # The file is "Evidence 1" with an Open button: its ID and link are not shown.
            assert "F0EVIDENCE" not in view and Action.OPEN_EVIDENCE in view
            assert "social.example/post/1" in view
        else:
            await h.sim.wait_for(lambda s, u=user: s.ephemerals(u))
            lang = await h.bot.ctx.people.lang(user)  # each reads their own language
            assert h.sim.ephemerals(user)[-1].text == t(lang, "refuse.not_responder")
            assert len(h.sim.calls_to("views.open")) == before
    assert await viewers(h) == allowed
