"""Filing a report: open the form, validate, commit, and queue what Slack must show.

A valid submission becomes a `Filing`: everything needed to commit the case later,
as plain JSON, so the intake journal (db/journal.py) can hold it while the database
cannot be written, and a restart can still commit it as it was submitted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.context import AppContext
from bot.domain import identifiers
from bot.domain.evidence import workspace_host
from bot.domain.report import Behalf, Report, validate
from bot.domain.severity import derive_severity
from bot.domain.urgent import Site, Where
from bot.flows.case.room import auto_open
from bot.flows.done import Done
from bot.flows.oncall import on_duty
from bot.flows.reminders.loop import case_plan
from bot.i18n import t
from bot.views.confirmation import build_recorded_view
from bot.views.report_form import (
    metadata_completes,
    metadata_lang,
    metadata_message,
    metadata_shown,
    parse_report_form,
)
from bot.views.urgent import build_start_modal
from db.cases import NewCase, file_case, reporter_ref
from db.consent import Choice
from db.urgent import ClosedMeanwhile, complete_case

log = logging.getLogger(__name__)
BACKUP = "backup"  # the optional rotation of people who go to an employee in danger


async def open_report_form(ctx: AppContext, user_id: str, trigger_id: str, prefill: str) -> None:
    """The first thing /report-ch and the Home tab show: "happening now, I need help"
    in one tap, or the full form (bot/views/urgent.py)."""
    lang = await ctx.people.lang(user_id)
    view = build_start_modal(lang, ctx.policy, ctx.config.sites, prefill=prefill)
    await ctx.client.views_open(trigger_id=trigger_id, view=view)
    log.info("report start opened")


@dataclass(frozen=True)
class Filing:
    """A validated report, as submitted, not yet committed."""

    user_id: str
    view_id: str | None
    lang: str
    at: datetime  # when it was submitted: the case's reported_at, even if committed later
    report: Report
    hashes: dict[str, str]  # customer identifier kind -> keyed hash
    # (token, link) of the message the form was opened from (its shortcut), if it was
    message: tuple[str, str] | None = None
    # Filed in one tap: where the employee is (bot/domain/urgent.py); None otherwise.
    where: Where | None = None
    # The full report completing the case a tap filed (its number), from the same modal.
    completes: str | None = None
    # (named, counseling) that completing form was prefilled with: left alone, no change.
    shown: tuple[bool, bool] | None = None

    def to_json(self) -> dict[str, Any]:
        r = self.report
        w = self.where
        return {
            "where": None
            if w is None
            else {"site": w.site, "place": w.place, "helper_may_know": w.helper_may_know},
            "completes": self.completes,
            "shown": list(self.shown) if self.shown else None,
            "user_id": self.user_id,
            "view_id": self.view_id,
            "lang": self.lang,
            "at": self.at.isoformat(),
            "hashes": self.hashes,
            "report": {
                "occurred_at": r.occurred_at.isoformat(),
                "contact_channel": r.contact_channel,
                "identifiers": r.identifiers,
                "categories": list(r.categories),
                "demand": r.demand,
                "narrative": r.narrative,
                "danger": r.danger,
                "show_name": r.show_name,
                "counseling_ok": r.counseling_ok,
                "evidence_files": list(r.evidence_files),
                "evidence_links": list(r.evidence_links),
                "behalf": r.behalf.to_json() if r.behalf else None,
            },
            "message": list(self.message) if self.message else None,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Filing:
        r = d["report"]
        report = Report(
            occurred_at=datetime.fromisoformat(r["occurred_at"]),
            contact_channel=str(r["contact_channel"]),
            identifiers=dict(r["identifiers"]),
            categories=tuple(r["categories"]),
            demand=str(r["demand"]),
            narrative=str(r["narrative"]),
            danger=str(r["danger"]),
            show_name=bool(r["show_name"]),
            counseling_ok=bool(r["counseling_ok"]),
            evidence_files=tuple(r["evidence_files"]),
            evidence_links=tuple(r["evidence_links"]),
            behalf=Behalf.from_json(r.get("behalf")),
        )
        view_id = d.get("view_id")
        message = d.get("message")
        w = d.get("where")
        where = (
            Where(w.get("site"), str(w.get("place") or ""), bool(w.get("helper_may_know")))
            if isinstance(w, dict)
            else None
        )
        completes = d.get("completes")
        shown = d.get("shown")
        return cls(
            user_id=str(d["user_id"]),
            view_id=view_id if isinstance(view_id, str) else None,
            lang=str(d["lang"]),
            at=datetime.fromisoformat(d["at"]),
            report=report,
            hashes=dict(d["hashes"]),
            message=(str(message[0]), str(message[1])) if isinstance(message, list) else None,
            where=where,
            completes=completes if isinstance(completes, str) else None,
            shown=(bool(shown[0]), bool(shown[1])) if isinstance(shown, list) else None,
        )


def prepare_report(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Filing | Done:
    """Validate the form (no database, no network): the Filing, or the form's errors."""
    lang = metadata_lang(view.get("private_metadata"), ctx.config.language)
    now = ctx.clock.now()
    result = validate(parse_report_form(view.get("state")), now, ctx.policy)
    if not isinstance(result, Report):
        log.info("report form rejected: fields=%s", ",".join(sorted(result)))
        return Done(errors={k: t(lang, v) for k, v in result.items()})
    hashes = {
        kind: identifiers.customer_hash(ctx.settings.hash_key, kind, value)
        for kind, value in result.identifiers.items()
    }
    view_id = view.get("id")
    completes = metadata_completes(view.get("private_metadata"))
    return Filing(
        user_id,
        view_id if isinstance(view_id, str) else None,
        lang,
        now,
        result,
        hashes,
        metadata_message(view.get("private_metadata")),
        completes=completes,
        shown=metadata_shown(view.get("private_metadata")),
    )


