"""Fetching an evidence file from Slack with the bot's token (files:read).

Used to keep the sealed copy when a file joins a case (bot/flows/case/evidence_copy.py)
and, if no copy is kept yet, when a responder opens it (bot/flows/case/evidence.py).
The token goes only to Slack's file host; a file is held in memory, so there is a cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.views.evidence import extension_of

# The copy is held in memory between download and upload (or sealing); larger files
# are refused with a message rather than risking the bot's memory.
MAX_BYTES = 50 * 1024 * 1024
SLACK_FILE_HOST = "files.slack.com"


class TooLarge(Exception):
    pass


class NotSlack(ValueError):
    """The file's URL is not Slack's: the token is not sent there."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    extension: str  # ".png": the only part of the original name that is kept
    mimetype: str


def may_carry_token(url: str, api_url: str) -> bool:
    """The bot token goes only to Slack's file host (or the API's own host, which is
    where a test or an on-premise gateway serves files): never to a URL elsewhere."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.scheme == "https" and parts.hostname == SLACK_FILE_HOST:
        return True
    return (parts.scheme, parts.netloc) == (api.scheme, api.netloc)


async def _download(client: AsyncWebClient, url: str) -> bytes:
    headers = {"Authorization": f"Bearer {client.token}"}
    timeout = aiohttp.ClientTimeout(total=max(30, client.timeout * 10))
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers, allow_redirects=False) as resp,
    ):
        resp.raise_for_status()
        data = bytearray()
        async for chunk in resp.content.iter_chunked(64 * 1024):
            data += chunk
            if len(data) > MAX_BYTES:
                raise TooLarge
        return bytes(data)


async def fetch(client: AsyncWebClient, file_id: str) -> Fetched:
    """Raises SlackApiError (files.info), TooLarge, NotSlack, or aiohttp's errors."""
    info = (await client.files_info(file=file_id))["file"]
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if int(info.get("size") or 0) > MAX_BYTES:
        raise TooLarge
    if not may_carry_token(url, client.base_url):
        raise NotSlack("file URL outside Slack")
    data = await _download(client, url)
    extension = extension_of(str(info.get("name") or ""), str(info.get("filetype") or ""))
    return Fetched(data, extension, str(info.get("mimetype") or ""))
