"""What the employee reads: the form's "recorded" screen and the private confirmation."""

from __future__ import annotations

from typing import Any

from bot.domain.case import Case
from bot.domain.policy import Policy
from bot.domain.report import MAX_NARRATIVE
from bot.i18n import t
from bot.views.case_card import case_value
from bot.views.common import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    modal,
    plain,
    section,
)
from bot.views.consent import consent_button
from bot.views.evidence import add_files_blocks
from bot.views.ids import Action, Callback
from bot.views.mrkdwn import escape


def safety_blocks(lang: str, contact_channel: str, policy: Policy) -> list[Block]:
    """Safety first, and the stop-the-response script for how the customer is in contact."""
    script = policy.stop_scripts.get(contact_channel) or policy.stop_scripts["other"]
    return [
        header(t(lang, "confirm.safety_title")),
        section(escape(policy.safety_advice.get(lang))),
        section(f"*{t(lang, 'confirm.stop_script_title')}*\n{escape(script.get(lang))}"),
        divider(),
    ]


def build_confirmation(lang: str, case: Case, policy: Policy) -> tuple[str, list[Block]]:
    blocks: list[Block] = (
        safety_blocks(lang, case.contact_channel, policy) if case.happening_now else []
    )
    identity = t(lang, "confirm.name_shown" if case.show_name else "confirm.confidential")
    if case.helper_may_know and not case.show_name:  # issue 11: only the helper knows
        identity += "\n" + t(lang, "urgent_help.confirm_helper_knows")
    counseling = t(
        lang, "confirm.counseling_yes" if case.counseling_ok else "confirm.counseling_no"
    )
    blocks += [
        section(t(lang, "confirm.recorded", case_no=case.case_no)),
        section(f"*{t(lang, 'confirm.next_title')}*\n{t(lang, 'confirm.next')}"),
        section(f"{identity}\n{counseling}"),
        context(t(lang, "consent.confirm_hint")),  # consent can change (issue 11 §3)
        section(
            f"*{t(lang, 'confirm.add_info_title')}*\n"
            f"{t(lang, 'confirm.add_info', case_no=case.case_no)}"
        ),
        actions(
            "confirmation",
            button(Action.ADD_INFO, t(lang, "confirm.add_info_button"), value=case_value(case)),
            consent_button(lang, case.case_no, "dm"),
        ),
        context(t(lang, "confirm.no_retaliation")),
    ]
    prefix = t(lang, "confirm.fallback_urgent") if case.happening_now else ""
    return prefix + t(lang, "confirm.fallback", case_no=case.case_no), blocks


def build_recorded_view(lang: str, case: Case, policy: Policy) -> dict[str, Any]:
    """Replaces the form on submit (response_action "update"): the employee sees the
    case ID at once, even if Slack's Web API is down and the messages come later."""
    blocks: list[Block] = (
        safety_blocks(lang, case.contact_channel, policy) if case.happening_now else []
    )
    blocks += [
        section(t(lang, "confirm.recorded", case_no=case.case_no)),
        section(t(lang, "confirm.recorded_next")),
    ]
    return modal(Callback.REPORT_RECORDED, t(lang, "confirm.title"), blocks, close=t(lang, "close"))


def build_recording_view(
    lang: str, policy: Policy, happening_now: bool, contact_channel: str | None
) -> dict[str, Any]:
    """The answer when storing the report takes longer than Slack lets the form wait:
    the report is still being written, and its number follows privately. Safety first
    all the same when it is happening now."""
    blocks: list[Block] = (
        safety_blocks(lang, contact_channel or "other", policy) if happening_now else []
    )
    blocks.append(section(t(lang, "confirm.recording")))
    return modal(Callback.REPORT_RECORDED, t(lang, "confirm.title"), blocks, close=t(lang, "close"))


def build_add_info_modal(lang: str, case: Case) -> dict[str, Any]:
    block = {
        "type": "input",
        "block_id": "addition",
        "label": plain(t(lang, "addinfo.label")),
        # Text, files or both (issue 11 §4): the submission checks one of them is there.
        "optional": True,
        "element": {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": True,
            "max_length": MAX_NARRATIVE,
        },
    }
    return modal(
        Callback.ADD_INFO,
        t(lang, "addinfo.title"),
        [header(case.case_no), block, *add_files_blocks(lang)],
        submit=t(lang, "addinfo.submit"),
        close=t(lang, "form.cancel"),
        private_metadata=case_value(case),
    )


def build_thanks_view(lang: str, case: Case) -> dict[str, Any]:
    return modal(
        Callback.REPORT_RECORDED,
        t(lang, "addinfo.title"),
        [section(t(lang, "addinfo.thanks", case_no=case.case_no))],
        close=t(lang, "close"),
    )
