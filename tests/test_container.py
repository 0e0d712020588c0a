"""The container image runs the same `ch-responder run` as the README, as a non-root
user, with the database on a volume and a health check on /healthz; compose agrees."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text("utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def exec_form(rest: str) -> list[str]:
    value = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
    assert isinstance(value, list)
    return [str(v) for v in value]


def test_the_image_runs_ch_responder_run() -> None:
    ins = instructions()
    entry = [exec_form(r) for w, r in ins if w == "ENTRYPOINT"][-1]
    cmd = [exec_form(r) for w, r in ins if w == "CMD"][-1]
    assert entry + cmd == ["ch-responder", "run"]
    assert next(r for w, r in ins if w == "FROM").startswith("python:3.11-slim")


def test_the_image_runs_as_a_non_root_user_with_data_on_a_volume() -> None:
    ins = instructions()
    user = [r for w, r in ins if w == "USER"][-1]
    assert user not in ("root", "0") and not user.startswith("0:")
    # USER comes after the last RUN: nothing later runs as root.
    last_run = max(i for i, (w, _) in enumerate(ins) if w == "RUN")
    assert max(i for i, (w, _) in enumerate(ins) if w == "USER") > last_run
    assert any("/data" in exec_form(r) for w, r in ins if w == "VOLUME")
    env = " ".join(r for w, r in ins if w == "ENV")
    assert "CH_DB=/data/" in env


def test_the_health_check_asks_healthz() -> None:
    checks = [r for w, r in instructions() if w == "HEALTHCHECK"]
    assert len(checks) == 1 and "CMD" in checks[0]
    assert re.search(r"/healthz\b", checks[0])


def test_compose_uses_the_same_image_and_volume() -> None:
    # No YAML parser is a dependency; the file is small and flat enough to read by line.
    text = (ROOT / "compose.yaml").read_text("utf-8")
    lines = [ln.split("#")[0].rstrip() for ln in text.splitlines()]
    assert "  ch-responder:" in lines
    assert "    build: ." in lines
    assert "    image: ch-responder:latest" in lines
    assert not any(ln.strip().startswith(("command:", "entrypoint:")) for ln in lines)
    volume = next(ln.split("- ")[1] for ln in lines if ln.strip().endswith(":/data"))
    assert f"  {volume.split(':')[0]}:" in lines[lines.index("volumes:"):]
    assert "      CH_DB: /data/ch-responder.db" in lines
