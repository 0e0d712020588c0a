"""Use-cases: the only place that combines the store, the Slack client and the clock."""
