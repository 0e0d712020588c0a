"""The policy data: the packaged default, custom files, and the loader's validation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest

from bot.domain.durations import parse_duration
from bot.domain.policy import STEP_KINDS, WEIGHTS, Label, Policy
from bot.domain.policy_file import MAX_LABEL, MAX_STEP_TEXT, PolicyError, load_policy

POLICY_STEPS = [
    "safety",
    "limited_first_response",
    "record_verbatim",
    "report_to_team",
    "assess",
    "respond_by_type",
    "stop_response",
    "police_and_lawyer",
    "care",
    "prevent_recurrence",
    "privacy_no_retaliation",
]

MHLW_TYPES = [
    "time_restraint",
    "repeat",
    "verbal_abuse",
    "violence",
    "intimidation_threat",
    "authority",
    "restraint_outside",
    "online_defamation",
    "sexual_harassment",
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def short_labels(policy: Policy) -> Iterator[tuple[str, Label]]:
    """Every label that Slack shows as an option or a title (the 75-character limit)."""
    yield "name", policy.name
    for c in policy.categories:
        yield f"category {c.id}", c.label
    for group in (
        policy.mhlw_types,
        policy.demand_valid,
        policy.means_appropriate,
        policy.conclusions,
        policy.contact_channels,
    ):
        for option in group:
            yield f"option {option.id}", option.label
    for s in policy.steps:
        yield f"step {s.id} title", s.title


def test_default_policy_loads_with_its_version(policy: Policy) -> None:
    assert policy.version == "2026-12-01"
    assert policy.name.ja and policy.name.en


def test_default_has_the_eleven_steps_in_policy_order(policy: Policy) -> None:
    assert [s.id for s in policy.steps] == POLICY_STEPS


def test_every_label_has_both_languages_within_slack_limits(policy: Policy) -> None:
    for where, label in short_labels(policy):
        for text in (label.ja, label.en):
            assert text and text == text.strip(), where
            assert len(text) <= MAX_LABEL, (where, text)
    for s in policy.steps:
        for text in (s.text.ja, s.text.en):
            assert text and len(text) <= MAX_STEP_TEXT, s.id
    # Japanese labels must really be Japanese, not a copy of the English.
    for where, label in short_labels(policy):
        assert label.ja != label.en, where


def test_default_steps_carry_their_reminders_notes_and_kinds(policy: Policy) -> None:
    assert all(s.kind in STEP_KINDS for s in policy.steps)
    assert all(s.remind_after > timedelta(0) for s in policy.steps)
    # Safety is urgent: its reminder fires before any other step's.
    safety = policy.step("safety")
    assert safety.remind_after <= timedelta(hours=1)
    assert safety.remind_after == min(s.remind_after for s in policy.steps)
    # The lesson learned is the note of "prevent recurrence" (HR's review report).
    needs_note = {s.id for s in policy.steps if s.needs_note}
    assert needs_note == {"record_verbatim", "police_and_lawyer", "prevent_recurrence"}
    assert [s.id for s in policy.steps if s.kind == "principle"] == ["privacy_no_retaliation"]


def test_default_categories_weights_and_mhlw_types(policy: Policy) -> None:
    assert [t.id for t in policy.mhlw_types] == MHLW_TYPES
    ids = [c.id for c in policy.categories]
    assert {"violence", "threat", "stalking", "sexual", "other"} <= set(ids)
    for c in policy.categories:
        assert c.weight in WEIGHTS
        assert c.mhlw_type in {"", *MHLW_TYPES}
    for id_ in ("violence", "threat", "stalking", "sexual"):
        assert policy.category(id_).weight in ("critical", "high"), id_
    assert policy.category("violence").mhlw_type == "violence"


def test_default_axes_and_conclusions(policy: Policy) -> None:
    assert [o.id for o in policy.demand_valid] == ["valid", "invalid", "unclear"]
    assert [o.id for o in policy.means_appropriate] == ["appropriate", "inappropriate", "unclear"]
    assert [o.id for o in policy.conclusions] == ["harassment", "gray", "not_harassment"]


def test_every_contact_channel_has_a_stop_script(policy: Policy) -> None:
    channel_ids = [c.id for c in policy.contact_channels]
    assert channel_ids == ["phone", "email", "chat", "in_person", "social_media", "other"]
    assert list(policy.stop_scripts) == channel_ids
    for id_, script in policy.stop_scripts.items():
        # An employee in danger must always be pointed at the police number.
        assert "110" in script.ja and "110" in script.en, id_
    assert "110" in policy.safety_advice.ja and "110" in policy.safety_advice.en


def test_lookups_by_id(policy: Policy) -> None:
    assert policy.step("assess").title.en
    assert policy.contact_channel("phone").label.ja == "電話"
    with pytest.raises(KeyError, match="nope"):
        policy.category("nope")
    with pytest.raises(KeyError):
        policy.step("nope")
    with pytest.raises(KeyError):
        policy.contact_channel("nope")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ja", "日本語"),
        ("ja-JP", "日本語"),
        ("JA_jp", "日本語"),
        ("en", "English"),
        ("en-US", "English"),
        ("fr-FR", "English"),
        ("", "English"),
    ],
)
def test_label_get_falls_back_to_english(lang: str, expected: str) -> None:
    assert Label(ja="日本語", en="English").get(lang) == expected


def test_packaged_file_loads_the_same_as_the_default(policy: Policy) -> None:
    packaged = resources.files("bot.domain").joinpath("policy_data/default.toml")
    with resources.as_file(packaged) as path:
        assert load_policy(path) == policy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("1d", timedelta(days=1)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        (" 4h ", timedelta(hours=4)),
        ("0d6h", timedelta(hours=6)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid duration"),
        ("   ", "invalid duration"),
        ("4", "invalid duration"),
        ("h", "invalid duration"),
        ("4x", "invalid duration"),
        ("4H", "invalid duration"),
        ("1.5h", "invalid duration"),
        ("12h1d", "invalid duration"),  # largest unit first
        ("1h1h", "invalid duration"),
        ("1d 12h", "invalid duration"),
        ("0m", "must be positive"),
        ("0d0h", "must be positive"),
        ("-1h", "must be positive"),
        ("999999999999d", "too long"),
    ],
)
def test_parse_duration_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_duration(text)
    assert repr(text) in str(caught.value)


# A small but complete custom policy; the broken variants below each change one thing.
CUSTOM = """
version = "acme-2027-01"
name = { ja = "アクメ社の方針", en = "Acme policy" }

