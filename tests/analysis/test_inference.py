"""Cluster inference: FWL estimate, CV3 jackknife, CR1 and pyfixest, WCR bootstrap by brute force, edges.

Every expected value is computed here a second way: dummy-variable least squares with numpy, a
hand-written jackknife loop, pyfixest, or a loop over all Webb sign vectors.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kinerja_analysis.analysis import inference as I
from kinerja_analysis.analysis import wild


def tiny(n_units=(2, 3, 2, 4, 3), years=3, seed=0, effect=0.5, weights=True) -> pd.DataFrame:
    """Units nested in regions over a few years; ``x`` varies within unit, ``z`` is a second term."""
    rng = np.random.default_rng(seed)
    rows = []
    unit = 0
    for g, n in enumerate(n_units):
        for _ in range(n):
            a = rng.normal()
            for t in range(years):
                x, z = rng.normal() + 0.3 * g * t, rng.normal()
                y = a + 0.2 * t + effect * x - 0.7 * z + rng.normal() * (1 + g % 2)
                rows.append((g, unit, t, x, z, y, float(rng.integers(1, 4)) if weights else 1.0))
            unit += 1
    return pd.DataFrame(rows, columns=["region", "unit", "year", "x", "z", "y", "n"])


def dummies(f: pd.DataFrame, fe=("unit", "year")) -> np.ndarray:
    """Regressors x, z, then the fixed effects as dummies (first level of all but the first dropped)."""
    cols = [f[["x", "z"]].to_numpy()]
    for i, c in enumerate(fe):
        d = pd.get_dummies(f[c].astype("category")).to_numpy(dtype=float)
        cols.append(d if i == 0 else d[:, 1:])
    return np.column_stack(cols)


def wls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    sw = np.sqrt(w)
    return np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)[0]


def run(f, **kw):
    args = dict(outcome="y", terms=["x", "z"], coef="x", fe=["unit", "year"], cluster="region", weights="n")
    args.update(draws=999, seed=3)
    args.update(kw)
    return I.cluster_inference(f, **args)


def feols(f, vcov, weights="n"):
    import pyfixest as pf

    kw = {"weights": weights, "weights_type": "fweights"} if weights else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feols("y ~ x + z | unit + year", data=f, vcov={vcov: "region"}, **kw)


def test_fwl_estimate_equals_dummy_variable_least_squares():
    f = tiny()
    r = run(f)
    expected = wls(dummies(f), f["y"].to_numpy(), f["n"].to_numpy())[0]
    assert r.status == "ok" and r.n_clusters == 5 and r.n_obs == int(f["n"].sum())
    assert r.estimate == pytest.approx(expected, rel=1e-9, abs=1e-10)


def test_cv3_equals_the_hand_written_jackknife():
    f = tiny()
    r = run(f)
    b = wls(dummies(f), f["y"].to_numpy(), f["n"].to_numpy())[0]
    leave_out = []
    for g in sorted(f["region"].unique()):
        h = f[f["region"] != g]
        leave_out.append(wls(dummies(h), h["y"].to_numpy(), h["n"].to_numpy())[0])
    big_g = len(leave_out)
    se = math.sqrt((big_g - 1) / big_g * sum((bg - b) ** 2 for bg in leave_out))
    assert r.se_cv3 == pytest.approx(se, rel=1e-8)
    crit = stats.t.ppf(0.975, big_g - 1)
    assert r.ci_cv3 == pytest.approx((b - crit * se, b + crit * se), rel=1e-8)
    assert r.p_cv3 == pytest.approx(2 * stats.t.sf(abs(b) / se, big_g - 1), rel=1e-8)


@pytest.mark.parametrize("weights", ["n", None])
def test_cr1_standard_error_matches_pyfixest(weights):
    f = tiny()
    r = run(f, weights=weights)
    se = float(feols(f, "CRV1", weights=weights).tidy().at["x", "Std. Error"])
    assert r.se_cr1 == pytest.approx(se, rel=1e-7)


def test_cv3_scale_note_is_what_pyfixest_crv3_is():
    f = tiny()
    r = run(f)
    se_pf = float(feols(f, "CRV3").tidy().at["x", "Std. Error"])
    big_g, n = 5, float(f["n"].sum())
    # pyfixest's k: 2 terms + unit and year levels - 1, minus the unit levels (nested in region) + 1
    k = 2 + f["year"].nunique()
    assert se_pf / r.se_cv3 == pytest.approx(I.cv3_scale_note(big_g, n, k), rel=1e-7)
    assert I.cv3_scale_note(big_g) == pytest.approx(5 / 4)
    assert I.cv3_scale_note(6) == pytest.approx(1.2)
    assert se_pf / r.se_cv3 == pytest.approx(5 / 4, rel=0.05)  # the (N-1)/(N-k) part is small


def brute_force_p(f: pd.DataFrame, b0: float, weights: str | None = "n") -> float:
    """WCR p-value by refitting the dummy-variable model on every Webb sign vector (all 6^G of them).

    The refits are batched: one column of ``ys`` per bootstrap sample, one least-squares solve for all.
    """
    x_all, y = dummies(f), f["y"].to_numpy()
    w = f["n"].to_numpy() if weights else np.ones(len(f))
    cl = f["region"].to_numpy()
    big_g = len(np.unique(cl))
    sw = np.sqrt(w)
    xw = x_all * sw[:, None]
    bread = np.linalg.pinv(xw.T @ xw)

    def t_stats(ys):  # ys: N x B
        beta = np.linalg.lstsq(xw, ys * sw[:, None], rcond=None)[0]
        u = ys - x_all @ beta
        var = np.zeros(ys.shape[1])
        for g in range(big_g):
            s = (x_all[cl == g] * w[cl == g, None]).T @ u[cl == g]  # p x B cluster scores
            var += (bread[0] @ s) ** 2
        return (beta[0] - b0) / np.sqrt(var)

    restricted = wls(x_all[:, 1:], y - b0 * x_all[:, 0], w)
    fitted = b0 * x_all[:, 0] + x_all[:, 1:] @ restricted
    u_r = y - fitted
    t0 = abs(t_stats(y[:, None])[0])
    v = np.array(list(itertools.product(wild.WEBB, repeat=big_g)))  # B x G
    t_star = np.abs(t_stats(fitted[:, None] + v[:, cl].T * u_r[:, None]))
    return float(np.mean(t_star >= t0 * (1 - 1e-10) - 1e-12))


def test_wild_p_value_with_five_clusters_equals_a_brute_force_loop():
    f = tiny(effect=0.3)
    r = run(f, draws=9999)
    assert r.draws == 6**5  # fewer than the draws asked for: every sign vector once
    assert r.p_wild == pytest.approx(brute_force_p(f, 0.0), abs=1e-12)


def test_random_draws_approximate_the_full_enumeration():
    f = tiny(effect=0.3)
    exact = run(f, draws=9999).p_wild  # 6^5 = 7776 sign vectors, all of them
    sampled = [run(f, draws=1999, seed=s).p_wild for s in (1, 2)]
    assert all(abs(p - exact) < 4 * math.sqrt(exact * (1 - exact) / 1999) + 1e-3 for p in sampled)
    assert sampled[0] != sampled[1]


def test_wild_p_value_with_four_clusters_equals_a_brute_force_loop_at_any_null():
    f = tiny(n_units=(2, 3, 3, 2))
    x_all = dummies(f)
    w = f["n"].to_numpy()
    # the partialled design by hand: residuals on every other column, weighted
    others = x_all[:, 1:]
    x_dot = x_all[:, 0] - others @ wls(others, x_all[:, 0], w)
    y_dot = f["y"].to_numpy() - others @ wls(others, f["y"].to_numpy(), w)

    def annihilate(e):
        return e - x_all @ np.column_stack([wls(x_all, col, w) for col in e.T])

    boot = wild.wild_draws(x_dot, y_dot, w, f["region"].to_numpy(), annihilate, kappa=1.0, draws=9999, seed=1)
    assert boot.draws == 6**4
    for b0 in (0.0, 0.4, -1.0):
        assert boot.p_value(b0) == pytest.approx(brute_force_p(f, b0), abs=1e-12)
    lo, hi = boot.interval(0.9)
    eps = 1e-6
    assert boot.p_value(lo + eps) >= 0.1 > boot.p_value(lo - eps)
    assert boot.p_value(hi - eps) >= 0.1 > boot.p_value(hi + eps)


def panel(effect: float, seed: int, sizes=(5, 10, 20, 40, 60, 80), years=6, shock=1.0) -> pd.DataFrame:
    """Units in unequal regions with a region-level dose component and region-year shocks."""
    rng = np.random.default_rng(seed)
    frames = []
    for g, n in enumerate(sizes):
        dose = rng.uniform(0, 2, n) + rng.normal()  # region component
        shock = shock * rng.normal(size=years)
        for t in range(years):
            post = float(t >= years // 2)
            y = rng.normal(size=n) + shock[t] + effect * dose * post + rng.normal(size=n)
            frames.append(
                pd.DataFrame(
                    {"region": g, "unit": [f"{g}-{i}" for i in range(n)], "year": t, "y": y, "d": dose * post}
                )
            )
    return pd.concat(frames, ignore_index=True)


def test_planted_effect_is_recovered_and_a_null_is_not_found():
    kw = dict(outcome="y", terms=["d"], coef="d", fe=["unit", "year"], cluster="region", draws=999, seed=7)
    hit = I.cluster_inference(panel(1.0, seed=11, shock=0.3), **kw)
    assert (
        hit.status == "ok" and hit.ci_wild[0] < 1.0 < hit.ci_wild[1] and hit.ci_cv3[0] < 1.0 < hit.ci_cv3[1]
    )
    assert hit.ci_wild[0] > 0 and hit.ci_cv3[0] > 0 and hit.strong and hit.p_wild < 0.05
    null = I.cluster_inference(panel(0.0, seed=12, shock=0.3), **kw)
    assert null.ci_wild[0] < 0 < null.ci_wild[1] and not null.strong and null.p_wild > 0.05


def test_same_seed_same_result_and_the_seed_matters():
    f = tiny(n_units=(2, 2, 3, 2, 2, 3, 2))  # 7 clusters: 6^7 > draws, so draws are random
    a, b, c = run(f, seed=5), run(f, seed=5), run(f, seed=6)
    assert a == b and a.draws == 999
    assert a.ci_wild != c.ci_wild


def test_the_opd_year_shortcut_gives_the_unit_level_answer():
    f = panel(0.5, seed=3, sizes=(3, 4, 5, 6, 7))
    f["opd"] = f["unit"].str.slice(0, 1) + "-" + (f["unit"].str.split("-").str[1].astype(int) % 2).astype(str)
    f["d"] = f.groupby(["opd", "year"])["d"].transform("mean")  # dose is an OPD-year property
    cells = f.groupby(["opd", "year", "region"], as_index=False).agg(
        y=("y", "mean"), d=("d", "first"), n=("y", "size")
    )
    kw = dict(outcome="y", terms=["d"], coef="d", cluster="region", draws=999, seed=2)
    # a balanced panel: unit fixed effects on the units, OPD fixed effects on the weighted cells
    units = I.cluster_inference(f, fe=["unit", "year"], **kw)
    short = I.cluster_inference(cells, fe=["opd", "year"], weights="n", **kw)
    for name in ("estimate", "se_cv3", "se_cr1", "p_wild", "p_cv3"):
        assert getattr(short, name) == pytest.approx(getattr(units, name), rel=1e-7), name
    assert short.ci_wild == pytest.approx(units.ci_wild, rel=1e-6)
    assert short.n_obs == units.n_obs == len(f)


def test_no_variation_gives_a_status_not_an_exception():
    f = tiny()
    f["x"] = f["unit"] * 0.5  # constant within unit: absorbed by the unit fixed effect
    r = run(f)
    assert r.status == "no_variation" and math.isnan(r.estimate) and not r.strong
    f["x"] = 1.0
    assert run(f, fe=[]).status == "no_variation"


@pytest.mark.parametrize("n_units", [(3, 4), (2, 3, 2, 4)])
def test_fewer_than_five_clusters_give_the_estimate_only(n_units):
    f = tiny(n_units=n_units)
    r = run(f)
    expected = wls(dummies(f), f["y"].to_numpy(), f["n"].to_numpy())[0]
    assert r.status == "few_clusters" and r.estimate == pytest.approx(expected, rel=1e-9)
    assert all(math.isnan(v) for v in (*r.ci_wild, *r.ci_cv3, r.p_wild, r.p_cv3, r.se_cv3))
    assert not r.strong and r.draws == 0
    d = r.as_dict("did_")
    assert d["did_ci_wild_low"] is None and d["did_status"] == "few_clusters"
    json.dumps(d, allow_nan=False)


def test_weights_change_the_estimate_as_frequency_weights():
    f = tiny()
    weighted = run(f)
    expanded = f.loc[f.index.repeat(f["n"].astype(int))].reset_index(drop=True)
    unweighted = run(expanded, weights=None)
    for name in ("estimate", "se_cv3", "se_cr1", "p_wild"):
        assert getattr(weighted, name) == pytest.approx(getattr(unweighted, name), rel=1e-7), name
    assert run(f, weights=None).estimate != pytest.approx(weighted.estimate, rel=1e-3)


def test_strong_needs_both_intervals_on_the_same_side():
    base = dict(
        coef="d",
        estimate=1.0,
        n_obs=10,
        n_clusters=6,
        se_cv3=0.1,
        p_cv3=0.01,
        p_wild=0.01,
        draws=9,
        status="ok",
    )
    assert I.ClusterInference(ci_cv3=(0.1, 2.0), ci_wild=(0.2, 1.5), **base).strong
    assert not I.ClusterInference(ci_cv3=(-0.1, 2.0), ci_wild=(0.2, 1.5), **base).strong
    assert not I.ClusterInference(ci_cv3=(0.1, 2.0), ci_wild=(-0.2, 1.5), **base).strong
    assert I.ClusterInference(ci_cv3=(-2.0, -0.1), ci_wild=(-1.5, -0.2), **base).strong
    assert not I.ClusterInference(ci_cv3=(-2.0, -0.1), ci_wild=(0.2, 1.5), **base).strong
    assert not I.ClusterInference(
        **{**base, "status": "few_clusters"}, ci_cv3=(0.1, 2.0), ci_wild=(0.2, 1.5)
    ).strong


def test_bonferroni_band_uses_cv3_and_the_bonferroni_t_quantile():
    f = tiny()
    band = I.bonferroni_band(
        f, outcome="y", terms=["x", "z"], fe=["unit", "year"], cluster="region", weights="n"
    )
    assert band.attrs["kind"] == "bonferroni_cv3" and band.attrs["status"] == "ok"
    crit = stats.t.ppf(1 - 0.05 / 4, 4)
    assert band["crit"].tolist() == pytest.approx([crit, crit])
    for term in ("x", "z"):
        one = run(f, coef=term)
        row = band.set_index("term").loc[term]
        assert row["estimate"] == pytest.approx(one.estimate, rel=1e-9)
        assert row["se_cv3"] == pytest.approx(one.se_cv3, rel=1e-9)
        assert (row["low"], row["high"]) == pytest.approx(
            (one.estimate - crit * one.se_cv3, one.estimate + crit * one.se_cv3)
        )
    few = I.bonferroni_band(
        tiny(n_units=(2, 3, 2)), outcome="y", terms=["x", "z"], fe=["unit", "year"], cluster="region"
    )
    assert few.attrs["status"] == "few_clusters" and few["low"].isna().all() and few["estimate"].notna().all()


def test_a_perfect_fit_gives_a_zero_width_interval_not_an_exception():
    f = tiny(n_units=(2, 2, 2, 2, 2, 2))
    f["y"] = 1.5 * f["x"] - 0.5 * f["z"] + f["unit"] + 0.1 * f["year"]
    r = run(f)
    assert r.status == "ok" and r.estimate == pytest.approx(1.5)
    assert r.ci_wild == pytest.approx((1.5, 1.5), abs=1e-6) and r.ci_cv3 == pytest.approx(
        (1.5, 1.5), abs=1e-6
    )
    json.dumps(r.as_dict(), allow_nan=False)


def test_level_sets_the_width():
    f = tiny(n_units=(2, 2, 3, 2, 2, 3, 2))
    wide, narrow = run(f, level=0.95), run(f, level=0.80)
    assert wide.ci_wild[0] < narrow.ci_wild[0] < narrow.ci_wild[1] < wide.ci_wild[1]
    crit = stats.t.ppf(0.90, 6)
    assert narrow.ci_cv3[1] - narrow.estimate == pytest.approx(crit * narrow.se_cv3)
    assert narrow.as_dict()["level"] == 0.80


def test_bad_input_is_named():
    f = tiny()
    with pytest.raises(ValueError, match="coef 'w'"):
        run(f, coef="w")
    with pytest.raises(ValueError, match="nope"):
        run(f, cluster="nope")
