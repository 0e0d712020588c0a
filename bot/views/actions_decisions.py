"""The assessment and measure modals. Pure."""

from __future__ import annotations

from typing import Any

from bot.domain.case import Case
from bot.domain.handling import LAWYER_KINDS, MAX_DETAIL, MAX_REASON, MEASURE_KINDS, Assessment
from bot.domain.identifiers import Customer
from bot.domain.policy import Option, Policy
from bot.i18n import t
from bot.views import customer_ids
from bot.views.actions_modals import action_modal, input_block, text_input
from bot.views.case_card import action_value
from bot.views.common import Block, context, option, section
from bot.views.ids import Callback


def _options(lang: str, items: tuple[Option, ...]) -> list[dict[str, Any]]:
    return [option(o.id, o.label.get(lang)) for o in items]


def _radio(options: list[dict[str, Any]], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "radio_buttons", "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def assessment_modal(
    lang: str, case: Case, policy: Policy, current: Assessment | None
) -> dict[str, Any]:
    """Pre-filled with the current version: changing the assessment adds a new version."""
    types = _options(lang, policy.mhlw_types)
    multi: dict[str, Any] = {
        "type": "multi_static_select",
        "placeholder": {"type": "plain_text", "text": t(lang, "act.assess.types_placeholder")},
        "options": types,
    }
    if current and current.mhlw_types:
        multi["initial_options"] = [o for o in types if o["value"] in current.mhlw_types]
    version = (current.version if current else 0) + 1
    blocks: list[Block] = [
        section(t(lang, "act.assess.intro", case_no=case.case_no)),
        input_block(
            "demand_valid",
            t(lang, "act.assess.demand_valid"),
            _radio(_options(lang, policy.demand_valid), current.demand_valid if current else None),
        ),
        input_block(
            "means_appropriate",
            t(lang, "act.assess.means_appropriate"),
            _radio(
                _options(lang, policy.means_appropriate),
                current.means_appropriate if current else None,
            ),
        ),
        input_block(
            "conclusion",
            t(lang, "act.assess.conclusion"),
            _radio(_options(lang, policy.conclusions), current.conclusion if current else None),
        ),
        input_block("mhlw_types", t(lang, "act.assess.types"), multi, optional=True),
        input_block(
            "reason",
            t(lang, "act.assess.reason"),
            text_input(MAX_REASON, initial=current.reason if current else ""),
        ),
        context(t(lang, "act.assess.versions", version=version)),
    ]
    return action_modal(
        lang, Callback.ASSESSMENT, "act.assess.title", blocks, action_value(case.case_no)
    )


def measure_modal(lang: str, case: Case, customer: Customer | None = None) -> dict[str, Any]:
    kinds = [option(k, t(lang, f"act.measure.{k}")) for k in MEASURE_KINDS]
    lawyer = [option(k, t(lang, f"act.measure.lawyer_{k}")) for k in LAWYER_KINDS]
    blocks: list[Block] = [
        section(t(lang, "act.measure.intro", case_no=case.case_no)),
        input_block("kind", t(lang, "act.measure.kind"), _radio(kinds, None)),
        # Issue 12: which of the customer's identifiers a stop or cease applies to.
        *_customer_blocks(lang, case, customer or Customer()),
        input_block(
            "police_no",
            t(lang, "act.measure.police_no"),
            text_input(MAX_DETAIL, multiline=False),
            optional=True,
        ),
        input_block("lawyer", t(lang, "act.measure.lawyer"), _radio(lawyer, None), optional=True),
        input_block(
            "detail",
            t(lang, "act.measure.detail"),
            text_input(MAX_DETAIL),
            optional=True,
            hint=t(lang, "act.measure.detail_hint"),
        ),
        context(t(lang, "act.measure.two_person")),
    ]
    return action_modal(
        lang, Callback.MEASURE, "act.measure.title", blocks, action_value(case.case_no)
    )


def _customer_blocks(lang: str, case: Case, customer: Customer) -> list[Block]:
    """The measure modal's part: the identifiers a customer measure applies to, all
    ticked (a responder unticks what it does not concern)."""
    if not customer.values:
        return [context(t(lang, "customer_ids.measure_none"))]
    # Plain-text options (no escaping); an option holds 75 characters, so the full
    # values are in the section above them.
    options = [option(k, t(lang, f"identifier.{k}")) for k in customer.values]
    element = {"type": "checkboxes", "options": options, "initial_options": options}
    return [
        section(f"*{t(lang, 'customer_ids.title')}*\n{customer_ids.lines(lang, case, customer)}"),
        input_block(
            customer_ids.APPLIES_TO,
            t(lang, "customer_ids.measure_label"),
            element,
            optional=True,
            hint=t(lang, "customer_ids.measure_hint"),
        ),
    ]
