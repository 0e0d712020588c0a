"""Modals and Home tabs: ``views.open``/``push``/``update``/``publish`` and triggers."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from slacksim.model import BOT_ID, TEAM_ID, Args, Body, SimView
from slacksim.state import SimState
from slacksim.wire import SlackError, invalid_arguments


class ViewsApi(SimState):
    # -- views

    def _claim_trigger(self, trigger_id: str) -> str | None:
        """Consume a trigger; return its user (None if lax mode accepted an unknown one)."""
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            if self.strict_triggers:
                raise SlackError("invalid_trigger_id")
            return None
        if trigger.used or time.monotonic() > trigger.expires_at:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger.user_id

    def _store_view(
        self, view_id: str, view: Any, user_id: str | None, via: str, trigger_id: str | None = None
    ) -> SimView:
        content = dict(view) if isinstance(view, dict) else {"raw": view}
        self._seq += 1
        digest = hashlib.sha1(f"{view_id}:{self._seq}".encode()).hexdigest()[:16]
        content.update(id=view_id, hash=f"{self._seq}.{digest}", team_id=TEAM_ID, bot_id=BOT_ID)
        content.setdefault("state", {"values": {}})
        record = SimView(view_id, user_id, content, via, trigger_id)
        self.views[view_id] = record
        return record

    def _new_view_id(self) -> str:
        self._seq += 1
        return f"V{self._seq:08d}"

    def _views_open(self, args: Args, via: str) -> Body:
        trigger_id = str(args["trigger_id"])
        user_id = self._claim_trigger(trigger_id)
        record = self._store_view(self._new_view_id(), args["view"], user_id, via, trigger_id)
        (self.views_opened if via == "open" else self.views_pushed).append(record)
        return {"ok": True, "view": record.view}

    def _views_update(self, args: Args) -> Body:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (
                    v.id
                    for v in self.views.values()
                    if v.view.get("external_id") == args["external_id"]
                ),
                None,
            )
            if view_id is None:
                raise SlackError("not_found")
        if not view_id:
            return invalid_arguments("[ERROR] missing required field: view_id or external_id")
        current = self.views.get(str(view_id))
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current.view["hash"]:
            raise SlackError("hash_conflict")
        record = self._store_view(
            current.id, args["view"], current.user_id, current.via, current.trigger_id
        )
        return {"ok": True, "view": record.view}

    def _views_publish(self, args: Args) -> Body:
        user_id = str(args["user_id"])
        current = self.home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view_id = current["id"] if current is not None else self._new_view_id()
        record = self._store_view(view_id, args["view"], user_id, "publish")
        self.home_views[user_id] = record.view
        return {"ok": True, "view": record.view}
