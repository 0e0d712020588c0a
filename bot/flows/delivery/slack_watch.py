"""A Web API client that says when Slack answers again.

After an outage the delivery loop may be waiting out a long backoff; the first call
that succeeds (a delivery, a form opening, a name looked up) proves Slack is back, so
the loop is woken at once instead of at the end of its backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse


class WatchedWebClient(AsyncWebClient):
    """`on_success` is called (synchronously, cheaply) after every call Slack answered ok."""

    on_success: Callable[[], None] | None = None

    async def api_call(self, *args: Any, **kwargs: Any) -> AsyncSlackResponse:
        resp = await super().api_call(*args, **kwargs)  # raises unless ok
        if self.on_success is not None:
            self.on_success()
        return resp
