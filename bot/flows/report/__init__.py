"""Reporting: the employee's form (``filing``), its durable intake through the journal
(``intake``), and the reporter's own view of a case and "Add information" (``details``)."""
