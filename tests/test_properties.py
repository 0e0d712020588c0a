"""Property-based tests of every parser of Slack input: any input gets an answer or a clean
refusal, never an exception; any text is stored exactly and displayed inert."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import parse_config
from bot.demo.harness import sample_config
from bot.domain.case_ids import parse_case_no
from bot.domain.periods import PeriodError, parse_period
from bot.domain.policy_file import load_policy
from bot.domain.report import MAX_DEMAND, MAX_NARRATIVE, Report, ReportDraft, validate
from bot.flows.oncall import parse_override, parse_until
from bot.flows.retention import parse_hold_command
from bot.slack.privately import Refused
from bot.views.case_card import build_details_modal, parse_action_value, parse_case_value
from bot.views.reminders import parse_snooze_value
from bot.views.report_form import metadata_lang, parse_report_form
from bot.views.welfare import parse_welfare_value
from db.cases import NewCase, file_case, get_case
from db.sealed import Sealer, install
from db.store import open_database

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Tokyo")
POLICY = load_policy(None)
CONFIG = parse_config(sample_config(), Path("."))

# Every Unicode plane, control characters, RTL marks; no lone surrogates (not UTF-8).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
SLACK_MARKUP = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U0RESPOND1>",
        "<!subteam^S0HRGROUP1>",
        "<https://evil.example|click me>",
        "<#C0RESPOND1>",
        "&lt;&amp;",
        "'; DROP TABLE cases; --",
        '" OR 1=1 --',
        "\u202e\u05e9\u05dc\u05d5\u05dd\u202c",
        "\x00\x07\x1b[31m",
        "*bold* _it_ ~s~ `code` ```pre```",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(ANY_TEXT, SLACK_MARKUP), max_size=6).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)
# What arrives where Slack puts a string: text, JSON-looking text, deep nesting, huge values.
VALUES = st.one_of(
    ANY_TEXT,
    JSON,
    JSON.map(json.dumps),
    st.integers(1, 3000).map(lambda n: "[" * n),
    st.integers(1, 3000).map(lambda n: "x" * n),
    st.builds(lambda c, e: json.dumps({"case": c, **e}), ANY_TEXT, st.dictionaries(ANY_TEXT, JSON)),
)


@FAST
@given(VALUES)
def test_button_values_and_metadata_never_raise(value: Any) -> None:
    case_no = parse_case_value(value)
    assert case_no is None or (isinstance(case_no, str) and len(case_no) <= 20)
    assert isinstance(parse_action_value(value)[1], dict)
    assert parse_welfare_value(value) is None or isinstance(parse_welfare_value(value), int)
    assert all(isinstance(i, int) for i in parse_snooze_value(value))
    assert metadata_lang(value, "ja") in ("ja", "en")


def _state(values: Any) -> Any:
    return {"values": values}


FORM_STATE = st.one_of(
    JSON,
    st.dictionaries(
        st.sampled_from(
            [
                "occurred_at",
                "contact_channel",
                "categories",
                "danger",
                "narrative",
                "demand",
                "customer_phone",
                "customer_email",
                "evidence_links",
                "evidence_files",
                "consent",
            ]
        ),
        st.dictionaries(
            st.just("value"),
            st.dictionaries(
                st.sampled_from(
                    ["value", "selected_option", "selected_options", "selected_date_time", "files"]
                ),
                JSON,
            ),
        ),
    ).map(_state),
)


@FAST
@given(FORM_STATE)
def test_form_state_gives_a_report_or_field_errors(state: Any) -> None:
    result = validate(parse_report_form(state), NOW, POLICY)
    if not isinstance(result, Report):
        assert result and all(
            isinstance(k, str) and v.startswith("error.") for k, v in result.items()
        )


@FAST
@given(HOSTILE_TEXT)
def test_slash_command_texts_parse_or_refuse(text: str) -> None:
    parsed = parse_hold_command(text)
    assert parsed is None or parsed[0] in ("set", "release")
    case_no = parse_case_no(text)
    assert case_no is None or all(isinstance(n, int) for n in case_no)
    until = parse_until(text, NOW, TZ)
    assert until is None or until.tzinfo is not None
    for command in (text, f"override legal <@U0LEGAL002> until {text}", f"override {text}"):
        try:
            parse_override(command, NOW, TZ, dict(CONFIG.rotations))
        except Refused as r:
            assert r.key.startswith("oncall.")
    with contextlib.suppress(PeriodError):  # the clean refusal: "hr.bad_period"
        parse_period(text, NOW, TZ)


def _inert(mrkdwn: str) -> bool:
    """No Slack control sequence survives: every < > & the user typed is an entity."""
    return "<" not in mrkdwn and ">" not in mrkdwn and not re.search(r"&(?!amp;|lt;|gt;)", mrkdwn)


def _unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@settings(max_examples=60, deadline=None)
@given(narrative=HOSTILE_TEXT, demand=HOSTILE_TEXT, link_tail=HOSTILE_TEXT)
def test_any_text_is_stored_exactly_and_displayed_inert(
    narrative: str, demand: str, link_tail: str
) -> None:
    narrative = ("x" + narrative)[:MAX_NARRATIVE]
    demand = demand.strip()[:MAX_DEMAND]
    link = "https://ex.example/" + re.sub(r"[\s<>|,]", "", link_tail)[:200]
    draft = ReportDraft(
        occurred_at=int((NOW - timedelta(hours=1)).timestamp()),
        contact_channel="phone",
        categories=("verbal_abuse",),
        demand=demand,
        narrative=narrative,
        danger="over",
        evidence_links=link,
    )
    report = validate(draft, NOW, POLICY)
    assert isinstance(report, Report), report
    db = open_database(":memory:")
    install(db, Sealer((bytes(32),)))
    new = NewCase(
        report,
        "U0EMPLOY01",
        "ja",
        None,
        NOW,
        2026,
        POLICY.version,
        {},
        "U0LEGAL001",
        "U0COUNS001",
        timedelta(days=180),
    )
    case, created = file_case(db, new, lambda _: "medium")
    stored = get_case(db, case.id)
    assert created and stored.narrative == narrative and stored.demand == demand
    assert stored.evidence_links == (link,)
    modal = build_details_modal("en", stored, POLICY, TZ, [(NOW, narrative)])
    texts = [
        b["text"]["text"] for b in modal["blocks"] if b.get("text", {}).get("type") == "mrkdwn"
    ]
    assert all(_inert(t) for t in texts), texts
    shown = _unescape("".join(texts))
    assert (
        _unescape(narrative.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))[:100]
        in shown
    )
