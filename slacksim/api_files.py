"""Files: ``files.*`` for uploads (v2) and the upload and private-download URLs."""

from __future__ import annotations

import time

from aiohttp import web

from slacksim.model import TEAM_ID, UPLOAD_CALL, Args, Body, Call, SimFile
from slacksim.state import SimState
from slacksim.wire import SlackError, invalid_arguments


class FilesApi(SimState):
    # -- files

    def _files_info(self, args: Args) -> Body:
        hosted = self.hosted.get(str(args["file"]))
        if hosted is None:
            raise SlackError("file_not_found")
        if hosted.deleted:
            raise SlackError("file_deleted")
        return {"ok": True, "file": self._file_object(hosted), "comments": []}

    def _files_delete(self, args: Args) -> Body:
        """The bot (the only token the simulator serves) may delete its own uploads; a
        file someone else uploaded answers cant_delete_file, as Slack does for a bot."""
        file_id = str(args["file"])
        upload = self.uploads.get(file_id)
        if upload is not None and upload in self.files:
            if upload.deleted:
                raise SlackError("file_deleted")
            upload.deleted = True
            return {"ok": True}
        if file_id in self.hosted:
            raise SlackError("cant_delete_file")
        raise SlackError("file_not_found")

    def _files_get_upload_url(self, args: Args) -> Body:
        try:
            length = int(args["length"])
        except (TypeError, ValueError):
            return invalid_arguments("[ERROR] length must be an integer")
        self._seq += 1
        file_id = f"F{self._seq:08d}"
        self.uploads[file_id] = SimFile(file_id, str(args["filename"]), length)
        return {"ok": True, "upload_url": f"{self.root_url}upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: Args) -> Body:
        entries = args["files"]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return invalid_arguments("[ERROR] files must be a JSON array of objects")
        channel = args.get("channel_id") or str(args.get("channels") or "").split(",")[0]
        pending = [self.uploads.get(str(e.get("id"))) for e in entries]
        done: list[SimFile] = []
        for entry, upload in zip(entries, pending, strict=True):
            # Slack cannot complete a file whose bytes never arrived.
            if upload is None or upload.data is None:
                raise SlackError("file_not_found")
            upload.title = entry.get("title") or upload.filename
            upload.channel_id = channel or None
            upload.initial_comment = args.get("initial_comment")
            upload.thread_ts = args.get("thread_ts")
            done.append(upload)
        self.files.extend(done)
        return {
            "ok": True,
            "files": [{"id": f.id, "name": f.filename, "title": f.title} for f in done],
        }

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        arrived = time.monotonic()
        if self._down:
            status, text = 503, "Service Unavailable (simulated outage)"
        elif file_id not in self.uploads:
            status, text = 404, "unknown upload url"
        else:
            data = await self._read_upload(request)
            self.uploads[file_id].data = data
            status, text = 200, f"OK - {len(data)}"
        self.calls.append(
            Call(UPLOAD_CALL, {"file_id": file_id}, arrived, status, {"ok": status == 200})
        )
        return web.Response(status=status, text=text, content_type="text/plain")

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        """Slack serves url_private(_download) only with a token in Authorization."""
        ref = request.match_info["ref"]
        file_id = ref.removeprefix(f"{TEAM_ID}-")
        hosted = self.hosted.get(file_id)
        authorised = request.headers.get("Authorization") == f"Bearer {self.token}"
        self.downloads.append((file_id, authorised))
        if self._down:
            return web.Response(status=503, text="Service Unavailable (simulated outage)")
        if hosted is not None and hosted.deleted:
            hosted = None  # Slack serves a deleted file to nobody
        if hosted is None or not authorised or request.match_info["name"] != hosted.name:
            # Slack answers an unauthorised file URL with its sign-in page, never the file.
            return web.Response(status=404 if hosted is None else 403, text="no access")
        return web.Response(body=hosted.data, content_type=hosted.mimetype)

    @staticmethod
    async def _read_upload(request: web.Request) -> bytes:
        if request.content_type == "multipart/form-data":
            form = await request.post()
            for value in form.values():
                if isinstance(value, web.FileField):
                    return value.file.read()
        return await request.read()

    # -- people acting on their own files

    def delete_file(self, file_id: str, by: str) -> None:
        """`by` deletes a file of theirs (as files.delete with their own token: Slack
        lets the uploader delete it). From then on files.info answers file_deleted and
        the file's URLs serve nothing."""
        hosted = self.hosted[file_id]
        if hosted.user != by:
            raise PermissionError(f"{by} cannot delete a file {hosted.user} uploaded")
        hosted.deleted = True

    def file_share_event(
        self, user: str, files: list[Body], text: str = "", thread_ts: str | None = None
    ) -> Body:
        """The `message` event (subtype file_share) Slack sends when `user` sends files
        (from add_file) in their DM with the app."""
        event: Body = {
            "type": "message",
            "subtype": "file_share",
            "channel": self.dm_channel(user),
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": self._next_ts(),
            "files": files,
            "upload": False,
            "display_as_bot": False,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event
