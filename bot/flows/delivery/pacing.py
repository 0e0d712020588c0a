"""Pacing posts to a channel that Slack has rate-limited.

Slack allows about one message per second per channel, with short bursts. Without
pacing, every delivery refused with a 429 would retry at the same Retry-After
instant and be refused again together (measured: 452 refusals for 40 messages).
After a 429 the channel is paused until Retry-After, then its posts are released
one per interval for a while, so a burst of reports drains at Slack's pace with
few refusals. Channels never rate-limited are not slowed at all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class ChannelPacer:
    def __init__(
        self,
        interval: float = 1.0,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval  # seconds between posts to a paced channel
        self.window = window  # how long a channel stays paced after its last 429
        self._clock = clock
        self._next_slot: dict[str, float] = {}
        self._paced_until: dict[str, float] = {}

    def rate_limited(self, channel: str, retry_after: float) -> None:
        now = self._clock()
        self._paced_until[channel] = now + retry_after + self.window
        self._next_slot[channel] = max(self._next_slot.get(channel, 0.0), now + retry_after)

    def delay(self, channel: str) -> float:
        """Reserve this channel's next slot; how long to wait for it (0 if not paced)."""
        now = self._clock()
        if now >= self._paced_until.get(channel, 0.0):
            return 0.0
        slot = max(now, self._next_slot.get(channel, now))
        self._next_slot[channel] = slot + self.interval
        return slot - now

    async def wait_turn(self, channel: str, stopping: asyncio.Event) -> bool:
        """Wait for the channel's slot; False if the loop is stopping meanwhile."""
        wait = self.delay(channel)
        if wait <= 0:
            return True
        try:
            await asyncio.wait_for(stopping.wait(), timeout=wait)
        except TimeoutError:
            return True
        return False
