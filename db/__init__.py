"""Persistence, and the only place with SQL: the Store (one thread owns SQLite),
migrations, encryption at rest, and plain functions ``fn(db, ...)`` per table. It
imports the domain only, never flows, views or Slack (tests/test_import_contracts.py)."""
