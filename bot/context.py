"""What every flow needs, built once by the composition root (bot/app.py) and frozen.

Nothing here imports a flow: the context holds the loops' wake-up calls (bot/loops.py),
not the loops, so a flow can ask for deliveries without the delivery loop in reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.config import Config
from bot.domain.case import Case
from bot.domain.policy import Policy
from bot.domain.policy_versions import PolicyBook
from bot.loops import Wakeup
from bot.settings import Settings
from bot.slack.people import People
from db.store import Store

DEFAULT_WORKSPACE_URL = "https://slack.com/"


class Workspace:
    """The workspace's URL for message links, learnt once at start-up (auth.test);
    until then, and if Slack could not say, links use Slack's own host."""

    def __init__(self) -> None:
        self._url: str | None = None

    @property
    def url(self) -> str:
        return self._url or DEFAULT_WORKSPACE_URL

    def learn(self, url: str) -> None:
        if self._url is not None:
            raise RuntimeError("the workspace URL is learnt once, at start-up")
        self._url = url


@dataclass(frozen=True)
class Rules:
    """What functions on the database thread need to decide: the configuration and
    the policy (never the clients or the store they run beside)."""

    config: Config
    policies: PolicyBook

    @property
    def policy(self) -> Policy:
        """The current policy: what new cases are opened under."""
        return self.policies.current

    def policy_of(self, case: Case) -> Policy:
        """The version the case is handled under (bot/domain/policy_versions.py)."""
        return self.policies.of(case.policy_version)


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    config: Config
    policies: PolicyBook  # the current policy and every version cases were opened under
    store: Store
    clock: Clock
    client: AsyncWebClient
    people: People
    deliveries: Wakeup = field(default_factory=Wakeup)  # the delivery loop listens
    workspace: Workspace = field(default_factory=Workspace)

    @property
    def policy(self) -> Policy:
        """The current policy: new cases, the report form, HR's labels."""
        return self.policies.current

    def policy_of(self, case: Case) -> Policy:
        """The version the case is handled under: its checklist, counts and texts."""
        return self.policies.of(case.policy_version)

    @property
    def rules(self) -> Rules:
        return Rules(self.config, self.policies)

    @property
    def workspace_url(self) -> str:
        return self.workspace.url

    def kick_deliveries(self) -> None:
        """Something was queued in the outbox: the delivery loop looks now."""
        self.deliveries.set()
