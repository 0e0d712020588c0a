"""check-config warns when a person a case happening now asks to go by name (a site's
supervisor, the backup rotation) is not in the responders channel (issue 11). The real
command, against the Slack simulator."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.demo.harness import Cast, populate, sample_config
from db.sealed import new_key
from slacksim import SlackSimulator
from tests.test_cli_config import ROOT, toml

CAST = Cast()
TOKEN = "xoxb-check-config"


async def check_config(tmp_path: Path, sim: SlackSimulator, extra: str) -> tuple[int, str]:
    data = sample_config(CAST)
    data["rotations"]["backup"] = {"members": [CAST.responder, CAST.hr],
                                   "start": "2026-01-05T09:00:00+09:00", "shift": "1d"}  # fmt: skip
    cfg = tmp_path / "ch.toml"
    cfg.write_text(toml(data) + extra, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CH_"))}
    env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET="s", CH_HASH_KEY="k" * 20,
               CH_DATA_KEY=new_key(), CH_CONFIG=str(cfg), CH_DB=str(tmp_path / "db"),
               SLACK_API_URL=sim.base_url, PYTHONPATH=str(ROOT))  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check-config", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode() + err.decode()


async def test_check_config_warns_of_a_supervisor_or_backup_outside_the_channel(
    tmp_path: Path,
) -> None:
    sites = (
        '[[sites]]\nid = "shibuya"\nname = "渋谷店"\n'
        f'supervisors = ["{CAST.responder2}", "{CAST.employee_en}"]\n'
    )
    async with SlackSimulator(token=TOKEN) as sim:
        populate(sim, CAST)
        code, out = await check_config(tmp_path, sim, sites)
    assert code == 0, out
    assert "configuration OK" in out
    lines = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(lines) == 2, out
    assert f"sites.shibuya.supervisors: {CAST.employee_en} is not in the responders" in lines[0]
    assert f"rotations.backup: {CAST.hr} is not in the responders channel" in lines[1]
    assert CAST.responder2 not in out.split("configuration OK")[1].split("legal:")[0]
