"""The vectorised PEFA tables (analysis.pefa.yearly, pi3_yearly) against a plain per-group reference loop
written here from the scalar formulas (anggaran.pefa_pi1/pefa_pi2, the band functions, score_two_of_three,
no_score_reason): same values to the bit, same columns, dtypes, row order and missing-value conventions."""

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import anggaran as ag
from kinerja_analysis.analysis import pefa, pemda

TYPES = ["pegawai", "barang_jasa", "modal", "bunga", "subsidi", "hibah", "bansos", "btt", "bagi_hasil"]
YEARLY = ["pi1_outturn_pct", "pi2_variance_pct", "pi1_band", "pi2_band", "no_score"]
PI3 = ["pi3_outturn_pct", "pi3_variance_pct", "pi3_band", "pi3_comp_band"]


# ---------------------------------------------------------------- the reference: one group at a time
def _full_years(table):
    return table[~table["partial_year"].astype(bool)] if "partial_year" in table.columns else table


def _per_group(table, keys, group_col):
    for key, g in _full_years(table).groupby(keys + ["year"], observed=True, sort=True):
        t = g.groupby(group_col, observed=True)[["budget_revised", "spent"]].sum(min_count=1).fillna(0.0)
        yield dict(zip(keys + ["year"], key)), t


def _three_years(out, keys, band_col):
    scores = []
    for _, g in out.groupby(keys, sort=False):
        bands = {y: b if isinstance(b, str) else None for y, b in zip(g["year"], g[band_col])}
        scores += [
            pefa.score_two_of_three([bands.get(y - 2), bands.get(y - 1), bands.get(y)]) for y in g["year"]
        ]
    return scores


@np.errstate(invalid="ignore", divide="ignore")  # 0 / 0 where nothing is realised outside BTT
def reference_yearly(anggaran, by=("region_code",)):
    keys, rows = list(by), []
    for key, t in _per_group(anggaran, keys, "spending_type"):
        budget, spent = t["budget_revised"].sum(), t["spent"].sum()
        why = pefa.no_score_reason(budget, spent)
        pi1 = pi2 = float("nan")
        if not why:
            pi1 = ag.pefa_pi1(spent, budget)
            econ = t[~t.index.isin(pefa.CONTINGENCY)]
            pi2 = ag.pefa_pi2(econ["budget_revised"].to_numpy(), econ["spent"].to_numpy())
        rows.append({**key, "pi1_outturn_pct": pi1, "pi2_variance_pct": pi2, "pi1_band": pefa.pi1_band(pi1),
                     "pi2_band": pefa.pi2_band(pi2), "no_score": why})  # fmt: skip
    out = pd.DataFrame(rows, columns=keys + ["year", *YEARLY])
    if out.empty:
        return out.assign(pi1_score_3y=None, pi2_score_3y=None)
    out = out.sort_values(keys + ["year"]).reset_index(drop=True)
    for ind in ("pi1", "pi2"):
        out[f"{ind}_score_3y"] = _three_years(out, keys, f"{ind}_band")
    return out


@np.errstate(invalid="ignore", divide="ignore")
def reference_pi3(revenue, by=("region_code",)):
    keys, rows = list(by), []
    for key, t in _per_group(revenue, keys, "revenue_group"):
        pct = ag.pefa_pi1(t["spent"].sum(), t["budget_revised"].sum())
        var = ag.pefa_pi2(t["budget_revised"].to_numpy(), t["spent"].to_numpy())
        rows.append({**key, "pi3_outturn_pct": pct, "pi3_variance_pct": var, "pi3_band": pefa.pi3_band(pct),
                     "pi3_comp_band": pefa.pi2_band(var)})  # fmt: skip
    out = pd.DataFrame(rows, columns=keys + ["year", *PI3])
    if out.empty:
        return out
    out = out.sort_values(keys + ["year"]).reset_index(drop=True)
    for col in ("pi3_band", "pi3_comp_band"):
        out[col.replace("_band", "") + "_score_3y"] = _three_years(out, keys, col)
    return out


