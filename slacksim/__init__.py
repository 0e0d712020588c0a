"""Fake Slack Web API for the demo, the tests and the benchmarks; see :class:`SlackSimulator`.

It imports nothing of ch-responder (an import contract holds this): the bot talks to it
only over HTTP, as it would to Slack.
"""

from slacksim.model import (
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
)
from slacksim.render import mrkdwn_to_text, render_blocks, render_message, render_view
from slacksim.server import SlackSimulator
from slacksim.spec import (
    BUILTIN_REQUIRED,
    NEWER_THAN_SPEC,
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
    "NEWER_THAN_SPEC",
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
