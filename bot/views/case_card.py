"""The pseudonymous case card in the responders channel, and its details modal.

The card carries only what responders need to pick the case up: no narrative, no
customer identifiers, and the reporter's name only when they agreed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case import Case, EarlierCase
from bot.domain.evidence import evidence_of, hide_reporter_id
from bot.domain.handling import Handling
from bot.domain.policy import Policy
from bot.domain.stored import CaseStatus
from bot.i18n import t
from bot.views.common import Block, actions, button, context, header, modal, section
from bot.views.counting import counted, ordinal
from bot.views.customer_ids import applies_line
from bot.views.evidence import evidence_blocks
from bot.views.ids import Action, Callback
from bot.views.mrkdwn import escape, link, split_escaped, user
from bot.views.record_labels import comma, items

SEVERITY_EMOJI = {
    "urgent": ":rotating_light:",
    "high": ":red_circle:",
    "medium": ":large_orange_circle:",
    "low": ":white_circle:",
}


def permalink(workspace_url: str, channel: str, ts: str) -> str:
    """Slack's documented message link format; saves a chat.getPermalink call per case."""
    return f"{workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"


def repeat_line(
    lang: str, case: Case, earlier: list[EarlierCase], workspace_url: str, window_days: int
) -> str | None:
    if not case.repeat_count:
        return None
    links = [
        link(permalink(workspace_url, e.card_channel, e.card_ts), e.case_no)
        if e.card_channel and e.card_ts
        else escape(e.case_no)
        for e in earlier[-10:]
    ]
    return t(
        lang,
        "card.repeat",
        nth=ordinal(lang, case.repeat_count + 1),
        days=counted(lang, "remind.days", window_days),
        cases=comma(lang).join(links),
    )


def reporter_text(lang: str, case: Case) -> str:
    return user(case.reporter_id) if case.show_name else t(lang, "card.confidential")


def _when(case: Case, tz: ZoneInfo) -> str:
    return case.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def build_card(
    lang: str,
    case: Case,
    policy: Policy,
    tz: ZoneInfo,
    repeat: str | None,
    handling: Handling | None = None,
    current: str = "",
) -> tuple[str, list[Block]]:
    """(fallback text, blocks). The fallback text is what notifications show.

    `policy` is the version the case is handled under; `current`, the version new cases
    get: an open case under an older one offers to move (bot/flows/case/policy_version).

    The card is updated in place (chat.update) after every action, so it always
    shows the status, the lead, the steps done and the measures taken."""
    handling = handling or Handling()
    sev = t(lang, f"severity.{case.severity}")
    cats = items(lang).join(policy.category(c).label.get(lang) for c in case.categories)
    # Principles are not ticked; a step marked not applicable counts as handled.
    checklist = tuple(s.id for s in policy.checklist)
    done = handling.handled(checklist)
    fields = [
        (t(lang, "card.severity"), f"{SEVERITY_EMOJI.get(case.severity, '')} {sev}"),
        (t(lang, "card.status"), t(lang, f"status.{case.status}")),
        (t(lang, "card.categories"), escape(cats) or "—"),  # a tap's case: none yet
        (
            t(lang, "card.contact_channel"),
            escape(policy.contact_channel(case.contact_channel).label.get(lang)),
        ),
        (t(lang, "card.reporter"), reporter_text(lang, case)),
        (t(lang, "card.occurred"), _when(case, tz)),
        (
            t(lang, "act.card.lead"),
            user(handling.lead) if handling.lead else t(lang, "act.card.no_lead"),
        ),
        (
            t(lang, "act.card.steps"),
            t(lang, "checklist.handled", handled=done, total=len(checklist)),
        ),
    ]
    blocks: list[Block] = [
        header(t(lang, "card.title", case_no=case.case_no, severity=sev)),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields],
        },
    ]
    if case.happening_now and case.status != CaseStatus.CLOSED:
        blocks.append(section(t(lang, "card.happening_now")))
    blocks += urgent_lines(lang, case)  # kept once it is over: where she was, who went
    if repeat:
        blocks.append(section(f":repeat: {repeat}"))
    if case.room:  # the private case channel (issue 13): linked from the card
        blocks.append(section(t(lang, "room.card_line", channel=f"<#{case.room}>")))
    blocks += _handling_blocks(lang, case, policy, handling)
    blocks += _buttons(lang, case, handling)
    blocks.append(context(t(lang, "card.policy_version", version=escape(case.policy_version))))
    if current and current != case.policy_version and case.status != CaseStatus.CLOSED:
        line = t(lang, "policy_move.card_line", version=escape(case.policy_version),
                 current=escape(current))  # fmt: skip
        move = button(Action.MOVE_POLICY, t(lang, "policy_move.button"), value=case_value(case))
        blocks.append(section(line, accessory=move))
    return t(lang, "card.fallback", case_no=case.case_no, severity=sev), blocks


