"""Indonesian/English number parsing (DESIGN.md section 4, "Indonesian numbers").

Expected values are worked out by hand from the text, never copied from the parser's output.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_analysis.errors import ParseError
from kinerja_analysis.ingest import numbers
from kinerja_analysis.ingest.numbers import (
    MISSING_MARKERS,
    detect_style,
    format_number,
    parse_column,
    parse_number,
    parse_range,
)

STATUSES = {"ok", "missing", "range", "invalid"}


# --- parse_number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("89,95", 89.95),
        ("1,93%", 1.93),  # percent stays in percent
        ("2.212.558", 2_212_558.0),
        ("1.234.567,89", 1_234_567.89),
        (" 89,95 ", 89.95),
        ("0,5", 0.5),
        (",5", 0.5),
        ("12", 12.0),
        ("Rp14,5 miliar", 14.5e9),
        ("Rp 14,5 Milyar", 14.5e9),
        ("14,5 M", 14.5e9),
        ("14,5M", 14.5e9),
        ("2 T", 2e12),
        ("Rp 1,2 triliun", 1.2e12),
        ("Rp. 1.500.000,-", 1_500_000.0),  # ",-": no cents
        ("IDR 5 jt", 5e6),
        ("7 juta", 7e6),
        ("500 rb", 500_000.0),
        ("3 ribu", 3_000.0),
        ("232 Org", 232.0),
        ("4 Desa/Kel", 4.0),
        ("6,5 bulan", 6.5),
        ("12 unit", 12.0),
        ("5 m", 5.0),  # a lower-case m is metres, not miliar
        ("5 t", 5.0),
        ("-5", -5.0),
        ("(5)", -5.0),  # accounting negative
        ("(Rp 5.000)", -5000.0),
        ("\u22125", -5.0),  # unicode minus
        ("-1.234,5 %", -1234.5),
        ("5\u00a0Org", 5.0),  # non-breaking space from Excel
    ],
)
def test_parse_number_indonesian(text, expected):
    assert parse_number(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,234,567.89", 1_234_567.89),
        ("89.95", 89.95),
        ("1,234", 1234.0),  # ambiguous cell read in the column's style
        ("12.5%", 12.5),
    ],
)
def test_parse_number_english(text, expected):
    assert parse_number(text, style="en") == pytest.approx(expected, rel=1e-12)


def test_ambiguous_cell_follows_the_style():
    assert parse_number("1.234", style="id") == 1234.0
    assert parse_number("1.234", style="en") == 1.234


def test_cell_only_the_other_style_can_read_is_read_that_way():
    assert parse_number("89.95", style="id") == 89.95
    assert parse_number("1,234.5", style="id") == 1234.5


@pytest.mark.parametrize("value", [89.95, 7, np.float64(2.5), np.int64(3)])
def test_real_numbers_pass_through(value):
    assert parse_number(value) == float(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "n/a",
        "N/A",
        "na",
        "-",
        "\u2014",
        "\u2013",
        "tidak ada data",
        "Tidak Ada",
        "nan",
        "None",
        "null",
        "#N/A",
        "..",
        None,
        float("nan"),
    ],
)
def test_missing_markers_give_nan(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize(
    "text",
    [
        "Belanja Modal",
        "Modal",
        "M",
        "T",
        "abc 12",
        "1.2.3",
        "1,2,3",
        "5 Mei 2020",
        "80-90",
        "80 s.d. 90",
        "--5",
        "2020-01-05",
    ],
)
def test_not_a_number_raises_with_the_text(text):
    with pytest.raises(ParseError, match=re.escape(repr(text))):
        parse_number(text)


def test_never_strips_letters_from_a_label():
    with pytest.raises(ParseError) as info:
        parse_number("Belanja Modal")
    assert "Belanja Modal" in str(info.value)
    assert "odal" not in str(info.value).replace("Modal", "")


@pytest.mark.parametrize("value", [True, dt.datetime(2020, 1, 5), dt.date(2020, 1, 5)])
def test_non_numbers_from_excel_raise(value):
    with pytest.raises(ParseError):
        parse_number(value)


def test_bad_style_is_refused():
    with pytest.raises(ValueError):
        parse_number("1", style="de")


# --- parse_range ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "80\u201390",
        "80-90",
        "80 - 90",
        "80 s.d. 90",
        "80 s/d 90",
        "80 sampai 90",
        "80 to 90",
        "80 sampai dengan 90",
        "80% - 90%",
        "90-80",
    ],
)
def test_parse_range(text):
    assert parse_range(text) == (80.0, 90.0)


def test_parse_range_with_unit_and_decimal_comma():
    assert parse_range("7-8 bulan") == (7.0, 8.0)
    assert parse_range("6,5 - 7,25") == (6.5, 7.25)


@pytest.mark.parametrize("text", ["-5", "-", "80", "abc", "", "2020-01-05", None])
def test_not_a_range(text):
    assert parse_range(text) is None


# --- detect_style -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["1,234.5", "89.95"], "en"),
        (["89,95"], "id"),
        (["1.234.567"], "id"),
        (["1.234,5"], "id"),
        (["1,234,567"], "en"),
        (["1.5"], "en"),
        (["1.234", "1,234", "12"], "id"),  # no evidence
        ([], "id"),
        (["89.95", "89,95"], "id"),  # a tie
        (["89.95", "1.5", "89,95"], "en"),  # the majority
        (["Rp 1,234,567", 12.5, None], "en"),  # non-text cells give no evidence
    ],
)
def test_detect_style(texts, expected):
    assert detect_style(texts) == expected


# --- parse_column -----------------------------------------------------------------------------------


def test_english_column_is_detected():
    out = parse_column(pd.Series(["1,234.5", "89.95"]))
    assert out.attrs["style"] == "en"
    assert out["value"].tolist() == [1234.5, 89.95]


def test_ambiguous_cells_follow_the_columns_style():
    assert parse_column(["1,234", "89.95"])["value"].tolist() == [1234.0, 89.95]
    assert parse_column(["1,234", "89,95"])["value"].tolist() == [1.234, 89.95]


def test_parse_column_statuses_index_and_raw():
    values = pd.Series(
        [
            "89,95",
            "n/a",
            "-",
            None,
            np.nan,
            "80\u201390",
            "Belanja Modal",
            12.5,
            dt.datetime(2021, 3, 1),
            "232 Org",
            True,
        ],
        index=[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
        dtype=object,
    )
    out = parse_column(values, allow_range=True)
    assert list(out.columns) == ["value", "upper", "status", "raw"]
    assert out.index.equals(values.index)
    assert out["status"].tolist() == [
        "ok",
        "missing",
        "missing",
        "missing",
        "missing",
        "range",
        "invalid",
        "ok",
        "invalid",
        "ok",
        "invalid",
    ]
    nan = np.nan
    np.testing.assert_array_equal(
        out["value"].to_numpy(), [89.95, nan, nan, nan, nan, 80.0, nan, 12.5, nan, 232.0, nan]
    )
    np.testing.assert_array_equal(out["upper"].to_numpy(), [np.nan] * 5 + [90.0] + [np.nan] * 5)
    assert out["raw"].tolist()[:8] == ["89,95", "n/a", "-", "", "", "80\u201390", "Belanja Modal", "12.5"]


def test_range_without_allow_range_is_invalid():
    out = parse_column(["80-90", "85"])
    assert out["status"].tolist() == ["invalid", "ok"]
    assert math.isnan(out["value"].iloc[0])


def test_given_style_overrides_detection():
    out = parse_column(["1.234", "89.95"], style="id")
    assert out.attrs["style"] == "id"
    assert out["value"].tolist() == [1234.0, 89.95]


def test_numeric_column_passes_through():
    out = parse_column(pd.Series([1.5, np.nan, 3.0]))
    assert out["status"].tolist() == ["ok", "missing", "ok"]
    assert out["raw"].tolist() == ["1.5", "", "3.0"]


def test_magnitude_and_units_in_a_column():
    out = parse_column(["Rp14,5 miliar", "2 T", "5 jt", "232 Org", "5 M2"])
    assert out["value"].tolist() == [14.5e9, 2e12, 5e6, 232.0, 5.0]


def test_parse_column_vectorised_path_agrees_on_many_cells():
    # the vectorised path only starts above 256 text cells; speed is measured in benchmarks/, not here
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1e9, 5_000).round(2)
    texts = pd.Series([format_number(v) for v in x], dtype=object)
    out = parse_column(texts)
    np.testing.assert_array_equal(out["value"].to_numpy(), x)


# --- format_number ----------------------------------------------------------------------------------


def test_format_number():
    assert format_number(1234567.891) == "1.234.567,89"
    assert format_number(1234567.891, style="en") == "1,234,567.89"
    assert format_number(-1234.5, decimals=1) == "-1.234,5"
    assert format_number(89.95, decimals=0) == "90"
    assert format_number(float("nan")) == ""
    assert format_number(None) == ""


# --- properties --------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False),
    style=st.sampled_from(["id", "en"]),
    decimals=st.integers(0, 4),
)
def test_format_then_parse_round_trips(x, style, decimals):
    text = format_number(x, style=style, decimals=decimals)
    assert parse_number(text, style=style) == float(f"{x:.{decimals}f}")


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.text(), st.none(), st.floats(), st.integers(-(10**12), 10**12), st.booleans(), st.datetimes()
        ),
        max_size=30,
    ),
    allow_range=st.booleans(),
)
def test_parse_column_never_raises(values, allow_range):
    series = pd.Series(values, dtype=object)
    for vector_min in (numbers.VECTOR_MIN, 0):  # the Python loop and the vectorised path
        with mock.patch.object(numbers, "VECTOR_MIN", vector_min):
            out = parse_column(series, allow_range=allow_range)
        assert out.index.equals(series.index)
        assert set(out["status"]) <= STATUSES
        assert all(isinstance(r, str) for r in out["raw"])
        assert out["value"][out["status"].isin(["missing", "invalid"])].isna().all()
        assert out.attrs["style"] in ("id", "en")


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(), min_size=1, max_size=40))
def test_parse_column_never_raises_on_any_text(texts):
    cells = texts + [t + " 1" for t in texts] + ["1" + t for t in texts]  # text around numbers, too
    for vector_min in (numbers.VECTOR_MIN, 0):
        with mock.patch.object(numbers, "VECTOR_MIN", vector_min):
            out = parse_column(cells, allow_range=True)
        assert set(out["status"]) <= STATUSES


_cells = st.builds(
    lambda sign, prefix, x, dec, style, pct, unit: (
        f"{sign}{prefix}{format_number(x, style=style, decimals=dec)}{pct}{unit}",
        style,
    ),
    st.sampled_from(["", "-", "\u2212", "+"]),
    st.sampled_from(["", "Rp", "Rp ", "Rp. ", "IDR "]),
    st.floats(0, 1e9, allow_nan=False),
    st.integers(0, 3),
    st.sampled_from(["id", "en"]),
    st.sampled_from(["", "%", " %"]),
    st.sampled_from(["", " Org", " Desa/Kel", " unit", " jt", " M", " miliar", " m2", " Mei", " x 3"]),
)


@settings(max_examples=80, deadline=None)
@given(cells=st.lists(_cells, min_size=1, max_size=60))
def test_vectorised_path_agrees_with_parse_number(cells):
    """The vectorised path of parse_column (Arrow regexes) gives what parse_number gives, cell by cell."""
    texts = [c for c, _ in cells]
    with mock.patch.object(numbers, "VECTOR_MIN", 0):
        vectorised_style = detect_style(texts)
        outs = {style: parse_column(texts, style=style) for style in ("id", "en")}
    assert vectorised_style == detect_style(texts)  # Arrow and Python loop detect the same style
    for style, out in outs.items():
        for text, value, status in zip(texts, out["value"], out["status"]):
            try:
                expected = parse_number(text, style=style)
            except ParseError:
                assert status == "invalid" and math.isnan(value), text
            else:
                assert status == "ok" and value == expected, text


def test_missing_markers_are_normalised_text():
    assert all(m == m.strip().lower() for m in MISSING_MARKERS)
