"""Only requests signed by Slack, recently, are served."""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness, running_bot


def slash_body(h: Harness) -> str:
    return urlencode({"command": "/report-ch", "text": "", "user_id": h.cast.employee,
                      "team_id": "T0SIM", "trigger_id": h.sim.new_trigger(h.cast.employee),
                      "channel_id": "C0GENERAL1", "api_app_id": "A0SIM"})


async def test_forged_signature_is_refused(h: Harness) -> None:
    body = slash_body(h)
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Request-Timestamp": str(int(time.time())),
               "X-Slack-Signature": "v0=" + "0" * 64}
    async with h.slack.session.post(h.url, data=body, headers=headers) as resp:
        assert resp.status == 401
    assert h.sim.calls_to("views.open") == []


async def test_stale_timestamp_is_refused(h: Harness) -> None:
    reply = await h.slack.post(slash_body(h), "application/x-www-form-urlencoded",
                               timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401
    assert h.sim.calls_to("views.open") == []


async def test_missing_signature_is_refused(h: Harness) -> None:
    async with h.slack.session.post(h.url, data=slash_body(h)) as resp:
        assert resp.status == 401


async def test_oauth_variables_do_not_change_how_the_app_authorises(
        tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "shh")
    async with running_bot(tmp_path / "db", clock=clock) as h:
        assert os.environ["SLACK_CLIENT_ID"] == "123.456"  # left as it was
        assert h.bot.app.oauth_flow is None
        reply = await h.report(h.cast.employee_en)
        assert reply.status == 200
        await h.settle()
        assert len(h.sim.messages(RESPONDERS)) == 1
        # No OAuth routes appeared either.
        base = h.url.replace("/slack/events", "")
        async with h.slack.session.get(base + "/slack/install") as resp:
            assert resp.status == 404
