"""Shared steps for the happening-now tests (issue 11): a company with sites and a
backup rotation, the one tap through the real endpoint, and what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Config, parse_config
from bot.demo.harness import RESPONDERS, Cast, Harness, sample_config
from bot.views.ids import Action
from slacksim import Message
from slacksim.render import render_message, render_view
from tests.case_kit import choice, text

CAST = Cast()
SUPERVISOR = CAST.responder2  # the Shibuya store's supervisor
BACKUP = (CAST.responder, CAST.legal[1])  # the backup rotation


def urgent_config(**overrides: Any) -> Config:
    data = sample_config(CAST, **overrides)
    data["rotations"]["backup"] = {
        "members": list(BACKUP),
        "start": "2026-01-05T09:00:00+09:00",
        "shift": "1d",
    }
    data["sites"] = [
        {"id": "shibuya", "name": "渋谷店", "supervisors": [SUPERVISOR]},
        {"id": "callcenter", "name": "Call center 3F"},
    ]
    return parse_config(data, Path("."))


def start_values(
    channel: str | None = "in_person",
    site: str | None = "shibuya",
    place: str = "",
    may_know: str | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if channel:
        values["u_channel"] = choice(channel, "static_select")
    if site:
        values["u_site"] = choice(site, "static_select")
    if place:
        values["u_place"] = text(place)
    if may_know:
        values["u_may_know"] = choice(may_know)
    return values


async def tap(h: Harness, user: str, **values: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """/report-ch, then one tap on "Happening now": (the first modal, the safety screen)."""
    start = await h.open_start(user)
    safety = await h.press_in_view(user, start, Action.URGENT, start_values(**values))
    return start, safety


def shown(h: Harness, view: dict[str, Any]) -> str:
    return render_view(view, h.cast.names())


def said(h: Harness, msg: Message) -> str:
    return render_message(msg, h.cast.names())


async def card_and_thread(h: Harness) -> tuple[Message, list[Message]]:
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    return card, h.sim.replies(RESPONDERS, card.ts)


async def case_row(h: Harness, case_no: str | None = None) -> dict[str, Any]:
    def read(db: Any) -> dict[str, Any]:
        rows = list(db.table("cases").rows_where(order_by="id"))
        return next((r for r in rows if r["case_no"] == case_no), rows[-1]) if rows else {}

    row: dict[str, Any] = await h.bot.ctx.store.run(read)
    return row


async def case_count(h: Harness) -> int:
    n: int = await h.bot.ctx.store.run(lambda db: db.table("cases").count)
    return n
