"""The customer's identifiers where responders act on them (issue 12). Pure.

Shown in full only in private surfaces: View details, HR's case view and the measure
modal (each opening recorded). The card and its thread, in the shared responders
channel, name only the kinds a measure applies to ("the customer's account ID and order
number"), never the values: the second responder who confirms needs to know what is
decided, and finds the values in View details; a phone number or e-mail address posted
in the channel would stay in Slack's history, beyond the retention rules' reach.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.case import Case
from bot.domain.evidence import hide_reporter_id
from bot.domain.identifiers import KINDS, Customer, IdsState
from bot.i18n import t
from bot.views.common import Block, section
from bot.views.mrkdwn import escape
from bot.views.record_labels import colon, comma

APPLIES_TO = "applies_to"  # the measure modal's block


def _value(lang: str, case: Case, value: str) -> str:
    # The employee's own words: a confidential reporter's ID typed in them is hidden.
    return hide_reporter_id(value, case, t(lang, "evidence.id_hidden"))


def lines(lang: str, case: Case, customer: Customer) -> str:
    """One line per identifier (escaped mrkdwn), or why there is none."""
    if customer.state is IdsState.PURGED:
        return t(lang, "customer_ids.purged")
    if customer.state is IdsState.HASH_ONLY:
        return t(lang, "customer_ids.hash_only")
    if not customer.values:
        return t(lang, "customer_ids.none")
    c = colon(lang)
    return "\n".join(
        f"{t(lang, f'identifier.{k}')}{c}{escape(_value(lang, case, v))}"
        for k, v in customer.values.items()
    )


def details_blocks(lang: str, case: Case, customer: Customer) -> list[Block]:
    """View details' section (values up to 5 x 200 characters: one section holds them)."""
    return [section(f"*{t(lang, 'customer_ids.title')}*\n{lines(lang, case, customer)}")]


def kinds_text(lang: str, kinds: Iterable[str]) -> str:
    """"account ID and order number": the kinds only, for the shared channel."""
    labels = [t(lang, f"identifier.{k}") for k in KINDS if k in set(kinds)]
    if len(labels) <= 1:
        return "".join(labels)
    return t(lang, "customer_ids.and", rest=comma(lang).join(labels[:-1]), last=labels[-1])


def applies_line(lang: str, kinds: Iterable[str]) -> str:
    """The recorded measure's line: which identifiers, not their values."""
    named = kinds_text(lang, kinds)
    return t(lang, "customer_ids.applies_to", kinds=named) if named else ""
