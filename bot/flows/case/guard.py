"""What every responder action shares: who may act, private answers, the card refresh.

Who may act: members of the (private) responders channel of our own organisation,
and HR. Nobody is a responder or HR for a report they filed themselves: they may not
act on it, open its details (which would also show them to the others as its first
viewer) or open HR's view of it; they reach the team through their private messages.
The reporter is recognised by the keyed reporter_ref, which needs no unsealing. Nothing
but Reopen, Timeline and View details acts on a closed case.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.handling import Handling
from bot.domain.stored import CaseStatus
from bot.flows.case.room_close import close_room_if_due
from bot.flows.delivery.summons import redraw_summons
from bot.flows.done import Done
from bot.slack.errors import error_name
from bot.slack.people import LookupFailed
from bot.slack.privately import Refused
from bot.views.case_card import build_card, parse_action_value, repeat_line
from bot.views.thread import build_thread_reply
from db import timeline
from db.cases import earlier_cases, find_case_no, get_case, reporter_ref
from db.handling import load_handling

log = logging.getLogger(__name__)
PURGED_REPORTER = "(deleted)"  # cases.reporter_id after the identity rule (db/retention.py)


def is_own_report(ctx: AppContext, user_id: str, case: Case) -> bool:
    """Did `user_id` file this case? (reporter_id too: cases filed before m040 had no ref;
    after the identity purge neither is left, and nobody can tell any more.)"""
    if case.reporter_ref and case.reporter_ref == reporter_ref(ctx.settings.hash_key, user_id):
        return True
    return case.reporter_id == user_id


def refuse_own_report(ctx: AppContext, user_id: str, case: Case) -> None:
    if is_own_report(ctx, user_id, case):
        raise Refused("act.refuse.own_case")


async def may_see_cases(ctx: AppContext, user_id: str) -> bool:
    """People.may_see_cases, with "Slack did not answer" told as such (nothing changed)."""
    try:
        return await ctx.people.may_see_cases(user_id)
    except LookupFailed:
        raise Refused("act.refuse.unverified") from None


async def case_to_act_on(
    ctx: AppContext, user_id: str, case_no: str | None, *, closed_ok: bool = False
) -> Case:
    case = await ctx.store.run(find_case_no, case_no or "") if case_no else None
    if case is None:
        raise Refused("refuse.unknown_case")
    refuse_own_report(ctx, user_id, case)
    if not await may_see_cases(ctx, user_id):
        raise Refused("act.refuse.not_allowed")
    if case.status == CaseStatus.CLOSED and not closed_ok:
        raise Refused("act.refuse.closed", case_no=case.case_no)
    return case


def refuse_if_reporter_purged(case: Case) -> None:
    """Retention deleted who reported: a message could only go to "(deleted)"."""
    if case.reporter_id == PURGED_REPORTER:
        raise Refused("act.refuse.identity_purged", case_no=case.case_no)


async def case_from_value(
    ctx: AppContext, user_id: str, value: Any, *, closed_ok: bool = False
) -> tuple[Case, dict[str, Any]]:
    case_no, extra = parse_action_value(value)
    return await case_to_act_on(ctx, user_id, case_no, closed_ok=closed_ok), extra


async def submission_refusal(ctx: AppContext, user_id: str, r: Refused, block: str) -> Done:
    """A submitted modal whose action is refused: the reason shows on the modal."""
    lang = await ctx.people.lang(user_id)
    return Done(errors={block: r.text(lang)})


def _load(db: sqlite_utils.Database, case_id: int, window: Any) -> tuple[Any, ...]:
    case = get_case(db, case_id)
    return (
        case,
        earlier_cases(db, case, window),
        load_handling(db, case_id),
        timeline.revision(db, case_id),
    )


async def refresh_case(ctx: AppContext, case_id: int) -> None:
    """Update the card and the checklist in place from the stored state.

    Two refreshes can cross (two people acting at once), and the one that reaches
    Slack last might carry the older state. Every change adds a timeline entry, so
    after updating we look at the newest entry again and redo the update if the case
    moved on meanwhile: the last update sent always carries the latest state."""
    # Every change comes here after its commit; it may have queued a private notice
    # for the employee (db/handling.py: "someone has your case", a lead assigned).
    ctx.kick_deliveries()
    for _ in range(3):
        case, earlier, handling, rev = await ctx.store.run(_load, case_id, ctx.config.repeat_window)
        await _update_messages(ctx, case, earlier, handling)
        await redraw_summons(ctx, case)  # the helpers' DMs (issue 11): who went, close
        await close_room_if_due(ctx, case)  # a closed case's private channel (issue 13)
        if await ctx.store.run(timeline.revision, case_id) == rev:
            return


async def _update_messages(ctx: AppContext, case: Case, earlier: Any, handling: Handling) -> None:
    lang = ctx.config.language
    repeat = repeat_line(lang, case, earlier, ctx.workspace_url, ctx.config.repeat_window.days)
    channel, card_ts = case.card_channel, case.card_ts
    if not (channel and card_ts):
        return  # not posted yet: the delivery loop renders the current state when it posts
    policy, tz = ctx.policy_of(case), ctx.config.timezone  # the case's own version
    text, blocks = build_card(lang, case, policy, tz, repeat, handling, ctx.policy.version)
    updates = [(card_ts, text, blocks)]
    if case.thread_ts:
        text, blocks = build_thread_reply(lang, case, policy, repeat, handling)
        updates.append((case.thread_ts, text, blocks))
    for ts, text, blocks in updates:
        try:
            await ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as e:
            log.warning(
                "card update failed: case=%s error=%s", case.case_no, error_name(e)
            )

