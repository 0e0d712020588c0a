"""Policy versions at start-up, and moving an open case to the current one (issue 12 §4).

At start the policy file the bot was given is kept in the database under its version
(db/policy_versions.py), and every version kept there is read back into the context's
PolicyBook: each case is then drawn from the version it was opened under. A file whose
version string is already stored with other content stops the start with one line
naming the file (the same as any other policy error), because the cases opened under
that version must keep the content they were opened with.

A responder may move an open case to the current version, with a required reason: the
change is one conditional transaction and a timeline entry, and the card is redrawn.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.domain.handling import MAX_SHORT_REASON
from bot.domain.policy_file import PolicyError, packaged_earlier, parse_policy
from bot.domain.policy_versions import KnownVersion, clash, content_hash, new_steps
from bot.flows.case.guard import case_from_value, refresh_case, submission_refusal
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press, view_id_of
from bot.slack.privately import Refused
from bot.views.actions_modals import submitted_text, text_problem
from bot.views.policy_move import move_modal
from db import policy_versions
from db.handling import Outcome

log = logging.getLogger(__name__)


async def learn_policies(ctx: AppContext) -> None:
    """Keep the current file's version; read every stored one back (PolicyError on a
    clash: the start stops with that message)."""
    book = ctx.policies
    current = book.current
    # Cases can be under a version nobody stored only if they predate version keeping:
    # only the first start that keeps versions looks for them (a scan of every case).
    first_start = not await ctx.store.run(policy_versions.stored)
    earlier = await ctx.store.run(
        policy_versions.record, current.version, book.content_hash, book.raw, ctx.clock.now()
    )
    if earlier is not None:
        raise clash(book.source, current.version, earlier)
    if first_start and ctx.config.policy_file is None:
        await _adopt_packaged(ctx)
    known = []
    for row in await ctx.store.run(policy_versions.stored):
        if row.version == current.version:
            known.append(KnownVersion(row.version, row.first_seen, current))
            continue
        try:
            policy = parse_policy(row.source, f"stored policy version {row.version!r}")
        except PolicyError as e:
            # Older files keep loading (new keys are optional); should one not, its cases
            # are drawn with the current policy rather than stop the bot.
            log.warning("a stored policy version no longer loads: %s", e)
            continue
        known.append(KnownVersion(row.version, row.first_seen, policy))
    book.learn(known)
    log.info("policy %s; %d version(s) kept", current.version, len(known))


async def _adopt_packaged(ctx: AppContext) -> None:
    """Cases opened before versions were kept, under an earlier packaged policy, keep
    that policy: the bot ships the files it shipped before. Only when the bot runs the
    packaged default: a company's own file could have reused a version string, and its
    content before this release is unknown (those cases are drawn with the current file)."""
    stored = {row.version for row in await ctx.store.run(policy_versions.stored)}
    for source, raw in packaged_earlier():
        try:
            policy = parse_policy(raw, source)
        except PolicyError as e:  # a packaging mistake: say so, keep running
            log.error("a packaged earlier policy does not load: %s", e)
            continue
        if policy.version in stored or ctx.policies.is_current(policy.version):
            continue
        digest = content_hash(raw, source)
        if await ctx.store.run(policy_versions.adopt, policy.version, digest, raw):
            log.info("policy %s kept for the cases opened under it", policy.version)


async def open_move(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    if ctx.policies.is_current(case.policy_version):
        await refresh_case(ctx, case.id)  # a button left on a card drawn before a move
        raise Refused("policy_move.already", version=ctx.policy.version)
    lang = await ctx.people.lang(press.user_id)
    view = move_modal(lang, case, ctx.policy_of(case), ctx.policy)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def submit_move(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, extra = await case_from_value(ctx, user_id, view.get("private_metadata"))
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "reason")
    lang = await ctx.people.lang(user_id)
    reason = submitted_text(view, "reason")
    if problem := text_problem(reason, MAX_SHORT_REASON):
        return Done(errors={"reason": t(lang, problem)})
    old, new = ctx.policy_of(case), ctx.policy
    # The modal showed the changes from the version the case had then: if it moved
    # meanwhile, what was shown is not what would happen.
    if case.policy_version != extra.get("version") or ctx.policies.is_current(old.version):
        return Done(errors={"reason": t(lang, "policy_move.already", version=new.version)})
    added = new_steps(old, new)
    reminded = ctx.config.reminders.max_step_reminders > 0
    kept = {s.id for s in new.checklist}
    outcome = await ctx.store.run(
        lambda db: policy_versions.move_case(
            db, case.id, ctx.clock.now(), user_id,
            from_version=case.policy_version, to_version=new.version, reason=reason,
            added=[s.id for s in added],
            remind=[(s.id, s.remind_after) for s in added] if reminded else [],
            removed=[s.id for s in old.checklist if s.id not in kept],
            view_id=view_id_of(view),
        )
    )  # fmt: skip
    if outcome is Outcome.CLOSED:
        return Done(errors={"reason": t(lang, "act.refuse.closed", case_no=case.case_no)})
    if outcome is Outcome.ALREADY:
        return Done(errors={"reason": t(lang, "policy_move.already", version=new.version)})
    log.info("case moved to policy %s: case=%s", new.version, case.case_no)
    return Done(case_id=case.id)
