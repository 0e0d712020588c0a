"""The conversation with the employee, both ways and in order, as a modal. Pure.

Shown only on demand to responders and HR (each opening is recorded), never posted
to the shared thread. Slack's limits: 3000 characters a section, 100 blocks a modal.
The words are escaped and split in the raw text, never cut; when the whole
conversation does not fit, the most recent messages are shown (what a responder
answering the employee needs) and the number of earlier ones not shown is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case import Case
from bot.domain.conversation import Exchanged
from bot.domain.evidence import hide_reporter_id
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.common import Block, button, context, header, modal, section
from bot.views.ids import Action, Callback
from bot.views.mrkdwn import escape, user
from bot.views.timeline_labels import actor_label

SECTION = 2900  # of Slack's 3000 characters a section, with room to spare
MAX_BLOCKS = 100
FIXED = 4  # the header, a note on what is not shown, the retention note, the footer


def open_button(lang: str, case_no: str) -> dict[str, Any]:
    return button(Action.OPEN_CONVERSATION, t(lang, "conversation.open"), action_value(case_no))


def details_block(lang: str, case_no: str) -> Block:
    """In View details: the conversation is one button away, not copied into it."""
    return section(f"*{t(lang, 'conversation.title')}*", accessory=open_button(lang, case_no))


def _cost(ch: str) -> int:
    """Characters one raw character takes once escaped and quoted ("\\n" opens "> ")."""
    return 3 if ch == "\n" else len(escape(ch))


def _quoted_pieces(text: str, limit: int) -> list[str]:
    """The text escaped as a block quote, in pieces of at most `limit` characters, cut
    in the raw text (an entity is never split), preferring a line break or a space."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        size, end = 2, start  # the leading "> "
        while end < len(text) and size + _cost(text[end]) <= limit:
            size += _cost(text[end])
            end += 1
        if end < len(text):
            soft = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            if soft >= start + (end - start) * 4 // 5:
                end = soft + 1
        piece = text[start:end].rstrip("\n") or " "
        pieces.append("> " + escape(piece).replace("\n", "\n> "))
        start = end
    return pieces


def _who(lang: str, case: Case, m: Exchanged) -> str:
    if m.to_employee:
        sign = t(lang, "conversation.signed" if m.signed else "conversation.unsigned")
        return t(lang, "conversation.to_employee", who=user(m.actor), sign=sign)
    # The employee: "the employee" when confidential (actor "reporter"), else a mention.
    return t(lang, "conversation.to_team", who=actor_label(lang, m.actor, case))


def _message(lang: str, case: Case, tz: ZoneInfo, m: Exchanged) -> list[str]:
    """One message as section texts: who and when, then the words."""
    when = m.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    head = f"`{when}` *{_who(lang, case, m)}*"
    if m.text is None:
        return [f"{head}\n{t(lang, 'conversation.deleted')}"]
    # The words may hold a confidential reporter's ID (a pasted file link, a mention).
    words = hide_reporter_id(m.text, case, t(lang, "evidence.id_hidden"))
    pieces = _quoted_pieces(words, SECTION - len(head) - 1)
    return [f"{head}\n{pieces[0]}", *pieces[1:]]


def _pack(messages: Sequence[list[str]]) -> list[str]:
    """Whole messages share a section while they fit; a long one has its own."""
    texts: list[str] = []
    for parts in messages:
        for i, part in enumerate(parts):
            if i == 0 and texts and len(texts[-1]) + 2 + len(part) <= SECTION:
                texts[-1] += "\n\n" + part
            else:
                texts.append(part)
    return texts


def conversation_modal(
    lang: str, case: Case, tz: ZoneInfo, exchanged: Sequence[Exchanged]
) -> dict[str, Any]:
    rendered = [_message(lang, case, tz, m) for m in exchanged]
    room = MAX_BLOCKS - FIXED
    start = 0
    while start < len(rendered) and len(_pack(rendered[start:])) > room:
        start += 1  # drop the oldest until the rest fits
    blocks: list[Block] = [header(case.case_no)]
    if not exchanged:
        blocks.append(section(t(lang, "conversation.none")))
    if start:
        blocks.append(context(t(lang, "conversation.earlier", n=start)))
    blocks += [section(text) for text in _pack(rendered[start:])]
    deleted = sum(m.text is None for m in exchanged)
    if deleted:
        blocks.append(context(t(lang, "conversation.deleted_note", n=deleted)))
    blocks.append(context(t(lang, "conversation.audited")))
    title = t(lang, "conversation.title")
    return modal(Callback.CONVERSATION, title, blocks, close=t(lang, "close"))
