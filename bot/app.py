"""The composition root: builds the Bolt app, the context and the web server from settings.

Nothing here runs at import time; `build()` is called by the CLI, the demo and tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.clock import Clock, SystemClock
from bot.config import Config, ConfigError
from bot.context import AppContext
from bot.domain.policy_file import parse_policy, read_policy
from bot.domain.policy_versions import PolicyBook
from bot.flows.case.policy_version import learn_policies
from bot.flows.delivery.deliverer import Backoff, Deliverer
from bot.flows.delivery.slack_watch import WatchedWebClient
from bot.flows.reminders.loop import ReminderLoop
from bot.flows.report.intake import Intake
from bot.flows.retention import RetentionLoop
from bot.settings import Settings
from bot.slack.people import People, responders_channel_verdict
from bot.slack_http import slack_route
from db.journal import Journal, journal_dir
from db.sealed import Sealer
from db.store import Store
from handlers import register_all

log = logging.getLogger(__name__)
OAUTH_ENV = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


@contextmanager
def _without_oauth_env() -> Iterator[None]:
    """Bolt silently switches to OAuth when both variables are set; this app is
    authorised by its bot token alone, so Bolt must not see them while it is built."""
    saved = {k: os.environ.pop(k) for k in OAUTH_ENV if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


@dataclass
class Bot:
    app: AsyncApp
    ctx: AppContext
    deliverer: Deliverer
    reminders: ReminderLoop | None = None
    retention: RetentionLoop | None = None
    # The Socket Mode link's state ("connected", ...), when serving in that mode.
    link_status: Callable[[], str] | None = None
    intake: Intake | None = None

    def web_app(self) -> web.Application:
        # Our own route, not Bolt's app.web_app(): see bot/slack_http.py for why.
        web_app = web.Application()
        web_app.router.add_post(
            "/slack/events", slack_route(self.app, self.ctx.settings.signing_secret)
        )
        web_app.router.add_get("/healthz", self._healthz)
        web_app.cleanup_ctx.append(self._lifecycle)
        return web_app

    async def _healthz(self, request: web.Request) -> web.Response:
        from db.outbox import pending_count

        try:
            pending = await self.ctx.store.run(pending_count)
        except Exception as e:  # the database not answering is exactly what we report
            return web.json_response({"ok": False, "database": type(e).__name__}, status=503)
        body: dict[str, object] = {"ok": True, "database": "ok", "pending_deliveries": pending}
        if self.link_status is not None:
            # Without its link a Socket Mode bot hears nothing from Slack: unhealthy.
            body["socket_mode"] = link = self.link_status()
            if link != "connected":
                body["ok"] = False
                return web.json_response(body, status=503)
        return web.json_response(body)

    async def _lifecycle(self, _: web.Application) -> AsyncIterator[None]:
        await self.start()
        yield
        await self.stop()

    async def start(self) -> None:
        await self._check_responders_channel()
        await self.ctx.store.open()
        try:
            await learn_policies(self.ctx)  # a clash stops here (PolicyError: one line, exit 2)
        except BaseException:
            await self.ctx.store.close()
            raise
        await self._learn_workspace()
        if self.intake is not None:  # its first round commits what the last process journaled
            self.intake.start()
        self.deliverer.start()
        if self.reminders is not None:
            self.reminders.start()
        if self.retention is not None:
            self.retention.start()
        log.info("ch-responder started")

    async def stop(self) -> None:
        if self.intake is not None:
            await self.intake.stop()
        if self.reminders is not None:
            await self.reminders.stop()
        if self.retention is not None:
            await self.retention.stop()
        await self.deliverer.stop()
        await self.ctx.store.close()
        log.info("ch-responder stopped")

    async def _check_responders_channel(self) -> None:
        """A public responders channel stops start-up (ConfigError: one line, exit 2).

        If Slack cannot be asked now, the bot starts anyway (an outage must not keep
        the reports flowing into nowhere) and says so; People checks the channel again
        before letting anyone in as a responder, so nobody gets in through a public one."""
        channel = self.ctx.config.responders_channel
        private, why = await responders_channel_verdict(self.ctx.client, channel)
        if private is False:
            raise ConfigError("responders_channel", why)
        if private is None:
            log.warning(
                "could not verify that the responders channel is private (%s); starting "
                "anyway: nobody acts as a responder until Slack confirms it", why
            )

    async def _learn_workspace(self) -> None:
        # For message links in the repeat-customer flag; without it links degrade to text.
        try:
            resp = await self.ctx.client.auth_test()
            url = resp.get("url")
            if url:
                self.ctx.workspace.learn(str(url))
        except Exception as e:
            log.warning(
                "auth.test failed at start (%s); message links use the default host",
                type(e).__name__,
            )


def build(
    settings: Settings,
    config: Config,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    backoff: Backoff | None = None,
    client_timeout: float | None = None,
) -> Bot:
    client_timeout = client_timeout or settings.slack_timeout  # CH_SLACK_TIMEOUT
    backoff = backoff or Backoff(base=settings.retry_backoff)  # CH_RETRY_BACKOFF
    # The SDK's own retries (look-ups, not posts): its default 0.5 s, scaled alike.
    interval = BackoffRetryIntervalCalculator(backoff_factor=settings.retry_backoff / 2)
    if settings.oauth_env_present:
        log.warning(
            "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are set but ignored: "
            "ch-responder authorises with SLACK_BOT_TOKEN only"
        )
    client = WatchedWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        # slack-sdk annotates int, but hands it to aiohttp.ClientTimeout, which takes float.
        timeout=client_timeout,  # type: ignore[arg-type]
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(interval_calculator=interval),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2, interval_calculator=interval),
        ],
    )
    # Deliveries retry through the outbox, which looks for an earlier copy before
    # posting again; an in-client retry would skip that check and could post twice.
    delivery_client = WatchedWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=client_timeout,  # type: ignore[arg-type]
        retry_handlers=[],
    )
    # Look-ups made before a modal's ack: no retries (a 429's Retry-After would be
    # slept through inside Slack's 3 s) and a short timeout.
    quick_client = WatchedWebClient(
        token=settings.bot_token, base_url=settings.api_url, timeout=1, retry_handlers=[]
    )
    # Read once: what is parsed is what is kept under its version at start (learn_policies).
    policy_source, policy_raw = read_policy(config.policy_file)
    policy = parse_policy(policy_raw, policy_source)
    store = store or Store(settings.db_path, Sealer(settings.data_keys))
    ctx = AppContext(
        settings=settings,
        config=config,
        policies=PolicyBook(policy, policy_raw, policy_source),
        store=store,
        clock=clock or SystemClock(),
        client=client,
        people=People(client, config, quick=quick_client),
    )

    async def authorize(**_: object) -> AuthorizeResult:
        # A single-workspace app: the bot token is the authorisation. Passing this
        # avoids Bolt's auth.test on the first request.
        return AuthorizeResult(enterprise_id=None, team_id=None, bot_token=settings.bot_token)

    bolt_log = logging.getLogger("slack_bolt")
    level = bolt_log.level
    # Bolt warns that the client's token is unused in favour of `authorize`; both are
    # the same bot token here, so the warning would only alarm an admin reading logs.
    bolt_log.setLevel(logging.ERROR)
    try:
        with _without_oauth_env():
            app = AsyncApp(
                client=client,
                signing_secret=settings.signing_secret,
                authorize=authorize,
                logger=bolt_log,
            )
    finally:
        bolt_log.setLevel(level)
    # The journal beside the database, sealed with the same data key (db/journal.py).
    journal = Journal(journal_dir(store.path), store.sealer or Sealer(settings.data_keys))
    intake = Intake(ctx, journal, Backoff(base=settings.retry_backoff / 2, cap=30.0))
    register_all(app, ctx, intake)
    deliverer = Deliverer(ctx, delivery_client, backoff=backoff)  # listens to ctx.deliveries
    # Any call Slack answers after an outage sends what waits at once (issue 9, item 23).
    client.on_success = delivery_client.on_success = deliverer.slack_answered
    quick_client.on_success = deliverer.slack_answered
    return Bot(app, ctx, deliverer, ReminderLoop(ctx), RetentionLoop(ctx), intake=intake)
