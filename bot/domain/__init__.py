"""Pure domain rules: no Slack, no SQLite, nothing else of ours (an import contract).

Policy data, rotations, severity, identifiers, validation, case states, and the keys
the database stores as strings (``stored``), built and parsed in one place."""
