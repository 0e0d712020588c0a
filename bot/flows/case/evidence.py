"""Opening an evidence file from View details: the bot shares a copy as itself.

The employee's own file cannot be linked: its permalink names the uploader (the
reporter) and its name is theirs. So the bot reads it (files.info, then the private
download URL with its own token) and uploads a copy to the viewer's DM with a neutral
name; that copy's permalink names the bot. Each opening is recorded in the case
timeline before the file is fetched: an opening that failed is still an access.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import sqlite_utils
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.evidence import evidence_of, workspace_host
from bot.flows.case.guard import case_to_act_on
from bot.flows.hr.access import dm_channel
from bot.i18n import t
from bot.slack.errors import error_name
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.case_card import parse_action_value
from bot.views.evidence import kind_of, neutral_filename, size_text
from db import timeline

log = logging.getLogger(__name__)
# The copy is held in memory between download and upload; larger files are refused
# with a message rather than risking the bot's memory.
MAX_BYTES = 50 * 1024 * 1024
SLACK_FILE_HOST = "files.slack.com"


class _TooLarge(Exception):
    pass


def _may_carry_token(url: str, api_url: str) -> bool:
    """The bot token goes only to Slack's file host (or the API's own host, which is
    where a test or an on-premise gateway serves files): never to a URL elsewhere."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.scheme == "https" and parts.hostname == SLACK_FILE_HOST:
        return True
    return (parts.scheme, parts.netloc) == (api.scheme, api.netloc)


async def _download(ctx: AppContext, url: str) -> bytes:
    headers = {"Authorization": f"Bearer {ctx.client.token}"}
    timeout = aiohttp.ClientTimeout(total=max(30, ctx.client.timeout * 10))
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers, allow_redirects=False) as resp,
    ):
        resp.raise_for_status()
        data = bytearray()
        async for chunk in resp.content.iter_chunked(64 * 1024):
            data += chunk
            if len(data) > MAX_BYTES:
                raise _TooLarge
        return bytes(data)


def _record(db: sqlite_utils.Database, case_id: int, at: datetime, user_id: str, n: int) -> None:
    timeline.add(db, case_id, at, user_id, "evidence_opened", item=n)


async def open_evidence(ctx: AppContext, press: Press, value: Any) -> None:
    case_no, extra = parse_action_value(value)
    case = await case_to_act_on(ctx, press.user_id, case_no, closed_ok=True)
    n = extra.get("item")
    files = evidence_of(case, workspace_host(ctx.workspace_url)).files
    if not (isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(files)):
        raise Refused("evidence.gone")
    await ctx.store.run(_record, case.id, ctx.clock.now(), press.user_id, n)
    lang = await ctx.people.lang(press.user_id)
    params = {"case_no": case.case_no, "n": n}
    try:
        info = (await ctx.client.files_info(file=files[n - 1]))["file"]
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        size = int(info.get("size") or 0)
        if size > MAX_BYTES:
            raise _TooLarge
        if not _may_carry_token(url, ctx.client.base_url):
            raise ValueError("file URL outside Slack")
        data = await _download(ctx, url)
    except _TooLarge:
        log.info("evidence too large: case=%s item=%s", case.case_no, n)
        raise Refused("evidence.too_large", size=size_text(MAX_BYTES), **params) from None
    except SlackApiError as e:
        log.warning("evidence unavailable: case=%s error=%s", case.case_no, error_name(e))
        raise Refused("evidence.unavailable", **params) from None
    except (aiohttp.ClientError, TimeoutError, ValueError) as e:
        log.warning("evidence download failed: case=%s error=%s", case.case_no, type(e).__name__)
        raise Refused("evidence.unavailable", **params) from None
    kind = t(lang, f"evidence.kind_{kind_of(str(info.get('mimetype') or ''))}")
    try:
        await ctx.client.files_upload_v2(
            channel=await dm_channel(ctx, press.user_id),
            file=data,
            filename=neutral_filename(
                case.case_no, n, str(info.get("name") or ""), str(info.get("filetype") or "")
            ),
            title=t(lang, "evidence.title", **params),
            initial_comment=t(
                lang, "evidence.shared", kind=kind, size=size_text(len(data)), **params
            ),
        )
    except SlackApiError as e:
        log.warning("evidence not shared: case=%s error=%s", case.case_no, error_name(e))
        raise Refused("evidence.unavailable", **params) from None
    log.info("evidence shared: case=%s item=%s", case.case_no, n)
