"""The fault suite's bookkeeping (tests/faults/world.py) can fail, and fails per test."""

from __future__ import annotations

from tests.faults.world import Ledger, Submitted, views_with_two_cases


def test_one_view_answered_as_two_cases_is_caught() -> None:
    told = [
        Submitted("double click", "U1", "V1", "CH-2026-0001"),
        Submitted("double click", "U1", "V1", "CH-2026-0002"),  # the same modal, a new case
        Submitted("retry", "U2", "V2", "CH-2026-0003"),
        Submitted("retry", "U2", "V2", "CH-2026-0003"),  # the same answer again: fine
        Submitted("refused", "U3", "V3", None),  # not acknowledged: no case to compare
    ]
    assert views_with_two_cases(told) == {"V1": ["CH-2026-0001", "CH-2026-0002"]}


def test_a_ledger_belongs_to_one_test() -> None:
    failed, next_test, total = Ledger(), Ledger(), Ledger()
    failed.lost, failed.problems = 1, ["card lost"]
    total.add(failed)
    total.add(next_test)
    assert next_test.problems == [] and next_test.lost == 0  # the next test starts clean
    assert (total.lost, total.problems) == (1, ["card lost"])  # the summary still counts it
