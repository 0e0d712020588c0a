"""A number with its noun, from the catalogue: "1 case", "2 cases"; 1件, 2件; 3人. Pure.

The catalogues hold both forms under `<key>.one` and `<key>.other` (Japanese has no
plural, so its two forms are the same and carry the counter: 件, 人). Never build a
plural by adding an "s" in code.
"""

from __future__ import annotations

from bot.i18n import t


def counted(lang: str, key: str, n: int) -> str:
    # Thousands separated in both languages (99,832件; 99,832 cases).
    return t(lang, f"{key}.{'one' if n == 1 else 'other'}", n=f"{n:,}")


def cases(lang: str, n: int) -> str:
    return counted(lang, "hr.count.cases", n)


def customers(lang: str, n: int) -> str:
    return counted(lang, "hr.count.customers", n)
