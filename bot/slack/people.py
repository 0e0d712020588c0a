"""Who someone is to the bot: their language, and whether they are a responder or HR.

Answers come from Slack (users.info, conversations.info/members, usergroups.users.list,
auth.test) and are cached briefly: a button press must not wait on three Web API calls,
but someone removed from the responders channel must lose access within a minute.

A responder is a member of the responders channel who belongs to the bot's own
workspace or Enterprise Grid organisation (Slack Connect guests from another company
can sit in a shared channel: they are outsiders), and only while that channel is
private (anyone may join a public channel).

Modal submissions must be acknowledged within Slack's 3 s, so look-ups made before an
ack go through `quick`, a client without retry handlers and with a short timeout (a
429's Retry-After must never be slept through inside the ack window); a look-up that
fails there raises `LookupFailed` and the person is asked to try again.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.i18n import lang_of_locale
from bot.slack.errors import error_name

log = logging.getLogger(__name__)
K = TypeVar("K")
V = TypeVar("V")
# Set while a submission waits for its ack: look-ups then use the quick client.
_before_ack: contextvars.ContextVar[bool] = contextvars.ContextVar("before_ack", default=False)
LOOKUP_ERRORS = (SlackApiError, aiohttp.ClientError, TimeoutError, OSError)


class LookupFailed(Exception):
    """Slack did not answer a question about a person or the channel: access unknown."""


class TTLCache(Generic[K, V]):
    """Caches successful loads only: a failed look-up is asked again next time."""

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


@dataclass(frozen=True)
class UserInfo:
    locale: str
    name: str
    team_id: str
    enterprise_id: str
    is_stranger: bool
    real_name: str = ""  # the full name, for documents (the export); "" if Slack has none


@dataclass(frozen=True)
class Home:
    """The bot's own workspace and organisation, from auth.test."""

    team_id: str
    enterprise_id: str


@contextlib.contextmanager
def before_ack() -> Iterator[None]:
    """Look-ups inside this block (and tasks started in it) use the quick client."""
    token = _before_ack.set(True)
    try:
        yield
    finally:
        _before_ack.reset(token)


class People:
    def __init__(
        self,
        client: AsyncWebClient,
        config: Config,
        *,
        quick: AsyncWebClient | None = None,
        locale_ttl: float = 3600,
        membership_ttl: float = 60,
    ) -> None:
        self.client = client
        self.quick = quick or client
        self.config = config
        self._users: TTLCache[str, UserInfo] = TTLCache(locale_ttl)
        self._members: TTLCache[str, frozenset[str]] = TTLCache(membership_ttl)
        self._private: TTLCache[str, bool] = TTLCache(membership_ttl)
        self._home: Home | None = None

    def _api(self) -> AsyncWebClient:
        return self.quick if _before_ack.get() else self.client

    async def _call(self, method: str, **args: Any) -> dict[str, Any]:
        """`method` is the SDK's name (users_info); failures become LookupFailed."""
        try:
            resp = await getattr(self._api(), method)(**args)
        except LOOKUP_ERRORS as e:
            why = error_name(e) if isinstance(e, SlackApiError) else type(e).__name__
            log.warning("%s failed: %s", method, why)
            raise LookupFailed(method) from e
        return dict(resp.data) if isinstance(resp.data, dict) else {}

    async def user(self, user_id: str) -> UserInfo:
        async def load() -> UserInfo:
            user = (await self._call("users_info", user=user_id, include_locale=True)).get(
                "user"
            ) or {}
            profile = user.get("profile") or {}
            grid = user.get("enterprise_user") or {}
            return UserInfo(
                locale=user.get("locale") or "",
                name=profile.get("display_name") or user.get("real_name")
                or user.get("name") or user_id,
                team_id=str(user.get("team_id") or ""),
                enterprise_id=str(grid.get("enterprise_id") or user.get("enterprise_id") or ""),
                is_stranger=bool(user.get("is_stranger")),
                real_name=str(profile.get("real_name") or user.get("real_name") or ""),
            )

        return await self._users.get(user_id, load)

    async def lang(self, user_id: str) -> str:
        """The person's Slack locale's language, else the configured default."""
        try:
            info = await self.user(user_id)
        except Exception:  # network trouble must not stop a report: use the default
            log.warning("users.info unavailable; using default language")
            return self.config.language
        return lang_of_locale(info.locale, self.config.language)

    async def home(self) -> Home:
        if self._home is None:
            resp = await self._call("auth_test")
            self._home = Home(str(resp.get("team_id") or ""), str(resp.get("enterprise_id") or ""))
        return self._home

    async def is_own_org(self, user_id: str) -> bool:
        """Of the bot's own workspace, or of its Enterprise Grid organisation."""
        info, home = await self.user(user_id), await self.home()
        if info.is_stranger:
            return False
        if home.enterprise_id and info.enterprise_id == home.enterprise_id:
            return True
        return bool(home.team_id) and info.team_id == home.team_id

    async def responders_channel_private(self) -> bool:
        async def load() -> bool:
            resp = await self._call("conversations_info", channel=self.config.responders_channel)
            return bool((resp.get("channel") or {}).get("is_private"))

        return await self._private.get("responders", load)

    async def _channel_members(self) -> frozenset[str]:
        async def load() -> frozenset[str]:
            members: set[str] = set()
            cursor = None
            while True:
                args: dict[str, Any] = {"channel": self.config.responders_channel, "limit": 1000}
                if cursor:
                    args["cursor"] = cursor
                resp = await self._call("conversations_members", **args)
                members.update(resp.get("members") or [])
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return frozenset(members)

        return await self._members.get("responders", load)

    async def _hr_group_members(self) -> frozenset[str]:
        async def load() -> frozenset[str]:
            members: set[str] = set()
            for group in self.config.hr_groups:
                resp = await self._call("usergroups_users_list", usergroup=group)
                members.update(resp.get("users") or [])
            return frozenset(members)

        return await self._members.get("hr", load)

    async def hr_group_members(self) -> frozenset[str]:
        """Everyone in HR's user groups (a summons DM goes to people, never to a group)."""
        return await self._hr_group_members()

    async def is_responder(self, user_id: str) -> bool:
        if user_id not in await self._channel_members():
            return False
        if not await self.responders_channel_private():
            log.error("the responders channel is public: nobody is let in as a responder")
            return False
        return await self.is_own_org(user_id)

    async def is_hr(self, user_id: str) -> bool:
        if user_id in self.config.hr_users:
            return True
        return bool(self.config.hr_groups) and user_id in await self._hr_group_members()

    async def may_see_cases(self, user_id: str) -> bool:
        return await self.is_hr(user_id) or await self.is_responder(user_id)


async def responders_channel_verdict(
    client: AsyncWebClient, channel: str
) -> tuple[bool | None, str]:
    """(True, _) private; (False, problem) public: refuse to run; (None, why) not verified.

    Membership of the responders channel is what lets a person read case details, so
    a public channel (anyone may join) would hand every narrative to the workspace.
    """
    try:
        resp = await client.conversations_info(channel=channel)
    except SlackApiError as e:
        return None, f"Slack answered {error_name(e)}"
    except (aiohttp.ClientError, TimeoutError, OSError) as e:
        return None, f"Slack unreachable ({type(e).__name__})"
    info = resp.get("channel") or {}
    if info.get("is_private"):
        return True, "private"
    return False, (
        f"{channel} is a public channel: anyone who joins it could read "
        "every case. Make it private (channel settings → Change to a private channel) "
        "or configure a private one"
    )
