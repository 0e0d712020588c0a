"""`python -m bench [--full] [--out BENCHMARKS.md] [--only NAME[,NAME]]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bench import ack, hr, machine, memory, ratelimit, reminder_tick, reports, urgent
from bench.results import Section, render


@dataclass(frozen=True)
class Sizes:
    ack_levels: dict[int, int]  # concurrent employees -> rounds per repeat
    repeats: int
    reports: int
    burst: int
    hr_sizes: list[int]
    opens: list[int]
    dues: list[int]
    memory_reports: int
    urgent_taps: int = 20  # employees tapping "happening now", one at a time


QUICK = Sizes({1: 60, 10: 12, 50: 4}, 3, 100, 20, [100_000], [10_000, 100_000],
              [10, 100, 1000], 1_000)  # fmt: skip
FULL = Sizes({1: 200, 10: 40, 50: 12}, 5, 500, 60, [1_000_000], [10_000, 100_000],
             [10, 100, 1000], 10_000)  # fmt: skip


def measurements(s: Sizes) -> dict[str, Callable[[], Awaitable[Section]]]:
    return {
        "ack": lambda: ack.measure(s.ack_levels, s.repeats),
        "reports": lambda: reports.measure(s.reports, s.repeats),
        "ratelimit": lambda: ratelimit.measure(s.burst),
        "hr": lambda: hr.measure(s.hr_sizes, s.repeats),
        "reminders": lambda: reminder_tick.measure(s.opens, s.dues, s.repeats),
        "memory": lambda: memory.measure(s.memory_reports),
        "urgent": lambda: urgent.measure(s.urgent_taps, s.repeats),
    }


async def run_all(names: list[str], sizes: Sizes) -> list[Section]:
    todo = measurements(sizes)
    out = []
    for name in names:
        t0 = time.monotonic()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        section = await todo[name]()
        print(
            f"bench: {name} {section.verdict} ({time.monotonic() - t0:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        out.append(section)
    return out


def main(argv: list[str] | None = None) -> int:
    names = list(measurements(QUICK))
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--full", action="store_true", help="the issue's full sizes (slow)")
    p.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    p.add_argument("--only", help=f"comma-separated, from: {', '.join(names)}")
    args = p.parse_args(argv)
    chosen = args.only.split(",") if args.only else names
    unknown = [n for n in chosen if n not in names]
    if unknown:
        p.error(f"unknown measurement(s): {', '.join(unknown)}")
    # The bot logs every delivery and each 429 retry; only real errors belong here.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    sizes = FULL if args.full else QUICK
    t0 = time.monotonic()
    sections = asyncio.run(run_all(chosen, sizes))
    command = "python -m bench" + " ".join(["", *(argv if argv is not None else sys.argv[1:])])
    info = [*machine.describe(), ("Mode", "full" if args.full else "quick")]
    info.append(("Suite wall time", f"{time.monotonic() - t0:.0f} s"))
    args.out.write_text(render(info, command.rstrip(), sections))
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
