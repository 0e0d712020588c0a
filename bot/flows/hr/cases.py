"""HR looking at cases: `show CH-…` (purpose first), `customer <identifier>`, `audit`.

Every look is written to the audit log before anything is shown: an access whose
display failed is still an access.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.context import AppContext
from bot.domain import identifiers
from bot.domain.case_ids import parse_case_no
from bot.domain.case_record import CaseRecord
from bot.domain.evidence import workspace_host
from bot.domain.identifiers import Customer
from bot.domain.periods import PeriodError, parse_period
from bot.domain.stats import CaseRef
from bot.flows.case.guard import is_own_report
from bot.flows.done import Done
from bot.flows.hr.access import Tell, post_dm, require_hr
from bot.i18n import t
from bot.views.hr_cases import (
    PURPOSE_BLOCK,
    PURPOSE_MAX,
    PURPOSE_MIN,
    build_audit,
    build_customer_cases,
    build_purpose_modal,
    purpose_case_no,
    purpose_text,
)
from bot.views.hr_record import build_record_modal
from bot.views.hr_summary import period_label
from db import audit, conversation, customer_ids, evidence_copies
from db.case_record import additions, case_record
from db.cases import customer_cases, find_case_no

log = logging.getLogger(__name__)
MAX_FOUND = 50


async def ask_purpose(
    ctx: AppContext, user_id: str, text: str, trigger_id: str, tell: Tell
) -> None:
    """Open the purpose modal at once: the trigger expires 3 s after the command."""
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    case_no = text.strip().upper()
    if parse_case_no(case_no) is None:
        await tell(t(lang, "hr.show.usage"))
        return
    await ctx.client.views_open(trigger_id=trigger_id, view=build_purpose_modal(lang, case_no))


def _open_case(
    db: sqlite_utils.Database, case_no: str, user_id: str, purpose: str, at: datetime
) -> tuple[CaseRecord, list[tuple[datetime, str]], Customer] | None:
    case = find_case_no(db, case_no)
    if case is None:
        return None
    audit.record(db, at, user_id, "show", case.case_no, purpose, case.id)
    record = case_record(db, case.id)
    return (record, additions(db, record), customer_ids.of_case(db, case.id)) if record else None


async def submit_purpose(
    ctx: AppContext, user_id: str, view: dict[str, Any]
) -> Done:
    """Errors on the form, or the case modal."""
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    purpose = purpose_text(view)
    if not PURPOSE_MIN <= len(purpose) <= PURPOSE_MAX:
        return Done(errors={PURPOSE_BLOCK: t(lang, "hr.show.purpose_invalid")})
    # HR is not HR for their own report either (their access would be in the audit).
    own = await ctx.store.run(find_case_no, purpose_case_no(view))
    if own is not None and is_own_report(ctx, user_id, own):
        return Done(errors={PURPOSE_BLOCK: t(lang, "act.refuse.own_case")})
    found = await ctx.store.run(
        _open_case, purpose_case_no(view), user_id, purpose, ctx.clock.now()
    )
    if found is None:
        return Done(errors={PURPOSE_BLOCK: t(lang, "refuse.unknown_case")})
    record, added, customer = found
    log.info("hr viewed a case: case=%s", record.case.case_no)
    deleted = await ctx.store.run(evidence_copies.deleted, record.case.id)
    talked = await ctx.store.run(conversation.has_messages, record.case.id)
    modal = build_record_modal(
        lang, record, ctx.policy_of(record.case), ctx.config.timezone, added,
        workspace_host(ctx.workspace_url), customer, deleted, talked,
    )  # fmt: skip
    return Done(view=modal)


def _customer_cases(
    db: sqlite_utils.Database, hashes: list[str], user_id: str, at: datetime
) -> list[tuple[CaseRef, str, str, datetime]]:
    found = customer_cases(db, hashes, MAX_FOUND)
    # The target names how many cases matched, never the identifier that was asked.
    audit.record(db, at, user_id, "customer", f"{len(found)}", "", None)
    return found


def customer_hashes(key: bytes, value: str) -> list[str]:
    """The keyed hash of the value read as every kind of identifier: HR need not say
    whether "090-1234-5678" is a phone number or an account name."""
    return sorted(
        {
            identifiers.customer_hash(key, kind, value)
            for kind in identifiers.KINDS
            if identifiers.normalise(kind, value)
        }
    )


async def find_customer(ctx: AppContext, user_id: str, text: str, tell: Tell) -> None:
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    hashes = customer_hashes(ctx.settings.hash_key, text)
    if not hashes:
        await tell(t(lang, "hr.customer.usage"))
        return
    found = await ctx.store.run(_customer_cases, hashes, user_id, ctx.clock.now())
    fallback, blocks = build_customer_cases(lang, found, ctx.config.timezone, ctx.workspace_url)
    await post_dm(ctx, user_id, fallback, blocks)
    log.info("hr customer lookup: cases=%s", len(found))


async def show_audit(ctx: AppContext, user_id: str, text: str, tell: Tell) -> None:
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    try:
        period = parse_period(text, ctx.clock.now(), ctx.config.timezone)
    except PeriodError as e:
        await tell(t(lang, str(e)))
        return

    def load(db: sqlite_utils.Database) -> Any:
        found = audit.accesses(db, (period.start, period.end))
        audit.record(db, ctx.clock.now(), user_id, "audit", period.key)
        return found

    total, rows = await ctx.store.run(load)
    fallback, blocks = build_audit(
        lang, period_label(lang, period), total, rows, ctx.config.timezone
    )
    await post_dm(ctx, user_id, fallback, blocks)
