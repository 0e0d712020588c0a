"""Evidence in the details modal, and the neutral names of a shared copy. Pure.

Every file has an Open button, 25 to an actions block (the bot shares a copy to the
viewer's DM: no permalink, uploader or file name is shown); pasted links follow as
text, as many sections as they need, so all of them stay reachable within Slack's
limits. A file deleted before its sealed copy was kept is named as gone.
"""

from __future__ import annotations

import json
import re

from bot.domain.evidence import Evidence
from bot.i18n import t
from bot.views.common import Block, actions, button, context, section
from bot.views.counting import counted
from bot.views.ids import evidence_action
from bot.views.mrkdwn import split_escaped

ACTIONS_MAX = 25  # elements in one actions block
SECTION_CHARS = 2800  # a section's text may hold 3000 characters; the label needs room
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")
# Only the extensions of the files evidence is (recordings, pictures, video, documents,
# mail): anything after a dot is not an extension ("Sato.Hana" would keep "hana", part of
# her name, in the copy's name and in the database).
KNOWN_EXTENSIONS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "heic", "heif", "webp", "bmp", "tif", "tiff", "pdf", "txt",
        "csv", "rtf", "md", "html", "htm", "json", "xml", "mp3", "m4a", "wav", "aac", "ogg", "oga",
        "opus", "flac", "amr", "3gp", "mp4", "m4v", "mov", "avi", "wmv", "webm", "mkv", "eml",
        "msg", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "pages",
        "numbers", "key", "zip",
    }
)


def evidence_blocks(lang: str, case_no: str, evidence: Evidence) -> list[Block]:
    label = f"*{t(lang, 'details.evidence')}*"
    if not (evidence.files or evidence.links or evidence.withheld):
        return [section(f"{label}\n—")]
    blocks: list[Block] = [section(label)]
    if evidence.files:
        many = "files" if len(evidence.files) > 1 else "files_one"
        blocks.append(context(t(lang, f"evidence_copy.{many}", n=len(evidence.files))))
    # Every file has its button, 25 to an actions block (Slack's limit), so that 30
    # files take 2 of the modal's 100 blocks and none is cut.
    buttons = [
        button(
            evidence_action(n),
            t(lang, "evidence_copy.open_n", n=n),
            # Like every button value: the case number, and which item; checked on press.
            value=json.dumps({"case": case_no, "item": n}),
        )
        for n in range(1, len(evidence.files) + 1)
        if n not in evidence.deleted
    ]
    for i in range(0, len(buttons), ACTIONS_MAX):
        blocks.append(actions(f"evidence_{i // ACTIONS_MAX + 1}", *buttons[i : i + ACTIONS_MAX]))
    if evidence.deleted:
        items = ", ".join(str(n) for n in sorted(evidence.deleted))
        blocks.append(context(t(lang, "evidence_copy.deleted_items", items=items)))
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


def files_added_text(lang: str, case_no: str, n: int, with_text: bool) -> str:
    """The thread's notice of files the employee added: how many, never which."""
    key = ("with_text_" if with_text else "") + ("one" if n == 1 else "many")
    return t(lang, f"evidence_intake.thread_{key}", case_no=case_no, n=n)


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


def extension_of(original: str, filetype: str) -> str:
    """".png": the original name may name the employee, so only its extension survives
    (or Slack's file type, when the name has none)."""
    found = _EXTENSION.search(original)
    for ext in (found.group(1).lower() if found else "", filetype.lower()):
        if ext in KNOWN_EXTENSIONS:
            return f".{ext}"
    return ""


def neutral_filename(case_no: str, n: int, extension: str) -> str:
    """`CH-2026-0001-evidence-1.png`: the case, the number and the kept extension."""
    return f"{case_no}-evidence-{n}{extension}"


ADD_FILES_BLOCK = "add_files"  # the file input of "Add information" (block and action)
ADD_FILES_MAX = 10  # Slack's most for one file_input


def add_files_blocks(lang: str) -> list[Block]:
    """"Add information" takes files too: they become evidence of the case."""
    return [
        {
            "type": "input",
            "block_id": ADD_FILES_BLOCK,
            "optional": True,
            "label": {"type": "plain_text", "text": t(lang, "evidence_intake.files_label")},
            "element": {
                "type": "file_input",
                "action_id": ADD_FILES_BLOCK,
                "max_files": ADD_FILES_MAX,
            },
            "hint": {"type": "plain_text", "text": t(lang, "evidence_intake.files_hint")},
        }
    ]


def submitted_file_ids(values: object) -> list[str]:
    """The Slack file IDs a file_input sent in view.state.values (anything malformed
    reads as none)."""
    block = values.get(ADD_FILES_BLOCK) if isinstance(values, dict) else None
    element = block.get(ADD_FILES_BLOCK) if isinstance(block, dict) else None
    files = element.get("files") if isinstance(element, dict) else None
    if not isinstance(files, list):
        return []
    ids = [f.get("id") for f in files if isinstance(f, dict)]
    return [i for i in ids if isinstance(i, str) and i][:ADD_FILES_MAX]
