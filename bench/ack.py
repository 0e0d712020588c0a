"""1. Acknowledgement latency of /report-ch, against a bare Bolt app in the same run.

Each round, N employees type /report-ch at once. Per request: sent -> HTTP 200 (the
ack) and sent -> views.open arriving at the simulator (the employee sees the form).
The bot and the floor take turns round by round, so drift hits both alike.
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.floor import floor_app, serving
from bench.profiling import profile
from bench.results import MISSED, Section
from bench.stats import Spread, fmt_ratio, percentile
from bench.workload import FORM, add_employees, slash_body, wait_until
from bot.demo.harness import BOT_TOKEN, SIGNING_SECRET, free_port, populate, running_bot
from bot.flows.delivery.deliverer import Backoff
from bot.views.urgent import build_start_modal
from slacksim import SlackSimulator
from slacksim.requests import SlackRequests

TARGET_RATIO = 1.2
Samples = dict[str, list[float]]  # "ack" / "open" -> seconds


async def one_round(slack: SlackRequests, sim: SlackSimulator, users: list[str]) -> Samples:
    start, opened = len(sim.calls), len(sim.views_opened)
    sent: dict[str, float] = {}

    async def one(user: str) -> float:
        trigger = sim.new_trigger(user)
        body = slash_body(sim, user, trigger)
        sent[trigger] = t0 = time.monotonic()
        reply = await slack.post(body, FORM)
        assert reply.status == 200, reply
        return time.monotonic() - t0

    acks = await asyncio.gather(*(one(u) for u in users))
    await wait_until(lambda: len(sim.views_opened) >= opened + len(users), 10, "views.open")
    opens = [
        c.at - sent[c.args["trigger_id"]]
        for c in sim.calls[start:]
        if c.method == "views.open" and c.args.get("trigger_id") in sent
    ]
    return {"ack": list(acks), "open": opens}


async def measure(levels: dict[int, int], repeats: int) -> Section:
    """`levels`: concurrency -> rounds per repeat."""
    section = Section(
        "ack",
        "Acknowledgement latency of /report-ch",
        "Signed `/report-ch` requests to the real bot over HTTP (in-process, Bolt's aiohttp "
        "adapter) with N employees at once; latency from sending to HTTP 200 (ack) and to "
        "`views.open` arriving at the simulator. Baseline (floor): a bare Bolt `AsyncApp` "
        "served the same way against the same simulator that acks and opens a fixed modal "
        "(the bot's own form, built once). Rounds alternate bot/floor. Locale lookups are "
        "warm (cached for an hour in production). p50/p99 per repeat; median (p25–p75) "
        f"over {repeats} repeats; ratio = median of paired bot/floor ratios.",
        f"bot within {TARGET_RATIO}× of the floor at p50 and p99; far inside Slack's 3 s",
        [
            "N",
            "to",
            "bot p50 ms",
            "floor p50 ms",
            "p50 ratio",
            "bot p99 ms",
            "floor p99 ms",
            "p99 ratio",
            "samples/repeat",
        ],
    )
    with tempfile.TemporaryDirectory() as tmp:
        sim = SlackSimulator(token=BOT_TOKEN)
        await sim.start()
        populate(sim)
        users = add_employees(sim, max(levels))
        try:
            async with running_bot(Path(tmp) / "ch.db", sim=sim, backoff=Backoff()) as h:
                # The first modal /report-ch opens (issue 11), the same for the floor.
                form = build_start_modal("ja", h.bot.ctx.policy, ())
                async with serving(
                    floor_app(BOT_TOKEN, SIGNING_SECRET, sim.base_url, form), free_port()
                ) as floor_url:
                    floor = SlackRequests(floor_url, SIGNING_SECRET, sim, h.slack.session)
                    targets = {"bot": h.slack, "floor": floor}
                    for t in targets.values():  # warm-up: connections, caches, imports
                        await one_round(t, sim, users)
                    missed = await _run(section, sim, users, targets, levels, repeats)
                    build_ms = _form_build_ms(h.bot.ctx.policy)
                    if missed:
                        listeners = len(getattr(h.bot.app, "_async_listeners", []))
                        no_gc = await _p99_without_gc(sim, users, targets, levels)
                        section.notes += [
                            "With Python's cyclic garbage collector off for one more set "
                            "of the same rounds (measured in this run), the p99 ratio of "
                            "the ack is "
                            + ", ".join(f"{fmt_ratio(r)} at N = {n}" for n, r in no_gc.items())
                            + ". A full collection walks the whole process's heap (bot, "
                            "simulator, load generator and floor share it) and pauses the "
                            "one event loop for tens of milliseconds; it lands in whichever "
                            "app's round is running, so where it falls moves from run to "
                            "run. `gc.freeze()` after start-up was tried: it moved the miss "
                            "from N = 10 to N = 50 rather than removing it, so it was not "
                            "adopted.",
                            "Why: the work the bot adds per request is small: a cached "
                            "locale look-up and building the first modal, "
                            f"{build_ms:.2f} ms (median of 200 builds, measured in this "
                            "run), too little to explain a miss of milliseconds. Another "
                            f"candidate is Bolt's dispatch: the bot registers {listeners} "
                            "listeners and Bolt tries their matchers in order for every "
                            "request; the floor has one. Run-to-run variation on this "
                            "shared 2-core machine is of the same size as the misses (see "
                            "the p25–p75 spreads; the generator, the simulator and both "
                            "apps share one event loop), so a miss in one row is not yet "
                            "evidence of a cause.",
                            "What would fix it, if it holds up on a quiet machine "
                            "(`--full`): build the first modal once per language (it has "
                            "no date in it) and order listeners so "
                            "/report-ch matches first; both are small.",
                            "The profile below is N = 50 rounds of the bot only, with the "
                            "simulator and load generator in the same loop; JSON and "
                            "aiohttp time is mostly theirs.",
                        ]
                    if missed:
                        n = max(levels)
                        section.profile = await profile(
                            lambda: _rounds(h.slack, sim, users[:n], levels[n])
                        )
        finally:
            await sim.stop()
    return section


async def _p99_without_gc(
    sim: SlackSimulator,
    users: list[str],
    targets: dict[str, SlackRequests],
    levels: dict[int, int],
) -> dict[int, float]:
    """N -> bot/floor p99 of the ack over one repeat with the cyclic collector off."""
    out: dict[int, float] = {}
    gc.collect()
    gc.disable()
    try:
        for n, rounds in levels.items():
            got: dict[str, list[float]] = {k: [] for k in targets}
            for r in range(rounds):
                order = list(targets) if r % 2 == 0 else list(reversed(targets))
                for name in order:
                    got[name] += (await one_round(targets[name], sim, users[:n]))["ack"]
            out[n] = percentile(got["bot"], 99) / percentile(got["floor"], 99)
    finally:
        gc.enable()
    return out


def _form_build_ms(policy: Any) -> float:
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        build_start_modal("ja", policy, ())
        times.append(time.perf_counter() - t0)
    return 1000 * percentile(times, 50)


async def _rounds(slack: SlackRequests, sim: SlackSimulator, users: list[str], k: int) -> None:
    for _ in range(k):
        await one_round(slack, sim, users)


async def _run(
    section: Section,
    sim: SlackSimulator,
    users: list[str],
    targets: dict[str, SlackRequests],
    levels: dict[int, int],
    repeats: int,
) -> bool:
    missed = False
    for n, rounds in levels.items():
        per_rep: dict[tuple[str, str, int], list[float]] = {}
        samples = 0
        for _ in range(repeats):
            got: dict[str, Samples] = {k: {"ack": [], "open": []} for k in targets}
            for r in range(rounds):
                order = list(targets) if r % 2 == 0 else list(reversed(targets))
                for name in order:
                    res = await one_round(targets[name], sim, users[:n])
                    for kind, vals in res.items():
                        got[name][kind] += vals
            samples = len(got["bot"]["ack"])
            for name, kinds in got.items():
                for kind, vals in kinds.items():
                    for p in (50, 99):
                        per_rep.setdefault((name, kind, p), []).append(percentile(vals, p))
        for kind, label in (("ack", "HTTP 200"), ("open", "views.open")):
            cells: list[str] = [str(n), label]
            for p in (50, 99):
                bot, flo = per_rep[("bot", kind, p)], per_rep[("floor", kind, p)]
                ratios = Spread.of([b / f for b, f in zip(bot, flo, strict=True)])
                missed |= ratios.median > TARGET_RATIO
                cells += [
                    Spread.of([1000 * v for v in bot]).fmt(),
                    Spread.of([1000 * v for v in flo]).fmt(),
                    fmt_ratio(ratios.median) + ("" if ratios.median <= TARGET_RATIO else " ✗"),
                ]
            section.add(*cells, samples)
    if missed:
        section.verdict = MISSED
    return missed
