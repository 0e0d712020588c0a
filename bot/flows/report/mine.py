"""The employee acting on her own case (issue 11 §3/§4): her consent, reopening a
closed case, completing a one-tap case's report from "My reports".

Only the person who filed the case may: every press and submission checks it again
(the case's reporter, unsealed from the case; never trusted from the button). After a
change the card and the checklist are redrawn, her confirmation DM shows her choices
as they are now, and her App Home is republished.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.stored import CaseStatus
from bot.flows.case.guard import refresh_case
from bot.flows.done import Done
from bot.flows.home import publish_home
from bot.flows.oncall import on_duty
from bot.slack.errors import error_name
from bot.slack.payloads import Press, view_id_of
from bot.slack.privately import Refused
from bot.views.case_card import parse_action_value
from bot.views.confirmation import build_confirmation
from bot.views.consent import COUNSELING_BLOCK, NAME_BLOCK, chosen, consent_modal, saved_view
from bot.views.report_form import build_report_form
from db import consent
from db.cases import find_case_no, get_case

log = logging.getLogger(__name__)
NOT_YOURS_CONSENT = "consent.not_yours"


async def own_case(
    ctx: AppContext, user_id: str, value: Any, not_yours: str
) -> tuple[Case, str]:
    """Her case named by a button value or a modal's metadata, and where it came from.
    `not_yours`: what someone else pressing it is told (each button says what it is)."""
    case_no, extra = parse_action_value(value)
    case = await ctx.store.run(find_case_no, case_no or "") if case_no else None
    if case is None:
        raise Refused("refuse.unknown_case")
    if case.reporter_id != user_id:
        raise Refused(not_yours)
    source = extra.get("from")
    return case, source if source in consent.SOURCES else "dm"


async def open_consent(ctx: AppContext, press: Press, value: Any) -> None:
    case, source = await own_case(ctx, press.user_id, value, NOT_YOURS_CONSENT)
    view = consent_modal(case.reporter_lang, case, source)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def submit_consent(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    case, source = await own_case(ctx, user_id, view.get("private_metadata"), NOT_YOURS_CONSENT)
    counseling, named = chosen(view, COUNSELING_BLOCK), chosen(view, NAME_BLOCK)
    if counseling is None or named is None:
        return Done(view=consent_modal(case.reporter_lang, case, source))  # not our modal's state
    now = ctx.clock.now()
    counselor = await on_duty(ctx, "counseling", now)  # HR overrides beat the schedule
    events = await ctx.store.run(
        consent.change_consent, case.id, now, user_id, consent.Choice(counseling, named),
        source, counselor, view_id_of(view),
    )  # fmt: skip
    log.info("consent changed: case=%s changes=%d", case.case_no, len(events))
    current = await ctx.store.run(get_case, case.id)
    told = consent.COUNSELING_AGREED in events
    return Done(
        view=saved_view(case.reporter_lang, current, bool(events), told),
        case_id=case.id if events else None,
        deliveries=bool(events),
    )


async def after_change(ctx: AppContext, user_id: str, case_id: int) -> None:
    """After the ack: the card and checklist, her confirmation DM, her App Home."""
    await refresh_case(ctx, case_id)  # also starts the deliveries (note, ping)
    case = await ctx.store.run(get_case, case_id)
    where = await ctx.store.run(consent.confirmation_message, case_id)
    if where is not None:
        text, blocks = build_confirmation(case.reporter_lang, case, ctx.policy_of(case))
        try:
            await ctx.client.chat_update(channel=where[0], ts=where[1], text=text, blocks=blocks)
        except SlackApiError as e:  # the record is right; an old message may stay stale
            log.warning("confirmation update failed: error=%s", error_name(e))
    await publish_home(ctx, user_id)


async def reopen_mine(ctx: AppContext, press: Press, value: Any) -> None:
    """She reopens her closed case herself: it is her case, and the closing notice
    invites her to say when something is unresolved; the team hears it in the thread
    and can close it again with a summary."""
    case, _ = await own_case(ctx, press.user_id, value, "my_reports.reopen_not_yours")
    if case.status != CaseStatus.CLOSED:
        raise Refused("my_reports.not_closed", case_no=case.case_no)
    actor = press.user_id if case.show_name else "reporter"
    if await ctx.store.run(consent.reopen_by_reporter, case.id, ctx.clock.now(), actor):
        log.info("case reopened by its reporter: case=%s", case.case_no)
    await after_change(ctx, press.user_id, case.id)


async def complete_mine(ctx: AppContext, press: Press, value: Any) -> None:
    """The full form for her one-tap case, prefilled; submitted, it completes that case
    (db/urgent.py complete_case, by its number: this is another modal than the tap's)."""
    case, _ = await own_case(ctx, press.user_id, value, "my_reports.complete_not_yours")
    if case.status == CaseStatus.CLOSED:  # an old Home tab: closed since
        raise Refused("my_reports.complete_closed", case_no=case.case_no)
    if not case.quick:
        raise Refused("my_reports.not_quick", case_no=case.case_no)
    form = build_report_form(
        case.reporter_lang,
        ctx.policy,
        case.occurred_at,
        completes=case.case_no,
        channel=case.contact_channel,
        show_name=case.show_name,  # her choices as they are now (she may have changed them)
        counseling=case.counseling_ok,
    )
    await ctx.client.views_open(trigger_id=press.trigger_id, view=form)
