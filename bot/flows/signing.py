"""`/ch-oncall sign on|off`: a responder chooses whether the employee is told their name.

By default she hears "someone from the response team has your case" (issue 11): a
responder may prefer to be named, so that she knows whom she is dealing with. It is the
responder's own choice, kept until they change it, and applies to the notices their own
actions send (acknowledging, taking the lead, "I'm going").
"""

from __future__ import annotations

from bot.context import AppContext
from bot.i18n import t
from bot.slack.privately import Refused
from bot.views.common import Block, section
from db import responder_prefs

_WORDS = {"on": True, "off": False}


async def sign_command(ctx: AppContext, user_id: str, text: str) -> tuple[str, list[Block]]:
    """`sign` shows the choice; `sign on` / `sign off` changes it."""
    if not await ctx.people.is_responder(user_id):
        raise Refused("signing.responders_only")
    words = text.split()
    lang = await ctx.people.lang(user_id)
    if len(words) == 1:
        sign = await ctx.store.run(responder_prefs.signs_notices, user_id)
        reply = t(lang, "signing.now_on" if sign else "signing.now_off")
        return reply, [section(reply)]
    if len(words) != 2 or words[1].lower() not in _WORDS:
        raise Refused("signing.usage")
    sign = _WORDS[words[1].lower()]
    await ctx.store.run(responder_prefs.set_signing, user_id, sign, ctx.clock.now())
    reply = t(lang, "signing.set_on" if sign else "signing.set_off")
    return reply, [section(reply)]
