"""Capaian formulas, range targets, flags and bands (DESIGN.md section 4).

Every expected value is worked out by hand in the comment beside it, never copied from the code's output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_analysis import capaian
from kinerja_analysis.capaian import achievement, band, compute
from kinerja_analysis.config import Settings
from kinerja_analysis.errors import ConfigError, DataError
from kinerja_analysis.ingest.numbers import parse_column

NAN = np.nan


def one(target, actual, polarity, **kw):
    """Score a single row; return (achievement, formula_used, flag)."""
    upper = kw.pop("target_upper", None)
    formula = kw.pop("formula", None)
    value, used, flag = achievement(
        [target],
        [actual],
        [polarity],
        target_upper=None if upper is None else [upper],
        formula=None if formula is None else [formula],
        **kw,
    )
    return value[0], used[0], flag[0]


# --- the formulas ------------------------------------------------------------------------------------


def test_positive_is_r_over_t():
    # 45 / 50 * 100 = 90
    assert one(50, 45, "positive") == (90.0, "R/T", "")


def test_negative_default_is_two_t_minus_r_over_t():
    # poverty 10 % target, 12 % actual: (20 - 12) / 10 * 100 = 80
    assert one(10, 12, "negative") == (80.0, "(2T-R)/T", "")


def test_negative_with_zero_actual_scores_200():
    # (2 * 5 - 0) / 5 * 100 = 200 (zero cases against a target of 5)
    assert one(5, 0, "negative") == (200.0, "(2T-R)/T", "")


def test_negative_beyond_twice_the_target_is_kept_negative_and_flagged():
    # (2 * 10 - 25) / 10 * 100 = -50
    assert one(10, 25, "negative") == (-50.0, "(2T-R)/T", "negative_achievement")


def test_negative_t_over_r_option():
    # 10 / 12.5 * 100 = 80
    assert one(10, 12.5, "negative", negative_formula="T/R") == (80.0, "T/R", "")


def test_t_over_r_with_zero_actual_is_nan_and_flagged():
    value, used, flag = one(10, 0, "negative", negative_formula="T/R")
    assert np.isnan(value) and used == "" and flag == "actual_zero"


@pytest.mark.parametrize("polarity", ["positif", "+", "Naik", " POSITIVE "])
def test_positive_aliases(polarity):
    assert one(50, 45, polarity)[0] == 90.0


@pytest.mark.parametrize("polarity", ["negatif", "-", "turun"])
def test_negative_aliases(polarity):
    assert one(10, 12, polarity)[0] == 80.0


# --- range targets ------------------------------------------------------------------------------------


def test_positive_below_a_range_uses_the_lower_bound():
    # 70 against 80-90: 70 / 80 * 100 = 87.5
    assert one(80, 70, "positive", target_upper=90) == (87.5, "R/T", "")


def test_positive_above_a_range_uses_the_upper_bound():
    # 99 against 80-90: 99 / 90 * 100 = 110
    assert one(80, 99, "positive", target_upper=90)[0] == pytest.approx(110.0)


@pytest.mark.parametrize("actual", [80, 85, 90])
def test_inside_a_range_scores_100(actual):
    assert one(80, actual, "positive", target_upper=90) == (100.0, "in_range", "")


def test_negative_below_a_range():
    # 6.5 months against 7-8 months, lower is better: (2 * 7 - 6.5) / 7 * 100 = 750 / 7 = 107.142857...
    value, used, _ = one(7, 6.5, "negative", target_upper=8)
    assert value == pytest.approx(750 / 7) and used == "(2T-R)/T"
    assert value == pytest.approx(107.142857, abs=1e-6)


def test_negative_above_a_range():
    # 9 against 7-8: (2 * 8 - 9) / 8 * 100 = 87.5
    assert one(7, 9, "negative", target_upper=8)[0] == 87.5


def test_range_polarity_scores_either_side_as_a_shortfall():
    # below 7-8: 6 / 7 * 100 = 85.714...; above: (2 * 8 - 9) / 8 * 100 = 87.5
    assert one(7, 6, "range", target_upper=8)[:2] == (pytest.approx(600 / 7), "R/T")
    assert one(7, 9, "range", target_upper=8)[:2] == (87.5, "(2T-R)/T")
    assert one(7, 7.5, "rentang", target_upper=8)[:2] == (100.0, "in_range")


def test_range_polarity_with_a_point_target():
    # 8 against 10: 80; 12 against 10: (20 - 12) / 10 * 100 = 80
    assert one(10, 8, "range")[:2] == (80.0, "R/T")
    assert one(10, 12, "range")[:2] == (80.0, "(2T-R)/T")


def test_range_typed_upside_down_is_read_in_order():
    # 70 against 90-80 is 70 against 80-90: 87.5
    assert one(90, 70, "positive", target_upper=80)[0] == 87.5


# --- per-row formula ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, expected, used",
    [
        ("T/R", 10 / 12.5 * 100, "T/R"),  # 80
        (" r / t ", 12.5 / 10 * 100, "R/T"),  # 125
        ("(2t - r)/t", (20 - 12.5) / 10 * 100, "(2T-R)/T"),  # 75
        ("R/T x 100", 125.0, "R/T"),
        ("", 75.0, "(2T-R)/T"),  # blank keeps the negative default
        (None, 75.0, "(2T-R)/T"),
    ],
)
def test_per_row_formula_overrides_the_polarity_default(formula, expected, used):
    value, got_used, flag = one(10, 12.5, "negative", formula=formula)
    assert value == pytest.approx(expected) and got_used == used and flag == ""


def test_formula_overrides_row_by_row():
    # same indicator, same numbers, two conventions (as an LKjIP does for the annual and the RPJMD target)
    value, used, _ = achievement([10, 10], [12.5, 12.5], ["negative", "negative"], formula=["R/T", "T/R"])
    np.testing.assert_allclose(value, [125.0, 80.0])
    assert used.tolist() == ["R/T", "T/R"]


def test_unknown_formula_is_nan_and_flagged():
    value, used, flag = one(10, 12, "positive", formula="R*T")
    assert np.isnan(value) and used == "" and flag == "unknown_formula"


def test_unknown_polarity_is_nan_and_flagged_unless_a_formula_is_given():
    value, used, flag = one(10, 12, "sideways")
    assert np.isnan(value) and used == "" and flag == "unknown_polarity"
    assert one(10, 12, "sideways", formula="R/T")[0] == 120.0
    assert one(10, 12, None)[2] == "unknown_polarity"


# --- missing and zero ------------------------------------------------------------------------------------


def test_target_zero_is_nan_and_flagged_never_zero():
    for polarity, actual in [("positive", 5), ("negative", 0), ("negative", 3)]:
        value, used, flag = one(0, actual, polarity)
        assert np.isnan(value) and used == "" and flag == "target_zero"
    value, _, flag = one(0, 5, "negative", negative_formula="T/R")  # T/R would give 0 / 5 = 0
    assert np.isnan(value) and flag == "target_zero"


@pytest.mark.parametrize(
    "target, actual, flag",
    [
        (NAN, 5, "missing_target"),
        (5, NAN, "missing_actual"),
        (NAN, NAN, "missing_target;missing_actual"),
    ],
)
def test_missing_values_are_nan_and_flagged(target, actual, flag):
    value, used, got = one(target, actual, "positive")
    assert np.isnan(value) and used == "" and got == flag


def test_text_missing_markers_become_missing_not_zero():
    parsed = parse_column(["n/a", "-", "12"])
    assert parsed["status"].tolist() == ["missing", "missing", "ok"]
    value, _, flag = achievement([10, 10, 10], parsed["value"], ["positive"] * 3)
    assert np.isnan(value[:2]).all() and value[2] == 120.0
    assert flag.tolist() == ["missing_actual", "missing_actual", ""]


def test_zero_inside_a_range_starting_at_zero_scores_100():
    # 0-5 cases allowed, 3 happened: inside the range
    assert one(0, 3, "negative", target_upper=5)[:2] == (100.0, "in_range")


# --- cap ---------------------------------------------------------------------------------------------------


def test_cap():
    # 100 / 50 * 100 = 200 -> 120 with a cap; 45 / 50 * 100 = 90 untouched
    value, used, flag = achievement([50, 50], [100, 45], "positive", cap=120)
    assert value.tolist() == [120.0, 90.0]
    assert flag.tolist() == ["capped", ""]
    assert used.tolist() == ["R/T", "R/T"]


def test_no_cap_by_default():
    assert one(50, 100, "positive") == (200.0, "R/T", "")


@pytest.mark.parametrize("kw", [{"negative_formula": "R/T"}, {"cap": -5}, {"cap": "lots"}])
def test_bad_options_are_refused(kw):
    with pytest.raises(ConfigError):
        achievement([1], [1], ["positive"], **kw)


def test_lengths_must_agree():
    with pytest.raises(DataError):
        achievement([1, 2], [1], ["positive", "positive"])


# --- bands -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, key",
    [
        (150, "sangat_baik"),
        (91, "sangat_baik"),
        (90.999, "baik"),
        (76, "baik"),
        (75.999, "cukup"),
        (66, "cukup"),
        (65.999, "kurang"),
        (51, "kurang"),
        (50.9, "sangat_kurang"),
        (0, "sangat_kurang"),
        (-50, "sangat_kurang"),
    ],
)
def test_band_edges_are_half_open(value, key):
    assert band([value]).tolist() == [key]


def test_band_nan_and_order():
    out = band(pd.Series([NAN, 95.0], index=["a", "b"]))
    assert out.index.tolist() == ["a", "b"]
    assert pd.isna(out["a"]) and out["b"] == "sangat_baik"
    assert out.cat.ordered
    assert list(out.cat.categories) == ["sangat_kurang", "kurang", "cukup", "baik", "sangat_baik"]


def test_band_ignores_floating_point_noise_at_an_edge():
    # 0.91 * 100 can come out as 90.99999999999999; that is a capaian of 91
    assert band([90.99999999999999]).tolist() == ["sangat_baik"]


def test_band_labels():
    assert band([95, 50], lang="id").tolist() == ["Sangat Baik", "Sangat Kurang"]
    assert band([70], lang="en").tolist() == ["Fair"]


def test_custom_band_scheme():
    scheme = [(100, "tercapai"), (float("-inf"), "tidak_tercapai")]
    assert band([100, 99.9], scheme).tolist() == ["tercapai", "tidak_tercapai"]
    with pytest.raises(ConfigError):
        band([1], "no_such_scheme")
    with pytest.raises(ConfigError):
        band([1], [(0, "low"), (50, "high")])  # not from the top down


# --- compute -----------------------------------------------------------------------------------------------


def kinerja_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["71.73"] * 5,
            "year": [2021] * 5,
            "opd": ["Dinas Kesehatan"] * 5,
            "indicator_id": ["a", "b", "c", "d", "e"],
            "indicator": ["A", "B", "C", "D", "E"],
            "unit": ["%", "%", "bulan", "kasus", "%"],
            "polarity": ["positive", "negative", "negative", "negative", "positive"],
            "target": [80.0, 10.0, 7.0, 0.0, 100.0],
            "target_upper": [90.0, NAN, 8.0, NAN, NAN],
            "target_original": [NAN, NAN, NAN, NAN, 125.0],
            "actual": [70.0, 12.0, 6.5, 3.0, NAN],
            "formula": ["", "", "", "", ""],
        }
    )


def test_compute_adds_columns_and_keeps_the_input():
    rows = kinerja_rows()
    before = rows.copy()
    out = compute(rows)
    pd.testing.assert_frame_equal(rows, before)  # input not touched
    pd.testing.assert_frame_equal(out[rows.columns], rows)  # every input column unchanged
    for col in ("achievement", "formula_used", "band", "met", "flag", "achievement_original"):
        assert col in out.columns
    # a: 70 / 80 = 87.5; b: (20 - 12) / 10 = 80; c: (14 - 6.5) / 7 = 107.14; d: T = 0; e: no actual
    np.testing.assert_allclose(out["achievement"], [87.5, 80.0, 750 / 7, NAN, NAN])
    assert out["formula_used"].tolist() == ["R/T", "(2T-R)/T", "(2T-R)/T", "", ""]
    assert out["flag"].tolist() == ["", "", "", "target_zero", "missing_actual"]
    assert out["band"].astype(object).where(out["band"].notna(), None).tolist() == [
        "baik",
        "baik",
        "sangat_baik",
        None,
        None,
    ]
    assert out["met"].dtype == "boolean"
    assert out["met"].tolist() == [False, False, True, pd.NA, pd.NA]


def test_compute_original_target():
    rows = pd.DataFrame(
        {
            "target": [100.0, 80.0],
            "target_original": [125.0, NAN],
            "target_upper": [NAN, 90.0],
            "actual": [100.0, 85.0],
            "polarity": ["positive", "positive"],
        }
    )
    out = compute(rows)
    # revised: 100 / 100 = 100; original: 100 / 125 = 80. Row 2 has no murni target: as revised (in range)
    assert out["achievement"].tolist() == [100.0, 100.0]
    assert out["achievement_original"].tolist() == [80.0, 100.0]
    on_original = compute(rows, Settings(target_basis="original"))
    assert on_original["achievement"].tolist() == [80.0, 100.0]
    assert on_original["met"].tolist() == [False, True]


def test_compute_murni_target_of_a_revised_range_is_a_point():
    # range 80-90 revised from a murni target of 95: 85 / 95 * 100 = 89.47...
    rows = pd.DataFrame(
        {
            "target": [80.0],
            "target_upper": [90.0],
            "target_original": [95.0],
            "actual": [85.0],
            "polarity": ["positive"],
        }
    )
    out = compute(rows)
    assert out["achievement"].iloc[0] == 100.0
    assert out["achievement_original"].iloc[0] == pytest.approx(8500 / 95)


def test_compute_uses_the_settings():
    rows = pd.DataFrame(
        {"target": [10.0, 50.0], "actual": [12.5, 100.0], "polarity": ["negative", "positive"]}
    )
    out = compute(rows, Settings(negative_formula="T/R", cap=120))
    # 10 / 12.5 * 100 = 80; 100 / 50 * 100 = 200 capped to 120
    assert out["achievement"].tolist() == [80.0, 120.0]
    assert out["flag"].tolist() == ["", "capped"]
    assert out["formula_used"].tolist() == ["T/R", "R/T"]


def test_compute_per_row_formula_column():
    rows = pd.DataFrame(
        {
            "target": [10.0, 10.0],
            "actual": [12.5, 12.5],
            "polarity": ["negative", "negative"],
            "formula": ["R/T", None],
        }
    )
    # R/T: 125; blank: (20 - 12.5) / 10 * 100 = 75
    assert compute(rows)["achievement"].tolist() == [125.0, 75.0]


def test_compute_needs_target_actual_polarity():
    with pytest.raises(DataError, match="polarity"):
        compute(pd.DataFrame({"target": [1.0], "actual": [1.0]}))


def test_compute_empty_table():
    rows = pd.DataFrame(
        {
            "target": pd.Series([], dtype=float),
            "actual": pd.Series([], dtype=float),
            "polarity": pd.Series([], dtype=object),
        }
    )
    out = compute(rows)
    assert len(out) == 0 and "achievement" in out.columns


# --- properties --------------------------------------------------------------------------------------------

_pos = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(target=_pos, actual=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_positive_and_negative_default_sum_to_200(target, actual):
    # R/T + (2T - R)/T = 2, so the two capaian add up to 200
    pos, _, _ = one(target, actual, "positive")
    neg, _, _ = one(target, actual, "negative")
    # the sum cancels two large terms when R/T is large (R = 1e6, T = 0.01: 1e10 %), so allow rounding
    # relative to the terms, not to 200
    assert pos + neg == pytest.approx(200.0, abs=1e-12 * max(abs(pos), abs(neg), 1.0) + 1e-9)


@settings(max_examples=200, deadline=None)
@given(
    lower=_pos,
    width=st.floats(0, 1e3),
    actual=st.floats(0, 2e6, allow_nan=False),
    polarity=st.sampled_from(["positive", "negative", "range"]),
)
def test_a_range_never_scores_below_its_nearer_bound(lower, width, actual, polarity):
    """Scoring against [L, U] equals scoring against the nearer bound, or 100 inside."""
    upper = lower + width
    value, used, _ = one(lower, actual, polarity, target_upper=upper)
    if lower <= actual <= upper:
        assert value == 100.0 and used == "in_range"
    else:
        bound = lower if actual < lower else upper
        side = "R/T" if actual < lower else "(2T-R)/T"  # "range" polarity: a shortfall either side
        formula = {"positive": "R/T", "negative": "(2T-R)/T"}.get(polarity, side)
        expected = 100 * actual / bound if formula == "R/T" else 100 * (2 * bound - actual) / bound
        assert value == pytest.approx(expected) and used == formula


def test_flag_names_are_the_documented_ones():
    assert capaian.FLAGS == (
        "missing_target",
        "missing_actual",
        "target_zero",
        "actual_zero",
        "negative_achievement",
        "capped",
        "unknown_formula",
        "unknown_polarity",
    )