[[mhlw_types]]
id = "violence"
ja = "暴力型"
en = "Violence"

[[categories]]
id = "violence"
ja = "暴力"
en = "Violence"
weight = "critical"
mhlw_type = "violence"

[[categories]]
id = "other"
ja = "その他"
en = "Other"
weight = "low"

[axes]
demand_valid = [{ id = "valid", ja = "妥当", en = "Valid" }]
means_appropriate = [{ id = "inappropriate", ja = "不相当", en = "Inappropriate" }]
conclusions = [{ id = "gray", ja = "グレー", en = "Gray" }]

[[steps]]
id = "safety"
title = { ja = "安全確保", en = "Safety" }
text = { ja = "安全を確保してください。", en = "Make sure everyone is safe." }
remind_after = "10m"
needs_note = false
kind = "action"

[[steps]]
id = "record"
title = { ja = "記録", en = "Record" }
text = { ja = "記録してください。", en = "Keep a record." }
remind_after = "1d12h"
needs_note = true
kind = "action"

[[contact_channels]]
id = "phone"
ja = "電話"
en = "Phone"

[[contact_channels]]
id = "email"
ja = "メール"
en = "Email"

[stop_scripts]
phone = { ja = "1. おやめください。\\n2. 110番。", en = "1. Please stop.\\n2. Call 110." }
email = { ja = "返信を止めます。", en = "Stop replying." }

[safety_advice]
ja = "離れてください。"
en = "Get away."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_policy_loads_with_its_own_version(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, CUSTOM))
    assert policy.version == "acme-2027-01"
    assert [s.id for s in policy.steps] == ["safety", "record"]
    assert policy.step("record").remind_after == timedelta(days=1, hours=12)
    assert policy.step("record").needs_note
    assert policy.category("other").mhlw_type == ""
    assert policy.stop_scripts["phone"].get("en") == "1. Please stop.\n2. Call 110."
    # A file written before the optional step keys (2026-12-01) loads with their defaults.
    record = policy.step("record")
    assert (record.owner, record.conditional, record.completed_by) == ("lead", False, ())
    assert policy.checklist == policy.steps and policy.steps_completed_by() == {}


