"""5. The reminder loop: time per tick against what is open and what is due.

Open cases come from the HR engineer's generator (bench/gen_cases.py), turned into
cases still waiting for an acknowledgement, each with a reminder due weeks ahead. Before
each tick, D of them get a reminder due now. The tick is the bot's own
(`ReminderLoop.tick(now)`, bot/flows/reminders/loop.py) with its real store and Slack client
against the simulator. Baseline in the same run: a hand-written scan of every pending
reminder (what a loop without the partial index `reminders_pending_due` would do).
"""

from __future__ import annotations

import asyncio
import cProfile
import importlib.util
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from bench.profiling import summarise
from bench.results import MISSED, UNAVAILABLE, Section
from bench.stats import Spread, fmt_ratio
from bot.demo.harness import BOT_TOKEN, DATA_KEY, RESPONDERS, SIGNING_SECRET, sample_config
from slacksim import SlackSimulator

TARGET_S = 1.0  # 100 due over 100,000 open
TARGET_GROWTH = 1.5  # t(most open) / t(fewest open) at the same due


def available() -> bool:
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("bench.gen_cases", "db.reminders", "bot.flows.reminders.loop")
    )


def _prepare(path: Path, n_open: int) -> list[int]:
    from bench.gen_cases import END, generate
    from db.store import open_database

    generate(path, n_open)
    db = open_database(path)
    db.execute(
        "UPDATE cases SET status = 'new', acknowledged_at = NULL, closed_at = NULL,"
        " card_channel = ?, card_ts = COALESCE(card_ts, '1764300000.000100')",
        [RESPONDERS],
    )
    rng = random.Random(11)
    ids = [r[0] for r in db.execute("SELECT id FROM cases").fetchall()]
    rows = [
        (f"ack:{i}:1", i, "ack", "", 1, (END + timedelta(days=1 + 30 * rng.random())).isoformat(),
         END.isoformat())
        for i in ids
    ]  # fmt: skip
    with db.atomic():
        db.conn.executemany(
            "INSERT OR IGNORE INTO reminders (key, case_id, kind, chain, attempt, due_at,"
            " created_at, failures) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            rows,
        )
    db.close()
    return ids


def _make_due(db: sqlite_utils.Database, ids: list[int], tag: str, now: Any) -> None:
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO reminders (key, case_id, kind, chain, attempt, due_at, created_at,"
            " failures) VALUES (?, ?, 'ack', '', 3, ?, ?, 0)",
            [(f"ack:{i}:{tag}", i, (now - timedelta(minutes=1)).isoformat(), now.isoformat())
             for i in ids],
        )  # fmt: skip


async def _store_profile(bot: Any, ids: list[int], d: int, now: Any) -> str:
    """Profile one tick on the store's own thread, where the SQL runs."""
    prof = cProfile.Profile()
    store = bot.ctx.store
    await store.run(_make_due, random.Random(1).sample(ids, d), "prof", now)
    main = cProfile.Profile()
    await store.run(lambda _db: prof.enable())
    main.enable()
    try:
        await bot.reminders.tick(now)
    finally:
        main.disable()
        await store.run(lambda _db: prof.disable())
    return (
        "event loop (bot, its Slack client and the simulator), one tick:\n"
        + summarise(main, 12)
        + "\nstore thread (SQLite), the same tick:\n"
        + summarise(prof, 8)
    )


def _naive_scan(db: sqlite_utils.Database, now: Any) -> int:
    # Every pending reminder, filtered in Python: O(open), no index.
    cutoff = now.isoformat()
    return sum(1 for _, due in db.execute(
        "SELECT id, due_at FROM reminders WHERE +fired_at IS NULL") if due <= cutoff)  # fmt: skip


