"""The messages between responders and the employee, as delivered from the outbox:
to the employee (a responder's message, the closing notice) and into the case thread
(a notice that a message was sent, or that the employee replied: never their words)."""

from __future__ import annotations

from bot.domain.case import Case
from bot.domain.stored import CaseStatus, OutboxKey, OutboxKind
from bot.i18n import t
from bot.views.common import Block, context, section
from bot.views.conversation_modal import open_button
from bot.views.mrkdwn import escape, user
from bot.views.outgoing import NotReady, Outgoing

Entry = tuple[str, str, bool]  # (actor, text, signed) of the timeline entry it carries


def _quoted(body: str) -> str:
    return "> " + escape(body).replace("\n", "\n> ")


def conversation_message(
    case: Case, stored: OutboxKey, team_lang: str, entry: Entry | None
) -> Outgoing:
    if stored.kind is OutboxKind.CLOSED_NOTICE:
        lang = case.reporter_lang
        text = t(lang, "act.closed_notice.text", case_no=case.case_no)
        blocks = [section(text), context(t(lang, "act.closed_notice.reopen"))]
        return Outgoing(case.reporter_id, text, blocks)
    if entry is None:
        raise ValueError(f"outbox kind {stored} carries no timeline entry")
    actor, body, signed = entry
    if stored.kind is OutboxKind.TO_EMPLOYEE:
        lang = case.reporter_lang
        text = t(lang, "act.to_employee.text", case_no=case.case_no)
        blocks = [section(text), section(_quoted(body))]
        if signed:
            blocks.append(section(t(lang, "act.to_employee.signed", user=user(actor))))
        blocks.append(context(t(lang, "act.to_employee.reply_hint")))
        return Outgoing(case.reporter_id, text, blocks)
    if not (case.card_channel and case.card_ts):
        raise NotReady(str(stored))
    # Into the shared thread goes only a notice: Slack keeps channel messages for ever,
    # beyond our retention, so the words stay sealed in the case record and are read in
    # a modal (bot/views/conversation_modal.py). Rows queued before this change render
    # the same way: what was already posted with text is never posted again.
    if stored.kind is OutboxKind.SENT_NOTE:
        key = "conversation.sent_signed" if signed else "conversation.sent_unsigned"
        text = t(team_lang, key, user=user(actor))
    else:
        closed = case.status == CaseStatus.CLOSED
        key = "conversation.replied_closed" if closed else "conversation.replied"
        text = t(team_lang, key, case_no=case.case_no)
    blocks = notice_blocks(team_lang, case, text)
    return Outgoing(case.card_channel, text, blocks, thread_ts=case.card_ts)


def notice_blocks(lang: str, case: Case, text: str) -> list[Block]:
    """A notice that a message was exchanged, with the button that opens the words."""
    opener = open_button(lang, case.case_no)
    return [section(text, accessory=opener), context(t(lang, "conversation.private"))]
