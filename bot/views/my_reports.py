"""'My reports' in the App Home (issue 11 §4): each of her cases, its status in words,
what she added, the messages with the team, and what she can do. Pure.

The App Home holds 100 blocks in all: each case takes at most four, the newest cases
come first, and how many older ones are not shown is said."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from bot.domain.my_reports import MyReport, MyReports
from bot.domain.stored import CaseStatus
from bot.i18n import t
from bot.views.common import Block, actions, button, context, divider, section
from bot.views.consent import choices_text, consent_button
from bot.views.ids import Action
from bot.views.mrkdwn import escape, split_escaped, user
from bot.views.record_labels import dot

LINE_CHARS = 300  # of one message in the list; the whole of it is in her DM
BLOCKS_PER_CASE = 4


def _value(case_no: str) -> str:
    return json.dumps({"case": case_no})


def _confirm(lang: str, key: str, case_no: str) -> dict[str, object]:
    """Slack's own "are you sure?" before a button that acts at once."""
    return {
        "title": {"type": "plain_text", "text": t(lang, f"{key}_title")[:100]},
        "text": {"type": "mrkdwn", "text": t(lang, f"{key}_text", case_no=case_no)},
        "confirm": {"type": "plain_text", "text": t(lang, f"{key}_yes")[:30]},
        "deny": {"type": "plain_text", "text": t(lang, "form.cancel")[:30]},
    }


def _lines(lang: str, r: MyReport, tz: ZoneInfo) -> str:
    out = []
    if r.earlier_lines:
        out.append(t(lang, "my_reports.earlier_lines", n=r.earlier_lines))
    for line in r.lines:
        when = line.at.astimezone(tz).strftime("%m-%d %H:%M")
        who = t(lang, f"my_reports.line_{line.kind}")
        if line.signer:
            who = t(lang, "my_reports.line_signed", user=user(line.signer))
        out.append(f"*{who}*{dot(lang)}{when}")
        if line.deleted:
            out.append(f"> {t(lang, 'my_reports.line_deleted')}")
            continue
        if line.text:
            # Cut in the raw text, so an escaped entity (`&amp;`) is never split.
            pieces = split_escaped(line.text, LINE_CHARS)
            body = pieces[0] + ("…" if len(pieces) > 1 else "")
            out.append("> " + body.replace("\n", "\n> "))
        if line.files:
            out.append(f"> {t(lang, 'my_reports.line_files', n=line.files)}")
    return "\n".join(out)


def _buttons(lang: str, r: MyReport) -> Block:
    value = _value(r.case_no)
    elements = []
    if r.quick and r.status != CaseStatus.CLOSED:
        elements.append(
            button(Action.MY_COMPLETE, t(lang, "my_reports.complete"), value, style="primary")
        )
    elements.append(button(Action.ADD_INFO, t(lang, "confirm.add_info_button"), value))
    elements.append(consent_button(lang, r.case_no, "home"))
    if r.status == CaseStatus.CLOSED:
        reopen = button(Action.MY_REOPEN, t(lang, "my_reports.reopen"), value)
        reopen["confirm"] = _confirm(lang, "my_reports.reopen_confirm", r.case_no)
        elements.append(reopen)
    return actions(f"mine.{r.case_no}", *elements)


def _case(lang: str, r: MyReport, tz: ZoneInfo) -> list[Block]:
    when = r.reported_at.astimezone(tz).strftime("%Y-%m-%d")
    status = t(lang, f"my_reports.stage_{r.stage}")
    if r.quick and r.status != CaseStatus.CLOSED:
        status += "\n" + t(lang, "my_reports.quick")
    blocks = [
        section(f"*{escape(r.case_no)}*{dot(lang)}{when}\n{status}"),
        context(choices_text(lang, r.counseling, r.named)),
    ]
    if r.lines or r.earlier_lines:
        blocks.append(section(_lines(lang, r, tz)))
    blocks.append(_buttons(lang, r))
    return blocks


def my_reports_blocks(lang: str, mine: MyReports, tz: ZoneInfo) -> list[Block]:
    blocks: list[Block] = [section(f"*{t(lang, 'home.mine')}*")]
    if not mine.reports:
        return [*blocks, context(t(lang, "home.mine_none"))]
    blocks.append(context(t(lang, "my_reports.intro")))
    for i, r in enumerate(mine.reports):
        if i:
            blocks.append(divider())
        blocks += _case(lang, r, tz)
    if mine.older:
        blocks.append(context(t(lang, "my_reports.older", n=mine.older)))
    return blocks
