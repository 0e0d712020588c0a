"""Socket Mode with the real process (`python -m bot run` with SLACK_APP_TOKEN set): a
refused token ends it with one line; an unreachable Slack or a dead link is retried and
reported by /healthz; a live link is healthy and answers envelopes; SIGTERM stops it
promptly in every state."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.demo.harness import Cast, free_port, populate
from slacksim.socket_mode import APP_TOKEN
from tests.faults.world import BotProcess, FaultSim

STOP_WITHIN = 3.0  # seconds from SIGTERM to exit, in every state


@dataclass
class SocketBot(BotProcess):
    app_token: str = APP_TOKEN

    def env(self) -> dict[str, str]:
        return {**super().env(), "SLACK_APP_TOKEN": self.app_token}

    async def healthz(self) -> tuple[int, dict[str, Any]] | None:
        try:
            async with (
                aiohttp.ClientSession() as s,
                s.get(f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as r,
            ):
                return r.status, dict(await r.json())
        except (aiohttp.ClientError, TimeoutError):
            return None

    async def wait_health(self, status: int, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited {self.proc.returncode}:\n{self.logs()[-3000:]}")
            seen = await self.healthz()
            if seen is not None and seen[0] == status:
                return seen[1]
            await asyncio.sleep(0.1)
        raise AssertionError(f"/healthz never {status} (last {seen}):\n{self.logs()[-3000:]}")

    async def stops_promptly(self) -> None:
        started = time.monotonic()
        code = await self.stop()
        took = time.monotonic() - started
        assert took < STOP_WITHIN, f"SIGTERM took {took:.1f}s:\n{self.logs()[-2000:]}"
        assert code == 0, self.logs()[-2000:]


@pytest.fixture
async def sim() -> AsyncIterator[FaultSim]:
    s = FaultSim()
    await s.start()
    populate(s)
    yield s
    await s.stop()


@pytest.fixture
async def bot(sim: FaultSim, tmp_path: Path) -> AsyncIterator[SocketBot]:
    b = SocketBot(sim, tmp_path)
    yield b
    if b.proc is not None and b.proc.poll() is None:
        b.proc.kill()
        b.proc.wait()
    assert "Traceback" not in b.logs(), b.logs()[-3000:]


async def wait_calls(sim: FaultSim, method: str, n: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while len(sim.calls_to(method)) < n:
        assert time.monotonic() < deadline, f"{method} called {len(sim.calls_to(method))} times"
        await asyncio.sleep(0.05)


async def wait_log(bot: SocketBot, text: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in bot.logs():
        assert time.monotonic() < deadline, bot.logs()
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("refusal", ["invalid_auth", "not_allowed_token_type", "token_revoked"])
async def test_a_refused_app_token_ends_the_process_with_one_line(
    sim: FaultSim, bot: SocketBot, refusal: str
) -> None:
    if refusal == "invalid_auth":
        bot.app_token = "xapp-1-A0SIM-1-wrong"  # a token Slack does not know
    else:
        sim.socket.refuse_with = refusal
    await bot.start(wait=False)
    started = time.monotonic()
    code = await bot.wait_exit(timeout=10)
    assert time.monotonic() - started < 10
    assert code == 2
    logs = bot.logs()
    lines = [ln for ln in logs.splitlines() if "SLACK_APP_TOKEN" in ln]
    assert len(lines) == 1, logs
    assert f"Slack refused it ({refusal})" in lines[0]
    assert "Traceback" not in logs
    assert len(sim.calls_to("apps.connections.open")) == 1  # no retrying a wrong token


@pytest.mark.parametrize("fault", ["dead_url", "closes_at_once", "slack_down", "refused"])
async def test_an_unreachable_slack_is_retried_unhealthy_and_sigterm_stops_it(
    sim: FaultSim, bot: SocketBot, fault: str
) -> None:
    if fault == "dead_url":  # nothing listens where apps.connections.open points
        sim.socket.url_override = f"ws://127.0.0.1:{free_port()}/link/?ticket=x"
    elif fault == "closes_at_once":
        sim.socket.close_at_once = True
    elif fault == "slack_down":
        sim.down()  # the Web API answers 503
    await bot.start(wait=False)
    if fault == "refused":  # nothing listens at the API URL at all
        await sim.refuse_connections()
        await wait_log(bot, "retry 3 in")
    else:
        await wait_calls(sim, "apps.connections.open", 3)  # retrying, not stuck
    body = await bot.wait_health(503)
    assert body == {
        "ok": False,
        "database": "ok",
        "pending_deliveries": 0,
        "socket_mode": "disconnected",
    }
    logs = bot.logs()
    assert "Socket Mode: could not connect" in logs and "retry 2 in" in logs, logs
    assert "Traceback" not in logs
    await bot.stops_promptly()


async def test_sigterm_while_apps_connections_open_hangs_stops_promptly(
    sim: FaultSim, bot: SocketBot
) -> None:
    sim.stall("apps.connections.open", 30)
    await bot.start(wait=False)
    await wait_calls(sim, "apps.connections.open", 1)
    assert (await bot.wait_health(503))["socket_mode"] == "disconnected"
    await bot.stops_promptly()


def slash_envelope(envelope_id: str, user: str, trigger: str) -> dict[str, Any]:
    """A `slash_commands` envelope as Slack sends it over the socket (the shape in
    slack-sdk's and Bolt's Socket Mode test fixtures)."""
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "token": "legacy",
            "team_id": "T0SIM",
            "team_domain": "sim",
            "channel_id": "C0GENERAL1",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/report-ch",
            "text": "",
            "api_app_id": "A0SIM",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.test/commands/T0SIM/1/x",
            "trigger_id": trigger,
        },
    }


async def test_a_live_link_is_healthy_answers_envelopes_and_survives_a_drop(
    sim: FaultSim, bot: SocketBot
) -> None:
    await bot.start(wait=False)
    body = await bot.wait_health(200)
    assert body["socket_mode"] == "connected" and body["ok"] is True

    user = Cast().employee
    trigger = sim.new_trigger(user)
    await sim.socket.send(slash_envelope("env-1", user, trigger))
    ack = await sim.socket.ack_for("env-1")
    assert ack["envelope_id"] == "env-1"
    opened = await sim.wait_for(
        lambda s: [c for c in s.calls_to("views.open") if c.args.get("trigger_id") == trigger],
        timeout=5,
    )
    assert opened[0].response["ok"], opened[0].response

    # Slack drops the link: unhealthy until the bot has a new one, then healthy again.
    await sim.socket.drop()
    assert (await bot.wait_health(503, timeout=5))["socket_mode"] == "disconnected"
    await bot.wait_health(200)
    assert len(sim.calls_to("apps.connections.open")) >= 2
    await wait_log(bot, "INFO bot.socket_mode: Socket Mode: reconnected to Slack")

    # Slack asks for a reconnect (it does so routinely): a fresh link, still answering.
    opens = len(sim.calls_to("apps.connections.open"))
    await sim.socket.send({"type": "disconnect", "reason": "refresh_requested"})
    await wait_calls(sim, "apps.connections.open", opens + 1)
    await wait_log(bot, "INFO bot.socket_mode: Socket Mode: Slack asked for a new link")
    await bot.wait_health(200)
    trigger = sim.new_trigger(user)
    await sim.socket.send(slash_envelope("env-2", user, trigger))
    assert (await sim.socket.ack_for("env-2"))["envelope_id"] == "env-2"
    assert "Traceback" not in bot.logs()
    assert json.dumps(sim.socket.received).count("env-") >= 2
    await bot.stops_promptly()


async def test_the_simulator_takes_only_the_app_token_for_apps_connections_open(
    sim: FaultSim,
) -> None:
    """As Slack does: the app-level token opens links and nothing else; the bot token
    opens none (so a mixed-up .env fails here as it would in production)."""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.demo.harness import BOT_TOKEN

    def client(token: str) -> AsyncWebClient:
        return AsyncWebClient(token=token, base_url=sim.base_url, retry_handlers=[])

    opened = await client(APP_TOKEN).apps_connections_open(app_token=APP_TOKEN)
    assert str(opened["url"]).startswith(f"ws://127.0.0.1:{sim.port}/link/?ticket=")
    for token, method, error in [
        (BOT_TOKEN, "apps.connections.open", "not_allowed_token_type"),
        ("xapp-1-other", "apps.connections.open", "invalid_auth"),
        (APP_TOKEN, "auth.test", "not_allowed_token_type"),
    ]:
        with pytest.raises(SlackApiError) as e:
            await client(token).api_call(method)
        assert e.value.response["error"] == error, (token, method)
