"""The only channel between responders and a (possibly confidential) reporter.

A responder writes in a modal; the employee receives it privately from the bot,
unsigned unless the responder chooses to sign. The employee's replies in that DM are
relayed into the case thread. Both directions go through the outbox: stored (sealed)
first, then delivered and retried by the delivery loop.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.context import AppContext
from bot.domain.handling import MAX_MESSAGE
from bot.flows.case.evidence_intake import dm_file_ids, take_dm_files
from bot.flows.case.guard import case_from_value, refuse_if_reporter_purged
from bot.flows.case.guard import submission_refusal as refusal
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press, view_id_of
from bot.slack.privately import Refused
from bot.views.actions_modals import message_modal, submitted, submitted_text, text_problem
from db import conversation
from db.cases import reporter_ref
from db.handling import Outcome

log = logging.getLogger(__name__)


async def open_message(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    refuse_if_reporter_purged(case)
    lang = await ctx.people.lang(press.user_id)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=message_modal(lang, case))


async def submit_message(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, _ = await case_from_value(ctx, user_id, view.get("private_metadata"))
        refuse_if_reporter_purged(case)
    except Refused as r:
        return await refusal(ctx, user_id, r, "text")
    lang = await ctx.people.lang(user_id)
    text = submitted_text(view, "text")
    if problem := text_problem(text, MAX_MESSAGE):
        return Done(errors={"text": t(lang, problem)})
    chosen = submitted(view, "sign").get("selected_options") or []
    signed = any(isinstance(o, dict) and o.get("value") == "sign" for o in chosen)
    view_id = view_id_of(view)
    outcome = await ctx.store.run(
        conversation.message_employee, case.id, ctx.clock.now(), user_id, text, signed, view_id
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"text": t(lang, "act.refuse.closed", case_no=case.case_no)})
    log.info("employee messaged: case=%s signed=%s", case.case_no, signed)
    return Done(case_id=case.id, deliveries=outcome is Outcome.APPLIED)


DM = "dm"  # the journal kind of an employee's message to the bot (bot/flows/report/intake.py)


def dm_entry(
    event: dict[str, Any], event_id: str, at: datetime
) -> tuple[str, dict[str, Any]] | None:
    """(journal key, payload) of a DM from a person; None when there is nothing to relay.

    Slack retries an event with the same event_id, and the same message keeps its
    client_msg_id: both are the keys it is recorded under, so it is relayed once."""
    employee = event.get("user")
    if not isinstance(employee, str):
        return None
    text = str(event.get("text") or "").strip()
    has_files = bool(event.get("files"))
    if not text and not has_files:
        return None
    client_msg_id = event.get("client_msg_id")
    keys = [k for k in (event_id, f"msg:{client_msg_id}" if client_msg_id else "") if k]
    thread_ts = event.get("thread_ts")
    payload = {
        "user": employee,
        "channel": str(event.get("channel") or employee),
        "text": text,
        "files": has_files,
        "file_ids": dm_file_ids(event),  # attached as evidence (evidence_intake.py)
        "thread_ts": thread_ts if isinstance(thread_ts, str) else None,
        "keys": keys,
        "at": at.isoformat(),
    }
    key = keys[-1] if keys else f"ts:{employee}:{event.get('ts')}"
    return key, payload


async def relay_dm(ctx: AppContext, dm: dict[str, Any]) -> None:
    """Relay an employee's DM to their case (once), then tell them privately.

    Raises when the database cannot be written: the journal entry is kept and this
    runs again later. The answer in the DM is best effort, after the commit."""
    employee = str(dm["user"])
    text = str(dm["text"])
    # Her files are attached to the case first (idempotent by file ID; issue 11 §4).
    attached = bool(dm.get("file_ids")) and await take_dm_files(ctx, dm, answer_dm)
    if attached and not text:
        return  # only files: attached to her case, and she was told
    if dm.get("files") and not attached:
        text = (text + "\n" if text else "") + t(ctx.config.language, "act.relay.files")
    status, case_no = await ctx.store.run(
        conversation.relay_dm,
        list(dm.get("keys") or []),
        datetime.fromisoformat(str(dm["at"])),
        reporter_ref(ctx.settings.hash_key, employee),
        dm.get("thread_ts"),
        employee,
        text,
    )
    if status == conversation.REPEAT:
        log.info("event seen before, dropped: type=message")
        return
    if status == conversation.RELAYED:
        ctx.kick_deliveries()
        log.info("employee reply relayed: case=%s", case_no)
        key = "act.relay.passed_on"
    else:  # no case: ask which one, or say what this bot is to someone who never reported
        key = "act.relay.which_case" if status == conversation.NO_CASE else "act.relay.about"
    await answer_dm(ctx, dm, key, case_no=case_no or "")


async def answer_dm(ctx: AppContext, dm: dict[str, Any], key: str, **params: str) -> None:
    """Answer privately in the employee's DM (in the thread they wrote in)."""
    try:
        lang = await ctx.people.lang(str(dm["user"]))
        reply: dict[str, Any] = {"channel": dm["channel"], "text": t(lang, key, **params)}
        if dm.get("thread_ts"):
            reply["thread_ts"] = dm["thread_ts"]
        await ctx.client.chat_postMessage(**reply)
    except Exception as e:  # Slack down: what was stored stays stored
        log.warning("could not answer the employee's DM: key=%s error=%s", key, type(e).__name__)
