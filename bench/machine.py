"""The machine the figures come from, read at run time."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def describe() -> list[tuple[str, str]]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("CPU", _cpu_model()),
        ("Cores usable", str(cores)),
        ("RAM", _ram()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("slack-bolt / aiohttp / SQLite", _versions()),
    ]


def _versions() -> str:
    import sqlite3

    return f"{version('slack-bolt')} / {version('aiohttp')} / {sqlite3.sqlite_version}"
