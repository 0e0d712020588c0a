"""The employee's choices, changed at any time (issue 11 §3): the modal and its answer.

Withdrawing a name that was shown can only mean "from now on": the card, the details
and the timeline stop showing it, but the people who saw it cannot unsee it. The modal
says exactly that, before she decides.
"""

from __future__ import annotations

import json
from typing import Any

from bot.domain.case import Case
from bot.i18n import t
from bot.views.common import Block, button, context, header, modal, option, plain, section
from bot.views.ids import Action, Callback
from bot.views.mrkdwn import user

COUNSELING_BLOCK, NAME_BLOCK = "counseling", "named"
YES, NO = "yes", "no"


def consent_value(case_no: str, source: str) -> str:
    """A button value: the case number and where the button is ("dm" or "home")."""
    return json.dumps({"case": case_no, "from": source})


def consent_button(lang: str, case_no: str, source: str) -> dict[str, Any]:
    return button(Action.CONSENT, t(lang, "consent.button"), value=consent_value(case_no, source))


def _radio(lang: str, block_id: str, current: bool, hint: str) -> Block:
    options = [option(YES, t(lang, f"consent.{block_id}_yes")),
               option(NO, t(lang, f"consent.{block_id}_no"))]  # fmt: skip
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(t(lang, f"consent.{block_id}_label"), 2000),
        "element": {
            "type": "radio_buttons",
            "action_id": "value",
            "options": options,
            "initial_option": options[0 if current else 1],
        },
        "hint": plain(hint, 2000),
    }


def consent_modal(lang: str, case: Case, source: str) -> dict[str, Any]:
    named_note = "consent.named_now_shown" if case.show_name else "consent.named_now_hidden"
    blocks: list[Block] = [
        header(case.case_no),
        section(t(lang, "consent.intro")),
        _radio(lang, COUNSELING_BLOCK, case.counseling_ok, t(lang, "consent.counseling_hint")),
        _radio(lang, NAME_BLOCK, case.show_name, t(lang, "consent.named_hint")),
        context(t(lang, named_note)),
    ]
    return modal(
        Callback.CONSENT,
        t(lang, "consent.title"),
        blocks,
        submit=t(lang, "consent.submit"),
        close=t(lang, "form.cancel"),
        private_metadata=consent_value(case.case_no, source),
    )


def chosen(view: dict[str, Any], block_id: str) -> bool | None:
    """The radio answer of `block_id` (None if it is missing or not ours)."""
    values = ((view.get("state") or {}).get("values") or {}) if isinstance(view, dict) else {}
    picked = ((values.get(block_id) or {}).get("value") or {}).get("selected_option") or {}
    value = picked.get("value") if isinstance(picked, dict) else None
    return {YES: True, NO: False}.get(value) if isinstance(value, str) else None


def choices_text(lang: str, counseling: bool, named: bool) -> str:
    return "\n".join(
        (
            t(lang, "confirm.name_shown" if named else "consent.choice_confidential"),
            t(lang, "confirm.counseling_yes" if counseling else "confirm.counseling_no"),
        )
    )


def saved_view(lang: str, case: Case, changed: bool, told: bool) -> dict[str, Any]:
    """The answer: what her choices are now (and that nothing changed, if so); `told`:
    the counseling person on duty is asked to get in touch."""
    lead = t(lang, "consent.saved" if changed else "consent.unchanged", case_no=case.case_no)
    blocks = [section(lead), section(choices_text(lang, case.counseling_ok, case.show_name))]
    if told:
        blocks.append(context(t(lang, "consent.counseling_told")))
    return modal(Callback.REPORT_RECORDED, t(lang, "consent.title"), blocks,
                 close=t(lang, "close"))  # fmt: skip


def reporter_note(lang: str, case_no: str, event: str, counselor: str | None) -> tuple[str, Block]:
    """The case thread's note that the employee changed her choices or reopened the case.
    It never names her: a name she agreed to show is on the card, and leaves it with
    her consent; a note would stay in the thread for ever."""
    key = f"consent.note_{event}"
    text = t(lang, key, case_no=case_no, user=user(counselor) if counselor else "—")
    return text, section(f":bust_in_silhouette: {text}")


def counseling_ping(lang: str, case_no: str) -> tuple[str, list[Block]]:
    """The on-duty counseling person is asked to get in touch: the case number only."""
    text = t(lang, "consent.ping", case_no=case_no)
    return text, [section(text), context(t(lang, "consent.ping_how"))]