# ---------------------------------------------------------------- hand-made fixture with the traps
def _rows(code, year, budget, spent, types=TYPES, partial=False):
    return [
        {
            "region_code": code,
            "year": year,
            "spending_type": t,
            "budget_revised": b,
            "spent": s,
            "partial_year": partial,
        }  # fmt: skip
        for t, b, s in zip(types, budget, spent)
    ]


def fixture_anggaran() -> pd.DataFrame:
    rng = np.random.default_rng(16)
    rows = []
    for y in range(2019, 2025):  # "11": every type, non-integer Rupiah, 2024 partial, 2021 nothing realised
        b = rng.uniform(1e9, 9e11, len(TYPES)).round(2)
        s = 0.0 * b if y == 2021 else (b * rng.uniform(0.6, 1.3, len(TYPES))).round(2)
        rows += _rows("11", y, b, s, partial=y == 2024)
    rows += _rows("11", 2019, [3.3e8, 1.7e8], [2.9e8, 1.1e8], ["modal", "btt"])  # a second row per type
    for y in (2019, 2020, 2021, 2022, 2023):  # "11.01": 2020 has no Anggaran; NaN amounts
        b = [0.0] * 4 if y == 2020 else [600.25, 400.5, 55.0, float("nan")]
        rows += _rows(
            "11.01", y, b, [570.0, 330.125, float("nan"), 20.0], ["pegawai", "modal", "btt", "hibah"]
        )
    rows += _rows("11.01", 2022, [float("nan")], [float("nan")], ["bansos"])  # a type with nothing known
    rows += _rows(
        "11.02", 2022, [60.0, 40.0, 10.0], [45.0, 45.0, 50.0], ["pegawai", "modal", "btt"]
    )  # one year
    for y, (b, s) in {
        2019: (100.0, 96.0),
        2021: (100.0, 97.0),
        2022: (100.0, 99.0),
        2023: (100.0, 80.0),
    }.items():
        rows += _rows("12", y, [b, 0.5 * b], [s, 0.5 * s], ["pegawai", "btt"])  # 2020 missing: a gap
    rows += _rows("13", 2019, [0.0, 5.0], [4.0, 0.0], ["btt", "modal"])  # realised only in BTT
    return pd.DataFrame(rows)


