"""A case's evidence as responders may see it: files by number, links that name no one. Pure.

A Slack file permalink has the form ``https://<ws>.slack.com/files/<UPLOADER>/<FILE>/<name>``:
the uploader is the employee who reported, and the name is theirs to choose (often their
own name). So no Slack file is ever shown by its link, ID or name: it is "Evidence n",
opened through the bot, which shares a copy as itself (bot/flows/case/evidence.py). A pasted
link that is a Slack file permalink is treated the same way; any other pasted link that
would name a confidential reporter (their user ID anywhere in it, or a Slack link with a
user ID in its path, such as a profile) is withheld.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.domain.case import Case

# A Slack file ID, bare or inside a permalink (/files/<user>/<file>/…) or a private
# download URL (/files-pri/<team>-<file>/…). The uploader segment is optional: older
# permalinks and our own tests omit it.
_FILE_ID = re.compile(r"^F[A-Z0-9]{6,}$")
_IN_PERMALINK = re.compile(r"^/files/(?:[A-Z0-9]+/)?(F[A-Z0-9]{6,})(?:/|$)")
_IN_PRIVATE = re.compile(r"^/files-pri/[A-Z0-9]+-(F[A-Z0-9]{6,})(?:/|$)")
# A Slack user ID as a path segment (U… or W… for Enterprise Grid).
_USER_SEGMENT = re.compile(r"/[UW][A-Z0-9]{6,}(?=/|$|\?|#)")


@dataclass(frozen=True)
class Evidence:
    """Files (by Slack file ID, in the order given) and the links that may be shown."""

    files: tuple[str, ...]
    links: tuple[str, ...]
    withheld: int  # pasted links not shown because they would name the reporter
    # Items (numbered from 1) deleted in Slack before their sealed copy was kept.
    deleted: frozenset[int] = frozenset()


def _is_slack_host(host: str, workspace_host: str) -> bool:
    host = host.lower()
    return host == "slack.com" or host.endswith(".slack.com") or host == workspace_host.lower()


def file_id(ref: str, workspace_host: str = "") -> str | None:
    """The Slack file ID in a stored file reference or a pasted link, if it is one."""
    if _FILE_ID.match(ref):
        return ref
    try:
        parts = urlsplit(ref)
    except ValueError:
        return None
    if not _is_slack_host(parts.hostname or "", workspace_host):
        return None
    found = _IN_PERMALINK.match(parts.path) or _IN_PRIVATE.match(parts.path)
    return found.group(1) if found else None


def names_someone(url: str, case: Case, workspace_host: str) -> bool:
    """Would this link tell a responder who the (confidential) reporter is?"""
    if case.reporter_id and case.reporter_id.lower() in url.lower():
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return _is_slack_host(parts.hostname or "", workspace_host) and bool(
        _USER_SEGMENT.search(parts.path)
    )


def evidence_of(
    case: Case, workspace_host: str = "", deleted: frozenset[str] = frozenset()
) -> Evidence:
    """`deleted`: file IDs gone from Slack with no copy kept (db/evidence_copies.py)."""
    files: list[str] = []
    links: list[str] = []
    withheld = 0
    for ref in case.evidence_files:
        fid = file_id(ref, workspace_host)
        if fid is not None and fid not in files:
            files.append(fid)
    for url in case.evidence_links:
        fid = file_id(url, workspace_host)
        if fid is not None:
            if fid not in files:
                files.append(fid)
        elif not case.show_name and names_someone(url, case, workspace_host):
            withheld += 1
        else:
            links.append(url)
    gone = frozenset(n for n, f in enumerate(files, start=1) if f in deleted)
    return Evidence(tuple(files), tuple(links), withheld, gone)


def hide_reporter_id(text: str, case: Case, placeholder: str) -> str:
    """The employee's own words may hold their user ID (a pasted file link, a typed
    mention): for a confidential reporter it is replaced before anyone sees it."""
    if case.show_name or not case.reporter_id:
        return text
    return re.sub(re.escape(case.reporter_id), placeholder, text, flags=re.IGNORECASE)


def workspace_host(workspace_url: str) -> str:
    return (urlsplit(workspace_url).hostname or "") if workspace_url else ""
