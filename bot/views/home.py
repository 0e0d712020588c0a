"""The App Home tab (a per-person, private surface). Pure builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case import STATUSES
from bot.domain.my_reports import MyReports
from bot.domain.periods import Period
from bot.domain.policy import Policy
from bot.domain.stats import CaseRef, Counts, share
from bot.i18n import t
from bot.views.announce import home_policy
from bot.views.common import Block, actions, button, context, divider, header, section
from bot.views.counting import cases
from bot.views.hr_summary import case_link
from bot.views.ids import Action
from bot.views.mrkdwn import escape
from bot.views.my_reports import my_reports_blocks
from bot.views.record_labels import comma, dot


@dataclass(frozen=True)
class ResponderPart:
    open_count: int
    open_cases: list[CaseRef]
    leading: list[CaseRef]
    overdue: list[tuple[CaseRef, str]]  # (case, step id)


@dataclass(frozen=True)
class HrPart:
    month: Period
    counts: Counts


def _refs(lang: str, refs: list[CaseRef], url: str) -> str:
    return comma(lang).join(case_link(r, url) for r in refs) or t(lang, "home.none")


def _everyone(lang: str, policy: Policy, tz: ZoneInfo, mine: MyReports) -> list[Block]:
    blocks: list[Block] = [
        header(t(lang, "home.title")),
        section(t(lang, "home.intro")),
        actions(
            "home_report",
            button(Action.HOME_REPORT, t(lang, "home.report"), value="home", style="primary"),
        ),
        section(f"*{t(lang, 'home.policy_title')}*\n{t(lang, 'home.policy')}"),
        section(f"*{t(lang, 'home.privacy_title')}*\n{t(lang, 'home.privacy')}"),
        *home_policy(lang),  # what it is, how to report: the policy made known to all
        context(t(lang, "home.policy_version", version=escape(policy.version))),
        divider(),
    ]
    # Her own cases, what she added, the team's messages, her choices (issue 11 §4).
    return blocks + my_reports_blocks(lang, mine, tz)


def _responder(lang: str, policy: Policy, part: ResponderPart, url: str) -> list[Block]:
    def step_title(step_id: str) -> str:
        try:
            return policy.step(step_id).title.get(lang)
        except KeyError:
            return step_id

    overdue = "\n".join(
        f"• {case_link(ref, url)}: {escape(step_title(step))}" for ref, step in part.overdue
    )
    return [
        divider(),
        header(t(lang, "home.responder_title")),
        section(
            f"*{t(lang, 'home.open', n=part.open_count)}*\n{_refs(lang, part.open_cases, url)}"
        ),
        section(f"*{t(lang, 'home.leading')}*\n{_refs(lang, part.leading, url)}"),
        section(f"*{t(lang, 'home.overdue')}*\n{overdue or t(lang, 'home.none')}"),
    ]


def _hr(lang: str, part: HrPart) -> list[Block]:
    c, month = part.counts, part.month.key
    by_status = dot(lang).join(
        f"{t(lang, f'status.{s}')}: {c.by_status.get(s, 0)}" for s in STATUSES
    )
    return [
        divider(),
        header(t(lang, "home.hr_title", month=month)),
        section(
            t(
                lang,
                "home.hr_figures",
                total=cases(lang, c.total),
                met=c.ack_met,
                share=share(c.ack_met, c.ack_due),
                closed=c.closed,
            )
        ),
        context(by_status),
        actions(
            "home_hr",
            button(Action.HR_SUMMARY, t(lang, "home.hr_summary"), value=month),
            button(Action.HR_EXPORT, t(lang, "home.hr_export"), value=month),
            button(Action.HR_AUDIT, t(lang, "home.hr_audit"), value=month),
        ),
        context(t(lang, "home.hr_note")),
    ]


def build_home(
    lang: str,
    policy: Policy,
    tz: ZoneInfo,
    url: str,
    mine: MyReports,
    responder: ResponderPart | None,
    hr: HrPart | None,
) -> dict[str, Any]:
    blocks = _everyone(lang, policy, tz, mine)
    if responder is not None:
        blocks += _responder(lang, policy, responder, url)
    if hr is not None:
        blocks += _hr(lang, hr)
    return {"type": "home", "blocks": blocks[:100]}
