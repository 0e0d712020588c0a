"""Customer identifiers: normalised into a keyed hash, and kept sealed as typed.

Repeat-customer matching must work although people type the same phone number as
"090-1234-5678", "+81 90 1234 5678" or in full-width digits, so matching uses the
normalised value's HMAC-SHA256 with a secret key (a leaked database cannot be reversed
by hashing every phone number). Responders need the value itself to act on the customer
(suspend the account, cancel the order): it is kept too, sealed like the narrative
(db/customer_ids.py), and both go under the identity retention rule.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

KINDS = ("account", "order", "phone", "email", "handle")
# Measures taken against the customer's account or orders: they say which identifiers
# they apply to (bot/views/customer_ids.py).
ON_CUSTOMER = ("ceased_negotiations", "stopped_service")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _nfkc(value: str) -> str:
    # NFKC folds full-width letters and digits (common in Japanese input) to ASCII.
    return unicodedata.normalize("NFKC", value).strip()


def normalise(kind: str, value: str) -> str:
    v = _nfkc(value)
    if kind == "phone":
        digits = re.sub(r"\D", "", v)
        if v.startswith("+81") or (digits.startswith("81") and len(digits) >= 11):
            digits = "0" + digits[2:]  # +81 90… and 090… are the same Japanese number
        return digits
    if kind == "email":
        return v.lower()
    if kind == "handle":
        return re.sub(r"\s+", "", v).lstrip("@").casefold()
    if kind == "order":
        return re.sub(r"[\s\-‐－ー]", "", v).upper()
    if kind == "account":
        return re.sub(r"\s+", "", v).casefold()
    raise ValueError(f"unknown identifier kind: {kind}")


def problem(kind: str, value: str) -> str | None:
    """An i18n message key when the value cannot be the kind it claims, else None."""
    n = normalise(kind, value)
    if not n:
        return "error.identifier_empty"
    if kind == "phone" and not 6 <= len(n) <= 15:
        return "error.phone_invalid"
    if kind == "email" and not _EMAIL.match(n):
        return "error.email_invalid"
    return None


def customer_hash(key: bytes, kind: str, value: str) -> str:
    message = f"{kind}:{normalise(kind, value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class IdsState(StrEnum):
    """What a case holds of its customer's identifiers."""

    KEPT = "kept"  # sealed values (possibly none were given)
    PURGED = "purged"  # deleted under the identity retention rule
    HASH_ONLY = "hash_only"  # filed before values were kept: only the keyed hashes


@dataclass(frozen=True)
class Customer:
    state: IdsState = IdsState.KEPT
    values: dict[str, str] = field(default_factory=dict)  # kind -> as typed, KINDS order


def in_order(values: dict[str, str]) -> dict[str, str]:
    return {k: values[k] for k in KINDS if values.get(k)}
