"""A report filed for a colleague: the person affected, when they are on Slack, is told
privately and may take over the conversation with the response team.

The filer stays the contact until then (they may be the only way to reach someone who
is not on Slack). The person is told by an outbox delivery queued with the case
(db/cases.file_case, OutboxKind.BEHALF_NOTICE; bot/views/behalf_notice.py), so a Slack
outage delays the message but never loses or doubles it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.i18n import t
from bot.slack.errors import error_name
from bot.slack.payloads import Press
from bot.slack.privately import Refused, answer_privately
from bot.views.case_card import parse_case_value
from bot.views.mrkdwn import user
from db import behalf as store
from db.cases import find_case_no, reporter_ref

log = logging.getLogger(__name__)


async def take_over(ctx: AppContext, press: Press, value: Any) -> None:
    case = await ctx.store.run(find_case_no, parse_case_value(value) or "")
    if case is None:
        raise Refused("refuse.unknown_case")
    uid = press.user_id
    lang = await ctx.people.lang(uid)
    ref = reporter_ref(ctx.settings.hash_key, uid)
    filer = await ctx.store.run(store.take_over, case.id, uid, lang, ref, ctx.clock.now())
    if filer is None:
        if case.reporter_ref == ref:
            raise Refused("behalf.already", case_no=case.case_no)
        raise Refused("behalf.not_yours")
    log.info("conversation taken over: case=%s", case.case_no)
    await answer_privately(ctx, press.in_dm(), "behalf.taken_over", case_no=case.case_no)
    try:
        filer_lang = await ctx.people.lang(filer)
        await ctx.client.chat_postMessage(
            channel=filer,
            text=t(filer_lang, "behalf.filer_told", name=user(uid), case_no=case.case_no),
        )
    except SlackApiError as e:
        log.warning("filer not told of the take-over: error=%s", error_name(e))
