"""Rendering what the employee's own changes send (issue 11 §3/§4), from the timeline
entry they carry: the case thread's note, and the counseling person's private ping."""

from __future__ import annotations

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.stored import OutboxKey, OutboxKind
from bot.views.consent import counseling_ping, reporter_note
from bot.views.outgoing import Gone, NotReady, Outgoing
from db import consent


async def render_reporter_kind(ctx: AppContext, case: Case, stored: OutboxKey) -> Outgoing:
    try:
        event, detail = await ctx.store.run(consent.note_entry, case.id, stored.ref_id)
    except LookupError:
        raise Gone(str(stored)) from None  # retention deleted the entry: nothing to say
    counselor = detail.get("counselor")
    counselor = counselor if isinstance(counselor, str) and counselor else None
    if stored.kind is OutboxKind.COUNSELING_PING:
        if counselor is None:
            raise Gone(str(stored))
        lang = await ctx.people.lang(counselor)
        text, blocks = counseling_ping(lang, case.case_no)
        return Outgoing(counselor, text, blocks)
    if not (case.card_channel and case.card_ts):
        raise NotReady(str(stored))
    if event == consent.REOPENED:
        event = "reopened_by_reporter"
    text, block = reporter_note(ctx.config.language, case.case_no, event, counselor)
    return Outgoing(case.card_channel, text, [block], thread_ts=case.card_ts)
