"""Both catalogues say the same things: same keys, same placeholders."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.case import Case
from bot.i18n import catalogue, lang_of_locale, t
from bot.views.timeline_labels import actor_label


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    assert set(ja) == set(en), set(ja) ^ set(en)
    for key in en:
        assert placeholders(ja[key]) == placeholders(en[key]), key
        assert ja[key].strip() and en[key].strip(), key


def test_language_from_locale() -> None:
    assert lang_of_locale("ja-JP", "en") == "ja"
    assert lang_of_locale("en-GB", "ja") == "en"
    assert lang_of_locale("fr-FR", "ja") == "ja"
    assert lang_of_locale(None, "en") == "en"


def test_t_formats_and_falls_back() -> None:
    assert "CH-2026-0001" in t("ja", "confirm.recorded", case_no="CH-2026-0001")
    assert t("fr", "yes") == "Yes"


ROOT = Path(__file__).resolve().parents[1]


def written_events(source: str) -> set[str]:
    """The event names a module writes to the timeline: the fifth argument of
    `timeline.add(db, case_id, at, actor, event, ...)` and its wrappers named `_add`."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name in ("add", "_add") and len(node.args) >= 5:
            event = node.args[4]
            if isinstance(event, ast.Constant) and isinstance(event.value, str):
                found.add(event.value)
    return found


def test_every_event_the_bot_writes_has_a_label_in_both_languages() -> None:
    # The timeline is shown to responders and HR; a raw code (`escalated`) is not a
    # sentence. Events are read from the code itself, so a new one cannot be missed.
    events: set[str] = set()
    for package in ("bot", "db", "handlers"):
        for path in (ROOT / package).rglob("*.py"):
            events |= written_events(path.read_text(encoding="utf-8"))
    assert {"reported", "escalated", "purged", "employee_replied"} <= events  # the scan works
    for lang in ("ja", "en"):
        labels = catalogue(lang)
        missing = sorted(e for e in events if f"event.{e}" not in labels)
        assert not missing, (lang, missing)
    # Control: an event nobody labelled is caught by the same scan.
    fake = written_events('timeline.add(db, 1, now, "U1", "never_labelled")')
    assert fake == {"never_labelled"} and "event.never_labelled" not in catalogue("en")


def test_timeline_actors_read_as_words_not_codes() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    case = Case(
        1, "CH-2026-0001", "U0EMP00001", "ja", False, False, now, now, "phone", ("verbal",),
        "high", "over", "", "", (), (), "new", "2026.1", "U0LEGAL001", "U0COUNS001", 0,
    )  # fmt: skip
    for lang in ("ja", "en"):
        for code in ("reporter", "retention", "U0EMP00001"):  # a confidential reporter's ID
            label = actor_label(lang, code, case)
            assert code not in label and "U0EMP00001" not in label, (lang, code, label)
        assert actor_label(lang, "ch-responder", case) == t(lang, "actor.bot")
    assert actor_label("en", "U0RESP0001", case) == "<@U0RESP0001>"
