"""The copy job: fetch an evidence file once and keep it sealed (`evidence_copy:<id>`).

Run by the delivery loop like any outbox row (bot/flows/delivery/deliverer.py), so an
outage of Slack delays the copy and loses nothing: Slack's 5xx, rate limits, timeouts
and refused connections are retried with backoff. A file the employee deleted before
its copy was made (file_not_found, file_deleted) is recorded as deleted: the details
modal says so, and nothing is retried for ever. Logs name the case, never the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.context import AppContext
from bot.domain.stored import EVIDENCE_KINDS, OutboxKind, parse_outbox_key
from bot.flows.case.evidence_fetch import NotSlack, TooLarge, fetch
from bot.slack.errors import error_name, may_have_happened
from db import evidence_copies, outbox

log = logging.getLogger(__name__)
GONE = frozenset({"file_not_found", "file_deleted"})
# The app itself is misconfigured: retrying cannot help until someone fixes it, and
# until then opening the file still tries Slack directly.
HOPELESS = frozenset(
    {"missing_scope", "invalid_auth", "account_inactive", "token_revoked", "not_allowed_token_type"}
)


@dataclass(frozen=True)
class Retry:
    why: str
    transient: bool  # Slack itself failed: retried as soon as Slack answers again


@dataclass(frozen=True)
class GiveUp:
    why: str


def job_in(kind: str, kinds: frozenset[OutboxKind]) -> bool:
    """Is this outbox row one of these file jobs (it posts nothing)?"""
    try:
        return parse_outbox_key(kind).kind in kinds
    except ValueError:
        return False


def is_copy_job(kind: str) -> bool:
    return job_in(kind, EVIDENCE_KINDS)


def slack_refusal(e: SlackApiError, hopeless: frozenset[str]) -> Retry | GiveUp | None:
    """What a file job does with Slack's error: give up (retrying cannot help), retry
    (soon, if Slack itself failed or rate-limited), or None: the file is gone."""
    error = error_name(e)
    if error in hopeless:
        return GiveUp(error)
    if error in GONE:
        return None
    return Retry(error, may_have_happened(e) or e.response.status_code == 429)


async def keep_copy(
    ctx: AppContext, client: AsyncWebClient, d: outbox.Delivery
) -> Retry | GiveUp | None:
    """None when the job is finished (copy kept, or why not recorded)."""
    store, now = ctx.store, ctx.clock.now
    copy_id = parse_outbox_key(d.kind).ref_id
    job = await store.run(evidence_copies.job, copy_id)
    if job is None:  # kept already, or purged by retention meanwhile
        await store.run(evidence_copies.finish, d.id, now())
        return None
    status = evidence_copies.DELETED
    try:
        file = await fetch(client, job.file_id)
    except SlackApiError as e:
        if (failed := slack_refusal(e, HOPELESS)) is not None:
            return failed
    except TooLarge:
        status = evidence_copies.TOO_LARGE
    except NotSlack:
        status = evidence_copies.REFUSED
    except aiohttp.ClientResponseError as e:
        # 403/404 from the file host: deleted between files.info and the download (the
        # next files.info will say so); a 5xx: the host is down.
        return Retry(f"download_{e.status}", e.status >= 500)
    except (aiohttp.ClientError, TimeoutError, OSError) as e:
        return Retry(type(e).__name__, True)
    else:
        await store.run(
            evidence_copies.keep, d.id, copy_id, file.data, file.extension, file.mimetype, now()
        )
        log.info("evidence copy kept: case=%s copy=%s", d.case_id, copy_id)
        return None
    await store.run(evidence_copies.settle, d.id, copy_id, status, now())
    log.warning("evidence copy not kept: case=%s copy=%s status=%s", d.case_id, copy_id, status)
    return None
