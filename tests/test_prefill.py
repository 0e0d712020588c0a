"""Slash-command text prefills the form as the employee typed it (Slack escapes it), and
the unescaped text stays inert wherever the bot shows it."""

from __future__ import annotations

import json

import pytest

from bot.demo.harness import RESPONDERS, Harness
from bot.views.ids import Action
from bot.views.report_form import as_typed

ESCAPED = (
    "<@U0RESPOND1|tanaka> said &lt;b&gt;stupid&lt;/b&gt; &amp; more in <#C0GENERAL1|general>,"
    " see <https://x.example/a?b=1&amp;c=2|x.example/a> <!here> <@U0HRMGR001>"
)
TYPED = (
    "@tanaka said <b>stupid</b> & more in #general,"
    " see https://x.example/a?b=1&c=2 @here @U0HRMGR001"
)


def narrative_of(view: dict[str, object]) -> str:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    block = next(b for b in blocks if b.get("block_id") == "narrative")
    return str(block["element"].get("initial_value", ""))


async def test_the_form_shows_command_text_as_typed(h: Harness) -> None:
    view = await h.open_form(h.cast.employee_en, ESCAPED)
    assert narrative_of(view) == TYPED


@pytest.mark.parametrize(
    ("escaped", "typed"),
    [
        ("&amp;lt;", "&lt;"),  # the employee typed "&lt;": unescaped once, not twice
        ("<mailto:a@b.example|a@b.example>", "a@b.example"),
        ("<!subteam^S0HRGROUP1|@hr-team>", "@hr-team"),
        ("<#C0GENERAL1>", "#C0GENERAL1"),
        ("plain", "plain"),
    ],
)
def test_as_typed(escaped: str, typed: str) -> None:
    assert as_typed(escaped) == typed


async def test_prefilled_text_submitted_pings_nobody(h: Harness) -> None:
    user = h.cast.employee_en
    view = await h.open_form(user, ESCAPED)
    await h.report(user, narrative=narrative_of(view), demand=narrative_of(view))
    await h.settle()
    card = h.sim.messages(RESPONDERS)[0]
    value = card.blocks[-2]["elements"][0]["value"]
    await h.slack.click(h.cast.responder, Action.VIEW_DETAILS, value, channel=RESPONDERS,
                        message_ts=card.ts)
    await h.sim.wait_for(lambda s: s.calls_to("views.open")[-1].args["view"]["callback_id"]
                         == "case.details")
    details = json.dumps(h.sim.calls_to("views.open")[-1].args["view"], ensure_ascii=False)
    assert "&lt;b&gt;stupid&lt;/b&gt; &amp; more" in details  # shown, escaped again
    assert "<b>" not in details and "<!here>" not in details
    posted = json.dumps([c.args for c in h.sim.calls_to("chat.postMessage")], ensure_ascii=False)
    assert "<b>" not in posted and "<!here>" not in posted
