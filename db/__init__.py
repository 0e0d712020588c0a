"""Persistence: the Store (one thread owns SQLite), migrations, and table functions."""
