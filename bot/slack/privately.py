"""Saying no, or that something failed, to one person only.

Every flow raises `Refused(i18n_key, **params)` when the person may not do a thing (or
there is nothing to do); handlers turn it into a private message in that person's
language with `answer_privately`, the one way the bot answers one person.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.slack.errors import error_name
from bot.slack.payloads import Press
from bot.slack.people import People

log = logging.getLogger(__name__)


class Refused(Exception):
    """The person may not do this; the message (an i18n key and its parameters) is
    shown to them privately."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        return t(lang, self.key, **self.params)


class Slack(Protocol):
    """What answering needs of the app context."""

    @property
    def client(self) -> AsyncWebClient: ...

    @property
    def people(self) -> People: ...


async def answer_privately(slack: Slack, press: Press, key: str, **params: Any) -> None:
    """An ephemeral answer where the person acted (in the thread, if any); a DM when
    there is no channel to answer in."""
    lang = await slack.people.lang(press.user_id)
    text = t(lang, key, **params)
    try:
        if press.channel:
            args: dict[str, Any] = {"channel": press.channel, "user": press.user_id, "text": text}
            if press.thread_ts:
                args["thread_ts"] = press.thread_ts
            await slack.client.chat_postEphemeral(**args)
        else:
            await slack.client.chat_postMessage(channel=press.user_id, text=text)
    except SlackApiError as e:
        log.warning("could not answer privately: %s", error_name(e))


async def dm_privately(slack: Slack, user_id: str, text: str) -> None:
    """A plain DM of text already in the person's language, for when there is no press
    to answer (a late submission's outcome); a failure is logged, never raised."""
    try:
        await slack.client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as e:
        log.warning("could not answer privately: %s", error_name(e))


async def refuse(slack: Slack, press: Press, refusal: Refused) -> None:
    await answer_privately(slack, press, refusal.key, **refusal.params)
