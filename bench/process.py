"""The bot, or the bare Bolt floor, as a separate process: for resident memory.

In-process figures would mix the bot's memory with the simulator's and the load
generator's, so memory is read from /proc/<pid>/status of a process of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bot.demo.harness import BOT_TOKEN, SIGNING_SECRET, free_port, sample_config
from db.sealed import new_key
from slacksim import SlackSimulator

ROOT = Path(__file__).resolve().parent.parent
# Settings the bot would otherwise pick up from the developer's shell.
STRIP = ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "CH_DATA_KEY_PREVIOUS")


def toml(data: dict[str, Any], prefix: str = "") -> str:
    """Just enough TOML for sample_config(): strings, lists of strings, nested tables."""
    plain = [f"{k} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    out = "\n".join(plain) + ("\n" if plain else "")
    for k, v in data.items():
        if isinstance(v, dict):
            name = f"{prefix}{k}"
            if any(not isinstance(x, dict) for x in v.values()):
                out += f"\n[{name}]\n"
            out += toml(v, name + ".")
    return out


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


async def settled_rss(pid: int, samples: int = 3, gap: float = 0.5) -> float:
    """Median VmRSS in MiB over a few readings, after a moment's quiet."""
    values = []
    for _ in range(samples):
        await asyncio.sleep(gap)
        values.append(rss_kib(pid) / 1024)
    return float(statistics.median(values))


async def _wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as s:
        while True:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with s.get(url) as r:
                    if r.status < 500:
                        return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not answering after {timeout}s")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def _process(
    args: list[str], env: dict[str, str], log: Path, probe: str
) -> AsyncIterator[int]:
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *args, env=env, cwd=ROOT, stdout=out, stderr=out
        )
        try:
            await _wait_http(probe)
            yield proc.pid
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 30)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in STRIP}
    env.update(extra)
    return env


@asynccontextmanager
async def bot_process(sim: SlackSimulator, tmp: Path) -> AsyncIterator[tuple[int, str]]:
    """`python -m bot run` against the simulator; yields (pid, events URL)."""
    port = free_port()
    config = tmp / "ch-responder.toml"
    config.write_text(toml(sample_config()))
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        CH_HASH_KEY="bench-hash-key-0123456789",
        CH_DATA_KEY=new_key(),
        SLACK_API_URL=sim.base_url,
        CH_CONFIG=str(config),
        CH_DB=str(tmp / "ch.db"),
        PORT=str(port),
    )
    base = f"http://127.0.0.1:{port}"
    async with _process(["-m", "bot", "run"], env, tmp / "bot.log", base + "/healthz") as pid:
        yield pid, base + "/slack/events"


@asynccontextmanager
async def floor_process(sim: SlackSimulator, tmp: Path) -> AsyncIterator[tuple[int, str]]:
    """The bare Bolt app (bench.floor) as a process; yields (pid, events URL)."""
    port = free_port()
    args = ["-m", "bench.floor", "--port", str(port), "--api-url", sim.base_url]
    base = f"http://127.0.0.1:{port}"
    async with _process(args, _env(), tmp / "floor.log", base + "/slack/events") as pid:
        yield pid, base + "/slack/events"
