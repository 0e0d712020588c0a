"""A number with its noun, from the catalogue: "1 case", "2 cases"; 1件, 2件; 3人. Pure.

The catalogues hold both forms under `<key>.one` and `<key>.other` (Japanese has no
plural, so its two forms are the same and carry the counter: 件, 人). Never build a
plural by adding an "s" in code. Ordinals ("2nd", 2件目) and durations ("3 h 20 min",
3時間20分) come from the catalogue the same way.
"""

from __future__ import annotations

from bot.i18n import t


def counted(lang: str, key: str, n: int, **params: object) -> str:
    # Thousands separated in both languages (99,832件; 99,832 cases).
    return t(lang, f"{key}.{'one' if n == 1 else 'other'}", n=f"{n:,}", **params)


def cases(lang: str, n: int) -> str:
    return counted(lang, "hr.count.cases", n)


def customers(lang: str, n: int) -> str:
    return counted(lang, "hr.count.customers", n)


def ordinal(lang: str, n: int) -> str:
    """English's ordinal forms (CLDR: one, two, few, other): 1st 2nd 3rd 4th 11th 21st."""
    tens, units = n % 100, n % 10
    teen = 10 < tens < 14  # 11th, 12th, 13th
    form = "other" if teen or units not in (1, 2, 3) else ("one", "two", "few")[units - 1]
    return t(lang, f"card.nth.{form}", n=f"{n:,}")


def duration_text(seconds: float | None, lang: str) -> str:
    """A compact duration: 45 s, 12 min, 3 h 20 min, 2 d 4 h (3時間20分, 2日4時間)."""
    if seconds is None:
        return "—"
    s = round(seconds)
    d, rem = divmod(s, 86400)
    h, rem = divmod(rem, 3600)
    m, sec = divmod(rem, 60)
    if d:
        shown = [t(lang, "hr.record.days", n=d), t(lang, "hr.record.hours", n=h)]
    elif h:
        shown = [t(lang, "hr.record.hours", n=h), t(lang, "hr.record.minutes", n=m)]
    else:
        return t(lang, "hr.record.minutes", n=m) if m else t(lang, "hr.record.seconds", n=sec)
    return t(lang, "hr.record.span", first=shown[0], second=shown[1])
