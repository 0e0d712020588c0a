"""Small Block Kit constructors shared by the builders (plain dicts, checked in tests)."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit] or " ", "emoji": True}


def md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:3000] or " "}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": md(text), **extra}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [md(t) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label, 75), "value": value[:150]}


def button(action_id: str, label: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    b: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(label, 75)}
    if value:
        b["value"] = value[:2000]
    if style:
        b["style"] = style
    return b


def actions(block_id: str, *elements: dict[str, Any]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)[:25]}


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str = "",
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, 24)
    if close:
        view["close"] = plain(close, 24)
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view
