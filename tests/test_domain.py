"""Pure rules: rotations, severity, identifiers, case numbers, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import identifiers
from bot.domain.case_ids import format_case_no, parse_case_no
from bot.domain.policy_file import load_policy
from bot.domain.report import ReportDraft, validate
from bot.domain.rotation import Rotation
from bot.domain.severity import derive_severity

JST_START = datetime.fromisoformat("2026-01-05T09:00:00+09:00")
POLICY = load_policy()


def rotation(shift: timedelta = timedelta(days=7)) -> Rotation:
    return Rotation("legal", ("A", "B", "C"), JST_START, shift)


@pytest.mark.parametrize(("offset", "expected"), [
    (timedelta(0), "A"), (timedelta(days=6, hours=23), "A"), (timedelta(days=7), "B"),
    (timedelta(days=14), "C"), (timedelta(days=21), "A"), (-timedelta(seconds=1), "C"),
    (timedelta(days=7 * 46 + 3), "B"),
])
def test_on_duty_follows_the_formula(offset: timedelta, expected: str) -> None:
    assert rotation().on_duty(JST_START + offset) == expected


def test_next_shift_and_after() -> None:
    r = rotation(timedelta(hours=12))
    now = JST_START + timedelta(hours=13)
    assert r.on_duty(now) == "B"
    nxt = r.next_shift(now)
    assert nxt.member == "C" and nxt.starts == JST_START + timedelta(hours=24)
    assert r.after("C") == "A"


@pytest.mark.parametrize(("categories", "danger", "earlier", "expected"), [
    (["verbal_abuse"], "ongoing", 0, "urgent"),
    (["other"], "danger", 0, "urgent"),
    (["violence"], "over", 0, "high"),
    (["stalking"], "over", 0, "high"),
    (["threat"], "over", 0, "high"),
    (["verbal_abuse"], "over", 0, "medium"),
    (["unreasonable_demand"], "over", 0, "low"),
    (["unreasonable_demand"], "over", 1, "medium"),
    (["unreasonable_demand"], "over", 3, "high"),
])
def test_severity_rule(categories: list[str], danger: str, earlier: int, expected: str) -> None:
    assert derive_severity(POLICY, categories, danger, earlier) == expected


@pytest.mark.parametrize(("kind", "a", "b"), [
    ("phone", "090-1234-5678", "+81 90 1234 5678"),
    ("phone", "０９０１２３４５６７８", "09012345678"),
    ("email", "Taro@Example.COM ", "taro@example.com"),
    ("handle", "@Angry_Customer", "angry_customer"),
    ("order", "a-100 23", "A10023"),
    ("account", "User 42", "user42"),
])
def test_identifiers_normalise_to_the_same_hash(kind: str, a: str, b: str) -> None:
    key = b"k" * 16
    assert identifiers.customer_hash(key, kind, a) == identifiers.customer_hash(key, kind, b)
    assert identifiers.customer_hash(b"other-key-123456", kind, a) != \
        identifiers.customer_hash(key, kind, a)


def test_hash_is_not_the_value() -> None:
    h = identifiers.customer_hash(b"k" * 16, "phone", "09012345678")
    assert "09012345678" not in h and len(h) == 64


def test_case_numbers() -> None:
    assert format_case_no(2026, 42) == "CH-2026-0042"
    assert parse_case_no(" ch-2026-0042 ") == (2026, 42)
    assert parse_case_no("CH-26-1") is None


NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def draft(**kw: object) -> ReportDraft:
    base: dict[str, object] = dict(occurred_at=int(NOW.timestamp()), contact_channel="phone",
                                   categories=("verbal_abuse",), narrative="x", danger="over")
    base.update(kw)
    return ReportDraft(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"occurred_at": int((NOW + timedelta(hours=1)).timestamp())}, "occurred_at", "error.future"),
    ({"occurred_at": None}, "occurred_at", "error.required"),
    ({"contact_channel": None}, "contact_channel", "error.required"),
    ({"categories": ()}, "categories", "error.pick_category"),
    ({"categories": ("made_up",)}, "categories", "error.unknown_option"),
    ({"narrative": "   "}, "narrative", "error.required"),
    ({"narrative": "x" * 3001}, "narrative", "error.too_long"),
    ({"danger": None}, "danger", "error.required"),
    ({"identifiers": {"phone": "12"}}, "customer_phone", "error.phone_invalid"),
    ({"identifiers": {"email": "not-an-email"}}, "customer_email", "error.email_invalid"),
    ({"evidence_links": "ftp://x"}, "evidence_links", "error.link_invalid"),
    ({"evidence_links": "\n".join(f"https://e.x/{i}" for i in range(11))}, "evidence_links",
     "error.too_many_links"),
])
def test_validation_names_the_field(changes: dict[str, object], field: str, key: str) -> None:
    result = validate(draft(**changes), NOW, POLICY)
    assert isinstance(result, dict) and result[field] == key


def test_valid_report_keeps_the_words_exactly() -> None:
    words = "  「ふざけるな」\n\tと言われた  "
    result = validate(draft(narrative=words, identifiers={"phone": "090-1234-5678", "email": ""}),
                      NOW, POLICY)
    assert not isinstance(result, dict)
    assert result.narrative == words
    assert result.identifiers == {"phone": "090-1234-5678"}
