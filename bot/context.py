"""What every flow needs, built once by the composition root (bot/app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.config import Config
from bot.domain.policy import Policy
from bot.settings import Settings
from bot.slack.people import People
from db.store import Store

if TYPE_CHECKING:
    from bot.flows.delivery import Deliverer
    from bot.flows.intake import Intake


@dataclass
class AppContext:
    settings: Settings
    config: Config
    policy: Policy
    store: Store
    clock: Clock
    client: AsyncWebClient
    people: People
    workspace_url: str = "https://slack.com/"
    deliverer: Deliverer | None = None
    intake: Intake | None = None  # set by the composition root (bot/app.py)

    def kick_deliveries(self) -> None:
        if self.deliverer is not None:
            self.deliverer.kick()

    def require_intake(self) -> Intake:
        assert self.intake is not None, "bot.app.build() sets the intake"
        return self.intake
