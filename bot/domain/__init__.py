"""Pure domain rules: no Slack, no SQLite."""