def _handling_blocks(lang: str, case: Case, policy: Policy, handling: Handling) -> list[Block]:
    blocks: list[Block] = []
    if handling.acknowledged_by and case.acknowledged_at:
        blocks.append(
            context(t(lang, "act.card.acknowledged_by", user=user(handling.acknowledged_by)))
        )
    a = handling.assessment
    if a is not None:
        conclusion = _option_label(policy.conclusions, a.conclusion, lang)
        blocks.append(
            section(
                t(lang, "act.card.assessment", conclusion=escape(conclusion), version=a.version)
            )
        )
    counted = [m for m in handling.measures if m.counts]
    if counted:
        kinds = comma(lang).join(t(lang, f"act.measure.{m.kind}") for m in counted[-10:])
        blocks.append(section(t(lang, "act.card.measures", measures=kinds)))
    # Each severe measure waits for a second responder: a line and its buttons each;
    # a closed case keeps the line (it was never decided) but offers no button.
    for m in handling.awaiting_confirmation[:5]:
        line = t(
            lang,
            "act.card.awaiting",
            measure=t(lang, f"act.measure.{m.kind}"),
            user=user(m.recorded_by),
        )
        if m.detail.get("applies_to"):  # kinds only, never values: bot/views/customer_ids.py
            line += "\n" + applies_line(lang, m.detail["applies_to"].split(","))
        if case.status == "closed":
            blocks.append(section(f"{line}\n{t(lang, 'measure_end.closed_unconfirmed')}"))
            continue
        value = action_value(case.case_no, measure=m.id)
        blocks += [
            section(line),
            actions(
                f"measure.{m.id}",
                button(
                    Action.CONFIRM_MEASURE, t(lang, "act.button.confirm"), value, style="primary"
                ),
                button(Action.REJECT_MEASURE, t(lang, "measure_end.button_reject"), value),
                button(Action.WITHDRAW_MEASURE, t(lang, "measure_end.button_withdraw"), value),
            ),
        ]
    return blocks


def _option_label(options: tuple[Any, ...], id: str, lang: str) -> str:
    return next((o.label.get(lang) for o in options if o.id == id), id)


def _buttons(lang: str, case: Case, handling: Handling) -> list[Block]:
    value = case_value(case)

    def b(action: Action, key: str, style: str | None = None) -> dict[str, Any]:
        return button(action, t(lang, f"act.button.{key}"), value=value, style=style)

    details = button(Action.VIEW_DETAILS, t(lang, "card.view_details"), value=value)
    if case.status == CaseStatus.CLOSED:
        return [
            actions(
                "case_card", details, b(Action.TIMELINE, "timeline"), b(Action.REOPEN, "reopen")
            )
        ]
    first = [details]
    if case.acknowledged_at is None:
        first.append(b(Action.ACK, "ack", "primary"))
    if handling.lead is None:
        first.append(b(Action.TAKE_LEAD, "take_lead"))
    first += [b(Action.HAND_LEAD, "hand_lead"), b(Action.TIMELINE, "timeline")]
    second = [
        b(Action.ASSESSMENT, "assessment"),
        b(Action.MEASURE, "measure"),
        b(Action.MESSAGE_EMPLOYEE, "message_employee"),
        b(Action.CHANGE_SEVERITY, "severity"),
        b(Action.CLOSE, "close"),
    ]
    if case.room_channel is None:
        second.append(button(Action.OPEN_ROOM, t(lang, "room.open_button"), value=value))
    return [actions("case_card", *first), actions("case_handling", *second)]


def case_value(case: Case) -> str:
    """Button values carry the case number only; who may act is checked on every press."""
    return json.dumps({"case": case.case_no})


def parse_case_value(value: Any) -> str | None:
    return parse_action_value(value)[0]


def action_value(case_no: str, **extra: str | int) -> str:
    """A button value: the case number and, for step and measure buttons, which one."""
    return json.dumps({"case": case_no, **extra})


