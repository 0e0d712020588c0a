"""The only channel between responders and a (possibly confidential) reporter.

A responder writes in a modal; the employee receives it privately from the bot,
unsigned unless the responder chooses to sign. The employee's replies in that DM are
relayed into the case thread. Both directions go through the outbox: stored (sealed)
first, then delivered and retried by the delivery loop.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.handling import MAX_MESSAGE
from bot.flows.case_guard import Done, Press, case_from_value, refuse_if_reporter_purged
from bot.flows.case_guard import submission_refusal as refusal
from bot.flows.privately import Refused
from bot.i18n import t
from bot.views.actions_modals import message_modal, submitted, submitted_text, text_problem
from bot.views.common import Block, context, section
from bot.views.mrkdwn import escape, user
from db import conversation
from db.cases import get_case, reporter_ref
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
    view_id = view.get("id") if isinstance(view.get("id"), str) else None
    outcome = await ctx.store.run(
        conversation.message_employee, case.id, ctx.clock.now(), user_id, text, signed, view_id
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"text": t(lang, "act.refuse.closed", case_no=case.case_no)})
    log.info("employee messaged: case=%s signed=%s", case.case_no, signed)
    return Done(case_id=case.id, deliveries=outcome is Outcome.APPLIED)


async def employee_wrote(ctx: AppContext, employee: str, event: dict[str, Any]) -> None:
    """A message from a person in their DM with the bot: relay it to their case."""
    text = str(event.get("text") or "").strip()
    if event.get("files"):
        text = (text + "\n" if text else "") + t(ctx.config.language, "act.relay.files")
    if not text:
        return
    ref = reporter_ref(ctx.settings.hash_key, employee)
    thread_ts = event.get("thread_ts")
    case_id = await ctx.store.run(
        conversation.case_for_dm, ref, thread_ts if isinstance(thread_ts, str) else None
    )
    channel = str(event.get("channel") or employee)
    if case_id is None:
        lang = await ctx.people.lang(employee)
        await ctx.client.chat_postMessage(channel=channel, text=t(lang, "act.relay.which_case"))
        return
    case = await ctx.store.run(get_case, case_id)
    # A confidential reporter is not named in the timeline (as when the case was filed).
    actor = employee if case.show_name else "reporter"
    await ctx.store.run(conversation.relay_reply, case_id, ctx.clock.now(), actor, text)
    ctx.kick_deliveries()
    log.info("employee reply relayed: case=%s", case.case_no)
    lang = await ctx.people.lang(employee)
    reply: dict[str, Any] = {
        "channel": channel,
        "text": t(lang, "act.relay.passed_on", case_no=case.case_no),
    }
    if isinstance(thread_ts, str):
        reply["thread_ts"] = thread_ts
    await ctx.client.chat_postMessage(**reply)


def is_conversation_kind(kind: str) -> bool:
    return kind == conversation.CLOSED_NOTICE or kind.split(":")[0] in (
        conversation.TO_EMPLOYEE,
        conversation.SENT_NOTE,
        conversation.RELAY,
    )


async def render_conversation(
    ctx: AppContext, case: Case, kind: str
) -> tuple[str, str, list[Block], str | None]:
    """(channel, text, blocks, thread_ts) for the outbox kinds of this module."""
    if kind == conversation.CLOSED_NOTICE:
        lang = case.reporter_lang
        text = t(lang, "act.closed_notice.text", case_no=case.case_no)
        blocks = [section(text), context(t(lang, "act.closed_notice.reopen"))]
        return case.reporter_id, text, blocks, None
    base, _, ref = kind.partition(":")
    actor, body, signed = await ctx.store.run(conversation.entry_text, case.id, int(ref))
    if base == conversation.TO_EMPLOYEE:
        lang = case.reporter_lang
        text = t(lang, "act.to_employee.text", case_no=case.case_no)
        quoted = "> " + escape(body).replace("\n", "\n> ")
        blocks = [section(text), section(quoted)]
        if signed:
            blocks.append(section(t(lang, "act.to_employee.signed", user=user(actor))))
        blocks.append(context(t(lang, "act.to_employee.reply_hint")))
        return case.reporter_id, text, blocks, None
    team = ctx.config.language
    if not (case.card_channel and case.card_ts):
        from bot.flows.render import NotReady

        raise NotReady(kind)
    if base == conversation.SENT_NOTE:
        key = "act.sent_note.signed" if signed else "act.sent_note.unsigned"
        text = t(team, key, user=user(actor))
    else:
        key = "act.relay.closed" if case.status == "closed" else "act.relay.text"
        text = t(team, key, case_no=case.case_no)
    quoted = "> " + escape(body).replace("\n", "\n> ")
    return case.card_channel, text, [section(f"{text}\n{quoted}")], case.card_ts
