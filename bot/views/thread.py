"""The first reply under a case card: who is on duty, and the policy's checklist."""

from __future__ import annotations

from bot.domain.case import Case
from bot.domain.policy import Policy
from bot.i18n import t
from bot.views.common import Block, context, divider, section
from bot.views.mrkdwn import escape, user


def build_thread_reply(
    lang: str, case: Case, policy: Policy, repeat: str | None
) -> tuple[str, list[Block]]:
    consent = t(
        lang,
        "thread.counseling_consent_yes" if case.counseling_ok else "thread.counseling_consent_no",
    )
    blocks: list[Block] = []
    if case.happening_now:
        # Policy step 1: nobody handles it alone. `<!here>` is our own token, not user text.
        blocks.append(section(t(lang, "thread.second_person", here="<!here>")))
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
        blocks.append(
            section(
                f":white_large_square: *{n}. {escape(step.title.get(lang))}*\n"
                f"{escape(step.text.get(lang))}"
            )
        )
    blocks.append(context(t(lang, "thread.footer", version=escape(policy.version))))
    text = t(
        lang,
        "thread.fallback",
        case_no=case.case_no,
        legal=user(case.legal_on_duty),
        counseling=user(case.counseling_on_duty),
    )
    return text, blocks
