"""Happening now (issue 11): the first small modal of /report-ch, the safety screen a
tap shows, the summons in the case thread, and the parsers of what comes back.

The first modal's two big buttons decide: "Happening now — I need help" files the
case at once (and so does its submit button, the same choice for someone who presses
Enter); "Report something that happened" turns it into the full form. Everything else
on it is optional and helps only the person who comes.
"""

from __future__ import annotations

import json
from typing import Any

from bot.domain.case import Case
from bot.domain.policy import Policy
from bot.domain.urgent import MAX_PLACE, Site, Where
from bot.i18n import t
from bot.views.case_card import case_value, shown_place
from bot.views.common import Block, actions, button, context, divider, modal, option, plain, section
from bot.views.confirmation import safety_blocks
from bot.views.ids import Action, Callback
from bot.views.mrkdwn import escape, user
from bot.views.reminders import mentions

V = "value"
YES, NO = "yes", "no"
# Slack keeps 3000 characters of private_metadata: the command's text rides along
# (for the full form), cut to what fits beside the rest.
META_ROOM = 2700


def _optional_input(block_id: str, label: str, element: dict[str, Any]) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {"action_id": V, **element},
        "optional": True,
    }


def start_meta(lang: str, prefill: str, **extra: Any) -> str:
    meta = {"lang": lang, **extra, "prefill": ""}
    room = META_ROOM - len(json.dumps(meta, ensure_ascii=False))
    meta["prefill"] = prefill[: max(room, 0)]
    return json.dumps(meta, ensure_ascii=False)


def read_meta(private_metadata: Any) -> dict[str, Any]:
    try:
        meta = json.loads(private_metadata) if isinstance(private_metadata, str) else {}
    except (ValueError, RecursionError):
        meta = {}
    return meta if isinstance(meta, dict) else {}


def build_start_modal(
    lang: str, policy: Policy, sites: tuple[Site, ...], prefill: str = ""
) -> dict[str, Any]:
    blocks: list[Block] = [
        section(t(lang, "urgent.start_intro")),
        actions(
            "start_choice",
            button(Action.URGENT, t(lang, "urgent.button_now"), value="now", style="danger"),
            button(Action.REPORT_FULL, t(lang, "urgent.button_later"), value="later"),
        ),
        divider(),
        context(t(lang, "urgent.optional_hint")),
        _optional_input(
            "u_channel",
            t(lang, "urgent.channel"),
            {
                "type": "static_select",
                "placeholder": plain(t(lang, "form.choose"), 150),
                "options": [option(c.id, c.label.get(lang)) for c in policy.contact_channels],
            },
        ),
    ]
    if sites:
        blocks.append(
            _optional_input(
                "u_site",
                t(lang, "urgent.site"),
                {
                    "type": "static_select",
                    "placeholder": plain(t(lang, "form.choose"), 150),
                    "options": [option(s.id, s.name) for s in sites],
                },
            )
        )
    blocks += [
        _optional_input(
            "u_place",
            t(lang, "urgent.place"),
            {"type": "plain_text_input", "max_length": MAX_PLACE},
        ),
        _optional_input(
            "u_may_know",
            t(lang, "urgent.may_know"),
            {
                "type": "radio_buttons",
                "options": [
                    option(YES, t(lang, "urgent.may_know_yes")),
                    option(NO, t(lang, "urgent.may_know_no")),
                ],
            },
        ),
    ]
    return modal(
        Callback.REPORT_START,
        t(lang, "urgent.title"),
        blocks,
        submit=t(lang, "urgent.submit"),
        close=t(lang, "form.cancel"),
        private_metadata=start_meta(lang, prefill),
    )


def _value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = values.get(block_id)
    el = block.get(V) if isinstance(block, dict) else None
    return el if isinstance(el, dict) else {}


def _selected(el: dict[str, Any]) -> str | None:
    opt = el.get("selected_option")
    value = opt.get("value") if isinstance(opt, dict) else None
    return value if isinstance(value, str) and value else None


def parse_start(
    state: Any, policy: Policy, sites: tuple[Site, ...]
) -> tuple[str | None, Where]:
    """(contact channel, where) from the first modal; anything unknown reads as unsaid."""
    values = state.get("values") if isinstance(state, dict) else None
    values = values if isinstance(values, dict) else {}
    channel = _selected(_value(values, "u_channel"))
    if channel not in {c.id for c in policy.contact_channels}:
        channel = None
    site = _selected(_value(values, "u_site"))
    if site not in {s.id for s in sites}:
        site = None
    place = _value(values, "u_place").get("value")
    place = place.strip()[:MAX_PLACE] if isinstance(place, str) else ""
    may_know = _selected(_value(values, "u_may_know")) == YES
    return channel, Where(site, place, may_know)


def where_blocks(lang: str, sites: tuple[Site, ...], told: str | None) -> list[Block]:
    """"Tell the helper where you are", after the tap (a tap may have said nothing):
    the fewest fields, optional, sent by the modal's one submit button (Enter works)."""
    blocks: list[Block] = [divider(), section(t(lang, "urgent_help.where_prompt"))]
    if told:
        blocks.append(context(t(lang, "urgent_help.where_told", where=escape(told))))
    if sites:
        blocks.append(_optional_input(
            "w_site", t(lang, "urgent.site"),
            {"type": "static_select", "placeholder": plain(t(lang, "form.choose"), 150),
             "options": [option(s.id, s.name) for s in sites]},
        ))  # fmt: skip
    blocks.append(_optional_input(
        "w_place", t(lang, "urgent.place"), {"type": "plain_text_input", "max_length": MAX_PLACE}
    ))  # fmt: skip
    return blocks