def parse_action_value(value: Any) -> tuple[str | None, dict[str, Any]]:
    """(case number, the rest). Values come back from Slack: never trust their shape."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the limit
        return None, {}
    if not isinstance(data, dict):
        return None, {}
    case_no = data.get("case")
    if not (isinstance(case_no, str) and len(case_no) <= 20):
        return None, {}
    return case_no, {k: v for k, v in data.items() if k != "case"}


# HR's case view adds a status row, a timeline header, up to 4 timeline sections and a
# note to these blocks: the details keep below Slack's 100 blocks with that added.
DETAILS_MAX_BLOCKS = 92
SECTION_CHARS = 2800  # a section holds 3000 characters; leave room for a label


def _long_text(label: str, text: str) -> list[Block]:
    """A labelled text of any length, as many sections as it needs; split in the raw
    text so no entity (`&amp;`) is cut, and nothing of it is dropped."""
    pieces = split_escaped(text, SECTION_CHARS) or ["—"]
    return [section(label + pieces[0]), *(section(p) for p in pieces[1:])]


def build_details_modal(
    lang: str,
    case: Case,
    policy: Policy,
    tz: ZoneInfo,
    additions: list[tuple[datetime, str]],
    workspace_host: str = "",
    extra: list[Block] | None = None,
    deleted: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The narrative, shown only to responders and HR, on demand (each viewing is logged).

    A confidential reporter's user ID is replaced wherever the employee's own words hold
    it, and evidence files are numbered, opened through the bot (bot/views/evidence.py)."""
    hidden = t(lang, "evidence.id_hidden")

    def own_words(text: str) -> str:
        return hide_reporter_id(text, case, hidden)

    def row(key: str, value: str) -> Block:
        return section(f"*{t(lang, key)}*\n{value or '—'}")

    cats = items(lang).join(policy.category(c).label.get(lang) for c in case.categories)
    blocks: list[Block] = [
        header(case.case_no),
        row("card.occurred", _when(case, tz)),
        row(
            "card.contact_channel",
            escape(policy.contact_channel(case.contact_channel).label.get(lang)),
        ),
        row("card.categories", escape(cats)),
        row("details.danger", t(lang, f"danger.{case.danger}")),
        row("card.reporter", reporter_text(lang, case)),
        row("details.counseling_ok", t(lang, "yes" if case.counseling_ok else "no")),
    ]
    blocks += _long_text(f"*{t(lang, 'details.demand')}*\n", own_words(case.demand))
    blocks += _long_text(f"*{t(lang, 'details.narrative')}*\n", own_words(case.narrative))
    blocks += extra or []  # the reported message and the person affected (issue 13)
    blocks += evidence_blocks(lang, case.case_no, evidence_of(case, workspace_host, deleted))
    # Additions, newest first, as many as fit; the rest are named, not silently dropped.
    room = DETAILS_MAX_BLOCKS - len(blocks) - 2  # the footnotes below
    parts = [
        _long_text(f"*{t(lang, 'details.additions')}* ({stamp(when, tz)})\n", own_words(text))
        for when, text in additions
    ]
    blocks += newest_that_fit(lang, parts, room)
    blocks.append(context(t(lang, "details.audited")))
    return modal(Callback.CASE_DETAILS, t(lang, "details.title"), blocks, close=t(lang, "close"))


def stamp(when: datetime, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def newest_that_fit(lang: str, parts: list[list[Block]], room: int) -> list[Block]:
    """The newest of `parts` (oldest first) that fit in `room` blocks, in their order,
    then a line saying how many older ones are not shown: named, never silently cut."""
    shown: list[list[Block]] = []
    for part in reversed(parts):
        if len(part) > room:
            break
        room -= len(part)
        shown.append(part)
    out = [block for part in reversed(shown) for block in part]
    if len(shown) < len(parts):
        out.append(context(counted(lang, "details.additions_omitted", len(parts) - len(shown))))
    return out


def shown_place(lang: str, case: Case) -> str:
    """Her typed place as others may see it: her own user ID in it (a mention of herself)
    is hidden like in her other words; gone once the call is over (reopened: still gone)."""
    if not case.place or case.call_over:
        return ""
    return hide_reporter_id(case.place, case, t(lang, "evidence.id_hidden"))


def urgent_lines(lang: str, case: Case) -> list[Block]:
    """Where the employee is, who went, and whether the report is still to come
    (issue 11). The location is the employee's own text: escaped."""
    # Her own words leave the shared channel when the case closes (SECURITY.md).
    where = " / ".join(escape(p) for p in (case.site, shown_place(lang, case)) if p)
    lines = [t(lang, "urgent.card_where", where=where)] if where else []
    if case.helper:
        lines.append(t(lang, "urgent.card_helper", user=user(case.helper)))
    if case.quick:
        lines.append(t(lang, "urgent.card_quick"))
    return [context(*lines)] if lines else []
