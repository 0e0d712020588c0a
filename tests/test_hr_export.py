"""The CSV export: parsed back and compared with the cases; free text only on request."""

from __future__ import annotations

import csv
import io

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.flows.hr.export import COLUMNS, TEXT_COLUMNS
from tests.hr_common import ask, ephemeral_texts, jst, report_at, seed_known_cases


async def _export(h: Harness, text: str) -> tuple[str, list[dict[str, str]]]:
    before = len(h.sim.files)
    await ask(h, h.cast.hr, text, wait_dm=False)
    await h.sim.wait_for(lambda s: len(s.files) > before, timeout=15)
    f = h.sim.files[-1]
    assert f.data is not None and f.channel_id == h.sim.dm_channel(h.cast.hr)
    content = f.data.decode("utf-8-sig")  # with a BOM, for Excel
    return f.filename, list(csv.DictReader(io.StringIO(content)))


async def test_export_one_row_per_case(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    name, rows = await _export(h, "export 2026-11")
    assert name == "ch-cases-2026-11.csv"
    assert list(rows[0]) == list(COLUMNS)
    by_no = {r["case_no"]: r for r in rows}
    assert list(by_no) == [ids["A"], ids["C"], ids["D"]]  # oldest first; B is October
    a, c, d = by_no[ids["A"]], by_no[ids["C"]], by_no[ids["D"]]
    assert a["reported_at"] == "2026-11-01T00:00:00+09:00"
    assert (a["status"], a["severity"], a["categories"], a["contact_channel"]) == (
        "closed", "medium", "verbal_abuse", "phone")  # fmt: skip
    assert (a["minutes_to_ack"], a["minutes_to_close"]) == ("20.0", "2880.0")
    assert (a["conclusion"], a["measures"], a["care_done"]) == ("harassment", "warned", "1")
    assert (c["severity"], c["counseling_ok"], c["retaliation_reported"]) == ("urgent", "1", "1")
    assert c["measures"] == ""  # the police report awaits a second responder
    assert (d["status"], d["acknowledged_at"], d["minutes_to_ack"]) == ("new", "", "")
    assert all("narrative" not in r for r in rows)
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
    assert [r["narrative"] for r in rows] == ["The customer shouted."] * 3 + [
        '\'=HYPERLINK("http://x")'  # text to a spreadsheet, not a formula
    ]
    assert rows[0]["case_no"] == ids["A"]


async def test_empty_export_has_only_the_header(h: Harness) -> None:
    _, rows = await _export(h, "export 2026-06")
    assert rows == []
