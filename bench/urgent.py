"""7. Happening now: from the one tap to the safety text and to the urgent card.

Each employee types /report-ch (untimed) and taps "Happening now — I need help". Timed
from the tap's request to the views.update that shows the safety steps arriving at the
simulator (what she reads), and to the urgent card's chat.postMessage in the responders
channel (what the team sees). Beside it, the normal report in the same run: from the
full form's submission to its "recorded" screen (the ack) and to its card. One at a
time: this is latency, not throughput (section 2 measures that).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.results import MISSED, Section
from bench.stats import Spread, fmt_ratio
from bench.workload import Forms, add_employees, filled_form, wait_until
from bot.demo.harness import BOT_TOKEN, RESPONDERS, populate, running_bot
from bot.flows.delivery.deliverer import Backoff
from slacksim import Call, SlackSimulator

TARGET_SAFETY = 1.0  # seconds from the tap to the safety text ("within a second or two")
TARGET_CARD = 2.0  # seconds from the tap to the urgent card


def _card_since(sim: SlackSimulator, start: int) -> Call | None:
    for c in sim.calls[start:]:
        if (
            c.method == "chat.postMessage"
            and c.args.get("channel") == RESPONDERS
            and not c.args.get("thread_ts")
        ):
            return c
    return None


def _update_since(sim: SlackSimulator, start: int, view_id: str) -> Call | None:
    for c in sim.calls[start:]:
        if c.method == "views.update" and c.args.get("view_id") == view_id:
            return c
    return None


async def _arrived(find: Callable[[], Call | None]) -> Call:
    """Wait for the call `find` looks for; the call (its `at` is when it arrived)."""
    await wait_until(lambda: find() is not None, 10, "a tap's message")
    call = find()
    assert call is not None
    return call


async def measure(n: int, repeats: int) -> Section:
    section = Section(
        "urgent",
        "Happening now: tap to safety text and urgent card",
        f"{n} employees per repeat, one at a time, through the real bot over HTTP "
        "(in-process) with its SQLite file, intake journal and delivery loop. One tap: "
        "request sent -> the safety screen's views.update and the urgent card's "
        "chat.postMessage arriving at the simulator. Beside it (baseline), the normal "
        "report: the full form's submission -> its ack (the recorded screen) and its card. "
        f"Median (p25–p75) over all taps of {repeats} repeats.",
        f"safety text ≤ {TARGET_SAFETY:.0f} s and urgent card ≤ {TARGET_CARD:.0f} s after "
        "the tap (p75)",
        ["figure", "one tap", "normal report", "tap / report"],
    )
    tap_safety: list[float] = []
    tap_card: list[float] = []
    form_seen: list[float] = []
    form_card: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        sim = SlackSimulator(token=BOT_TOKEN)
        await sim.start()
        populate(sim)
        users = add_employees(sim, n)
        try:
            async with running_bot(Path(tmp) / "ch.db", sim=sim, backoff=Backoff()) as h:
                forms = Forms(sim, h.slack)
                for rep in range(repeats + 1):  # the first is a warm-up
                    for i, user in enumerate(users):
                        start_view = await forms.open_start(user)
                        seen = len(sim.calls)
                        t0 = time.monotonic()
                        shown = {**start_view, "state": {"values": {}}}
                        reply = await h.slack.click(user, "report.urgent", "", view=shown)
                        assert reply.status == 200, reply
                        vid = start_view["id"]
                        update = await _arrived(partial(_update_since, sim, seen, vid))
                        card = await _arrived(partial(_card_since, sim, seen))
                        view = await forms.open(user)
                        seen = len(sim.calls)
                        t1 = time.monotonic()
                        submitted = await h.slack.submit_view(user, view, filled_form(i))
                        acked = time.monotonic() - t1
                        assert submitted.status == 200, submitted
                        normal = await _arrived(partial(_card_since, sim, seen))
                        await h.settle()
                        if rep:
                            tap_safety.append(update.at - t0)
                            tap_card.append(card.at - t0)
                            form_seen.append(acked)
                            form_card.append(normal.at - t1)
        finally:
            await sim.stop()
    safety, card_s = Spread.of(tap_safety), Spread.of(tap_card)
    seen_s, normal_s = Spread.of(form_seen), Spread.of(form_card)
    ms = 1000.0

    def f(s: Spread) -> str:
        return Spread(s.median * ms, s.p25 * ms, s.p75 * ms, s.n).fmt(" ms")

    section.add("to the safety text / recorded screen", f(safety), f(seen_s),
                fmt_ratio(safety.median / seen_s.median))  # fmt: skip
    section.add("to the urgent card / card", f(card_s), f(normal_s),
                fmt_ratio(card_s.median / normal_s.median))  # fmt: skip
    if safety.p75 > TARGET_SAFETY or card_s.p75 > TARGET_CARD:
        section.verdict = MISSED
        section.notes.append("The p75 of a tap exceeded its target on this run.")
    return section
