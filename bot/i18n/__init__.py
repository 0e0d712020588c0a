"""Message catalogues (Japanese and English) and the language each person reads.

Every string a person reads comes from `ja.toml` / `en.toml` beside this file; a
test checks the two have the same keys and the same {placeholders}. One word per concept:
docs/glossary.md lists them and the words not to use (tests/test_words.py checks). A
counted phrase has `.one` / `.other` forms, chosen by bot/views/counting.py.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("ja", "en")


def _flatten(prefix: str, data: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(name + ".", value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"no catalogue for {lang!r}")
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text("utf-8")
    out: dict[str, str] = {}
    _flatten("", tomllib.loads(text), out)
    return out


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang` (falling back to English, then to the key)."""
    text = catalogue(lang if lang in LANGUAGES else "en").get(key)
    if text is None:
        text = catalogue("en").get(key, key)
    return text.format(**params) if params else text


def lang_of_locale(locale: str | None, default: str) -> str:
    """Slack locales look like "ja-JP" or "en-US"."""
    if locale:
        base = locale.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default
