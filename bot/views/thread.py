"""The first reply under a case card: who is on duty, and the policy's checklist."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.case import Case
from bot.domain.handling import Handling
from bot.domain.policy import Policy, Step
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.common import Block, button, context, divider, section
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
        accessory = button(Action.STEP_DONE, t(lang, "act.button.step_done"), value=value)
    else:
        note = " :memo:" if done.has_note else ""
        by = t(lang, "act.step.done_by", user=user(done.done_by), when=slack_date(done.done_at))
        text = f":white_check_mark: ~{title}~\n{by}{note}"
        accessory = button(Action.STEP_UNDO, t(lang, "act.button.step_undo"), value=value)
    if case.status == "closed":
        return section(text)
    return section(text, accessory=accessory)


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
    blocks += [divider(), section(f"*{t(lang, 'thread.checklist')}*")]
    for n, step in enumerate(policy.steps, 1):
        blocks.append(step_block(lang, case, n, step, handling))
    blocks.append(context(t(lang, "thread.footer", version=escape(policy.version))))
    text = t(
        lang,
        "thread.fallback",
        case_no=case.case_no,
        legal=user(case.legal_on_duty),
        counseling=user(case.counseling_on_duty),
    )
    return text, blocks
