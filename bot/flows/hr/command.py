"""`/ch-cases …`: read the sub-command and run it; refusals and failures are told privately.

/ch-cases [summary] [period]        figures and chart for the period (default 30d)
/ch-cases show CH-2026-0042         a case and its timeline, after stating a purpose
/ch-cases customer <identifier>     the cases naming that customer
/ch-cases export [period] [with-text <reason>]
/ch-cases audit [period]            who looked at or exported what, when and why
/ch-cases review <year or period>   the policy review report (PDF)
/ch-cases announce #channel         post the policy announcement there
"""

from __future__ import annotations

import logging

from bot.context import AppContext
from bot.flows.hr.access import Tell, require_hr
from bot.flows.hr.announce import announce
from bot.flows.hr.cases import ask_purpose, find_customer, show_audit
from bot.flows.hr.export import send_export
from bot.flows.hr.review import send_review
from bot.flows.hr.summary import send_summary
from bot.i18n import t
from bot.slack.privately import Refused

log = logging.getLogger(__name__)
SUBCOMMANDS = ("summary", "show", "customer", "export", "audit", "review", "announce", "help")


async def run(ctx: AppContext, user_id: str, text: str, trigger_id: str, tell: Tell) -> None:
    """Every branch checks HR membership before reading anything."""
    words = text.strip().split(maxsplit=1)
    sub = words[0].lower() if words else "summary"
    rest = words[1] if len(words) > 1 else ""
    if sub not in SUBCOMMANDS:  # "/ch-cases 90d" is a summary too
        sub, rest = "summary", text.strip()
    try:
        await require_hr(ctx, user_id)
        if sub == "summary":
            await send_summary(ctx, user_id, rest, tell)
        elif sub == "show":
            await ask_purpose(ctx, user_id, rest, trigger_id, tell)
        elif sub == "customer":
            await find_customer(ctx, user_id, rest, tell)
        elif sub == "export":
            await send_export(ctx, user_id, rest, tell)
        elif sub == "audit":
            await show_audit(ctx, user_id, rest, tell)
        elif sub == "review":
            await send_review(ctx, user_id, rest, tell)
        elif sub == "announce":
            await announce(ctx, user_id, rest, tell)
        else:
            await tell(t(await ctx.people.lang(user_id), "hr.usage"))
    except Refused as r:
        await tell(t(await ctx.people.lang(user_id), r.key))
    except Exception as e:  # the person must hear something; the payload is not logged
        log.error("hr command failed: sub=%s error=%s", sub, type(e).__name__)
        await tell(t(await ctx.people.lang(user_id), "error.generic"))
