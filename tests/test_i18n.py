"""Both catalogues say the same things: same keys, same placeholders."""

from __future__ import annotations

import re

from bot.i18n import catalogue, lang_of_locale, t


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    assert set(ja) == set(en), set(ja) ^ set(en)
    for key in en:
        assert placeholders(ja[key]) == placeholders(en[key]), key
        assert ja[key].strip() and en[key].strip(), key


def test_language_from_locale() -> None:
    assert lang_of_locale("ja-JP", "en") == "ja"
    assert lang_of_locale("en-GB", "ja") == "en"
    assert lang_of_locale("fr-FR", "ja") == "ja"
    assert lang_of_locale(None, "en") == "en"


def test_t_formats_and_falls_back() -> None:
    assert "CH-2026-0001" in t("ja", "confirm.recorded", case_no="CH-2026-0001")
    assert t("fr", "yes") == "Yes"
