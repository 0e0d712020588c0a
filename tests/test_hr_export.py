"""The export: the CSV parsed back and compared with the cases (headers and values in
HR's language, times in the company's zone); free text only on request."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import openpyxl

from bot.clock import FixedClock
from bot.demo.harness import Harness
from tests.hr_common import ask, ephemeral_texts, jst, report_at, seed_known_cases
from tests.record_kit import LESSONS, SUMMARY, handled_case

COLUMNS = (
    "Case number", "Reported at", "Happened at", "Status", "Severity", "Site / team",
    "Contact channel", "Categories", "MHLW behaviour types", "Still going on when reported",
    "Employee agreed to be named", "Filed on behalf of a colleague",
    "Employee agreed to counseling contact",
    "Earlier cases naming the customer", "Policy version", "Lead", "Acknowledged at",
    "Acknowledged by", "Minutes to acknowledge", "Closed at", "Closed by", "Minutes to close",
    "Assessment", "Is the demand valid", "Are the means appropriate", "Assessment version",
    "Assessed at", "Assessed by", "Measures in effect", "Measures awaiting confirmation",
    "Step done: Safety first, never alone", "Step done: Limited first response",
    "Step done: Record verbatim", "Step done: Report to the supervisor and the team",
    "Step done: Establish the facts and assess", "Step done: Respond by type",
    "Step done: Stop the response (when needed)", "Step done: Police and lawyer",
    "Step done: Care for the employee", "Step done: Prevent recurrence",
    "Step done: Throughout: privacy and no retaliation", "Care step done",
    "Asked for counseling at the follow-up", "Follow-up check-ins sent", "Follow-up answers",
    "Reports of retaliation",
)  # fmt: skip
TEXT_COLUMNS = (
    "What the customer demanded", "What happened", "Reason for the assessment",
    "Closing summary", "Lessons (recurrence prevention)",
)  # fmt: skip


async def _export(h: Harness, text: str) -> tuple[str, list[dict[str, str]]]:
    before = len(h.sim.files)
    await ask(h, h.cast.hr, text, wait_dm=False)
    await h.sim.wait_for(lambda s: len(s.files) >= before + 2, timeout=15)
    f = next(f for f in h.sim.files[before:] if f.filename.endswith(".csv"))
    assert f.data is not None and f.channel_id == h.sim.dm_channel(h.cast.hr)
    assert f.data.startswith(b"\xef\xbb\xbf")  # a BOM: Excel opens Japanese correctly
    content = f.data.decode("utf-8-sig")
    return f.filename, list(csv.DictReader(io.StringIO(content)))


async def test_export_one_row_per_case(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    name, rows = await _export(h, "export 2026-11")
    assert name == "ch-cases-2026-11.csv"
    assert list(rows[0]) == list(COLUMNS)
    by_no = {r["Case number"]: r for r in rows}
    assert list(by_no) == [ids["A"], ids["C"], ids["D"]]  # oldest first; B is October
    a, c, d = by_no[ids["A"]], by_no[ids["C"]], by_no[ids["D"]]
    # Midnight in Tokyo, although still October in UTC.
    assert (a["Reported at"], a["Acknowledged at"]) == ("2026-11-01 00:00", "2026-11-01 00:20")
    assert (a["Status"], a["Severity"], a["Categories"], a["Contact channel"]) == (
        "Closed", "Medium", "Verbal abuse, insults, demeaning remarks", "Phone")  # fmt: skip
    assert (a["Minutes to acknowledge"], a["Minutes to close"]) == ("20.0", "2880.0")
    assert (a["Assessment"], a["Measures in effect"], a["Care step done"]) == (
        "Customer harassment", "Warned the customer", "Yes")  # fmt: skip
    assert (a["Assessment version"], a["Follow-up answers"], a["Site / team"]) == (
        "2",
        "doing fine",
        "",
    )
    assert a["Step done: Care for the employee"] == "2026-11-01 00:00"
    assert (c["Severity"], c["Employee agreed to counseling contact"]) == ("Urgent", "Yes")
    assert {r["Filed on behalf of a colleague"] for r in rows} == {"No"}
    assert c["Reports of retaliation"] == "1"
    # The police report awaits a second responder: it is not in effect.
    assert (c["Measures in effect"], c["Measures awaiting confirmation"]) == (
        "", "Reported to the police")  # fmt: skip
    assert (d["Status"], d["Acknowledged at"], d["Minutes to acknowledge"]) == (
        "New: waiting for acknowledgement", "", "")  # fmt: skip
    assert all("What happened" not in r for r in rows)
    assert "The customer shouted." not in str(rows)
    assert ephemeral_texts(h, h.cast.hr) == [
        ":hourglass_flowing_sand: Working on it… the result will arrive in your direct "
        "messages with this app."
    ]


async def test_export_with_text_needs_a_reason_and_neutralises_formulas(
    h: Harness, clock: FixedClock
) -> None:
    ids = await seed_known_cases(h, clock)
    await ask(h, h.cast.hr, "export 2026-11 with-text", wait_dm=False)
    await h.sim.wait_for(lambda s: any("say why" in t for t in ephemeral_texts(h, h.cast.hr)))
    assert h.sim.files == []
    await report_at(h, clock, jst(2026, 11, 26, 9, 0), narrative='=HYPERLINK("http://x")')
    name, rows = await _export(h, "export 2026-11 with-text the lawyer needs the exact words")
    assert name == "ch-cases-2026-11-with-text.csv"
    assert list(rows[0]) == [*COLUMNS, *TEXT_COLUMNS]
    assert [r["What happened"] for r in rows] == ["The customer shouted."] * 3 + [
        '\'=HYPERLINK("http://x")'  # text to a spreadsheet, not a formula
    ]
    assert rows[0]["Case number"] == ids["A"]


async def test_empty_export_has_only_the_header(h: Harness) -> None:
    _, rows = await _export(h, "export 2026-06")
    assert rows == []


async def _workbook(h: Harness, before: int) -> Any:
    f = next(f for f in h.sim.files[before:] if f.filename.endswith(".xlsx"))
    assert f.data is not None and f.channel_id == h.sim.dm_channel(h.cast.hr)
    return openpyxl.load_workbook(io.BytesIO(f.data))


async def test_the_workbook_opens_with_a_summary_and_the_cases(
    h: Harness, clock: FixedClock
) -> None:
    ids = await seed_known_cases(h, clock)
    before = len(h.sim.files)
    name, rows = await _export(h, "export 2026-11")
    assert name == "ch-cases-2026-11.csv" and len(rows) == 3
    book = await _workbook(h, before)
    assert book.sheetnames == ["Summary", "Cases"]
    cases = list(book["Cases"].iter_rows(values_only=True))
    assert cases[0] == COLUMNS
    assert [r[0] for r in cases[1:]] == [ids["A"], ids["C"], ids["D"]]
    a = dict(zip(COLUMNS, cases[1], strict=True))
    # Real dates and numbers, in Tokyo time: Excel sorts and sums them.
    assert a["Reported at"] == datetime(2026, 11, 1, 0, 0)
    assert (a["Minutes to acknowledge"], a["Status"]) == (20, "Closed")
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Cases reported in the period"] == 3
    assert (summary["Closed"], summary["Not assessed yet"]) == (1, 2)
    assert summary["Cases with the care step done"] == 1
    assert "Reported to the police" not in summary  # awaiting confirmation: not in effect
    assert summary["Minutes to acknowledge"] == "Minutes from report to acknowledgement."
    # Nothing sent points into the code repository.
    sent = [f.initial_comment or "" for f in h.sim.files[before:]]
    sent += [str(v) for r in book["Summary"].iter_rows(values_only=True) for v in r]
    assert not [s for s in sent if "docs/" in s or ".md" in s or ".py" in s]
    assert "summary sheet explains every column" in sent[0]


async def test_a_handled_case_exported_in_japanese_with_names(
    h: Harness, clock: FixedClock
) -> None:
    h.sim.users[h.cast.hr].locale = "ja-JP"
    filed = await handled_case(h, clock)
    before = len(h.sim.files)
    await ask(h, h.cast.hr, "export 2026-11 with-text 労働局への提出のため", wait_dm=False)
    await h.sim.wait_for(lambda s: len(s.files) >= before + 2, timeout=15)
    book = await _workbook(h, before)
    assert book.sheetnames == ["概要", "案件"]
    header, first = list(book["案件"].iter_rows(values_only=True))
    r = dict(zip(header, first, strict=True))
    assert r["案件番号"] == filed.case_no and r["状況"] == "完了"
    assert r["受付確認日時"] == datetime(2026, 11, 27, 10, 20)  # 01:20 UTC, in Tokyo
    assert (r["受付確認者"], r["判断者"], r["完了者"]) == ("Tanaka Ken", "Lee Mei", "Tanaka Ken")
    assert r["講じた措置"] == "顧客に警告、警察に届出"
    assert r["厚労省マニュアルの類型"] == "暴言型、威嚇・脅迫型"
    assert r["手順の完了日時：従業員のケア"] == datetime(2026, 11, 28, 10, 0)
    assert (r["状況確認への回答"], r["状況確認でのカウンセリング希望"]) == (
        "カウンセリングを希望",
        "はい",
    )
    assert (r["完了時のまとめ"], r["教訓（再発防止）"]) == (SUMMARY, LESSONS)
    assert r["判断の理由"] == "Threats, repeated after warning"
    csv_file = next(f for f in h.sim.files[before:] if f.filename.endswith(".csv"))
    assert csv_file.data is not None
    text = csv_file.data.decode("utf-8-sig")
    assert text.startswith("案件番号,報告日時,発生日時,状況,重大度,拠点・部署,")
    assert "2026-11-27 10:20" in text and "+09:00" not in text
    # No Slack IDs where a name is known, and never the confidential reporter.
    for person in (h.cast.responder, h.cast.responder2, h.cast.employee):
        assert person not in text and all(person not in str(v) for v in first)
    assert "Sato Hana" not in text and "sato.hana" not in text
