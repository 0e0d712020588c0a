"""Opening an evidence file from View details: the bot shares a copy as itself.

The employee's own file cannot be linked: its permalink names the uploader (the
reporter) and its name is theirs. So the bot uploads a copy to the viewer's DM with a
neutral name; that copy's permalink names the bot. The copy is the sealed one kept
when the file joined the case (db/evidence_copies.py), so it opens even after the
employee deleted her upload; until it is kept, the bot reads the file from Slack
(files.info, then the private download URL with its own token). Each opening is
recorded in the case timeline before the file is fetched: an opening that failed is
still an access. The copy in the DM is recorded too (db/shared_copies.py) and deleted
from Slack after `[retention] shared_copy_hours`, or when the case's evidence is purged:
the message that brings it says so, and the viewer opens it again (recorded again)
when she needs it later.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import aiohttp
import sqlite_utils
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.evidence import evidence_of, workspace_host
from bot.flows.case.evidence_fetch import MAX_BYTES, Fetched, NotSlack, TooLarge, fetch
from bot.flows.case.guard import case_to_act_on
from bot.flows.hr.access import dm_channel
from bot.i18n import t
from bot.slack.errors import error_name
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.case_card import parse_action_value
from bot.views.counting import counted
from bot.views.evidence import kind_of, neutral_filename, size_text
from db import evidence_copies, shared_copies, timeline

log = logging.getLogger(__name__)


def _record(
    db: sqlite_utils.Database, case_id: int, at: datetime, user_id: str, n: int, fid: str
) -> tuple[evidence_copies.Copy | None, str | None]:
    """Record the opening; (the kept copy, the copy's status)."""
    timeline.add(db, case_id, at, user_id, "evidence_opened", item=n)
    return evidence_copies.kept_copy(db, case_id, fid), evidence_copies.status_of(db, case_id, fid)


async def _from_slack(ctx: AppContext, fid: str, params: dict[str, Any]) -> Fetched:
    try:
        return await fetch(ctx.client, fid)
    except TooLarge:
        log.info("evidence too large: case=%s item=%s", params["case_no"], params["n"])
        raise Refused("evidence.too_large", size=size_text(MAX_BYTES), **params) from None
    except SlackApiError as e:
        log.warning("evidence unavailable: case=%s error=%s", params["case_no"], error_name(e))
        raise Refused("evidence.unavailable", **params) from None
    except (aiohttp.ClientError, TimeoutError, NotSlack) as e:
        log.warning(
            "evidence download failed: case=%s error=%s", params["case_no"], type(e).__name__
        )
        raise Refused("evidence.unavailable", **params) from None


async def open_evidence(ctx: AppContext, press: Press, value: Any) -> None:
    case_no, extra = parse_action_value(value)
    case = await case_to_act_on(ctx, press.user_id, case_no, closed_ok=True)
    n = extra.get("item")
    files = evidence_of(case, workspace_host(ctx.workspace_url)).files
    if not (isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(files)):
        raise Refused("evidence.gone")
    fid = files[n - 1]
    kept, status = await ctx.store.run(_record, case.id, ctx.clock.now(), press.user_id, n, fid)
    lang = await ctx.people.lang(press.user_id)
    params: dict[str, Any] = {"case_no": case.case_no, "n": n}
    if kept is not None:
        file = Fetched(kept.data, kept.extension, kept.mimetype)
    elif status == evidence_copies.DELETED:
        raise Refused("evidence_copy.deleted", **params)
    else:
        file = await _from_slack(ctx, fid, params)
    kind = t(lang, f"evidence.kind_{kind_of(file.mimetype)}")
    keep_for = ctx.config.retention.shared_copy_for
    hours = int(keep_for.total_seconds() // 3600)
    said = t(lang, "evidence.shared", kind=kind, size=size_text(len(file.data)), **params)
    try:
        resp = await ctx.client.files_upload_v2(
            channel=await dm_channel(ctx, press.user_id),
            file=file.data,
            filename=neutral_filename(case.case_no, n, file.extension),
            title=t(lang, "evidence.title", **params),
            initial_comment=f"{said}\n{counted(lang, 'shared_copy.removed', hours)}",
        )
    except SlackApiError as e:
        log.warning("evidence not shared: case=%s error=%s", case.case_no, error_name(e))
        raise Refused("evidence.unavailable", **params) from None
    shared_at = ctx.clock.now()
    for uploaded in resp.get("files") or []:  # one: the copy, uploaded by the bot
        await ctx.store.run(
            shared_copies.record, case.id, n, press.user_id, str(uploaded["id"]),
            shared_at, shared_at + keep_for,
        )  # fmt: skip
    log.info("evidence shared: case=%s item=%s kept=%s", case.case_no, n, kept is not None)
