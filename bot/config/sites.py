"""The optional `sites` list: where an employee may be when they ask for help now.

    [[sites]]
    id = "shibuya"                  # stored with the case; lower-case letters, digits, _
    name = "渋谷店"                 # what the employee picks and the helper reads
    supervisors = ["U0SUPERV01"]    # optional: asked first to go there (before the backup)

A person who is summoned must know where to go, so the happening-now screen offers
this list (plus a free-text "where"). No list: only the free text is asked.
"""

from __future__ import annotations

import re
from typing import Any

from bot.config.errors import ConfigError, reject_unknown, require
from bot.domain.urgent import Site

_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")
SITE_KEYS = ("id", "name", "supervisors")
MAX_SITES = 100  # a static_select holds 100 options


def parse_sites(data: Any) -> tuple[Site, ...]:
    if not isinstance(data, list):
        raise ConfigError("sites", "must be a list of tables ([[sites]])")
    if len(data) > MAX_SITES:
        raise ConfigError("sites", f"at most {MAX_SITES} sites")
    sites: list[Site] = []
    for i, raw in enumerate(data):
        where = f"sites[{i}]."
        if not isinstance(raw, dict):
            raise ConfigError(f"sites[{i}]", "must be a table with id and name")
        reject_unknown(raw, SITE_KEYS, where)
        site_id = require(raw, "id", str, where)
        if not _ID.match(site_id):
            raise ConfigError(f"{where}id", f"lower-case letters, digits and _, got {site_id!r}")
        if any(s.id == site_id for s in sites):
            raise ConfigError(f"{where}id", f"duplicate site id {site_id!r}")
        name = require(raw, "name", str, where).strip()
        if not name or len(name) > 75:  # an option label holds 75 characters
            raise ConfigError(f"{where}name", "must be 1–75 characters")
        supervisors = raw.get("supervisors", [])
        if not isinstance(supervisors, list):
            raise ConfigError(f"{where}supervisors", "must be a list of Slack user IDs")
        for j, u in enumerate(supervisors):
            if not isinstance(u, str) or not _USER.match(u):
                raise ConfigError(f"{where}supervisors[{j}]", f"not a Slack user ID: {u!r}")
        sites.append(Site(site_id, name, tuple(supervisors)))
    return tuple(sites)
