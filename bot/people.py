"""Who someone is to the bot: their language, and whether they are a responder or HR.

Answers come from Slack (users.info, conversations.members, usergroups.users.list)
and are cached briefly: a button press must not wait on three Web API calls, but
someone removed from the responders channel must lose access within minutes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.flows.slack_errors import error_name
from bot.i18n import lang_of_locale

log = logging.getLogger(__name__)
K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._data: dict[K, tuple[float, V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        hit = self._data.get(key)
        now = time.monotonic()
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        value = await load()
        self._data[key] = (now, value)
        return value

    def clear(self) -> None:
        self._data.clear()


class People:
    def __init__(
        self,
        client: AsyncWebClient,
        config: Config,
        *,
        locale_ttl: float = 3600,
        membership_ttl: float = 60,
    ) -> None:
        self.client = client
        self.config = config
        self._users: TTLCache[str, dict[str, str]] = TTLCache(locale_ttl)
        self._members: TTLCache[str, frozenset[str]] = TTLCache(membership_ttl)

    async def _user(self, user_id: str) -> dict[str, str]:
        async def load() -> dict[str, str]:
            try:
                resp = await self.client.users_info(user=user_id, include_locale=True)
            except SlackApiError as e:
                log.warning("users.info failed: %s", error_name(e))
                return {}
            user = resp.get("user") or {}
            profile = user.get("profile") or {}
            return {
                "locale": user.get("locale") or "",
                "name": profile.get("display_name")
                or user.get("real_name")
                or user.get("name")
                or user_id,
            }

        return await self._users.get(user_id, load)

    async def lang(self, user_id: str) -> str:
        """The person's Slack locale's language, else the configured default."""
        try:
            info = await self._user(user_id)
        except Exception:  # network trouble must not stop a report: use the default
            log.warning("users.info unavailable; using default language")
            return self.config.language
        return lang_of_locale(info.get("locale"), self.config.language)

    async def _channel_members(self) -> frozenset[str]:
        async def load() -> frozenset[str]:
            members: set[str] = set()
            cursor = None
            while True:
                resp = await self.client.conversations_members(
                    channel=self.config.responders_channel, limit=1000, cursor=cursor
                )
                members.update(resp.get("members") or [])
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return frozenset(members)

        return await self._members.get("responders", load)

    async def _hr_group_members(self) -> frozenset[str]:
        async def load() -> frozenset[str]:
            members: set[str] = set()
            for group in self.config.hr_groups:
                resp = await self.client.usergroups_users_list(usergroup=group)
                members.update(resp.get("users") or [])
            return frozenset(members)

        return await self._members.get("hr", load)

    async def is_responder(self, user_id: str) -> bool:
        return user_id in await self._channel_members()

    async def is_hr(self, user_id: str) -> bool:
        if user_id in self.config.hr_users:
            return True
        return bool(self.config.hr_groups) and user_id in await self._hr_group_members()

    async def may_see_cases(self, user_id: str) -> bool:
        return await self.is_hr(user_id) or await self.is_responder(user_id)
