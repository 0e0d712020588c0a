"""The one shape of every background loop: start, stop, wake, a tick, a next wait.

The delivery, reminder, retention and intake loops each subclass `Loop` and say only
what a tick does and how long to wait after it. A loop is woken through its `Wakeup`,
which can be built before the loop (and before the context that hands it to flows),
so whoever must wake the loop needs no reference to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class Wakeup:
    """A wake-up call for one loop: `set()` from anywhere on the event loop."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def set(self) -> None:
        self.event.set()


class Loop(ABC):
    name = "loop"

    def __init__(self, wakeup: Wakeup | None = None) -> None:
        self.wakeup = wakeup or Wakeup()
        self.stopping = asyncio.Event()  # set by stop(); a tick may look at it
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self.wakeup.set()

    def start(self) -> None:
        self.stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Ask the loop to stop and wait until its current tick has finished."""
        self.stopping.set()
        self.wakeup.set()
        if self._task is not None:
            await self._task
            self._task = None

    @abstractmethod
    async def tick(self) -> object:
        """One round of work. An exception is handed to `after_error`, then the loop
        goes on: a background loop never dies of one bad round."""

    @abstractmethod
    async def next_wait(self) -> float:
        """Seconds until the next round (a wake-up ends the wait early)."""

    async def after_error(self, error: Exception) -> float:
        """Log a round that raised and return the wait; subclasses name expected errors."""
        log.exception("%s tick failed; trying again", self.name, exc_info=error)
        return 1.0

    async def finish(self) -> None:
        """Runs once after the last tick (e.g. wait for work still in flight)."""
        return None

    async def _run(self) -> None:
        wake = self.wakeup.event
        while not self.stopping.is_set():
            # Cleared before the tick, not after: a wake-up (or stop) that arrives while
            # the tick runs must not be lost, or the work it announces (a new report,
            # a shutdown) would wait for the next timeout.
            wake.clear()
            try:
                await self.tick()
                wait = await self.next_wait()
            except Exception as e:
                wait = await self.after_error(e)
            if self.stopping.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=wait)
        await self.finish()
