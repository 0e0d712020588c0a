"""3. Under Slack's rate limit: a burst of reports against ~1 message/s per channel.

The simulator answers chat.postMessage beyond its per-channel token bucket (1/s, burst 3)
with 429 + Retry-After. Every report puts 2 messages in the responders channel (card,
thread reply), so N reports need at least (2N - burst) seconds however clever the
sender. The baseline, run side by side in the same seconds on a channel of its own, is
a polite sender: one message at a time, waiting exactly Retry-After after a 429.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bench.results import MISSED, Section
from bench.stats import fmt_ratio, percentile
from bench.workload import CASE_NO, Forms, add_employees, bounded, submit, wait_until
from bot.demo.harness import BOT_TOKEN, RESPONDERS, populate, running_bot
from bot.flows.delivery.deliverer import Backoff
from slacksim import SlackSimulator

RATE, BURST = 1.0, 3
FLOOR_CHANNEL = "C0BENCHRL1"
TARGET_RATIO = 1.2


async def polite_sender(sim: SlackSimulator, n: int) -> tuple[float, int]:
    """Post n cards and n thread replies one at a time; returns (seconds, 429s)."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=sim.base_url, retry_handlers=[])
    refused = 0

    async def post(text: str, thread_ts: str | None = None) -> str:
        nonlocal refused
        while True:
            try:
                resp = await client.chat_postMessage(
                    channel=FLOOR_CHANNEL, text=text, thread_ts=thread_ts
                )
                return str(resp["ts"])
            except SlackApiError as e:
                if e.response.status_code != 429:
                    raise
                refused += 1
                await asyncio.sleep(float(e.response.headers.get("Retry-After", "1")))

    t0 = time.monotonic()
    for i in range(n):
        ts = await post(text=f"floor card {i}")
        await post(text=f"floor thread {i}", thread_ts=ts)
    return time.monotonic() - t0, refused


async def measure(n: int) -> Section:
    minimum = (2 * n - BURST) / RATE
    section = Section(
        "ratelimit",
        "Under Slack's rate limit",
        f"The simulator limits chat.postMessage to {RATE:.0f}/s per channel (burst {BURST}) "
        f"and answers 429 + Retry-After beyond it. {n} employees submit at once; the bot's "
        "delivery loop must deliver every card, thread reply and confirmation exactly once. "
        f"Theoretical minimum: {2 * n} messages in the responders channel = "
        f"({2 * n} − {BURST}) / {RATE:.0f}/s = {minimum:.0f} s. Baseline: a polite "
        "sender (one at a time, waits Retry-After) posting the same number of messages to "
        "another channel in the same seconds. One run (it is paced by the limit, not by "
        "the machine).",
        f"all delivered, none doubled; total within {TARGET_RATIO}× of the theoretical minimum",
        ["figure", "bot", "polite sender (baseline)", "theoretical minimum", "bot / baseline"],
    )
    with tempfile.TemporaryDirectory() as tmp:
        sim = SlackSimulator(token=BOT_TOKEN)
        await sim.start()
        populate(sim)
        sim.add_channel(FLOOR_CHANNEL, "bench-ratelimit", members=[])
        users = add_employees(sim, n)
        try:
            async with running_bot(Path(tmp) / "ch.db", sim=sim, backoff=Backoff()) as h:
                forms = Forms(sim, h.slack)
                views = await bounded(10, [partial(forms.open, u) for u in users])
                sim.rate_limit_per_channel(RATE, burst=BURST)
                start, before = len(sim.calls), len(sim.all_messages)
                t0 = time.monotonic()
                floor_task = asyncio.create_task(polite_sender(sim, n))
                await asyncio.gather(*(submit(h.slack, users[i], views[i], i) for i in range(n)))
                expected = before + 3 * n + 2 * n  # bot's messages + the baseline's
                await wait_until(
                    lambda: len(sim.all_messages) >= expected, 4 * minimum + 60, "burst"
                )
                floor_s, floor_429 = await floor_task
                await h.settle(30)
        finally:
            await sim.stop()
    calls = [c for c in sim.calls[start:] if c.method == "chat.postMessage"]
    ours = [c for c in calls if c.args.get("channel") != FLOOR_CHANNEL]
    ok = [c for c in ours if c.http_status == 200 and c.response.get("ok")]
    refused = [c for c in ours if c.http_status == 429]
    total = max(c.at for c in ok) - t0
    cards = [m for m in sim.messages(RESPONDERS) if not m.is_reply]
    per_case = Counter(m for c in cards for m in CASE_NO.findall(c.text or "")[:1])
    doubled = sum(1 for v in per_case.values() if v > 1)
    threads = [len(sim.replies(RESPONDERS, c.ts)) for c in cards]
    confirmations = [len(sim.dms(u)) for u in users]
    delivered_ok = len(per_case) == n and set(threads) == {1} and set(confirmations) == {1}
    conf_at = sorted(c.at - t0 for c in ok if not str(c.args.get("channel", "")).startswith("C"))
    per_second = Counter(int(c.at - t0) for c in refused)
    floor_per_second = Counter(
        int(c.at - t0) for c in calls if c.http_status == 429 and c not in ours
    )
    look = ("conversations.history", "conversations.replies")
    lookups = [c for c in sim.calls[start:] if c.method in look]
    section.add(
        "all delivered (cards / thread replies / confirmations)",
        f"{len(per_case)} / {sum(threads)} / {sum(confirmations)} of {n} each",
        f"{2 * n} messages",
        "–",
        "–",
    )
    section.add("cases with more than one card", doubled, "–", "0", "–")
    section.add(
        "total time, s",
        f"{total:.1f}",
        f"{floor_s:.1f}",
        f"{minimum:.0f}",
        fmt_ratio(total / floor_s),
    )
    section.add(
        "429 answers", len(refused), floor_429, "0", fmt_ratio(len(refused) / max(1, floor_429))
    )
    section.add(
        "429s per delivered message",
        f"{len(refused) / len(ok):.1f}",
        f"{floor_429 / (2 * n):.1f}",
        "0",
        "–",
    )
    section.add(
        "peak 429s in one second",
        max(per_second.values(), default=0),
        max(floor_per_second.values(), default=0),
        "0",
        "–",
    )
    section.add(
        "look-ups before re-posting (conversations.history/replies)", len(lookups), 0, "0", "–"
    )
    section.add(
        "employee confirmation after submitting, p50 / max s",
        f"{percentile(conf_at, 50):.1f} / {conf_at[-1]:.1f}",
        "–",
        "≈ 0",
        "–",
    )
    if not delivered_ok or doubled or total > TARGET_RATIO * minimum:
        section.verdict = MISSED
    section.notes += [
        f"Ratio to the theoretical minimum: {fmt_ratio(total / minimum)}. Every message "
        "arrived once, and the time is at the limit's floor.",
        f"429 answers: {len(refused)}; look-ups: {len(lookups)}. After a 429 "
        "the loop pauses that channel until Retry-After and then releases its posts one per "
        "second for a minute (bot/flows/delivery/pacing.py), so a burst drains at Slack's pace "
        "instead of retrying together. A 429 proves nothing was posted, so no look-up "
        "(conversations.history/replies) precedes the re-post; look-ups happen only after "
        "a timeout or a crash, when Slack may have posted.",
        "The employee's confirmation goes to their DM, a different channel, so the "
        "responders channel's limit does not hold it back (row above); the form's "
        '"recorded" screen is immediate in any case, as it travels in the submission\'s ack.',
    ]
    return section