async def measure(opens: list[int], dues: list[int], repeats: int) -> Section:
    section = Section(
        "reminders",
        "Reminder loop",
        __doc__.split("\n\n", 1)[1].replace("\n", " ").strip() if __doc__ else "",
        f"{dues[1] if len(dues) > 1 else dues[0]} due over {max(opens):,} open: ≤ {TARGET_S:.0f} s "
        f"per tick; at the same due, ≤ {TARGET_GROWTH}× from {min(opens):,} to "
        f"{max(opens):,} open (grows with due, not with open)",
        [
            "open",
            "due",
            "tick ms",
            "posted",
            "due() query ms",
            "full scan ms (baseline)",
            "due() / scan",
        ],
    )
    if not available():
        section.verdict = UNAVAILABLE
        section.notes.append("bench/gen_cases.py or the reminder loop is not in the tree yet.")
        return section
    from bench.gen_cases import END
    from bot.app import build
    from bot.clock import FixedClock
    from bot.config import parse_config
    from bot.settings import Settings
    from db import reminders

    now = END + timedelta(minutes=1)
    ticks: dict[tuple[int, int], float] = {}
    sim = SlackSimulator(token=BOT_TOKEN)
    await sim.start()
    try:
        for n_open in opens:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "ch.db"
                ids = await asyncio.to_thread(_prepare, path, n_open)
                settings = Settings(
                    bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, app_token=None,
                    api_url=sim.base_url, config_path=Path("x.toml"), db_path=path,
                    hash_key=b"bench-hash-key-0123456789", port=0, data_keys=(DATA_KEY,),
                )  # fmt: skip
                config = parse_config(sample_config(), Path("."))
                bot = build(settings, config, clock=FixedClock(now))
                assert bot.reminders is not None
                store = bot.ctx.store
                await store.open()
                try:
                    await bot.reminders.tick(now)  # warm-up: records who is on duty
                    rng = random.Random(n_open)
                    for d in dues:
                        t_tick, t_due, t_scan, posted = [], [], [], 0
                        for rep in range(repeats):
                            await store.run(_make_due, rng.sample(ids, d), f"b{d}r{rep}", now)
                            t0 = time.perf_counter()
                            await store.run(reminders.due, now, 500)
                            t_due.append(time.perf_counter() - t0)
                            t0 = time.perf_counter()
                            await store.run(_naive_scan, now)
                            t_scan.append(time.perf_counter() - t0)
                            t0 = time.perf_counter()
                            posted = await bot.reminders.tick(now)
                            t_tick.append(time.perf_counter() - t0)
                            while await store.run(reminders.due, now, 1):  # beyond one batch
                                await bot.reminders.tick(now)
                        ticks[(n_open, d)] = statistics.median(t_tick)
                        if n_open == max(opens) and d == dues[min(1, len(dues) - 1)]:
                            section.profile = await _store_profile(bot, ids, d, now)
                        section.add(
                            f"{n_open:,}", d, Spread.of([1000 * t for t in t_tick]).fmt(),
                            posted, Spread.of([1000 * t for t in t_due]).fmt(digits=2),
                            Spread.of([1000 * t for t in t_scan]).fmt(),
                            fmt_ratio(statistics.median(t_due) / statistics.median(t_scan)),
                        )  # fmt: skip
                finally:
                    await store.close()
    finally:
        await sim.stop()
    lo, hi = min(opens), max(opens)
    growth = [ticks[(hi, d)] / ticks[(lo, d)] for d in dues]
    mid = dues[1] if len(dues) > 1 else dues[0]
    section.notes.append(
        f"At the same due, {hi:,} open vs {lo:,} open: "
        + ", ".join(f"{d} due {fmt_ratio(g)}" for d, g in zip(dues, growth, strict=True))
        + f". From {dues[0]} to {dues[-1]} due at {hi:,} open: "
        + fmt_ratio(ticks[(hi, dues[-1])] / ticks[(hi, dues[0])])
        + ". A tick handles at most 500 reminders; the rest go in the next tick."
    )
    if ticks[(hi, mid)] > TARGET_S or max(growth) > TARGET_GROWTH:
        section.verdict = MISSED
        section.notes += [
            "Why: finding what is due is not the cost: `due()` takes milliseconds at any "
            "size (the partial index), while the full scan grows with open. The tick's time "
            "is per due reminder: two hops to the store thread and one chat.postMessage, "
            "one after another (the profile: the event loop and the store thread mostly "
            "wait on each other; SQL is a small share). Where more open cases made a tick "
            "slower, it was not in the SQL (`due()` stays in milliseconds) and the "
            "ratios above go both ways across rows: check the spreads before reading a "
            "cause into one row.",
            "What would fix it: claim every due reminder in one store call (one "
            "transaction), and post with a few in flight. Against real Slack all "
            "escalations go to threads of one channel, so about 1 message/s per channel "
            "bounds a large tick anyway: a tick of 100 due takes about 100 s there, and the "
            "loop should pace itself (as the delivery loop should, measurement 3).",
        ]
    return section
