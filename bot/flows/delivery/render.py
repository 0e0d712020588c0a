"""Turn a pending delivery into the message Slack should show, from the case as it is now."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from bot.context import AppContext
from bot.domain.stored import CONVERSATION_KINDS, HEARD_BACK_KINDS, OutboxKind, parse_outbox_key
from bot.flows.delivery.reporter_notes import render_reporter_kind
from bot.flows.delivery.summons import render_summons
from bot.i18n import t
from bot.views.behalf_notice import build_behalf_notice
from bot.views.case_card import build_card, repeat_line
from bot.views.common import section
from bot.views.confirmation import build_confirmation
from bot.views.conversation import conversation_message
from bot.views.evidence import files_added_text
from bot.views.outgoing import Gone, NotReady, Outgoing
from bot.views.thread import build_thread_reply
from bot.views.urgent import heard_back
from db import conversation, evidence_copies, outbox
from db.behalf import behalf_of
from db.cases import earlier_cases, get_case
from db.handling import load_handling
from db.responder_prefs import notice_signer


async def render_delivery(ctx: AppContext, d: outbox.Delivery) -> Outgoing:
    if parse_outbox_key(d.kind).kind is OutboxKind.HELPER_SUMMONS:  # issue 11
        return await render_summons(ctx, d)
    if not outbox.is_post_kind(d.kind):
        assert d.case_id is not None  # only reminder posts may lack a case
        return await render(ctx, d.case_id, d.kind)
    # A reminder: its message was decided when it fired and is stored with the row.
    message = await ctx.store.run(outbox.payload, d.id)
    if message is None:
        raise Gone(d.kind)
    args = message["args"]
    return Outgoing(args["channel"], args["text"], args["blocks"], args.get("thread_ts"))


async def render(ctx: AppContext, case_id: int, kind: str) -> Outgoing:
    def load(db: sqlite_utils.Database) -> tuple[Any, Any, Any]:
        case = get_case(db, case_id)
        return case, earlier_cases(db, case, ctx.config.repeat_window), load_handling(db, case_id)

    case, earlier, handling = await ctx.store.run(load)
    stored = parse_outbox_key(kind)
    if stored.kind in HEARD_BACK_KINDS:  # the employee hears back (issue 11)
        if not case.reporter_id:
            raise Gone(kind)  # retention deleted who they are: nobody to tell
        signer = await ctx.store.run(notice_signer, case.id, stored.kind)
        text, blocks = heard_back(case.reporter_lang, case, stored.kind.value, signer)
        return Outgoing(case.reporter_id, text, blocks)
    if stored.kind is OutboxKind.BEHALF_NOTICE:  # the colleague filed for (issue 13)
        behalf = await ctx.store.run(behalf_of, case.id)
        if behalf is None or not behalf.user_id:
            raise Gone(kind)  # retention deleted who they are: nobody to tell
        lang = await ctx.people.lang(behalf.user_id)
        text, blocks = build_behalf_notice(lang, case.case_no)
        return Outgoing(behalf.user_id, text, blocks)
    if stored.kind in (OutboxKind.REPORTER_NOTE, OutboxKind.COUNSELING_PING):  # issue 11 §3
        return await render_reporter_kind(ctx, case, stored)
    if stored.kind in CONVERSATION_KINDS:  # messages to and from the employee
        entry = None
        if stored.ref is not None:
            entry = await ctx.store.run(conversation.entry_text, case.id, stored.ref_id)
        return conversation_message(case, stored, ctx.config.language, entry)
    team_lang = ctx.config.language
    repeat = repeat_line(team_lang, case, earlier, ctx.workspace_url, ctx.config.repeat_window.days)
    base = stored.kind
    if base is OutboxKind.CARD:
        # Rendered as the case is now: a late card already shows lead, steps, measures.
        text, blocks = build_card(
            team_lang, case, ctx.policy_of(case), ctx.config.timezone, repeat, handling,
            ctx.policy.version,
        )  # fmt: skip
        return Outgoing(ctx.config.responders_channel, text, blocks)
    if base is OutboxKind.CONFIRMATION:
        text, blocks = build_confirmation(case.reporter_lang, case, ctx.policy_of(case))
        return Outgoing(case.reporter_id, text, blocks)
    if not (case.card_channel and case.card_ts):
        raise NotReady(kind)
    if base is OutboxKind.THREAD:
        text, blocks = build_thread_reply(team_lang, case, ctx.policy_of(case), repeat, handling)
    elif base is OutboxKind.INFO_ADDED:
        text = t(team_lang, "thread.info_added", case_no=case.case_no)
        blocks = [section(text)]
    elif base is OutboxKind.REPORT_COMPLETED:  # a one-tap case's full report (issue 11)
        text = t(team_lang, "urgent_help.report_completed", case_no=case.case_no)
        blocks = [section(text)]
    elif base is OutboxKind.WHERE_ADDED:  # she said where she is; the summons shows it
        text = t(team_lang, "urgent_help.where_added", case_no=case.case_no)
        blocks = [section(text)]
    elif base is OutboxKind.EVIDENCE_ADDED:  # how many files, never which (issue 12)
        n, with_text = await ctx.store.run(evidence_copies.added_count, case.id, stored.ref_id)
        if not n:
            raise Gone(kind)  # retention emptied the entry before it was posted
        text = files_added_text(team_lang, case.case_no, n, with_text)
        blocks = [section(text)]
    else:
        raise ValueError(f"unknown delivery kind {kind}")
    return Outgoing(case.card_channel, text, blocks, thread_ts=case.card_ts)
