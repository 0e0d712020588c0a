"""How a timeline entry's event and actor read to a person: labels, never stored codes.

The timeline stores event names (`step_done`) and, for what was not done by a person,
actor codes (`reporter` for a confidential reporter, `ch-responder` for the bot itself,
`retention` for the retention rules). Both views of the timeline, the responders' and
HR's, read them through here so a new event needs one label in each catalogue.
"""

from __future__ import annotations

import re

from bot.domain.case import Case
from bot.i18n import catalogue, t
from bot.views.mrkdwn import escape, user

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# Stored actor codes (db/timeline.py callers) and their catalogue keys.
_ACTORS = {
    "reporter": "actor.reporter",
    "ch-responder": "actor.bot",
    "retention": "actor.retention",
}


def event_label(lang: str, event: str) -> str:
    key = f"event.{event}"
    # An event written by a newer version than this catalogue still reads, as its code.
    return t(lang, key) if key in catalogue("en") else escape(event)


def actor_label(lang: str, actor: str, case: Case) -> str:
    """A person as a mention, a confidential reporter as "the employee", the bot and
    the retention rules by name."""
    if actor == case.reporter_id and not case.show_name:
        return t(lang, _ACTORS["reporter"])
    if actor in _ACTORS:
        return t(lang, _ACTORS[actor])
    return user(actor) if _USER_ID.match(actor) else escape(actor)
