"""The benchmark suite's quick path still runs (not a timed test: no figure is judged)."""

from __future__ import annotations

from bench import reports
from bench.results import render


async def test_reports_measurement_produces_a_report_with_a_baseline() -> None:
    section = await reports.measure(3, repeats=1, concurrency=2)
    text = render([("CPU", "test")], "python -m bench --only reports", [section])

    assert "## 1. Reports end to end" in text
    assert "floor (no database)" in section.headers  # the baseline column
    figures = {row[0]: row for row in section.rows}
    rate = figures["reports/s"]
    assert float(rate[1].split()[0]) > 0 and float(rate[2].split()[0]) > 0
    # Every report made its card, thread reply and confirmation, and the first modal was
    # opened and turned into the form (issue 11).
    assert figures["Web API calls per report"][1] == "5.00"


async def test_urgent_measurement_times_the_tap_beside_the_normal_report() -> None:
    from bench import urgent

    section = await urgent.measure(2, repeats=1)
    figures = {row[0]: row for row in section.rows}
    tap, normal = figures["to the urgent card / card"][1:3]
    assert " ms" in tap and " ms" in normal
