"""Plain-text rendering of messages and views, for terminal demos and readable test output.

Best effort: it shows what a person would read in Slack, not pixel-exact layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

DIVIDER = "-" * 40
_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BROADCAST = {"here", "channel", "everyone"}


def unescape(text: str) -> str:
    # `&amp;` last, so "&amp;lt;" (a literal "&lt;" typed by someone) stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn_to_text(text: str, users: Mapping[str, str] | None = None) -> str:
    """Replace Slack's ``<...>`` tokens with readable text, then unescape entities."""
    names = users or {}

    def token(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (label or names.get(user_id, user_id))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            command = target[1:]
            if command in _BROADCAST:
                return "@" + command
            if command.startswith("subteam^"):
                return (
                    label
                    if label and label.startswith("@")
                    else "@" + (label or command.removeprefix("subteam^"))
                )
            return label or command  # e.g. <!date^...|fallback>
        return f"{label} ({target})" if label else target

    return unescape(_TOKEN.sub(token, text))


def _text_obj(obj: Any, users: Mapping[str, str]) -> str:
    if isinstance(obj, str):
        return mrkdwn_to_text(obj, users)
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    # plain_text is shown literally by Slack; only mrkdwn has tokens and entities.
    return mrkdwn_to_text(text, users) if obj.get("type") == "mrkdwn" else text


def _element(el: Any, users: Mapping[str, str]) -> str:
    if not isinstance(el, Mapping):
        return "[?]"
    kind = str(el.get("type", "?"))
    if kind == "button":
        return f"[{_text_obj(el.get('text'), users)}]"
    if kind in ("plain_text", "mrkdwn"):
        return _text_obj(el, users)
    if kind == "image":
        return f"[image: {el.get('alt_text', '')}]"
    if "placeholder" in el:
        return f"[{_text_obj(el['placeholder'], users)} v]"
    return f"[{kind}]"


def _rich_inline(el: Mapping[str, Any], users: Mapping[str, str]) -> str:
    kind = el.get("type")
    if kind == "text":
        return str(el.get("text", ""))
    if kind == "link":
        url, label = str(el.get("url", "")), el.get("text")
        return f"{label} ({url})" if label else url
    if kind == "user":
        user_id = str(el.get("user_id", ""))
        return "@" + users.get(user_id, user_id)
    if kind == "broadcast":
        return "@" + str(el.get("range", "here"))
    if kind == "channel":
        return "#" + str(el.get("channel_id", ""))
    if kind == "usergroup":
        return "@" + str(el.get("usergroup_id", ""))
    if kind == "emoji":
        return f":{el.get('name', '')}:"
    return ""


def _rich_text(block: Mapping[str, Any], users: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    for part in block.get("elements", []) or []:
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind == "rich_text_list":
            ordered = part.get("style") == "ordered"
            for i, item in enumerate(part.get("elements", []) or [], start=1):
                bullet = f"{i}." if ordered else "•"
                lines.extend(f"{bullet} {line}" for line in _rich_text({"elements": [item]}, users))
            continue
        text = "".join(
            _rich_inline(el, users)
            for el in part.get("elements", []) or []
            if isinstance(el, Mapping)
        )
        if kind == "rich_text_quote":
            lines.extend("> " + line for line in text.split("\n"))
        elif kind == "rich_text_preformatted":
            lines.extend(["```", text, "```"])
        else:
            lines.extend(text.split("\n"))
    return lines


def render_blocks(blocks: Any, users: Mapping[str, str] | None = None) -> list[str]:
    """Render a list of Block Kit blocks as lines of text."""
    names = users or {}
    lines: list[str] = []
    if not isinstance(blocks, list):
        return lines
    for block in blocks:
        if not isinstance(block, Mapping):
            lines.append("[malformed block]")
            continue
        lines.extend(_block(block, names))
    return lines


def _block(block: Mapping[str, Any], users: Mapping[str, str]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"== {_text_obj(block.get('text'), users)} =="]
    if kind == "divider":
        return [DIVIDER]
    if kind == "section":
        out = _text_obj(block.get("text"), users).split("\n") if block.get("text") else []
        for fld in block.get("fields", []) or []:
            out += ["  " + line for line in _text_obj(fld, users).split("\n")]
        if block.get("accessory"):
            out.append("  " + _element(block["accessory"], users))
        return out
    if kind == "context":
        return ["  " + " | ".join(_element(e, users) for e in block.get("elements", []) or [])]
    if kind == "actions":
        return [" ".join(_element(e, users) for e in block.get("elements", []) or [])]
    if kind == "input":
        element = block.get("element")
        el_type = element.get("type", "?") if isinstance(element, Mapping) else "?"
        optional = " (optional)" if block.get("optional") else ""
        return [f"{_text_obj(block.get('label'), users)}: {el_type}{optional}"]
    if kind == "rich_text":
        return _rich_text(block, users)
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    return [f"[{kind} block]"]


def _field(msg: Any, name: str) -> Any:
    if isinstance(msg, Mapping):
        return msg.get(name)
    return getattr(msg, name, None)


def render_message(msg: Any, users: Mapping[str, str] | None = None) -> str:
    """Render a stored message (``Message``, ``Ephemeral``) or an API message dict.

    ``users`` maps user id -> display name for ``<@U...>`` mentions. Blocks win over
    ``text`` as in Slack, where ``text`` is then only the notification fallback.
    """
    names = users or {}
    blocks = _field(msg, "blocks")
    if isinstance(blocks, list) and blocks:
        lines = render_blocks(blocks, names)
    else:
        lines = mrkdwn_to_text(str(_field(msg, "text") or ""), names).split("\n")
    reactions = _field(msg, "reactions") or []
    if reactions:
        shown = [r.get("name", "") if isinstance(r, Mapping) else str(r) for r in reactions]
        lines.append(" ".join(f":{r}:" for r in shown))
    return "\n".join(lines)


def render_view(view: Mapping[str, Any], users: Mapping[str, str] | None = None) -> str:
    """Render a modal or Home tab: title, blocks, then submit/close buttons."""
    names = users or {}
    kind = str(view.get("type", "modal"))
    title = _text_obj(view.get("title"), names) if view.get("title") else kind
    lines = [f"[{kind}] {title}", DIVIDER, *render_blocks(view.get("blocks"), names)]
    buttons = [f"[{_text_obj(view[k], names)}]" for k in ("close", "submit") if view.get(k)]
    if buttons:
        lines += [DIVIDER, " ".join(buttons)]
    return "\n".join(lines)
