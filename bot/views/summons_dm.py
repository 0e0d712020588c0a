"""The direct message to a person asked to go to an employee in danger (issue 11).

Where to go, her name only if she let the person who comes know who she is
(cases.helper_may_know; or she agreed to be named to the team) and this person is one
of those first asked to go or the one going, and an "I'm going"
button that works for this person even outside the responders channel. Nothing of
the report itself. Redrawn when someone goes, and at close without the place or name.
"""

from __future__ import annotations

from bot.domain.case import Case
from bot.i18n import t
from bot.views.case_card import case_value
from bot.views.common import Block, button, context, section
from bot.views.ids import Action
from bot.views.mrkdwn import user
from bot.views.urgent import where_text

PURGED = "(deleted)"  # cases.reporter_id after the identity rule


def who_for_helper(lang: str, case: Case, person: str) -> str:
    """Her name for `person`, if she allowed the person who comes to know it; else only
    the location. "The person who comes" is one of those first asked to go (the site's
    supervisors, the backup on duty: cases.summoned) or whoever said "I'm going"; a
    widened call reaches HR, counseling, legal and more, and they get the place only."""
    may = case.helper_may_know or case.show_name
    comes = person == case.helper or person in case.summoned
    if (
        may and comes and case.reporter_id and case.reporter_id != PURGED
        and case.status != "closed"
    ):  # fmt: skip
        return user(case.reporter_id)
    return t(lang, "urgent.who_hidden")


def helper_dm(lang: str, case: Case, person: str, update: bool = False) -> tuple[str, list[Block]]:
    """(fallback text, blocks) of `person`'s summons DM, as the case is now."""
    if case.call_over:  # closed, or reopened since: the call does not come back
        key = "urgent_help.dm_closed" if case.status == "closed" else "urgent_after_close.dm_over"
        text = t(lang, key, case_no=case.case_no)
        return text, [section(text)]
    where, who = where_text(lang, case), who_for_helper(lang, case, person)
    if case.helper == person:
        text = t(lang, "urgent_help.dm_you_go", case_no=case.case_no, where=where, who=who)
        return text, [section(text)]
    if case.helper:
        text = t(lang, "urgent_help.dm_other_goes", case_no=case.case_no, user=user(case.helper))
        return text, [section(text)]
    key = "urgent_help.dm_update" if update else "urgent_help.dm_summons"
    text = t(lang, key, case_no=case.case_no, where=where, who=who)
    going = button(Action.HELPER_GOING, t(lang, "urgent.button_going"), value=case_value(case),
                   style="danger")  # fmt: skip
    return text, [section(text, accessory=going), context(t(lang, "urgent_help.dm_only_going"))]