def test_default_steps_say_who_owns_them_which_are_conditional_and_what_completes_them(
    policy: Policy,
) -> None:
    assert [s.id for s in policy.steps if s.conditional] == ["stop_response", "police_and_lawyer"]
    assert {s.id: s.owner for s in policy.steps if s.owner != "lead"} == {
        "police_and_lawyer": "legal",
        "care": "counseling",
    }
    assert [s.id for s in policy.principles] == ["privacy_no_retaliation"]
    assert policy.steps_completed_by() == {
        "ceased_negotiations": ("stop_response",),
        "stopped_service": ("stop_response",),
        "police_report": ("police_and_lawyer",),
        "lawyer": ("police_and_lawyer",),
    }


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            'title = { ja = "記録", en = "Record" }',
            'title = { en = "Record" }',
            "steps[1].title.ja",
            "missing",
        ),
        (
            'title = { ja = "記録", en = "Record" }',
            'title = { ja = " ", en = "Record" }',
            "steps[1].title.ja",
            "must not be empty",
        ),
        ('en = "Other"', f'en = "{"x" * 76}"', "categories[1].en", "limit is 75"),
        ('id = "other"', 'id = "violence"', "categories[1].id", "duplicate id"),
        ('id = "other"', 'id = "Other"', "categories[1].id", "not a valid id"),
        ('id = "other"', f'id = "o{"x" * 40}"', "categories[1].id", "not a valid id"),
        ('weight = "low"', 'weight = "severe"', "categories[1].weight", "must be one of"),
        (
            'mhlw_type = "violence"',
            'mhlw_type = "repeat"',
            "categories[0].mhlw_type",
            "must be an id from mhlw_types",
        ),
        ('remind_after = "10m"', 'remind_after = "soon"', "steps[0].remind_after", "invalid"),
        ('remind_after = "10m"', 'remind_after = "0m"', "steps[0].remind_after", "positive"),
        ('remind_after = "10m"', "remind_after = 10", "steps[0].remind_after", "duration"),
        ('remind_after = "10m"', 'remind_afer = "10m"', "steps[0].remind_after", "missing"),
        ("needs_note = true", 'needs_note = "yes"', "steps[1].needs_note", "true or false"),
        ('kind = "action"\n\n[[contact', 'kind = "todo"\n\n[[contact', "steps[1].kind", "one of"),
        (
            'email = { ja = "返信を止めます。", en = "Stop replying." }',
            "",
            "stop_scripts.email",
            "every contact channel needs a stop script",
        ),
        (
            "[stop_scripts]",
            '[stop_scripts]\nfax = { ja = "x", en = "x" }',
            "stop_scripts.fax",
            "unknown key",
        ),
        ('version = "acme-2027-01"', "version = 2027-01-01", "version", "string"),
        ('version = "acme-2027-01"', "", "version", "missing"),
        ('id = "email"', 'id = "phone"', "contact_channels[1].id", "duplicate id"),
        (
            'conclusions = [{ id = "gray", ja = "グレー", en = "Gray" }]',
            "conclusions = []",
            "axes.conclusions",
            "at least one",
        ),
        ("[safety_advice]", '[safety_advice]\nfr = "Partez."', "safety_advice.fr", "unknown key"),
        # Issue 12: the optional step keys (owner, conditional, completed_by).
        ("needs_note = true", 'needs_note = true\nowner = "boss"', "steps[1].owner", "one of"),
        (
            "needs_note = true",
            'needs_note = true\nconditional = "maybe"',
            "steps[1].conditional",
            "true or false",
        ),
        (
            "needs_note = true",
            'needs_note = true\ncompleted_by = "lawyer"',
            "steps[1].completed_by",
            "array of measure kinds",
        ),
        (
            "needs_note = true",
            'needs_note = true\ncompleted_by = ["lawyer", "sued"]',
            "steps[1].completed_by[1]",
            "must be one of",
        ),
        (
            "needs_note = true",
            'needs_note = true\ncompleted_by = ["lawyer", "lawyer"]',
            "steps[1].completed_by",
            "twice",
        ),
        (
            'kind = "action"\n\n[[contact',
            'kind = "principle"\nconditional = true\n\n[[contact',
            "steps[1]",
            "principle",
        ),
        ("needs_note = true", 'needs_note = true\nowners = "legal"', "steps[1].owners", "unknown"),
    ],
)
def test_broken_custom_policy_names_the_file_and_key(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    assert old in CUSTOM  # so a drifting fixture cannot make the case pass vacuously
    path = write(tmp_path, CUSTOM.replace(old, new, 1))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    error = caught.value
    assert error.key == key
    assert problem in error.problem
    assert str(path) in str(error) and key in str(error)


def test_unreadable_or_invalid_toml_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.toml")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(write(tmp_path, 'version = "unterminated'))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"version = '\xff'")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(binary)
