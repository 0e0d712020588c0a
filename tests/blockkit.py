"""Checks every Block Kit payload against slack-sdk's models and the limits they skip."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 4000


def _walk(obj: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(obj, dict):
        found.append(obj)
        for v in obj.values():
            found += _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            found += _walk(v)
    return found


def _check_inputs(blocks: list[dict[str, Any]]) -> None:
    for node in _walk(blocks):
        if node.get("type") == "plain_text_input":
            ml = node.get("max_length")
            assert isinstance(ml, int) and 0 < ml <= 3000, f"plain_text_input max_length: {ml}"
            assert len(node.get("initial_value", "")) <= ml


def check_message(args: dict[str, Any]) -> None:
    blocks = args.get("blocks") or []
    if isinstance(blocks, str):
        import json

        blocks = json.loads(blocks)
    assert len(blocks) <= MAX_MESSAGE_BLOCKS, f"{len(blocks)} blocks in a message"
    assert len(str(args.get("text") or "")) <= MAX_TEXT
    for b in Block.parse_all(blocks):
        assert b is not None
        b.to_dict()  # slack-sdk validates lengths and required fields here
    _check_inputs(blocks)


def check_view(view: dict[str, Any]) -> None:
    if isinstance(view, str):
        import json

        view = json.loads(view)
    assert len(view.get("blocks", [])) <= MAX_VIEW_BLOCKS
    assert len(view.get("private_metadata", "")) <= 3000
    View(**view).to_dict()
    for b in Block.parse_all(view.get("blocks", [])):
        b.to_dict()
    _check_inputs(view.get("blocks", []))
