"""The private report form (`/report-ch`) and the parser of what comes back."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from bot.domain.identifiers import KINDS
from bot.domain.policy import Policy
from bot.domain.report import DANGER_CHOICES, MAX_DEMAND, MAX_IDENTIFIER, MAX_NARRATIVE, ReportDraft
from bot.i18n import t
from bot.views.common import Block, context, header, modal, option, plain
from bot.views.ids import Callback
from bot.views.report_extras import FromMessage, behalf_blocks, message_blocks

V = "value"  # every input's action_id: the block_id says which field it is
CONSENT_NAME = "show_name"
CONSENT_COUNSELING = "counseling_ok"


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {"action_id": V, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text(
    max_length: int, *, multiline: bool = False, initial: str = "", placeholder: str = ""
) -> dict[str, Any]:
    # max_length is set explicitly: without it Slack allows 3000 and we check again on submit.
    el: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        el["initial_value"] = initial[:max_length]
    if placeholder:
        el["placeholder"] = plain(placeholder, 150)
    return el


# Slack escapes slash-command text (should_escape): mentions become <@U1|name>, links
# <https://x|x>, and & < > become entities. See docs.slack.dev "Formatting text".
_ENTITY = re.compile(r"<([^<>]*)>")


def _as_typed_entity(m: re.Match[str]) -> str:
    inner = m.group(1)
    target, _, label = inner.partition("|")
    if target.startswith(("@", "#")):  # <@U1|taro> -> @taro, <#C1|general> -> #general
        return target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>
        return label or "@" + target[1:].split("^")[0]
    return target.removeprefix("mailto:")  # a link: the URL itself, as typed


def as_typed(text: str) -> str:
    """Slash-command text as the employee typed it. Only for plain_text inputs: the
    result may contain < & > and must be escaped again before it is put in mrkdwn."""
    text = _ENTITY.sub(_as_typed_entity, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def build_report_form(
    lang: str,
    policy: Policy,
    now: datetime,
    prefill: str = "",
    *,
    source: FromMessage | None = None,
    completes: str | None = None,
    channel: str | None = None,
    show_name: bool = False,
    counseling: bool = False,
) -> dict[str, Any]:
    """The full form. `source`: the message it was opened from (its shortcut): then the
    message is shown as the first piece of evidence, and its time and "chat" are set.
    `completes`: the case a tap filed, which this form completes (issue 11): prefilled
    with what the tap said (when, the channel, danger) and her consent as it is now;
    what it was prefilled with goes in the metadata, so only what she changes on it is
    a change of consent (db/urgent.py complete_case)."""

    def lbl(key: str) -> str:
        return t(lang, key)

    def initial(options: list[dict[str, Any]], value: str | None) -> dict[str, Any]:
        chosen = next((o for o in options if o["value"] == value), None)
        return {"initial_option": chosen} if chosen else {}

    channels = [option(c.id, c.label.get(lang)) for c in policy.contact_channels]
    dangers = [option(d, lbl(f"danger.{d}")) for d in DANGER_CHOICES]
    consents = [
        option(CONSENT_NAME, lbl("form.consent_name")),
        option(CONSENT_COUNSELING, lbl("form.consent_counseling")),
    ]
    prefilled = [o for o, on in zip(consents, (show_name, counseling), strict=True) if on]
    consent_initial = {"initial_options": prefilled} if completes and prefilled else {}
    preset = "chat" if source is not None else channel if completes else None
    contact: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain(lbl("form.choose"), 150),
        "options": channels,
        **initial(channels, preset),
    }
    when = source.at if source is not None else now
    blocks: list[Block] = [
        context(t(lang, "urgent.form_completes" if completes else "form.intro")),
        *(message_blocks(lang, source) if source is not None else []),
        _input(
            "occurred_at",
            lbl("form.occurred_at"),
            {"type": "datetimepicker", "initial_date_time": int(when.timestamp())},
        ),
        _input("contact_channel", lbl("form.contact_channel"), contact),
        _input(
            "categories",
            lbl("form.categories"),
            {
                "type": "multi_static_select",
                "placeholder": plain(lbl("form.choose"), 150),
                "options": [option(c.id, c.label.get(lang)) for c in policy.categories],
            },
            hint=lbl("form.categories_hint"),
        ),
        _input(
            "danger",
            lbl("form.danger"),
            {
                "type": "radio_buttons",
                "options": dangers,
                **initial(dangers, "danger" if completes else None),
            },
        ),
        _input(
            "narrative",
            lbl("form.narrative"),
            _text(MAX_NARRATIVE, multiline=True, initial=as_typed(prefill)[:MAX_NARRATIVE]),
            hint=lbl("form.narrative_hint"),
        ),
        _input("demand", lbl("form.demand"), _text(MAX_DEMAND, multiline=True), optional=True),
        header(lbl("form.customer_header")),
        context(lbl("form.customer_hint")),
    ]
    for kind in KINDS:
        blocks.append(
            _input(
                f"customer_{kind}", lbl(f"identifier.{kind}"), _text(MAX_IDENTIFIER), optional=True
            )
        )
    blocks += [
        header(lbl("form.evidence_header")),
        _input(
            "evidence_files",
            lbl("form.evidence_files"),
            {"type": "file_input", "max_files": 10},
            optional=True,
        ),
        _input(
            "evidence_links",
            lbl("form.evidence_links"),
            _text(2000, multiline=True),
            optional=True,
            hint=lbl("form.evidence_links_hint"),
        ),
        _input(
            "consent",
            lbl("form.consent"),
            {
                "type": "checkboxes",
                "options": consents,
                **consent_initial,
            },
            optional=True,
            hint=lbl("form.consent_hint"),
        ),
        # Unticking a name already shown is possible, but only from now on (as in
        # bot/views/consent.py): she reads that before she decides.
        *([context(lbl("consent.named_now_shown"))] if completes and show_name else []),
        *behalf_blocks(lang),
    ]
    meta: dict[str, Any] = {"lang": lang}
    if completes:
        meta["completes"] = completes
        meta["shown"] = {CONSENT_NAME: show_name, CONSENT_COUNSELING: counseling}
    if source is not None:
        meta["msg"] = {"token": source.token, "link": source.link}
    return modal(
        Callback.REPORT_FORM,
        lbl("form.title"),
        blocks,
        submit=lbl("form.submit"),
        close=lbl("form.cancel"),
        private_metadata=json.dumps(meta),
    )


def _value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = values.get(block_id)
    el = block.get(V) if isinstance(block, dict) else None
    return el if isinstance(el, dict) else {}


def _str(x: Any) -> str:
    return x if isinstance(x, str) else ""


def _selected(el: dict[str, Any]) -> str | None:
    opt = el.get("selected_option")
    return _str(opt.get("value")) or None if isinstance(opt, dict) else None


def _selected_many(el: dict[str, Any]) -> tuple[str, ...]:
    opts = el.get("selected_options")
    if not isinstance(opts, list):
        return ()
    return tuple(_str(o.get("value")) for o in opts if isinstance(o, dict) and o.get("value"))


def parse_report_form(state: Any) -> ReportDraft:
    """Read `view.state` into a draft; anything malformed reads as empty (then fails validation)."""
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        values = {}
    when = _value(values, "occurred_at").get("selected_date_time")
    files = _value(values, "evidence_files").get("files")
    consent = set(_selected_many(_value(values, "consent")))
    return ReportDraft(
        occurred_at=when if isinstance(when, int) and not isinstance(when, bool) else None,
        contact_channel=_selected(_value(values, "contact_channel")),
        identifiers={k: _str(_value(values, f"customer_{k}").get("value")) for k in KINDS},
        categories=_selected_many(_value(values, "categories")),
        demand=_str(_value(values, "demand").get("value")),
        narrative=_str(_value(values, "narrative").get("value")),
        danger=_selected(_value(values, "danger")),
        show_name=CONSENT_NAME in consent,
        counseling_ok=CONSENT_COUNSELING in consent,
        # Keep the permalink where Slack gives one: responders open the file from it.
        evidence_files=tuple(
            _str(f.get("permalink")) or _str(f.get("id"))
            for f in files
            if isinstance(f, dict) and isinstance(f.get("id"), str)
        )
        if isinstance(files, list)
        else (),
        evidence_links=_str(_value(values, "evidence_links").get("value")),
        behalf_name=_str(_value(values, "behalf_name").get("value")),
        behalf_site=_str(_value(values, "behalf_site").get("value")),
        behalf_user=_str(_value(values, "behalf_user").get("selected_user")) or None,
        behalf_agreed=_selected(_value(values, "behalf_agreed")),
    )


def metadata_lang(private_metadata: Any, default: str) -> str:
    try:
        lang = json.loads(private_metadata).get("lang") if private_metadata else None
    except (ValueError, AttributeError, TypeError, RecursionError):
        lang = None
    return lang if lang in ("ja", "en") else default


def metadata_message(private_metadata: Any) -> tuple[str, str] | None:
    """(token, link) of the message the form was opened from, if it was."""
    try:
        msg = json.loads(private_metadata).get("msg") if private_metadata else None
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None
    if not isinstance(msg, dict):
        return None
    token, link = msg.get("token"), msg.get("link")
    if isinstance(token, str) and isinstance(link, str) and 8 <= len(token) <= 64:
        return token, link
    return None


def metadata_shown(private_metadata: Any) -> tuple[bool, bool] | None:
    """(named, counseling) a completing form was prefilled with, if it says."""
    try:
        shown = json.loads(private_metadata).get("shown") if private_metadata else None
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None
    if not isinstance(shown, dict):
        return None
    named, counseling = shown.get(CONSENT_NAME), shown.get(CONSENT_COUNSELING)
    if isinstance(named, bool) and isinstance(counseling, bool):
        return named, counseling
    return None


def metadata_completes(private_metadata: Any) -> str | None:
    """The case number a completing form names (issue 11), if any."""
    try:
        value = json.loads(private_metadata).get("completes") if private_metadata else None
    except (ValueError, AttributeError, TypeError, RecursionError):
        value = None
    return value if isinstance(value, str) and len(value) <= 20 else None
