"""Modal submissions."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.domain.severity import HAPPENING_NOW
from bot.flows.case.guard import refresh_case
from bot.flows.done import Done
from bot.flows.report.details import submit_add_info
from bot.flows.report.filing import prepare_report
from bot.flows.report.intake import Intake, Taken
from bot.i18n import t
from bot.views.confirmation import build_recording_view
from bot.views.ids import Callback
from handlers.submissions import answer, answer_flow

# Slack allows 3 s for the ack; the rest is the journal's, the network's and Bolt's.
ACK_BUDGET = 2.0
# The form's field that carries "not recorded": the employee's text is right there.
NOT_RECORDED_FIELD = "narrative"


def register(app: AsyncApp, ctx: AppContext, intake: Intake) -> None:
    @app.view(Callback.REPORT_FORM)
    async def report_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Validation errors and the "recorded" screen can only travel in this ack.
        # The report is journaled (durable without the database) while it is
        # committed; if the commit outlasts the budget (a database held by a backup, a
        # burst of reports), the employee is told it is being recorded and the intake
        # commits it, even after a restart; its number follows privately.
        prepared = prepare_report(ctx, body["user"]["id"], view)
        if isinstance(prepared, Done):
            await answer(ack, prepared)
            return
        result = await intake.file_report(prepared, ACK_BUDGET)
        if isinstance(result, Done):
            await answer(ack, result)
            if result.case_id is not None:  # a tap's case, completed: its card follows
                await refresh_case(ctx, result.case_id)
        elif result is Taken.PENDING:
            r = prepared.report
            await ack(
                response_action="update",
                view=build_recording_view(
                    prepared.lang, ctx.policy, r.danger in HAPPENING_NOW, r.contact_channel
                ),
            )
        else:  # not stored anywhere: say so on the form, which keeps what they wrote
            error = t(prepared.lang, "confirm.not_recorded")
            await ack(response_action="errors", errors={NOT_RECORDED_FIELD: error})

    @app.view(Callback.ADD_INFO)
    async def info_added(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        await answer_flow(ack, ctx, user_id, submit_add_info(ctx, user_id, view))
