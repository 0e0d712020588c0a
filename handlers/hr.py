"""HR: `/ch-cases`, the purpose modal, and the HR buttons of the App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.context import AppContext
from bot.flows.hr import command as hr_command
from bot.flows.hr.access import dm_teller
from bot.flows.hr.cases import submit_purpose
from bot.views.ids import Action, Callback, Command
from handlers.submissions import answer_flow

HOME_BUTTONS = {Action.HR_SUMMARY: "summary", Action.HR_EXPORT: "export", Action.HR_AUDIT: "audit"}


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.command(Command.CASES)
    async def cases(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        # Ack first: summaries and exports take longer than Slack's 3 seconds, and
        # `show` must reach views.open before its trigger expires.
        await ack()

        async def tell(text: str) -> None:
            await respond(text=text, response_type="ephemeral")

        await hr_command.run(
            ctx,
            command["user_id"],
            str(command.get("text") or ""),
            command["trigger_id"],
            tell,
        )

    @app.view(Callback.HR_PURPOSE)
    async def purpose(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        await answer_flow(ack, ctx, user_id, submit_purpose(ctx, user_id, view))

    def home_button(sub: str) -> Any:
        # Bolt passes listener arguments by name, so the sub-command is bound by closure.
        async def listener(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            user_id = body["user"]["id"]
            # Home tab buttons have no response_url: answers go to the DM.
            period = str(action.get("value") or "")[:20]
            await hr_command.run(ctx, user_id, f"{sub} {period}", "", dm_teller(ctx, user_id))

        return listener

    for action_id, sub in HOME_BUTTONS.items():
        app.action(action_id)(home_button(sub))
