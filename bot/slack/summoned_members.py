"""check-config (issue 11): the people a case happening now asks to go by name (sites'
supervisors, the backup rotation) and whether they are in the responders channel.

Not being a member is allowed (they get the summons by DM and may say "I'm going"
there) but they see nothing else of the case and miss the thread: worth a warning."""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.slack.errors import error_name

BACKUP = "backup"


def asked_by_name(config: Config) -> dict[str, str]:
    """Who may be asked to go, each with where they come from in the configuration."""
    people: dict[str, str] = {}
    for site in config.sites:
        for person in site.supervisors:
            people.setdefault(person, f"sites.{site.id}.supervisors")
    rotation = config.rotations.get(BACKUP)
    for person in rotation.members if rotation else ():
        people.setdefault(person, "rotations.backup")
    return people


async def not_members(client: AsyncWebClient, config: Config) -> tuple[list[str], str | None]:
    """(warning lines, None), or ([], why) when Slack could not be asked."""
    people = asked_by_name(config)
    if not people:
        return [], None
    members: set[str] = set()
    cursor = None
    try:
        while True:
            args: dict[str, Any] = {"channel": config.responders_channel, "limit": 1000}
            if cursor:
                args["cursor"] = cursor
            resp = await client.conversations_members(**args)
            members.update(resp.get("members") or [])
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as e:
        return [], f"Slack answered {error_name(e)}"
    except (aiohttp.ClientError, TimeoutError, OSError) as e:
        return [], f"Slack unreachable ({type(e).__name__})"
    return [
        f"warning: {where}: {person} is not in the responders channel: they get the "
        "summons by DM and may say \"I'm going\" there, but see nothing else of the case "
        "and miss its thread (invite them if they should)"
        for person, where in people.items()
        if person not in members
    ], None
