"""Maintenance commands: `ch-responder new-key`, `rotate-key` and `backup`.

The work itself is in db/ (db/keys.py re-seals, db/backup.py copies); this module reads
the settings, opens the database and prints what was done.
"""

from __future__ import annotations

import sqlite3

from db.keys import rotate
from db.sealed import Sealer


def new_key_command() -> int:
    """`ch-responder new-key`: print a fresh data key (for CH_DATA_KEY)."""
    from db.sealed import new_key

    print(new_key())
    return 0


def rotate_command() -> int:
    """`ch-responder rotate-key`: re-seal with CH_DATA_KEY what CH_DATA_KEY_PREVIOUS sealed."""
    from bot.settings import SettingsError, load_settings

    settings = load_settings(require_slack=False)
    if not settings.data_keys:
        raise SettingsError("CH_DATA_KEY: missing (make one with `ch-responder new-key`)")
    if not settings.hash_key:
        raise SettingsError("CH_HASH_KEY: missing")
    conn = sqlite3.connect(str(settings.db_path), timeout=10)
    try:
        report = rotate(conn, Sealer(settings.data_keys), settings.hash_key)
    finally:
        conn.close()
    print(
        f"rotate-key: re-sealed {report.resealed} values with key "
        f"{Sealer(settings.data_keys).current_id}; sealed {report.reporters_sealed} "
        f"confidential reporters; every value now opens with CH_DATA_KEY alone"
    )
    if not report.checkpointed:
        print("rotate-key: the database was busy, so old ciphertext may remain in the "
              "-wal file until the next checkpoint; run rotate-key again when it is quiet")
    return 0


def backup_command(path: str) -> int:
    """`ch-responder backup PATH`: an online, consistent copy of the database."""
    from bot.settings import load_settings
    from db.backup import backup

    settings = load_settings(require_slack=False)
    cases = backup(settings.db_path, path)
    print(f"backup: {settings.db_path} -> {path} ({cases} cases)")
    return 0