async def _summoned(ctx: AppContext, filing: Filing) -> tuple[Site | None, tuple[str, ...]]:
    """The site the employee picked, and who is asked to go to them, in order: the
    site's supervisors, then the backup rotation's person on duty (never the reporter)."""
    site = ctx.config.site(filing.where.site) if filing.where else None
    people = list(site.supervisors) if site else []
    if BACKUP in ctx.config.rotations:
        backup = await on_duty(ctx, BACKUP, filing.at)
        if backup == filing.user_id:  # the one after her, as in a widened call
            backup = ctx.config.rotations[BACKUP].after(backup)
        people.append(backup)
    return site, tuple(dict.fromkeys(p for p in people if p != filing.user_id))


async def record_report(ctx: AppContext, filing: Filing) -> Done:
    """Commit the case and its pending deliveries. Idempotent by view id: the same
    submission committed twice (a Slack retry, a journal entry after a crash) gives the
    first case again (its deliveries are not queued twice)."""
    report, now = filing.report, filing.at
    site: Site | None = None
    summoned: tuple[str, ...] = ()
    if report.happening_now:
        site, summoned = await _summoned(ctx, filing)
    w = filing.where
    where = None if w is None else Where(site.name if site else None, w.place, w.helper_may_know)
    new = NewCase(
        report=report,
        reporter_id=filing.user_id,
        reporter_lang=filing.lang,
        view_id=filing.view_id,
        reported_at=now,
        year=now.astimezone(ctx.config.timezone).year,
        policy_version=ctx.policy.version,
        customer_hashes=filing.hashes,
        legal_on_duty=await on_duty(ctx, "legal", now),  # HR overrides beat the schedule
        counseling_on_duty=await on_duty(ctx, "counseling", now),
        repeat_window=ctx.config.repeat_window,
        reporter_ref=reporter_ref(ctx.settings.hash_key, filing.user_id),
        message=filing.message,
        where=where,
        summoned=summoned,
        workspace_host=workspace_host(ctx.workspace_url),
    )

    def severity_for(earlier: int) -> str:
        return derive_severity(ctx.policy, report.categories, report.danger, earlier)

    if filing.completes and filing.view_id:
        shown = Choice(filing.shown[1], filing.shown[0]) if filing.shown else None
        try:
            completed = await ctx.store.run(
                complete_case, new, severity_for, filing.completes, shown
            )
        except ClosedMeanwhile as closed:  # the form stays open with what she wrote
            text = t(filing.lang, "my_reports.complete_closed", case_no=closed.case_no)
            return Done(errors={"narrative": text})  # beside her text, to copy
        if completed is not None:
            log.info("quick case completed: case=%s", completed.case_no)
            ctx.kick_deliveries()
            view = build_recorded_view(filing.lang, completed, ctx.policy_of(completed))
            return Done(view=view, case_id=completed.id, deliveries=True)
        # The tap's case is not committed yet (still in the journal): this files the
        # report as the case; the tap's entry then finds it by the same view id.

    case, created = await ctx.store.run(file_case, new, severity_for, case_plan(ctx.rules))
    log.info("case filed: case=%s created=%s severity=%s", case.case_no, created, case.severity)
    if created:
        ctx.kick_deliveries()
        auto_open(ctx, case)  # an urgent case's private channel, if configured
    # No case_id: a new case's card is posted by the delivery loop, not refreshed.
    return Done(view=build_recorded_view(filing.lang, case, ctx.policy), deliveries=created)
