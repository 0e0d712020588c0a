"""Reminders: the loop (``loop``), escalation and step reminders (``escalation``), the
daily digest, snoozing, welfare check-ins, and who is mentioned (``duty``). Everything
a reminder posts goes through the outbox."""
