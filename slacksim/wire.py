"""The wire-level pieces every Web API area shares: Slack's error bodies, argument
decoding, pagination, and the fault and rate-limit rules the simulator can inject."""

from __future__ import annotations

import contextlib
import json
import math
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from slacksim.model import JSON_FIELDS, Args, Body, Message


@dataclass
class Trigger:
    user_id: str
    expires_at: float
    used: bool = False


@dataclass
class Fault:
    method: str
    remaining: int
    status: int = 0
    retry_after: int = 1
    seconds: float = 0.0
    error: str | None = None

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and self.method in ("*", method)


@dataclass
class Answer:
    status: int
    body: Body | str
    headers: dict[str, str] = field(default_factory=dict)


class SlackError(Exception):
    """Raised by handlers: the argument is Slack's error name, answered with HTTP 200."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class Bucket:
    """Token bucket: Slack allows ~1 message/s per channel with short bursts."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.last = float(burst), time.monotonic()

    def take(self) -> int:
        """Return 0 if allowed, else the whole seconds to wait (>= 1)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


def error(error: str, **extra: Any) -> Body:
    return {"ok": False, "error": error, **extra}


def invalid_arguments(*messages: str) -> Body:
    return error("invalid_arguments", response_metadata={"messages": list(messages)})


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def ts_key(ts: Any) -> Decimal:
    try:
        return Decimal(str(ts))
    except InvalidOperation:
        return Decimal(0)


def decode_json_fields(args: Args) -> None:
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            # Keep unparsable values raw: the simulator records bad input, it does not judge.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)


def in_range(messages: list[Message], args: Args) -> list[Message]:
    """Messages between `oldest` and `latest` (exclusive unless `inclusive`), as Slack."""
    inclusive = truthy(args.get("inclusive"))
    oldest, latest = args.get("oldest"), args.get("latest")
    return [
        m
        for m in messages
        if (oldest is None or ts_key(m.ts) > ts_key(oldest) or (inclusive and m.ts == oldest))
        and (latest is None or ts_key(m.ts) < ts_key(latest) or (inclusive and m.ts == latest))
    ]


def paginate(items: list[Any], args: Args, default_limit: int = 100) -> tuple[list[Any], str]:
    """Offset cursor pagination; returns (page, next_cursor)."""
    try:
        limit = int(args.get("limit") or default_limit)
        start = int(str(args.get("cursor") or "offset:0").removeprefix("offset:"))
    except ValueError:
        raise SlackError("invalid_cursor") from None
    limit = max(1, limit)
    end = start + limit
    return items[start:end], (f"offset:{end}" if end < len(items) else "")


def take(rules: list[Fault], method: str) -> Fault | None:
    """The first rule still pending for ``method``, counted down (None if none)."""
    for rule in rules:
        if rule.matches(method):
            rule.remaining -= 1
            return rule
    return None


async def read_args(request: web.Request) -> Args:
    """Merge query string and body (JSON, urlencoded or multipart); body wins."""
    args: Args = dict(request.query)
    # body_exists, not can_read_body: the body may have been read (and cached) already.
    if request.body_exists:
        if request.content_type == "application/json":
            raw = await request.text()
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("JSON body is not an object")
            args.update(body)
        else:
            form = await request.post()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
    decode_json_fields(args)
    return args
