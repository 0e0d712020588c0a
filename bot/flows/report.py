"""Filing a report: open the form, validate, commit, and queue what Slack must show."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.context import AppContext
from bot.domain import identifiers
from bot.domain.case import Case
from bot.domain.report import Report, validate
from bot.domain.severity import derive_severity
from bot.flows.oncall import on_duty
from bot.flows.reminders import case_plan
from bot.i18n import t
from bot.views.confirmation import build_recorded_view
from bot.views.report_form import build_report_form, metadata_lang, parse_report_form
from db.cases import NewCase, file_case, reporter_ref

log = logging.getLogger(__name__)


async def open_report_form(ctx: AppContext, user_id: str, trigger_id: str, prefill: str) -> None:
    lang = await ctx.people.lang(user_id)
    view = build_report_form(lang, ctx.policy, ctx.clock.now(), prefill=prefill)
    await ctx.client.views_open(trigger_id=trigger_id, view=view)
    log.info("report form opened")


@dataclass(frozen=True)
class Submission:
    errors: dict[str, str] | None = None  # block_id -> message, shown on the form
    case: Case | None = None
    created: bool = False
    recorded_view: dict[str, Any] | None = None


async def submit_report(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Submission:
    """Validate; on success commit the case and its pending deliveries before returning.

    The caller acks Slack with the result: errors on the form, or the "recorded"
    screen. Committing first means an acknowledged report is never lost."""
    lang = metadata_lang(view.get("private_metadata"), ctx.config.language)
    now = ctx.clock.now()
    result = validate(parse_report_form(view.get("state")), now, ctx.policy)
    if not isinstance(result, Report):
        log.info("report form rejected: fields=%s", ",".join(sorted(result)))
        return Submission(errors={k: t(lang, v) for k, v in result.items()})
    report = result
    hashes = {
        kind: identifiers.customer_hash(ctx.settings.hash_key, kind, value)
        for kind, value in report.identifiers.items()
    }
    new = NewCase(
        report=report,
        reporter_id=user_id,
        reporter_lang=lang,
        view_id=view.get("id") if isinstance(view.get("id"), str) else None,
        reported_at=now,
        year=now.astimezone(ctx.config.timezone).year,
        policy_version=ctx.policy.version,
        customer_hashes=hashes,
        legal_on_duty=await on_duty(ctx, "legal", now),  # HR overrides beat the schedule
        counseling_on_duty=await on_duty(ctx, "counseling", now),
        repeat_window=ctx.config.repeat_window,
        reporter_ref=reporter_ref(ctx.settings.hash_key, user_id),
    )

    def severity_for(earlier: int) -> str:
        return derive_severity(ctx.policy, report.categories, report.danger, earlier)

    case, created = await ctx.store.run(file_case, new, severity_for, case_plan(ctx))
    log.info("case filed: case=%s created=%s severity=%s", case.case_no, created, case.severity)
    if created:
        ctx.kick_deliveries()
    return Submission(
        case=case, created=created, recorded_view=build_recorded_view(lang, case, ctx.policy)
    )
