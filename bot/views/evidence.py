"""Evidence in the details modal, and the neutral names of a shared copy. Pure.

Every file is one block with an Open button (the bot shares a copy to the viewer's
DM: no permalink, uploader or file name is shown); pasted links follow as text, as
many sections as they need, so all of them stay reachable within Slack's limits.
"""

from __future__ import annotations

import json
import re

from bot.domain.evidence import Evidence
from bot.i18n import t
from bot.views.common import Block, button, context, section
from bot.views.counting import counted
from bot.views.ids import Action
from bot.views.mrkdwn import split_escaped

SECTION_CHARS = 2800  # a section's text may hold 3000 characters; the label needs room
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def evidence_blocks(lang: str, case_no: str, evidence: Evidence) -> list[Block]:
    label = f"*{t(lang, 'details.evidence')}*"
    if not (evidence.files or evidence.links or evidence.withheld):
        return [section(f"{label}\n—")]
    blocks: list[Block] = [section(label)]
    for n, _ in enumerate(evidence.files, start=1):
        blocks.append(
            section(
                t(lang, "evidence.item", n=n),
                accessory=button(
                    Action.OPEN_EVIDENCE,
                    t(lang, "evidence.open"),
                    # Like every button value: the case number, and which item; checked on press.
                    value=json.dumps({"case": case_no, "item": n}),
                ),
            )
        )
    texts: list[str] = []
    for url in evidence.links:
        for piece in split_escaped(url, SECTION_CHARS):
            if texts and len(texts[-1]) + 1 + len(piece) <= SECTION_CHARS:
                texts[-1] += "\n" + piece
            else:
                texts.append(piece)
    blocks += [section(text) for text in texts]
    if evidence.withheld:
        blocks.append(context(counted(lang, "evidence.withheld", evidence.withheld)))
    return blocks


def kind_of(mimetype: str) -> str:
    """An i18n key suffix for what a file is, from its MIME type."""
    major = mimetype.split("/", 1)[0]
    if mimetype == "application/pdf":
        return "pdf"
    return major if major in ("image", "video", "audio", "text") else "file"


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def neutral_filename(case_no: str, n: int, original: str, filetype: str) -> str:
    """`CH-2026-0001-evidence-1.png`: the original name may name the employee, so only
    its extension survives (or Slack's file type, when the name has none)."""
    found = _EXTENSION.search(original)
    if found:
        ext = found.group(0).lower()
    else:
        ext = f".{filetype}" if filetype.isalnum() and len(filetype) <= 8 else ""
    return f"{case_no}-evidence-{n}{ext}"
