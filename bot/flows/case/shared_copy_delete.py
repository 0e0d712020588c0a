"""The deletion job: remove a copy the bot shared into a viewer's DM (`shared_copy_delete:<id>`).

Run by the delivery loop like any outbox row (bot/flows/delivery/deliverer.py), so an
outage of Slack delays the deletion and loses nothing: 5xx, rate limits, timeouts and
refused connections are retried with backoff. A file already gone (`file_not_found`,
`file_deleted`: someone deleted it by hand, or an earlier attempt did before its answer
was lost) counts as deleted. The bot deletes only its own uploads (db/shared_copies.py
holds nothing else), which files.delete with the bot token allows.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.context import AppContext
from bot.domain.stored import SHARED_COPY_KINDS, parse_outbox_key
from bot.flows.case.evidence_copy import HOPELESS, GiveUp, Retry, job_in, slack_refusal
from db import outbox, shared_copies

log = logging.getLogger(__name__)
# Slack will never delete it for this token: retrying cannot help (logged loudly).
REFUSED = HOPELESS | {"cant_delete_file", "no_permission"}


def is_delete_job(kind: str) -> bool:
    return job_in(kind, SHARED_COPY_KINDS)


async def delete_shared_copy(
    ctx: AppContext, client: AsyncWebClient, d: outbox.Delivery
) -> Retry | GiveUp | None:
    """None when the job is finished (the copy is gone from Slack)."""
    store, now = ctx.store, ctx.clock.now
    copy_id = parse_outbox_key(d.kind).ref_id
    file_id = await store.run(shared_copies.to_delete, copy_id)
    if file_id is not None:
        try:
            await client.files_delete(file=file_id)
        except SlackApiError as e:
            if (failed := slack_refusal(e, REFUSED)) is not None:
                return failed
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            return Retry(type(e).__name__, True)
    await store.run(shared_copies.deleted, d.id, copy_id, now())
    log.info("shared copy deleted: case=%s copy=%s", d.case_id, copy_id)
    return None