def fixture_revenue(anggaran: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for (code, year), _ in anggaran.groupby(["region_code", "year"]):
        for group in ("pad", "pad", "tkdd", "other"):
            b = 0.0 if (code, year) == ("11.01", 2020) else round(float(rng.uniform(1e6, 5e8)), 3)
            rows.append({"region_code": code, "year": year, "revenue_group": group, "budget_revised": b,
                         "spent": b * float(rng.uniform(0.85, 1.2))})  # fmt: skip
    rev = pd.DataFrame(rows)
    rev.loc[5, "spent"] = float("nan")
    return rev


def _same(got, want):
    pd.testing.assert_frame_equal(got, want, check_dtype=True, check_exact=True)
    for col in want.columns:  # bit for bit, and None where the reference has None
        if want[col].dtype == float:
            assert np.array_equal(got[col].to_numpy(), want[col].to_numpy(), equal_nan=True), col
        else:
            assert [repr(v) for v in got[col]] == [repr(v) for v in want[col]], col


def test_yearly_matches_the_per_group_reference_on_the_traps():
    a = fixture_anggaran()
    got = pefa.yearly(a)
    _same(got, reference_yearly(a))
    s = got.set_index(["region_code", "year"])
    assert 2024 not in set(got.loc[got["region_code"] == "11", "year"])  # partial year left out
    assert s.loc[("11", 2021), "no_score"] == "no_realisasi"
    assert s.loc[("11.01", 2020), "no_score"] == "no_anggaran"
    assert pd.isna(s.loc[("11", 2021), "pi1_band"]) and pd.isna(s.loc[("11", 2023), "pi1_score_3y"])
    # hand check, one year only: PI-1 counts BTT, 140 / 110 = 127.3 % (D); PI-2 leaves it out: b = (60, 40),
    # a = (45, 45), adjusted (54, 36), deviations 9 + 9 = 18, 18 / 90 = 20 % (D); no three-year score
    one = s.loc[("11.02", 2022)]
    assert one["pi1_outturn_pct"] == pytest.approx(140 / 110 * 100)
    assert one["pi2_variance_pct"] == pytest.approx(20.0)
    assert (one["pi1_band"], one["pi2_band"]) == ("D", "D") and pd.isna(one["pi1_score_3y"])
    assert pd.isna(s.loc[("12", 2022), "pi1_score_3y"])  # 2020 missing: no window 2020-22
    assert s.loc[("12", 2023), "pi1_score_3y"] == "A"  # 2021-23: A, A, D
    # realised only in BTT: PI-1 4 / 5 = 80 % (D), but PI-2 has nothing to compare (0 / 0): no band
    only_btt = s.loc[("13", 2019)]
    assert only_btt["pi1_outturn_pct"] == 80.0 and only_btt["no_score"] == ""
    assert np.isnan(only_btt["pi2_variance_pct"]) and pd.isna(only_btt["pi2_band"])


def test_pi3_matches_the_per_group_reference_on_the_traps():
    a = fixture_anggaran()
    r = fixture_revenue(a)
    _same(pefa.pi3_yearly(r), reference_pi3(r))
    r = r.assign(partial_year=r["year"].eq(2023))
    got = pefa.pi3_yearly(r)
    _same(got, reference_pi3(r))
    assert (
        2023 not in set(got["year"])
        and got.set_index(["region_code", "year"]).loc[("11.01", 2020)].isna().all()
    )


def test_other_keys_empty_tables_and_pemda_scores():
    a = fixture_anggaran().assign(pv=lambda d: d["region_code"].str[:2])
    _same(pefa.yearly(a, by=("pv", "region_code")), reference_yearly(a, by=("pv", "region_code")))
    _same(pefa.yearly(a, by=("pv",)), reference_yearly(a, by=("pv",)))
    _same(pefa.yearly(a.iloc[:0]), reference_yearly(a.iloc[:0]))
    _same(pefa.yearly(a.assign(partial_year=True)), reference_yearly(a.assign(partial_year=True)))
    r = fixture_revenue(a)
    _same(pefa.pi3_yearly(r.iloc[:0]), reference_pi3(r.iloc[:0]))
    both = pemda.pefa_scores(a, r)
    for code in ("11", "11.02", "12"):  # one pemda's page shows the rows of the national table
        one = pemda.pefa_scores(a, r, code).reset_index(drop=True)
        mine = both[both["region_code"] == code].reset_index(drop=True)
        # a score column with no score at all for this pemda is object, as it always was; values are equal
        pd.testing.assert_frame_equal(one, mine, check_dtype=False, check_exact=True)


def test_yearly_matches_the_reference_to_the_bit_on_random_tables():
    """Many types per group (numpy adds 8 or more values in blocks) and non-integer Rupiah: the row sums
    must add in numpy's order, else the last bits differ."""
    rng = np.random.default_rng(7)
    types = [f"t{i:02d}" for i in range(14)] + ["btt"]
    rows = []
    for p in range(25):
        for y in range(2018, 2024):
            for t in rng.choice(types, size=rng.integers(1, len(types) + 1), replace=False):
                for _ in range(rng.integers(1, 3)):
                    b = rng.lognormal(20, 2) * rng.choice([1.0, 0.0, np.nan], p=[0.9, 0.05, 0.05])
                    rows.append({"region_code": f"{p:02d}", "year": y, "spending_type": t, "revenue_group": t,
                                 "budget_revised": b, "spent": b * rng.uniform(0.3, 1.4) + rng.uniform(0, 1e3)})  # fmt: skip
    a = pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # rows in no particular order
    _same(pefa.yearly(a), reference_yearly(a))
    _same(pefa.pi3_yearly(a), reference_pi3(a))
