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
