"""View details and HR's case view show what the employee wrote, all of it, unaltered:
long text split without cutting an entity, every evidence link, added information opened."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.demo.harness import Harness
from tests.case_kit import open_add_info
from tests.test_details_access import open_details

BROKEN_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


def texts(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and "text" in b]


async def details_of(h: Harness, user: str) -> dict[str, Any]:
    before = len(h.sim.views_opened)
    await open_details(h, user)
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    return h.sim.views_opened[-1].view


async def add_information(h: Harness, user: str, text: str) -> None:
    modal = await open_add_info(h, user)
    values = {"addition": {"value": {"type": "plain_text_input", "value": text}}}
    reply = await h.slack.submit_view(user, modal, values)
    assert reply.json()["response_action"] == "update"


async def test_long_narrative_is_split_without_cutting_an_entity(h: Harness) -> None:
    narrative = "x" * 2798 + "&&&<>" + "y" * 150  # the 2,800th escaped character is in `&amp;`
    await h.report(h.cast.employee_en, narrative=narrative)
    await h.settle()
    shown = texts(await details_of(h, h.cast.responder2))
    assert not [s for s in shown if BROKEN_ENTITY.search(s)]
    assert narrative in html.unescape("".join(shown))


async def test_all_ten_long_evidence_links_are_shown_whole(h: Harness) -> None:
    links = [f"https://evidence.example/{i}/" + "a" * 950 + f"?n={i}&x=1" for i in range(10)]
    await h.report(h.cast.employee_en, links="\n".join(links))
    await h.settle()
    shown = texts(await details_of(h, h.cast.responder2))
    for url in links:
        assert any(url.replace("&", "&amp;") in s for s in shown), url[:40]


async def test_long_added_information_is_shown_whole(h: Harness) -> None:
    # The most the modal can be asked to hold: every text at its limit, all `&`
    # (five times longer once escaped); the Block Kit checks of the fixture hold.
    await h.report(h.cast.employee_en, narrative="&" * 3000, demand="&" * 1000)
    await h.settle()
    added = [f"{i}" + "&" * 2990 + f"end{i}" for i in range(3)]
    for text in added:
        await add_information(h, h.cast.employee_en, text)
    shown = texts(await details_of(h, h.cast.responder2))
    assert not [s for s in shown if BROKEN_ENTITY.search(s)]
    whole = html.unescape("".join(shown))
    assert all(text in whole for text in added)


async def test_hr_sees_the_added_information_not_ciphertext(h: Harness) -> None:
    await h.report(h.cast.employee_en)
    await h.settle()
    await add_information(h, h.cast.employee_en, "He called again today & threatened me")
    await h.slash("/ch-cases", h.cast.hr, "show CH-2026-0001")
    await h.sim.wait_for(lambda s: s.views_opened and s.views_opened[-1].user_id == h.cast.hr)
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Reviewing the case"}}}
    answer = (await h.slack.submit_view(h.cast.hr, h.sim.views_opened[-1].view, values)).json()
    shown = "\n".join(texts(answer["view"]))
    assert "He called again today &amp; threatened me" in shown
    assert "v1:" not in shown
    assert "<@reporter>" not in shown and "The employee · added information" in shown
