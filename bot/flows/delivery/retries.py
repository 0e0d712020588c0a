"""When a failed delivery is tried again: exponential backoff on the monotonic clock.

The outbox keeps a wall-clock `next_attempt_at` so that a restart knows what is due;
but inside the process a retry is timed by `time.monotonic`, which an NTP step or an
operator setting the clock cannot move. (A wall-clock schedule stalled every retry by
the size of a backward step.) After Slack answers again, retries waiting out a
transient failure are made due at once and their backoff starts over.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Backoff:
    base: float = 1.0
    cap: float = 300.0

    def delay(self, failures: int) -> float:
        return float(min(self.cap, self.base * 2 ** max(0, failures - 1)))


@dataclass
class _Wait:
    at: float  # monotonic time the retry is due
    transient: bool  # a 5xx, timeout or refused connection: Slack itself was the problem


class RetrySchedule:
    def __init__(self, backoff: Backoff, clock: Callable[[], float] = time.monotonic) -> None:
        self.backoff = backoff
        self._clock = clock
        self._waits: dict[int, _Wait] = {}
        self._failures: dict[int, int] = {}  # consecutive failures since the last reset

    def failed(self, delivery_id: int, *, transient: bool, after: float | None = None) -> float:
        """Schedule the retry of a failed delivery; returns the delay in seconds."""
        n = self._failures.get(delivery_id, 0) + 1
        self._failures[delivery_id] = n
        delay = after if after is not None else self.backoff.delay(n)
        self._waits[delivery_id] = _Wait(self._clock() + delay, transient)
        return delay

    def started(self, delivery_id: int) -> None:
        """Its retry is under way: no longer waiting (the failure count stays)."""
        self._waits.pop(delivery_id, None)

    def done(self, delivery_id: int) -> None:
        """Delivered or given up: nothing more to schedule."""
        self._waits.pop(delivery_id, None)
        self._failures.pop(delivery_id, None)

    def split(self) -> tuple[list[int], list[int]]:
        """(ids whose retry is due, ids still waiting), by the monotonic clock."""
        now = self._clock()
        ready = [i for i, w in self._waits.items() if w.at <= now]
        waiting = [i for i, w in self._waits.items() if w.at > now]
        return ready, waiting

    def seconds_until_next(self) -> float | None:
        if not self._waits:
            return None
        return min(w.at for w in self._waits.values()) - self._clock()

    def known(self) -> set[int]:
        return set(self._waits)

    def slack_is_back(self) -> bool:
        """Make transient waits due now with a fresh backoff; True if there were any."""
        now = self._clock()
        woke = False
        for i, w in self._waits.items():
            if w.transient and w.at > now:
                w.at = now
                self._failures[i] = 0
                woke = True
        return woke
