"""The export as an Excel workbook (XlsxWriter): a summary sheet (figures, and what each
column means) and a cases sheet (one row per case, real dates and numbers).

Without free text the rows go to temporary files in a private folder as they are
written (constant memory: a large export does not hold every cell); with the employees'
own words nothing touches the disk (in memory). Every string is written as a string:
a typed "=HYPERLINK(...)" stays text, never a formula.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from bot.domain.case_record import CaseRecord
from bot.domain.policy import Policy
from bot.i18n import t
from bot.views import record_labels as lbl
from bot.views.hr_export_table import Cell, Column

DATE_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class Tally:
    """The summary's figures, counted from the exported records as they pass."""

    total: int = 0
    status: Counter[str] = field(default_factory=Counter)
    severity: Counter[str] = field(default_factory=Counter)
    channel: Counter[str] = field(default_factory=Counter)
    conclusion: Counter[str] = field(default_factory=Counter)
    measures: Counter[str] = field(default_factory=Counter)
    care_done: int = 0
    counseling_ok: int = 0
    checkins_answered: int = 0
    counseling_requested: int = 0
    retaliation: int = 0

    def add(self, r: CaseRecord) -> None:
        c = r.case
        self.total += 1
        self.status[c.status] += 1
        self.severity[c.severity] += 1
        self.channel[c.contact_channel] += 1
        self.conclusion[r.assessment.conclusion if r.assessment else ""] += 1
        self.measures.update(m.kind for m in r.measures if m.counts)
        self.care_done += r.care is not None
        self.counseling_ok += c.counseling_ok
        self.checkins_answered += any(ci.answers for ci in r.checkins)
        self.counseling_requested += r.counseling_requested
        self.retaliation += r.retaliation_reports > 0


class Workbook:
    def __init__(self, lang: str, cols: list[Column], tmpdir: Path | None) -> None:
        self.lang, self.cols = lang, cols
        self.out = io.BytesIO()
        where = {"constant_memory": True, "tmpdir": str(tmpdir)} if tmpdir else {"in_memory": True}
        self.book = xlsxwriter.Workbook(
            self.out, {**where, "strings_to_numbers": False, "strings_to_urls": False}
        )
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.date = self.book.add_format({"num_format": DATE_FORMAT})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.head = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.summary = self.book.add_worksheet(t(lang, "hr.export.sheet.summary"))
        self.cases = self.book.add_worksheet(t(lang, "hr.export.sheet.cases"))
        for i, c in enumerate(cols):
            self.cases.set_column(i, i, 17 if c.is_time else 14)
        self.cases.freeze_panes(1, 1)
        for i, c in enumerate(cols):
            self.cases.write_string(0, i, c.header, self.head)
        self.rows = 0

    def add(self, cells: list[Cell]) -> None:
        self.rows += 1
        for i, v in enumerate(cells):
            if v is None or v == "":
                continue
            if isinstance(v, datetime):
                self.cases.write_datetime(self.rows, i, v, self.date)
            elif isinstance(v, int | float):
                self.cases.write_number(self.rows, i, v)
            else:
                self.cases.write_string(self.rows, i, v)

    def finish(
        self, tally: Tally, policy: Policy, period: str, made_at: datetime, with_text: bool
    ) -> bytes:
        if self.rows:
            self.cases.autofilter(0, 0, self.rows, len(self.cols) - 1)
        _Summary(self, tally, policy).write(period, made_at, with_text)
        self.book.close()
        return self.out.getvalue()


class _Summary:
    def __init__(self, wb: Workbook, tally: Tally, policy: Policy) -> None:
        self.wb, self.ws, self.tally, self.p = wb, wb.summary, tally, policy
        self.lang = wb.lang
        self.at = 0

    def tr(self, key: str, **params: Any) -> str:
        return t(self.lang, f"hr.export.summary.{key}", **params)

    def line(self, label: str, value: str | int | None = None, fmt: Any = None) -> None:
        self.ws.write_string(self.at, 0, label, fmt)
        if isinstance(value, int):
            self.ws.write_number(self.at, 1, value)
        elif value is not None:
            self.ws.write_string(self.at, 1, value, self.wb.wrap)
        self.at += 1

    def counts(self, heading: str, counts: Counter[str], label: Any) -> None:
        self.line(heading, fmt=self.wb.bold)
        for code, n in counts.most_common():
            self.line(label(code), n)
        if not counts:
            self.line(self.tr("none"), 0)
        self.at += 1

    def write(self, period: str, made_at: datetime, with_text: bool) -> None:
        ws, tally, lang, p = self.ws, self.tally, self.lang, self.p
        ws.set_column(0, 0, 42)
        ws.set_column(1, 1, 70)
        self.line(self.tr("title", period=period), fmt=self.wb.title)
        self.line(self.tr("made_at"), made_at.strftime("%Y-%m-%d %H:%M"))
        self.line(self.tr("total"), tally.total)
        self.line(self.tr("with_text"), lbl.yes_no(lang, with_text))
        self.at += 1
        self.counts(self.tr("by_status"), tally.status, lambda c: lbl.status(lang, c))
        self.counts(self.tr("by_severity"), tally.severity, lambda c: lbl.severity(lang, c))
        self.counts(self.tr("by_channel"), tally.channel, lambda c: lbl.channel(p, lang, c))
        self.counts(
            self.tr("by_conclusion"),
            tally.conclusion,
            lambda c: lbl.conclusion(p, lang, c) if c else self.tr("unassessed"),
        )
        self.counts(self.tr("by_measure"), tally.measures, lambda c: lbl.measure(lang, c))
        self.line(self.tr("care"), fmt=self.wb.bold)
        self.line(self.tr("care_done"), tally.care_done)
        self.line(self.tr("counseling_ok"), tally.counseling_ok)
        self.line(self.tr("checkins_answered"), tally.checkins_answered)
        self.line(self.tr("counseling_requested"), tally.counseling_requested)
        self.line(self.tr("retaliation"), tally.retaliation)
        self.at += 1
        self.line(self.tr("privacy"), fmt=self.wb.bold)
        self.line(self.tr("privacy_text"))
        self.at += 1
        self.line(self.tr("legend"), fmt=self.wb.bold)
        for c in self.wb.cols:
            key = "step" if c.key.startswith("step_done.") else c.key
            self.line(c.header, t(lang, f"hr.export.about.{key}"))
