"""HR's command `/ch-cases`: who is HR (``access``), the summary, the CSV export, and
looking at one case or a customer's cases with a stated purpose (``cases``)."""
