"""Fake Slack Web API for tests and demos; see :class:`SlackSimulator`."""

from bot.simulator.render import mrkdwn_to_text, render_blocks, render_message, render_view
from bot.simulator.server import (
    BOT_ID,
    BOT_USER_ID,
    RESPONSE_URL_CALL,
    TEAM_ID,
    UPLOAD_CALL,
    Call,
    Ephemeral,
    Message,
    ResponsePost,
    SimChannel,
    SimFile,
    SimUser,
    SimView,
    SlackSimulator,
)
from bot.simulator.spec import (
    BUILTIN_REQUIRED,
    SLACK_ALSO_REQUIRES,
    UPLOAD_V2_REQUIRED,
    SimulatorSpec,
    find_spec_path,
    load_openapi_required,
)

__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "BUILTIN_REQUIRED",
    "RESPONSE_URL_CALL",
    "SLACK_ALSO_REQUIRES",
    "TEAM_ID",
    "UPLOAD_CALL",
    "UPLOAD_V2_REQUIRED",
    "Call",
    "Ephemeral",
    "Message",
    "ResponsePost",
    "SimChannel",
    "SimFile",
    "SimUser",
    "SimView",
    "SimulatorSpec",
    "SlackSimulator",
    "find_spec_path",
    "load_openapi_required",
    "mrkdwn_to_text",
    "render_blocks",
    "render_message",
    "render_view",
]
