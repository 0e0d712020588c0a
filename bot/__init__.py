"""ch-responder: a Slack bot for handling customer harassment reports together."""

__version__ = "0.1.0"
