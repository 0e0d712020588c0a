"""Pure Block Kit builders and parsers. No Slack client, no database."""
