"""Happening now: one tap files the case and shows the safety steps (issue 11).

The tap (the first modal's big button, or its submit) becomes a Filing like any
report and goes through the same intake (bot/flows/report/intake.py): journaled and
committed before the employee sees "the team has been alerted", so a case she was
told about exists even if the process dies. The card (urgent), the thread's summons
and her private confirmation follow through the outbox. When she is safe, the same
modal becomes the full form, prefilled; it completes that case (db/urgent.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.context import AppContext
from bot.domain.urgent import quick_report
from bot.flows.done import Done
from bot.flows.report.filing import Filing
from bot.flows.report.intake import Intake
from bot.i18n import t
from bot.views.report_form import build_report_form, metadata_lang
from bot.views.urgent import build_safety_view, parse_start, parse_where, read_meta, start_meta
from db.cases import case_no_by_view, reporter_ref
from db.urgent import add_where, tapped_case

log = logging.getLogger(__name__)


def tap_filing(ctx: AppContext, user_id: str, view: dict[str, Any]) -> tuple[Filing, str | None]:
    """The Filing a tap makes (no database, no network), and the contact channel."""
    meta = view.get("private_metadata")
    lang = metadata_lang(meta, ctx.config.language)
    channel, where = parse_start(view.get("state"), ctx.policy, ctx.config.sites)
    now = ctx.clock.now()
    view_id = view.get("id")
    filing = Filing(
        user_id,
        view_id if isinstance(view_id, str) else None,
        lang,
        now,
        quick_report(now, channel, where),
        {},
        where=where,
    )
    return filing, channel


async def tap(ctx: AppContext, intake: Intake, user_id: str, view: dict[str, Any],
              budget: float) -> dict[str, Any]:  # fmt: skip
    """File the case at once; the safety screen to show (whatever happened to the
    commit: safety advice is never held back)."""
    filing, channel = tap_filing(ctx, user_id, view)
    result = await intake.file_report(filing, budget)
    meta = read_meta(view.get("private_metadata"))
    prefill = str(meta.get("prefill") or "")
    at = int(filing.at.timestamp())
    extra = {"channel": channel, "at": at}
    sites = ctx.config.sites
    if isinstance(result, Done):
        case_no = await ctx.store.run(case_no_by_view, filing.view_id) if filing.view_id else None
        log.info("happening now: case filed in one tap")
        new_meta = start_meta(filing.lang, prefill, case=case_no, **extra)
        return build_safety_view(filing.lang, ctx.policy, channel, "sent", new_meta, sites,
                                 case_no=case_no or "")  # fmt: skip
    status = "pending" if result.value == "pending" else "lost"
    new_meta = start_meta(filing.lang, prefill, **extra)
    return build_safety_view(filing.lang, ctx.policy, channel, status, new_meta, sites)


def full_form(ctx: AppContext, view: dict[str, Any]) -> dict[str, Any]:
    """"Report something that happened": the full form, in the same modal."""
    meta = read_meta(view.get("private_metadata"))
    lang = metadata_lang(view.get("private_metadata"), ctx.config.language)
    return build_report_form(lang, ctx.policy, ctx.clock.now(), str(meta.get("prefill") or ""))


async def completing_form(ctx: AppContext, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    """After the tap, when she is safe: the full form, prefilled, completing the case,
    with her consent as it is now (she may have changed it in her DM since the tap), as
    "My reports" opens it (bot/flows/report/mine.py)."""
    view_id = view.get("id")
    ref = reporter_ref(ctx.settings.hash_key, user_id)
    case = await ctx.store.run(tapped_case, view_id, ref) if isinstance(view_id, str) else None
    meta = read_meta(view.get("private_metadata"))
    lang = metadata_lang(view.get("private_metadata"), ctx.config.language)
    at = meta.get("at")
    when = (
        datetime.fromtimestamp(at, UTC)
        if isinstance(at, int) and not isinstance(at, bool) and 0 < at < 2**33
        else ctx.clock.now()
    )
    case_no = meta.get("case")
    channel = meta.get("channel")
    return build_report_form(
        lang,
        ctx.policy,
        when,
        str(meta.get("prefill") or ""),
        # Completion is matched by the modal's view id (db/urgent.py); the number is
        # not known yet while the tap is still being recorded.
        completes=case_no if isinstance(case_no, str) and case_no else "-",
        # Not prefilled from "may the helper know who you are": being named to the
        # whole team is a choice of its own, made in the form.
        channel=channel if isinstance(channel, str) else None,
        show_name=case.show_name if case else False,
        counseling=case.counseling_ok if case else False,
    )


async def tell_where(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    """She says where she is from the safety screen (a true one-tap said nothing): the
    case takes it and the helpers hear it. The screen again, saying what was sent; or
    the reason on the field; the case is redrawn once the ack is sent."""
    meta_raw = view.get("private_metadata")
    lang = metadata_lang(meta_raw, ctx.config.language)
    site, place = parse_where(view.get("state"), ctx.config.sites)
    if site is None and not place:
        return Done(errors={"w_place": t(lang, "urgent_help.where_empty")})
    view_id = view.get("id")
    ref = reporter_ref(ctx.settings.hash_key, user_id)
    case = None
    if isinstance(view_id, str):
        name = site.name if site else None
        case = await ctx.store.run(add_where, view_id, ref, ctx.clock.now(), name, place)
    if case is None:  # still being recorded (the journal), or the call is over
        over = await ctx.store.run(tapped_case, view_id, ref) if isinstance(view_id, str) else None
        if over is not None:
            text = t(lang, "urgent_after_close.where_over", case_no=over.case_no)
            return Done(errors={"w_place": text})
        return Done(errors={"w_place": t(lang, "urgent_help.where_not_yet")})
    log.info("happening now: location added: case=%s", case.case_no)
    ctx.kick_deliveries()
    meta = read_meta(meta_raw)
    channel = meta.get("channel")
    told = " / ".join(p for p in (case.site, case.place) if p)
    new = build_safety_view(lang, ctx.policy, channel if isinstance(channel, str) else None,
                            "sent", str(meta_raw or ""), ctx.config.sites, told=told,
                            case_no=case.case_no)  # fmt: skip
    return Done(view=new, case_id=case.id)
