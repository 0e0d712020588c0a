"""Showing a case's details to responders and HR, and letting the reporter add to it."""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.case_record import TimelineEntry
from bot.domain.evidence import workspace_host
from bot.domain.report import MAX_NARRATIVE
from bot.domain.stored import OutboxKind, outbox_key
from bot.flows.case.guard import refuse_own_report
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press, view_id_of
from bot.slack.privately import Refused
from bot.views.case_card import build_details_modal, parse_case_value
from bot.views.confirmation import build_add_info_modal, build_thanks_view
from bot.views.conversation_modal import details_block
from bot.views.customer_ids import details_blocks as customer_blocks
from bot.views.details_extras import behalf_details, reported_message_blocks
from bot.views.evidence import submitted_file_ids
from db import conversation, customer_ids, evidence_copies, outbox, reported_messages, timeline
from db.behalf import behalf_of
from db.cases import find_case_no
from db.rows import immediate
from db.sealed import seal, unseal

log = logging.getLogger(__name__)


def _view_details(
    db: sqlite_utils.Database, case_no: str, user_id: str, at: Any
) -> tuple[Case, list[TimelineEntry], Any] | None:
    case = find_case_no(db, case_no)
    if case is None:
        return None
    # Recorded before the modal is shown: an access that failed to display is still an access.
    timeline.add(db, case.id, at, user_id, "details_viewed")
    added = [e for e in timeline.entries(db, case.id) if e.event == "info_added"]
    extra = (
        reported_messages.of_case(db, case.id),
        behalf_of(db, case.id),
        customer_ids.of_case(db, case.id),
        conversation.has_messages(db, case.id),
        evidence_copies.deleted(db, case.id),
    )
    return case, [
        TimelineEntry(
            e.at, e.actor, e.event, {"text": unseal(db, timeline.TEXT, e.detail.get("text")) or ""}
        )
        for e in added
    ], extra


async def show_details(ctx: AppContext, press: Press, button_value: Any) -> None:
    user_id = press.user_id
    case_no = parse_case_value(button_value)
    if not await ctx.people.may_see_cases(user_id):
        raise Refused("refuse.not_responder")
    # Not for one's own report: it would also show the reporter as its first viewer.
    own = await ctx.store.run(find_case_no, case_no or "")
    if own is not None:
        refuse_own_report(ctx, user_id, own)
    found = await ctx.store.run(_view_details, case_no or "", user_id, ctx.clock.now())
    if found is None:
        raise Refused("refuse.unknown_case")
    case, additions, (kept, behalf, customer, talked, deleted) = found
    lang = await ctx.people.lang(user_id)
    tz = ctx.config.timezone
    extra = customer_blocks(lang, case, customer)  # issue 12: to act on the customer
    extra += reported_message_blocks(lang, case, kept, tz) + behalf_details(lang, case, behalf)
    if talked:  # the conversation with the employee opens from here too (issue 12)
        extra.append(details_block(lang, case.case_no))
    view = build_details_modal(
        lang,
        case,
        ctx.policy_of(case),
        ctx.config.timezone,
        [(e.at, str(e.detail.get("text", ""))) for e in additions],
        workspace_host(ctx.workspace_url),
        extra,
        deleted,
    )
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)
    log.info("details viewed: case=%s", case.case_no)


async def _reporters_case(ctx: AppContext, user_id: str, value: Any) -> Case:
    case = await ctx.store.run(find_case_no, parse_case_value(value) or "")
    if case is None:
        raise Refused("refuse.unknown_case")
    if case.reporter_id != user_id:
        raise Refused("refuse.not_reporter")
    return case


async def open_add_info(ctx: AppContext, press: Press, button_value: Any) -> None:
    case = await _reporters_case(ctx, press.user_id, button_value)
    await ctx.client.views_open(
        trigger_id=press.trigger_id, view=build_add_info_modal(case.reporter_lang, case)
    )


def _add_info(
    db: sqlite_utils.Database,
    case: Case,
    user_id: str,
    text: str,
    files: list[str],
    at: Any,
    view_id: str | None,
    host: str = "",
) -> bool:
    """False when this modal was already submitted (a double click, a Slack retry):
    the view id is unique in the timeline, so what came is recorded once."""
    with immediate(db):
        if view_id and timeline.has_view(db, view_id):
            return False
        # Sealed like every free text; a confidential reporter is "reporter", not their ID.
        actor = user_id if case.show_name else "reporter"
        if text:
            sealed = seal(db, timeline.TEXT, text)
            timeline.add(db, case.id, at, actor, "info_added", view_id=view_id, text=sealed)
        # Files become evidence (issue 11 §4); then the thread's one notice counts them.
        added = evidence_copies.attach(
            db, case.id, files, at, actor, source="add_info", with_text=bool(text),
            view_id=None if text else view_id, host=host,
        )  # fmt: skip
        if text and not added:
            outbox.enqueue(db, case.id, outbox_key(OutboxKind.INFO_ADDED), at)
        return True


async def submit_add_info(
    ctx: AppContext, user_id: str, view: dict[str, Any]
) -> Done:
    """Errors on the form, or the thanks screen."""
    case = await _reporters_case(ctx, user_id, view.get("private_metadata"))
    values = (view.get("state") or {}).get("values") or {}
    text = ((values.get("addition") or {}).get("value") or {}).get("value") or ""
    files = submitted_file_ids(values)
    lang = case.reporter_lang
    if not isinstance(text, str):
        text = ""
    if not text.strip() and not files:
        return Done(errors={"addition": t(lang, "evidence_intake.add_info_empty")})
    if len(text) > MAX_NARRATIVE:
        return Done(errors={"addition": t(lang, "error.too_long")})
    view_id = view_id_of(view)
    added = await ctx.store.run(
        _add_info, case, user_id, text if text.strip() else "", files, ctx.clock.now(), view_id,
        workspace_host(ctx.workspace_url),
    )  # fmt: skip
    if added:
        ctx.kick_deliveries()
    log.info("information added: case=%s files=%s again=%s", case.case_no, len(files), not added)
    return Done(view=build_thanks_view(lang, case))
