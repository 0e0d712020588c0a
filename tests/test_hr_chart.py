"""The chart: a PNG of stacked weekly bars, one colour per category in the period."""

from __future__ import annotations

from datetime import date

from bot.views.hr_chart import MAX_SERIES, OVERFLOW, build_chart, weekly_series

PNG = b"\x89PNG\r\n\x1a\n"


def test_weekly_series_fills_empty_weeks_and_splits_categories() -> None:
    rows = [
        ("2026-11-02", '["threat", "verbal_abuse"]', 2),
        ("2026-11-16", '["threat"]', 1),
    ]
    weeks, series = weekly_series(rows, date(2026, 11, 1), date(2026, 12, 1))
    assert weeks == [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9),
                     date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]  # fmt: skip
    assert series == {"threat": [0, 2, 0, 1, 0, 0], "verbal_abuse": [0, 2, 0, 0, 0, 0]}


def test_chart_is_a_png_with_a_colour_per_category() -> None:
    weeks, series = weekly_series(
        [("2026-11-02", '["threat", "verbal_abuse"]', 2), ("2026-11-09", '["other"]', 4)],
        None,
        None,
    )
    chart = build_chart(weeks, series, {"threat": "Threat"}, "Cases per week")
    assert chart.png.startswith(PNG) and len(chart.png) > 5000
    # Busiest first; a category without a label keeps its id.
    assert chart.series == ("other", "Threat", "verbal_abuse") and chart.weeks == 2


def test_many_categories_fold_into_other() -> None:
    rows = [("2026-11-02", f'["c{i}"]', i + 1) for i in range(12)]
    _, series = weekly_series(rows, None, None)
    assert len(series) == MAX_SERIES + 1 and series[OVERFLOW] == [1 + 2 + 3 + 4]
    assert build_chart([date(2026, 11, 2)], series, {}, "t").series[-1] == OVERFLOW


def test_the_policys_own_other_category_keeps_its_label() -> None:
    """The policy has a category "other"; the summed rest must not take its place."""
    rows = [("2026-11-02", '["other"]', 20)] + [
        ("2026-11-02", f'["c{i}"]', i + 1) for i in range(MAX_SERIES)
    ]
    _, series = weekly_series(rows, None, None)
    assert series["other"] == [20] and series[OVERFLOW] == [1]
    labels = {"other": "その他", OVERFLOW: "その他の分類"}
    chart = build_chart([date(2026, 11, 2)], series, labels, "t")
    assert chart.series[0] == "その他" and chart.series[-1] == "その他の分類"


def test_japanese_labels_render_with_the_bundled_font() -> None:
    """No glyph is missing: matplotlib warns for every character its font cannot draw
    (the old chart, with the default font, drew Japanese as empty boxes)."""
    import warnings

    weeks, series = weekly_series([("2026-11-02", '["threat"]', 1)], None, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart = build_chart(weeks, series, {"threat": "脅迫"}, "分類別の週ごとの案件数", "件数")
    assert chart.png.startswith(PNG)
    assert not [w for w in caught if "missing from font" in str(w.message)]
