"""Handling a case in the responders channel: who may act (``guard``), the card and
thread buttons (``actions``), assessments and measures (``decisions``), messages with
the employee (``employee_messages``), evidence (``evidence``) and thread replies."""
