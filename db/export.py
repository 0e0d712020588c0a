"""The HR export's rows: one page of cases at a time, by (reported_at, id).

Paged so a large export never holds the store thread for long (bot/flows/hr/export.py).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.sealed import unseal
from db.stats import where

# The cases columns of the export, in its order (docs/export.md).
CASE_COLUMNS = (
    "case_no", "reported_at", "occurred_at", "status", "severity", "categories",
    "contact_channel", "danger", "reporter_named", "counseling_ok", "repeat_count",
    "policy_version", "lead", "acknowledged_at", "closed_at",
)  # fmt: skip
TEXT_COLUMNS = ("demand", "narrative")


def export_page(
    db: sqlite_utils.Database,
    period: tuple[Any, Any],
    after: tuple[str, int],
    with_text: bool,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to `limit` cases reported in `period` after (reported_at, id) `after`, in that
    order, as dicts keyed by CASE_COLUMNS plus conclusion, measures, care_done and
    retaliation_reported (and the unsealed texts when `with_text`)."""
    cond, params = where("c.reported_at", period)
    conclusion = (
        "(SELECT conclusion FROM assessments a WHERE a.case_id = c.id ORDER BY version DESC"
        " LIMIT 1)"
    )
    measures = (
        "(SELECT group_concat(kind, ';') FROM measures m WHERE m.case_id = c.id AND"
        " (COALESCE(m.needs_confirmation, 0) = 0 OR m.confirmed_at IS NOT NULL))"
    )
    care = "EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.step_id = 'care')"
    rows = db.execute(
        f"""
        SELECT c.id, c.case_no, c.reported_at, c.occurred_at, c.status, c.severity,
          c.categories, c.contact_channel, c.danger, c.show_name, c.counseling_ok,
          c.repeat_count, c.policy_version, c.lead, c.acknowledged_at, c.closed_at,
          {conclusion}, {measures}, {care},
          (SELECT COUNT(*) FROM timeline t WHERE t.case_id = c.id
             AND t.event = 'retaliation_reported'),
          c.demand, c.narrative
        FROM cases c INDEXED BY idx_cases_reported_at
        WHERE {cond} AND (c.reported_at, c.id) > (?, ?)
        ORDER BY c.reported_at, c.id LIMIT ?
        """,
        [*params, *after, limit],
    ).fetchall()
    out = []
    for r in rows:
        row = dict(zip(("id", *CASE_COLUMNS), r[:16], strict=True))
        row.update(conclusion=r[16], measures=r[17], care_done=int(bool(r[18])))
        row["retaliation_reported"] = r[19]
        if with_text:
            row["demand"] = unseal(db, "cases.demand", r[20]) or ""
            row["narrative"] = unseal(db, "cases.narrative", r[21]) or ""
        out.append(row)
    return out
