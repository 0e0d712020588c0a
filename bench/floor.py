"""The framework's floor: a bare Bolt AsyncApp that acks /report-ch and opens a fixed modal.

Served the way the bot is served (Bolt's aiohttp adapter), against the same simulator,
so the difference to the bot is the bot's own work. Runs in-process for latency, or as
`python -m bench.floor --port P --api-url URL` for the memory baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

SMALL_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "floor",
    "title": {"type": "plain_text", "text": "Report"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "narrative",
            "label": {"type": "plain_text", "text": "What happened"},
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
        }
    ],
}


def floor_app(token: str, secret: str, api_url: str, view: dict[str, Any]) -> AsyncApp:
    client = AsyncWebClient(token=token, base_url=api_url, timeout=3)

    async def authorize(**_: object) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id=None, bot_token=token)

    app = AsyncApp(client=client, signing_secret=secret, authorize=authorize)

    @app.command("/report-ch")
    async def report(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=view)

    return app


@asynccontextmanager
async def serving(app: AsyncApp, port: int, host: str = "127.0.0.1") -> AsyncIterator[str]:
    runner = web.AppRunner(app.web_app(path="/slack/events"), handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        yield f"http://{host}:{port}/slack/events"
    finally:
        await runner.cleanup()


async def _serve(port: int, api_url: str, token: str, secret: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with serving(floor_app(token, secret, api_url, SMALL_MODAL), port):
        print("ready", flush=True)
        await stop.wait()


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.floor")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--api-url", required=True)
    p.add_argument("--token", default="xoxb-sim-token")
    p.add_argument("--secret", default="sim-signing-secret")
    a = p.parse_args()
    asyncio.run(_serve(a.port, a.api_url, a.token, a.secret))


if __name__ == "__main__":
    main()
