"""The first reply under a case card: who is on duty, and the policy's checklist."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.case import Case
from bot.domain.handling import Handling, StepDone
from bot.domain.policy import Policy, Step
from bot.domain.stored import CaseStatus
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.common import Block, actions, button, context, divider, section
from bot.views.ids import Action
from bot.views.mrkdwn import escape, user
from bot.views.urgent import summons_blocks


def slack_date(when: datetime) -> str:
    """A time Slack shows in each reader's own time zone (the fallback is UTC)."""
    fallback = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short}} {{time}}|{fallback}>"


def step_block(lang: str, case: Case, n: int, step: Step, handling: Handling) -> Block:
    """One checklist item with its Done / Undo button (none once the case is closed)."""
    title = f"{n}. {escape(step.title.get(lang))}"
    done = handling.steps.get(step.id)
    value = action_value(case.case_no, step=step.id)
    if done is None:
        text = f":white_large_square: *{title}*\n{escape(step.text.get(lang))}"
        text += _measure_kept(lang, step, handling)
        accessory = button(Action.STEP_DONE, t(lang, "act.button.step_done"), value=value)
    else:
        text = _handled_text(lang, title, done)
        accessory = button(Action.STEP_UNDO, t(lang, "act.button.step_undo"), value=value)
    if case.status == CaseStatus.CLOSED:
        return section(text)
    return section(text, accessory=accessory)


def _measure_kept(lang: str, step: Step, handling: Handling) -> str:
    """A step a counting measure completed, then undone, is open again; the measure
    still counts (undoing a step does not undo what was done to the customer), and
    the open step says so, so nobody takes the measure for lost."""
    kinds = [m.kind for m in handling.measures if m.counts and m.kind in step.completed_by]
    if not kinds:
        return ""
    items = [t(lang, "step_undo.measure", measure=t(lang, f"act.measure.{k}")) for k in kinds]
    names = t(lang, "step_undo.separator").join(dict.fromkeys(items))
    return "\n" + t(lang, "step_undo.measure_counts", measures=names)


def _handled_text(lang: str, title: str, done: StepDone) -> str:
    """Who handled the step, how and when: done, done by a measure, or not applicable."""
    who, when = user(done.done_by), slack_date(done.done_at)
    if done.not_applicable is not None:
        by = t(lang, "checklist.not_applicable_by", user=who, when=when)
        # The reason is free text that may hold the employee's words: like a step's note
        # it stays out of the channel (Slack keeps messages for ever, retention never
        # reaches them) and is read in the timeline, whose opening is recorded.
        why = t(lang, "checklist.not_applicable_marked")
        return f":heavy_minus_sign: ~{title}~\n{why} :memo:\n{by}"
    if done.measure_kind is not None:
        measure = t(lang, f"act.measure.{done.measure_kind}")
        by = t(lang, "checklist.done_by_measure", measure=measure, user=who, when=when)
        return f":white_check_mark: ~{title}~\n{by}"
    note = " :memo:" if done.has_note else ""
    return f":white_check_mark: ~{title}~\n{t(lang, 'act.step.done_by', user=who, when=when)}{note}"


def step_blocks(lang: str, case: Case, n: int, step: Step, handling: Handling) -> list[Block]:
    """A checklist item; an open conditional step also offers "Not applicable"."""
    block = step_block(lang, case, n, step, handling)
    if not step.conditional or step.id in handling.steps or case.status == "closed":
        return [block]
    value = action_value(case.case_no, step=step.id)
    done = block.pop("accessory")
    na = button(Action.STEP_NOT_APPLICABLE, t(lang, "checklist.button_na"), value=value)
    return [block, actions(f"step.{step.id}", done, na)]


def principle_block(lang: str, step: Step) -> Block:
    """A principle that holds throughout the case: a standing reminder, not a box."""
    return context(f":pushpin: *{escape(step.title.get(lang))}*\n{escape(step.text.get(lang))}")


def build_thread_reply(
    lang: str, case: Case, policy: Policy, repeat: str | None, handling: Handling | None = None
) -> tuple[str, list[Block]]:
    handling = handling or Handling()
    consent = t(
        lang,
        "thread.counseling_consent_yes" if case.counseling_ok else "thread.counseling_consent_no",
    )
    blocks: list[Block] = []
    if case.happening_now or case.helper:
        # Policy step 1: nobody handles it alone. `<!here>` is our own token, not user
        # text. The summons names who is asked to go, where, and takes "I'm going".
        blocks += summons_blocks(lang, case, here="<!here>")
    blocks.append(
        section(
            t(
                lang,
                "thread.on_duty",
                legal=user(case.legal_on_duty),
                counseling=user(case.counseling_on_duty),
                consent=consent,
            )
        )
    )
    if repeat:
        blocks.append(section(f":repeat: {repeat}"))
    checklist = policy.checklist
    handled = handling.handled(tuple(s.id for s in checklist))
    heading = t(lang, "checklist.heading", handled=handled, total=len(checklist))
    blocks += [divider(), section(heading)]
    blocks += [principle_block(lang, p) for p in policy.principles]
    for n, step in enumerate(checklist, 1):
        blocks += step_blocks(lang, case, n, step, handling)
    blocks.append(context(t(lang, "thread.footer", version=escape(policy.version))))
    text = t(
        lang,
        "thread.fallback",
        case_no=case.case_no,
        legal=user(case.legal_on_duty),
        counseling=user(case.counseling_on_duty),
    )
    return text, blocks