def parse_where(state: Any, sites: tuple[Site, ...]) -> tuple[Site | None, str]:
    """(site, place) from the safety screen's fields; anything unknown reads as unsaid."""
    values = state.get("values") if isinstance(state, dict) else None
    values = values if isinstance(values, dict) else {}
    site_id = _selected(_value(values, "w_site"))
    site = next((s for s in sites if s.id == site_id), None)
    place = _value(values, "w_place").get("value")
    return site, place.strip()[:MAX_PLACE] if isinstance(place, str) else ""


def build_safety_view(
    lang: str, policy: Policy, channel: str | None, status: str, meta: str,
    sites: tuple[Site, ...] = (), told: str | None = None, **params: Any,
) -> dict[str, Any]:  # fmt: skip
    """What the tap shows: safety first, the stop script for how the customer is in
    contact, whether the team was alerted, where she is (she may tell it now), and the
    way to complete the report later. `status`: "sent" (case_no=...), "pending" or
    "lost"; `told`: the location she has just sent."""
    blocks = safety_blocks(lang, channel or "other", policy)
    blocks.append(section(t(lang, f"urgent.status_{status}", **params)))
    if status == "lost":
        return modal(Callback.REPORT_RECORDED, t(lang, "urgent.sent_title"), blocks,
                     close=t(lang, "close"), private_metadata=meta)  # fmt: skip
    blocks += where_blocks(lang, sites, told)
    blocks += [
        divider(),
        context(t(lang, "urgent.complete_hint")),
        actions(
            "urgent_after",
            button(Action.COMPLETE_REPORT, t(lang, "urgent.button_complete"), value="complete"),
        ),
    ]
    return modal(
        Callback.URGENT_WHERE,
        t(lang, "urgent.sent_title"),
        blocks,
        submit=t(lang, "urgent_help.where_submit"),
        close=t(lang, "close"),
        private_metadata=meta,
    )


def where_text(lang: str, case: Case, *, place: bool = True) -> str:
    """Where she is. Her own words (the place) leave Slack's channel when the case
    closes: the card and the summons are redrawn without them (SECURITY.md), and they
    do not come back if it is reopened (the call is over: db/call_over.py)."""
    closed = case.call_over
    parts = [escape(p) for p in (case.site, shown_place(lang, case) if place else "") if p]
    if parts:
        return " / ".join(parts)
    if case.place or case.place_removed:  # said, but not shown here
        return t(lang, "urgent_help.place_removed") if closed else ""
    return t(lang, "urgent.where_unknown")


def who_text(lang: str, case: Case) -> str:
    """Whom the helper goes to: named only if the employee said so (or agreed in the
    form); otherwise only the location is shared."""
    if case.show_name and case.reporter_id:
        return user(case.reporter_id)
    return t(lang, "urgent.who_hidden")


def summons_blocks(lang: str, case: Case, here: str) -> list[Block]:
    """The thread's call for a second person to a case happening now: who is asked,
    where to go, and an "I'm going" button; then who went."""
    where, who = where_text(lang, case), who_text(lang, case)
    if case.helper:
        return [section(t(lang, "urgent.helper_on_way", user=user(case.helper), where=where,
                          who=who))]  # fmt: skip
    if case.summoned:
        asked = " ".join(user(u) for u in case.summoned)
        text = t(lang, "urgent.summons", asked=asked, where=where, who=who)
    else:  # nobody configured to ask by name: the channel, as before
        text = t(lang, "thread.second_person", here=here)
        text += "\n" + t(lang, "urgent.summons_where", where=where, who=who)
    going = button(Action.HELPER_GOING, t(lang, "urgent.button_going"), value=case_value(case),
                   style="danger")  # fmt: skip
    if case.call_over:  # closed, or reopened since: the call does not come back
        return [section(text), context(t(lang, "urgent_after_close.summons_over"))]
    return [section(text, accessory=going)]


def build_summons_escalation(
    lang: str, case: Case, minutes: int, asked: list[str]
) -> tuple[str, list[Block]]:
    who = mentions(asked)  # HR's user groups as group mentions
    # Only the site: her own words stay in the summons above, which is redrawn without
    # them at close (this post is not), and in each DM.
    where = where_text(lang, case, place=False)
    if case.place:
        where = (where + t(lang, "urgent_help.place_above")).strip()
    text = t(lang, "urgent.summons_widened", case_no=case.case_no, minutes=minutes, asked=who,
             where=where)  # fmt: skip
    going = button(Action.HELPER_GOING, t(lang, "urgent.button_going"), value=case_value(case),
                   style="danger")  # fmt: skip
    return text, [section(text, accessory=going)]


def heard_back(
    lang: str, case: Case, kind: str, signer: str | None = None
) -> tuple[str, list[Block]]:
    """What the employee is told privately: someone has her case, a lead is assigned,
    someone is on the way. A responder is named only if they chose to be (`signer`)."""
    if signer:
        text = t(lang, f"signing.{kind}", case_no=case.case_no, user=user(signer))
    else:
        text = t(lang, f"urgent.heard.{kind}", case_no=case.case_no)
    return text, [section(text), context(t(lang, "urgent.heard.reply_hint"))]
