"""The case timeline as a modal for responders: who did what, when. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case import Case
from bot.domain.case_record import TimelineEntry
from bot.domain.policy import Policy
from bot.i18n import t
from bot.views import record_labels as lbl
from bot.views.common import Block, context, header, modal, section
from bot.views.customer_ids import applies_line
from bot.views.ids import Callback
from bot.views.mrkdwn import escape, truncate, user
from bot.views.timeline_labels import actor_label, event_label

MAX_SECTIONS = 90  # Slack allows 100 blocks in a modal; leave room for header and notes
SECTION_CHARS = 2800  # a section's text may hold 3000 characters
TEXT_SHOWN = 300  # free text (reasons, messages) is cut in the overview


def _step(policy: Policy, lang: str, step_id: Any) -> str:
    try:
        return escape(policy.step(str(step_id)).title.get(lang))
    except KeyError:
        return escape(str(step_id))


def _detail(lang: str, policy: Policy, e: TimelineEntry) -> str:
    d = e.detail
    parts: list[str] = []
    if "step" in d:
        parts.append(_step(policy, lang, d["step"]))
    if "to" in d:
        parts.append("→ " + user(str(d["to"])))
    if d.get("via") == "reply":  # acknowledged by replying rather than by the button
        parts.append(t(lang, "act.timeline.via_reply"))
    if "conclusion" in d:
        label = next((o.label.get(lang) for o in policy.conclusions if o.id == d["conclusion"]), "")
        version = t(lang, "hr.record.version", version=d.get("version", "?"))
        parts.append(escape(label) + lbl.paren(lang, version))
    if "kind" in d:
        parts.append(t(lang, f"act.measure.{d['kind']}"))
    if isinstance(d.get("applies_to"), list):  # kinds only (bot/views/customer_ids.py)
        parts.append(applies_line(lang, [str(k) for k in d["applies_to"]]))
    if "policy_to" in d:  # moved to the current policy version (issue 12 §4)
        was, now = escape(str(d.get("policy_from"))), escape(str(d["policy_to"]))
        parts.append(t(lang, "policy_move.moved", **{"from": was, "to": now}))
    if "severity_to" in d:  # a responder changed it (issue 11)
        was, now = (t(lang, f"severity.{d.get(k)}") for k in ("severity_from", "severity_to"))
        parts.append(f"{escape(was)} → {escape(now)}")
    if "lawyer" in d:
        parts.append(t(lang, f"act.measure.lawyer_{d['lawyer']}"))
    if isinstance(d.get("police_no"), str):
        parts.append(t(lang, "act.measure.police_no") + lbl.colon(lang) + escape(d["police_no"]))
    if d.get("awaiting_confirmation"):
        parts.append(t(lang, "act.timeline.awaiting"))
    if d.get("signed"):
        parts.append(t(lang, "act.timeline.signed"))
    # Free text was unsealed by the caller; it is user text: escape it.
    for key in ("note", "reason", "detail", "text", "summary"):
        value = d.get(key)
        if isinstance(value, str) and value:
            parts.append("> " + escape(truncate(value, TEXT_SHOWN)).replace("\n", "\n> "))
    return "\n".join(parts)


def timeline_modal(
    lang: str, case: Case, policy: Policy, tz: ZoneInfo, entries: Sequence[TimelineEntry]
) -> dict[str, Any]:
    lines = []
    for e in entries:
        when = e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        actor = actor_label(lang, e.actor, case)
        line = f"`{when}` {actor} *{event_label(lang, e.event)}*"
        detail = _detail(lang, policy, e)
        lines.append(f"{line}\n{detail}" if detail else line)
    sections: list[str] = []
    for line in lines:
        line = truncate(line, SECTION_CHARS)
        if sections and len(sections[-1]) + len(line) + 1 <= SECTION_CHARS:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    blocks: list[Block] = [header(case.case_no)]
    if len(sections) > MAX_SECTIONS:
        blocks.append(context(t(lang, "act.timeline.truncated")))
        sections = sections[-MAX_SECTIONS:]  # the most recent history matters most
    blocks += [section(s) for s in sections]
    blocks.append(context(t(lang, "act.timeline.audited")))
    return modal(Callback.TIMELINE, t(lang, "act.timeline.title"), blocks, close=t(lang, "close"))
