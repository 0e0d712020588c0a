"""Which Web API methods exist and which arguments they require.

The source of truth is Slack's OpenAPI 2.0 file (a reference copy lives outside the repo
in ``../shared/slack-api-specs``). It may be missing on a developer's machine, so a small
hand-written table covers the methods the simulator implements; a test checks that the
table still agrees with the spec whenever the file is present.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

SPEC_ENV_VAR = "CH_SLACK_SPEC"
SPEC_RELATIVE_TO_REPO = Path("../shared/slack-api-specs/web-api/slack_web_openapi_v2.json")

# Repo root is the parent of the ``slacksim`` package: slacksim/spec.py -> parents[1].
REPO_ROOT = Path(__file__).resolve().parents[1]

# Required arguments as the 2020 spec declares them, transcribed by hand (token excluded:
# it travels in the Authorization header). Checked against the spec file, where present,
# by tests/test_simulator.py. Surprises worth knowing:
# - chat.postMessage requires only `channel`: `text` is optional there, which is right,
#   since Slack accepts `blocks` (or `attachments`) without `text`; with none of the three
#   Slack answers `no_text`, which the simulator checks itself.
# - users.info, conversations.{info,members,history,replies} and views.update declare
#   nothing required, although Slack rejects calls without `user` / `channel` / `ts` /
#   `view`. See SLACK_ALSO_REQUIRES.
# - conversations.{create,invite,archive} declare nothing required either (Slack needs
#   `name`, `channel` + `users`, `channel`).
# - views.* are declared as GET with query arguments; the SDK POSTs JSON. We accept both.
BUILTIN_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.getPermalink": ("channel", "message_ts"),
    "chat.postEphemeral": ("channel", "user"),
    "chat.postMessage": ("channel",),
    "chat.update": ("channel", "ts"),
    "conversations.archive": (),
    "conversations.create": (),
    "conversations.history": (),
    "conversations.info": (),
    "conversations.invite": (),
    "conversations.members": (),
    "conversations.open": (),  # needs `users` or `channel`: checked by the handler
    "conversations.replies": (),
    "files.delete": (),
    "files.info": (),
    "reactions.add": ("channel", "name", "timestamp"),
    "usergroups.users.list": ("usergroup",),
    "users.info": (),
    "views.open": ("trigger_id", "view"),
    "views.publish": ("user_id", "view"),
    "views.push": ("trigger_id", "view"),
    "views.update": (),  # needs `view_id` or `external_id`: checked by the handler
}

# The upload-v2 methods postdate the spec file, so they are added in both modes.
UPLOAD_V2_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
}

# Arguments today's Slack requires that the old spec leaves optional. Enforced in both
# modes so the simulator is at least as strict as production.
SLACK_ALSO_REQUIRES: Mapping[str, tuple[str, ...]] = {
    "users.info": ("user",),
    "conversations.info": ("channel",),
    "conversations.members": ("channel",),
    "conversations.history": ("channel",),
    "conversations.replies": ("channel", "ts"),
    "views.update": ("view",),
    "files.info": ("file",),
    "files.delete": ("file",),
    # The private case room (bot/flows/case/room.py): the 2020 spec declares nothing
    # required for these, but Slack answers invalid_arguments without them.
    "conversations.create": ("name",),
    "conversations.invite": ("channel", "users"),
    "conversations.archive": ("channel",),
}

# Socket Mode postdates the spec file too; its token is the app-level one (checked by the
# simulator), and it takes no arguments.
SOCKET_MODE_REQUIRED: Mapping[str, tuple[str, ...]] = {"apps.connections.open": ()}
NEWER_THAN_SPEC: Mapping[str, tuple[str, ...]] = {**UPLOAD_V2_REQUIRED, **SOCKET_MODE_REQUIRED}

_ARG_LOCATIONS = ("formData", "query", "header")


def find_spec_path() -> Path | None:
    """Locate the OpenAPI file: ``$CH_SLACK_SPEC`` first, then the shared reference copy."""
    env = os.environ.get(SPEC_ENV_VAR)
    if env:
        candidate = Path(env).expanduser()
        if candidate.is_file():
            return candidate
        log.warning("%s points at a missing file; trying the default location", SPEC_ENV_VAR)
    default = (REPO_ROOT / SPEC_RELATIVE_TO_REPO).resolve()
    return default if default.is_file() else None


def load_openapi_required(path: Path) -> dict[str, tuple[str, ...]]:
    """Map every method in the OpenAPI file to its required arguments (token excluded)."""
    return dict(_load_openapi_cached(str(Path(path).resolve())))


@lru_cache(maxsize=4)
def _load_openapi_cached(path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    # Cached because the file is over 1 MB and tests build many simulators.
    with open(path, encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    table: dict[str, tuple[str, ...]] = {}
    for raw_path, operations in doc.get("paths", {}).items():
        method = str(raw_path).lstrip("/")
        required: list[str] = []
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                name = param.get("name")
                if (
                    param.get("required")
                    and param.get("in") in _ARG_LOCATIONS
                    and name != "token"
                    and name not in required
                ):
                    required.append(name)
        table[method] = tuple(required)
    return tuple(table.items())


@dataclass(frozen=True)
class SimulatorSpec:
    """Known methods and the arguments the simulator insists on."""

    source: Literal["openapi", "builtin"]
    declared: Mapping[str, tuple[str, ...]]
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> SimulatorSpec:
        """Use ``path`` (must exist), else the discovered spec file, else the built-in table."""
        if path is not None:
            return cls.from_openapi(path)
        found = find_spec_path()
        if found is None:
            log.info("Slack OpenAPI spec not found; using the built-in method table")
            return cls.builtin()
        return cls.from_openapi(found)

    @classmethod
    def from_openapi(cls, path: Path) -> SimulatorSpec:
        declared = load_openapi_required(path)
        declared.update(NEWER_THAN_SPEC)
        return cls(source="openapi", declared=declared, path=Path(path))

    @classmethod
    def builtin(cls) -> SimulatorSpec:
        return cls(source="builtin", declared={**BUILTIN_REQUIRED, **NEWER_THAN_SPEC})

    @property
    def known_methods(self) -> frozenset[str]:
        return frozenset(self.declared)

    def is_known(self, method: str) -> bool:
        return method in self.declared

    def required_args(self, method: str) -> tuple[str, ...]:
        """Declared required arguments plus those modern Slack also requires."""
        if method not in self.declared:
            raise KeyError(method)
        args = list(self.declared[method])
        args += [a for a in SLACK_ALSO_REQUIRES.get(method, ()) if a not in args]
        return tuple(args)
