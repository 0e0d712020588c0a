"""The messages between responders and the employee, as delivered from the outbox:
to the employee (a responder's message, the closing notice) and into the case thread
(the note that a message was sent, the employee's relayed reply)."""

from __future__ import annotations

from bot.domain.case import Case
from bot.domain.evidence import hide_reporter_id
from bot.domain.stored import CaseStatus, OutboxKey, OutboxKind
from bot.i18n import t
from bot.views.common import context, section
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
    if stored.kind is OutboxKind.SENT_NOTE:
        key = "act.sent_note.signed" if signed else "act.sent_note.unsigned"
        text = t(team_lang, key, user=user(actor))
    else:
        key = "act.relay.closed" if case.status == CaseStatus.CLOSED else "act.relay.text"
        text = t(team_lang, key, case_no=case.case_no)
        # Her own words may hold her user ID (a pasted file link, a typed mention of
        # herself): a confidential reporter's is hidden before the team sees it.
        body = hide_reporter_id(body, case, t(team_lang, "evidence.id_hidden"))
    blocks = [section(f"{text}\n{_quoted(body)}")]
    return Outgoing(case.card_channel, text, blocks, thread_ts=case.card_ts)
