"""Who and where: ``auth.test``, ``users.info``, ``usergroups.users.list`` and the
``conversations.*`` reads the bot makes."""

from __future__ import annotations

from slacksim.model import BOT_ID, BOT_USER_ID, TEAM_ID, WORKSPACE_URL, Args, Body
from slacksim.state import SimState
from slacksim.wire import SlackError, in_range, paginate, truthy


class ConversationsApi(SimState):
    def _auth_test(self, args: Args) -> Body:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": "Sim",
            "user": "ch-responder",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
        }

    def _users_info(self, args: Args) -> Body:
        user = self.users.get(str(args["user"]))
        if user is None:
            raise SlackError("user_not_found")
        out: Body = {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "real_name": user.real_name,
            "deleted": False,
            "is_bot": user.is_bot,
            "profile": {"real_name": user.real_name, "display_name": user.name},
        }
        if user.enterprise_id:
            out["enterprise_user"] = {
                "id": user.id, "enterprise_id": user.enterprise_id, "teams": [user.team_id]
            }
        if user.is_stranger:
            out["is_stranger"] = True
        if truthy(args.get("include_locale")):
            out["locale"] = user.locale
        return {"ok": True, "user": out}

    def _usergroups_users_list(self, args: Args) -> Body:
        users = self.usergroups.get(str(args["usergroup"]))
        if users is None:
            raise SlackError("no_such_subteam")
        return {"ok": True, "users": list(users)}

    def _channel_members(self, cid: str) -> list[str]:
        if cid in self.channels:
            return list(self.channels[cid].members)
        user = next((u for u, d in self._dm_by_user.items() if d == cid), None)
        if user is not None:
            return [user, BOT_USER_ID]
        if any(m.channel == cid for m in self.all_messages):
            return []
        raise SlackError("channel_not_found")

    def _conversations_info(self, args: Args) -> Body:
        cid = self.resolve_channel(str(args["channel"]))
        members = self._channel_members(cid)
        if cid in self.channels:
            info: Body = {
                "id": cid,
                "name": self.channels[cid].name,
                "is_channel": True,
                "is_private": self.channels[cid].is_private,
                "is_member": BOT_USER_ID in members,
                "num_members": len(members),
            }
        elif cid.startswith("D") and members:
            info = {"id": cid, "is_im": True, "user": members[0]}
        else:
            info = {"id": cid, "is_channel": True}
        return {"ok": True, "channel": info}

    def _conversations_members(self, args: Args) -> Body:
        members = self._channel_members(self.resolve_channel(str(args["channel"])))
        page, cursor = paginate(members, args)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_open(self, args: Args) -> Body:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": self.resolve_channel(str(args["channel"]))}}
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            return {"ok": True, "channel": {"id": "G" + "".join(sorted(users)), "is_mpim": True}}
        return {
            "ok": True,
            "channel": {"id": self.dm_channel(users[0]), "is_im": True, "user": users[0]},
        }

    def _conversations_history(self, args: Args) -> Body:
        cid = self.resolve_channel(str(args["channel"]))
        self._channel_members(cid)  # raises channel_not_found for channels never seen
        found = in_range(self.messages(cid), args)
        page, cursor = paginate(list(reversed(found)), args)
        return {
            "ok": True,
            "messages": [m.to_api() for m in page],
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _conversations_replies(self, args: Args) -> Body:
        cid, ts = self.resolve_channel(str(args["channel"])), str(args["ts"])
        parent = self.find_message(cid, ts)
        if parent is None:
            raise SlackError("thread_not_found")
        # The parent always heads the thread, as in Slack; `oldest`/`latest` narrow
        # the replies after it.
        thread = [parent, *in_range(self.replies(cid, ts), args)]
        page, cursor = paginate(thread, args, default_limit=1000)
        out = [m.to_api() for m in page]
        if out and out[0]["ts"] == ts and len(thread) > 1:
            out[0].update(thread_ts=ts, reply_count=len(thread) - 1, latest_reply=thread[-1].ts)
        return {
            "ok": True,
            "messages": out,
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }
