"""A delivery as Slack will receive it, and why one cannot be rendered yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.views.common import Block


@dataclass(frozen=True)
class Outgoing:
    channel: str
    text: str
    blocks: list[Block]
    thread_ts: str | None = None

    def args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "channel": self.channel,
            "text": self.text,
            "blocks": self.blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if self.thread_ts:
            args["thread_ts"] = self.thread_ts
        return args


class NotReady(Exception):
    """The delivery depends on a message that has not reached Slack yet."""


class Gone(Exception):
    """The delivery has nothing left to post (its stored message was purged)."""
