"""Use cases: the only place that combines the store, the Slack client and the clock.

Grouped by capability: ``report/`` (the employee's form, its durable intake, their
own report), ``case/`` (the responders' actions on a case), ``delivery/`` (the outbox to
Slack, exactly once), ``reminders/`` (escalations, steps, digest, welfare) and ``hr/``;
``oncall``, ``home`` and ``retention`` stand alone. A flow refuses with
``bot.slack.privately.Refused``; a modal flow returns ``done.Done``. Flows never import
handlers (tests/test_import_contracts.py).
"""
