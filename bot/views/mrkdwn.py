"""Escaping user text for Slack's mrkdwn.

Slack treats &, < and > as control characters: `<!channel>` or `<@U123>` typed into
a report would ping people if echoed raw. Replace & first, so the entities we add
for < and > are not escaped twice.
"""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user(user_id: str) -> str:
    """A mention of a Slack user by ID (IDs are ours, never user text)."""
    return f"<@{user_id}>"


def link(url: str, label: str) -> str:
    # `|` and `>` would end the label early; `&`/`<`/`>` are escaped in both parts.
    return f"<{escape(url)}|{escape(label).replace('|', '¦')}>"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_escaped(text: str, limit: int) -> list[str]:
    """The escaped text in pieces of at most `limit` characters, cut in the raw text so an
    entity (`&amp;`) is never split across pieces; a cut prefers the last line break or
    space in the final fifth of a piece, so words stay whole where they can."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        size, end = 0, start
        while end < len(text) and size + len(escape(text[end])) <= limit:
            size += len(escape(text[end]))
            end += 1
        if end < len(text):
            soft = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            if soft >= start + (end - start) * 4 // 5:
                end = soft + 1
        pieces.append(escape(text[start:end]))
        start = end
    return pieces
