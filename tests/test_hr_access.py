"""Only HR may use /ch-cases and the HR buttons; everyone else is refused and sees no data."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.hr_cases import build_purpose_modal
from bot.views.ids import Action
from tests.hr_common import ask, ephemeral_texts, seed_known_cases

REFUSAL = "Sorry, only HR can use this."
COMMANDS = ["", "summary 2026-11", "show CH-2026-0001", "customer 090-1234-5678", "export",
            "export 2026-11 with-text legal review", "audit", "help", "nonsense"]  # fmt: skip


async def _audit_rows(h: Harness) -> int:
    def n(db: sqlite_utils.Database) -> int:
        return int(db.execute("SELECT COUNT(*) FROM audit").fetchone()[0])

    return await h.bot.ctx.store.run(n)


@pytest.mark.parametrize(
    ("who", "lang"), [("outsider", "en"), ("responder", "ja"), ("employee", "ja")]
)
@pytest.mark.parametrize("text", COMMANDS)
async def test_command_refused(
    h: Harness, clock: FixedClock, who: str, lang: str, text: str
) -> None:
    user = getattr(h.cast, who)
    await ask(h, user, text, wait_dm=False)
    await h.sim.wait_for(lambda s: ephemeral_texts(h, user))
    assert ephemeral_texts(h, user) == [t(lang, "hr.refuse")]
    assert h.sim.views_opened == [] and h.sim.files == []
    assert [m for m in h.sim.dms(user) if m.blocks] == []
    assert await _audit_rows(h) == 0


async def test_hr_group_member_is_allowed(h: Harness) -> None:
    [text] = await ask(h, h.cast.hr_group_member, "summary 2026-06")
    assert "No cases were reported" in text


@pytest.mark.parametrize("action", [Action.HR_SUMMARY, Action.HR_EXPORT, Action.HR_AUDIT])
async def test_home_buttons_refused(h: Harness, clock: FixedClock, action: str) -> None:
    await seed_known_cases(h, clock)
    user = h.cast.outsider
    reply = await h.slack.click(user, action, "2026-11", view={"id": "VHOME", "type": "home"})
    assert reply.status == 200
    await h.sim.wait_for(lambda s: s.dms(user))
    assert [m.text for m in h.sim.dms(user)] == [REFUSAL + " If you need figures about cases, "
                                                 "please ask your HR team."]  # fmt: skip
    assert h.sim.files == [] and await _audit_rows(h) == 0


@pytest.mark.parametrize("action", [Action.HR_SUMMARY, Action.HR_EXPORT, Action.HR_AUDIT])
async def test_home_buttons_work_for_hr(h: Harness, clock: FixedClock, action: str) -> None:
    await seed_known_cases(h, clock)
    user = h.cast.hr
    await h.slack.click(user, action, "2026-11", view={"id": "VHOME", "type": "home"})
    await h.sim.wait_for(lambda s: [m for m in s.dms(user) if m.blocks] or s.files, timeout=15)
    assert await _audit_rows(h) == 1


async def test_forged_purpose_submission_refused(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    view = build_purpose_modal("en", ids["A"])
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "just curious"}}}
    reply = await h.slack.submit_view(h.cast.outsider, view, values)
    assert reply.status == 200 and not reply.body  # a plain ack: nothing shown
    await h.sim.wait_for(lambda s: s.dms(h.cast.outsider))
    assert REFUSAL in str(h.sim.dms(h.cast.outsider)[0].text)
    assert await _audit_rows(h) == 0
    assert json.loads(view["private_metadata"]) == {"case": ids["A"]}
