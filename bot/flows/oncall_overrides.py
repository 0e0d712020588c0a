"""HR's overrides of the rotations: listed (`/ch-oncall overrides`) and cancelled
(`/ch-oncall cancel <number>` or `/ch-oncall cancel <rotation>`).

Like setting one, both are HR's alone. A cancelled override stays in the database as
the record (db/overrides.py); the cancellation is announced in the responders channel,
as the override was, so the team knows who to expect again.
"""

from __future__ import annotations

import logging
import re

from bot.context import AppContext
from bot.slack.privately import Refused
from bot.views.common import Block, section
from bot.views.oncall_overrides import build_override_list, cancelled_text
from db import overrides

log = logging.getLogger(__name__)
_CANCEL = re.compile(r"^cancel\s+#?(?P<what>\S+)$", re.IGNORECASE)


async def refuse_unless_hr(ctx: AppContext, user_id: str) -> None:
    if not await ctx.people.is_hr(user_id):
        if await ctx.people.may_see_cases(user_id):
            raise Refused("oncall.hr_only")
        raise Refused("oncall.refused")


async def list_overrides(ctx: AppContext, user_id: str) -> tuple[str, list[Block]]:
    await refuse_unless_hr(ctx, user_id)
    found = await ctx.store.run(overrides.in_effect, ctx.clock.now())
    lang = await ctx.people.lang(user_id)
    return build_override_list(lang, found, ctx.config.timezone)


async def cancel_override(ctx: AppContext, user_id: str, text: str) -> tuple[str, list[Block]]:
    """Cancel one override by its number, or every override in effect for a rotation."""
    await refuse_unless_hr(ctx, user_id)
    m = _CANCEL.match(text.strip())
    if not m:
        raise Refused("oncall_manage.usage")
    what, now = m["what"].lower(), ctx.clock.now()
    in_effect = await ctx.store.run(overrides.in_effect, now)
    if what.isdigit():
        ids = [o.id for o in in_effect if o.id == int(what)]
    elif what in ctx.config.rotations:
        ids = [o.id for o in in_effect if o.rotation == what]
    else:
        raise Refused("oncall.unknown_rotation")
    done = await ctx.store.run(overrides.cancel, ids, now, user_id) if ids else []
    if not done:
        raise Refused("oncall_manage.cancel_none")
    log.info("rotation overrides cancelled: n=%d", len(done))
    tz, team = ctx.config.timezone, ctx.config.language
    notice = cancelled_text(team, "oncall_manage.cancel_notice", user_id, done, tz)
    await ctx.client.chat_postMessage(
        channel=ctx.config.responders_channel,
        text=notice,
        blocks=[section(f":arrows_counterclockwise: {notice}")],
    )
    lang = await ctx.people.lang(user_id)
    reply = cancelled_text(lang, "oncall_manage.cancelled", user_id, done, tz)
    return reply, [section(reply)]
