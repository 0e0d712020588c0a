"""Getting the outbox to Slack exactly once: the loop (``deliverer``), what each row
becomes (``render``), per-channel pacing, retries, and the look-up for a post Slack may
have made already (``posted_lookup``); ``slack_watch`` tells the loop Slack is back."""
