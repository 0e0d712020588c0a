"""Channels the bot makes and ends: ``conversations.create``, ``.invite``, ``.archive``.

Shapes and errors as Slack documents them: a name is lower case letters, digits, ``-``
and ``_``, at most 80 characters, unique in the workspace (``name_taken``, also for an
archived channel's name); the creator is a member; inviting someone already there is
``already_in_channel``, oneself ``cant_invite_self``; an archived channel refuses
invitations and posts with ``is_archived``.
"""

from __future__ import annotations

import re
import time

from slacksim.model import BOT_USER_ID, TEAM_ID, Args, Body, SimChannel
from slacksim.state import SimState
from slacksim.wire import SlackError, truthy

_NAME = re.compile(r"^[a-z0-9_\-\u3040-\u30ff\u4e00-\u9fff]+$")
MAX_NAME = 80


class RoomsApi(SimState):
    def conversation_object(self, ch: SimChannel) -> Body:
        """A channel as Slack's ``objs_conversation`` describes it (the fields we keep)."""
        return {
            "id": ch.id,
            "name": ch.name,
            "name_normalized": ch.name,
            # Private channels made today are channels with is_private (C… IDs), not
            # the legacy groups (G…) of the old API.
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": ch.is_private,
            "is_archived": ch.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": BOT_USER_ID in ch.members,
            "created": ch.created,
            "creator": ch.creator,
            "context_team_id": TEAM_ID,
            "unlinked": 0,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }

    def _conversations_create(self, args: Args) -> Body:
        name = str(args["name"])
        if len(name) > MAX_NAME:
            raise SlackError("invalid_name_maxlength")
        if not _NAME.match(name):
            raise SlackError("invalid_name_specials")
        if any(ch.name == name for ch in self.channels.values()):
            raise SlackError("name_taken")
        self._seq += 1
        cid = f"C0ROOM{self._seq:04d}"
        ch = self.add_channel(cid, name, [BOT_USER_ID], is_private=truthy(args.get("is_private")))
        ch.creator, ch.created = BOT_USER_ID, int(time.time())
        return {"ok": True, "channel": self.conversation_object(ch)}

    def _room(self, channel: str) -> SimChannel:
        ch = self.channels.get(self.resolve_channel(channel))
        if ch is None:
            raise SlackError("channel_not_found")
        if BOT_USER_ID not in ch.members:
            # A private channel the bot is not in does not exist, as far as it can see.
            raise SlackError("channel_not_found" if ch.is_private else "not_in_channel")
        return ch

    def _conversations_invite(self, args: Args) -> Body:
        ch = self._room(str(args["channel"]))
        if ch.is_archived:
            raise SlackError("is_archived")
        users = [u.strip() for u in str(args["users"]).split(",") if u.strip()]
        if not users:
            raise SlackError("no_user")
        if len(users) > 1000:
            raise SlackError("too_many_users")
        if BOT_USER_ID in users:
            raise SlackError("cant_invite_self")
        for user in users:
            if user not in self.users:
                raise SlackError("user_not_found")
        if any(u in ch.members for u in users) and not truthy(args.get("force")):
            raise SlackError("already_in_channel")
        ch.members += [u for u in users if u not in ch.members]
        return {"ok": True, "channel": self.conversation_object(ch)}

    def _conversations_archive(self, args: Args) -> Body:
        ch = self._room(str(args["channel"]))
        if ch.is_archived:
            raise SlackError("already_archived")
        ch.is_archived = True
        return {"ok": True}
