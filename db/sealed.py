"""Encryption at rest for the sensitive columns (AES-256-GCM, `cryptography`).

A copied database file without the key reveals no narrative, no confidential
reporter, no evidence link, no assessment reason and no relayed message. Values
are stored as "v1:<key id>:<base64(nonce | ciphertext+tag)>"; the column name is
authenticated data, so a sealed value moved into another column does not open.

Several keys may be loaded: the first seals, all of them open, which is what lets
`ch-responder rotate-key` re-encrypt in place while the bot keeps running.
"""

from __future__ import annotations

import base64
import hashlib
import os
import weakref
from dataclasses import dataclass

import sqlite_utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1"


class SealError(ValueError):
    pass


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def parse_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError:
        raise SealError("not base64") from None
    if len(key) != 32:
        raise SealError("must be 32 bytes, base64-encoded (ch-responder new-key makes one)")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


@dataclass(frozen=True)
class Sealer:
    keys: tuple[bytes, ...]  # keys[0] seals; every key opens

    def __post_init__(self) -> None:
        if not self.keys:
            raise SealError("at least one key is needed")

    @property
    def current_id(self) -> str:
        return key_id(self.keys[0])

    def seal(self, column: str, text: str | None) -> str | None:
        return None if text is None else self.seal_bytes(column, text.encode())

    def open(self, column: str, value: str | None) -> str | None:
        raw = self.open_bytes(column, value)
        return None if raw is None else raw.decode()

    def seal_bytes(self, column: str, data: bytes) -> str:
        """The same format for bytes (a kept evidence file: db/evidence_copies.py)."""
        nonce = os.urandom(12)
        ct = AESGCM(self.keys[0]).encrypt(nonce, data, column.encode())
        return f"{PREFIX}:{self.current_id}:{base64.b64encode(nonce + ct).decode()}"

    def open_bytes(self, column: str, value: str | None) -> bytes | None:
        if value is None:
            return None
        try:
            prefix, kid, payload = value.split(":", 2)
        except ValueError:
            raise SealError(f"{column}: not a sealed value") from None
        if prefix != PREFIX:
            raise SealError(f"{column}: unknown format {prefix!r}")
        for key in self.keys:
            if key_id(key) == kid:
                raw = base64.b64decode(payload)
                return AESGCM(key).decrypt(raw[:12], raw[12:], column.encode())
        raise SealError(f"{column}: sealed with key {kid}, which is not loaded")

    def is_current(self, value: str | None) -> bool:
        return value is None or value.startswith(f"{PREFIX}:{self.current_id}:")


# The sealer of each open database. Data functions take the database alone (fn(db, ...)),
# so they find its key here; weak keys let a closed database go with its entry.
_SEALERS: weakref.WeakKeyDictionary[sqlite_utils.Database, Sealer] = weakref.WeakKeyDictionary()


def install(db: sqlite_utils.Database, sealer: Sealer) -> None:
    """Give the database its sealer: seal() and unseal() on it use this one."""
    _SEALERS[db] = sealer


def _sealer(db: sqlite_utils.Database) -> Sealer:
    sealer = _SEALERS.get(db)
    if sealer is None:
        raise SealError("no data key installed on this database")
    return sealer


def seal(db: sqlite_utils.Database, column: str, text: str | None) -> str | None:
    return _sealer(db).seal(column, text)


def unseal(db: sqlite_utils.Database, column: str, value: str | None) -> str | None:
    return _sealer(db).open(column, value)


def seal_bytes(db: sqlite_utils.Database, column: str, data: bytes) -> str:
    return _sealer(db).seal_bytes(column, data)


def unseal_bytes(db: sqlite_utils.Database, column: str, value: str | None) -> bytes | None:
    return _sealer(db).open_bytes(column, value)
