"""Deterministic synthetic demo data with planted effects and known truth.

The demo data set stands in for real analyst templates: six fictional pemda in a fictional province
"99", their OPD budgets (pagu murni, pagu perubahan, realisasi) and their Perjanjian Kinerja indicators
for 2018-2023. It carries the mess that real LKjIP data carries (negative polarity, range targets,
"n/a"/"-" actuals, targets lowered in APBD-P, a pile-up at exactly 100 %, a renamed and a merged OPD)
and one planted effect whose size is known: OPDs that were cut harder in 2020-21 lose capaian. Every
OPD has a sector (its urusan, Permendagri 90/2019), and the pandemic hit some sectors' capaian directly
(:data:`SECTOR_SHOCKS`): public works and housing, cut hardest, lost more; health and social affairs, topped
up, gained. The shock follows the dose, so a model without sector x year effects overstates the loss
(``truth.json`` records the expected bias); ``sector_shocks=False`` generates the same data without it.

The effect is planted on the *dose* as the analysis must measure it (:func:`truth_dose`): budgets are
generated first, the dose is computed from the finished budget table, and only then are achievements
drawn. :func:`truth` returns the planted parameters; :func:`write` writes the data folder in the analyst
template format (Indonesian headers), byte for byte the same for the same seed.

The regions, OPDs and indicators are data (``resources/demo_catalogue.toml``, read by
:mod:`~kinerja_analysis.ingest.demo_catalogue`); the files' text comes from
:mod:`~kinerja_analysis.ingest.demo_files`. This module holds the planted parameters and the draws.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..config import DEFAULT_SEED, Periods
from ..files import atomic_write
from . import crosswalk, demo_catalogue, demo_files
from .demo_catalogue import CATALOGUE, CHANGE_YEAR, COUNT_UNITS, MERGE, OPD_TYPES, OVERRIDE, REGIONS, RENAME
from .demo_files import MISSING_MARKERS

PERIODS = Periods()
YEARS = tuple(range(PERIODS.pre[0], PERIODS.post[1] + 1))
REFOCUSING_YEARS = tuple(PERIODS.years("refocusing"))

#: latent achievement a = 100 + u_i + region + YEAR_EFFECTS[y] + EVENT_STUDY_PER_10PP[y] * 10 * dose + e
YEAR_EFFECTS = {2018: 0.0, 2019: 0.5, 2020: -2.0, 2021: -1.0, 2022: 0.5, 2023: 1.0}
EVENT_STUDY_PER_10PP = {2018: 0.0, 2019: 0.0, 2020: -3.5, 2021: -2.5, 2022: -1.5, 2023: -0.5}
NOISE_SD = {"indicator": 6.0, "region": 2.0, "residual": 5.0}
#: the pandemic's direct effect on capaian (pp) by sector (urusan) and year, added to the latent achievement
#: of every indicator of an OPD of that sector: physical works stopped (public works, housing), events
#: cancelled (youth and sports, culture, tourism), while health and social OPDs, topped up for COVID-19
#: care and bansos, met more of their targets. Sectors not listed: 0.
SECTOR_SHOCKS = {
    "1.02": {2020: 3.0, 2021: 2.0},
    "1.03": {2020: -6.0, 2021: -4.0},
    "1.04": {2020: -6.0, 2021: -4.0},
    "1.06": {2020: 2.0, 2021: 1.0},
    "2.19": {2020: -4.0, 2021: -2.0},
    "2.22": {2020: -4.0, 2021: -2.0},
    "3.26": {2020: -4.0, 2021: -2.0},
}
#: P(target lowered in APBD-P, refocusing years) = base + slope * (10 * max(dose, 0)); lowered by 10-20 %
REVISION = {"base": 0.05, "slope_per_10pp": 0.03, "lowered_by": (0.10, 0.20)}
PILE_UP = {"window": 4.0, "share": 0.15}
MISSING_SHARE = 0.02
N_TARGET_ZERO = 3


def _digits(value: float, *, actual: bool) -> int:
    """Decimals kept so that rounding moves capaian by at most ~0.05 pp (targets: one fewer)."""
    v = abs(value)
    d = 2 if v >= 10 else 3 if v >= 1 else 4
    return d - 1 if not actual else d


def _round(value: float, unit: str, *, actual: bool) -> float:
    if unit in COUNT_UNITS:
        return float(round(value))
    return round(float(value), _digits(value, actual=actual))


def _opd_budget(rng, ent: dict, mult: float, growth: float) -> list[tuple]:
    """(year, spending_type, original, revised, spent) rows of one OPD entity."""
    base = np.array(ent["size"], dtype=float) * mult * rng.lognormal(0.0, 0.15, 3) * 1e9
    if ent["cut"] is None:  # health OPDs were topped up for COVID-19 care, not cut
        c20 = -np.array([rng.uniform(0, 0.04), rng.uniform(0.10, 0.30), rng.uniform(0.0, 0.25)])
        c21 = c20 * rng.uniform(0.6, 1.0)
    else:
        k = ent["cut"] + rng.uniform(-0.05, 0.05)
        c20 = np.array(
            [
                rng.uniform(-0.02, 0.05),
                k * rng.uniform(0.85, 1.15),
                min(0.75, k * 1.05 * rng.uniform(0.85, 1.15)),
            ]
        )
        c21 = np.array(
            [
                rng.uniform(-0.01, 0.03),
                k * 0.65 * rng.uniform(0.85, 1.15),
                min(0.75, k * 0.7 * rng.uniform(0.85, 1.15)),
            ]
        )
    rows = []
    for y in YEARS:
        level = (1 + growth) ** (y - 2019) * rng.lognormal(0.0, 0.04)
        for t, stype in enumerate(OPD_TYPES):
            orig = base[t] * level
            cut = c20[t] if y == 2020 else c21[t] if y == 2021 else rng.uniform(-0.08, 0.08)
            rev = orig * (1 - cut)
            if stype == "pegawai":
                absorb = rng.uniform(0.92, 0.99)
            elif stype == "modal" and y == 2020:  # tenders were stopped mid-year
                absorb = rng.uniform(0.65, 0.88)
            else:
                absorb = 0.85 + 0.13 * rng.beta(4, 2)
            rows.append((y, stype, orig, rev, rev * absorb))
    return rows


def _pemda_budget(rng, kind: str, mult: float, growth: float) -> list[tuple]:
    """(year, spending_type, original, revised, spent) of the pemda-level (non-OPD) spending types."""
    spec = {  # base Rp miliar, 2020 revised factor, 2021 revised factor, absorption range outside 2020-21
        "btt": (rng.uniform(2, 6), rng.uniform(6, 15), rng.uniform(1.5, 3.0), (0.05, 0.4)),
        "bansos": (rng.uniform(3, 10), rng.uniform(1.5, 2.5), rng.uniform(1.1, 1.5), (0.85, 0.98)),
        "hibah": (rng.uniform(15, 40), rng.uniform(0.85, 1.1), rng.uniform(0.9, 1.05), (0.85, 0.98)),
    }
    if kind == "kabupaten":
        spec["bantuan_keuangan"] = (
            rng.uniform(60, 120),
            rng.uniform(0.88, 0.97),
            rng.uniform(0.9, 0.98),
            (0.9, 0.99),
        )
    rows = []
    for y in YEARS:
        for stype, (base, f20, f21, (lo, hi)) in spec.items():
            orig = base * mult * 1e9 * (1 + growth) ** (y - 2019) * rng.lognormal(0.0, 0.08)
            if stype == "btt" and y == 2021:  # the 2021 APBD murni already set aside more for COVID-19
                orig *= 2.0
            factor = f20 if y == 2020 else f21 if y == 2021 else 1 + rng.uniform(-0.08, 0.08)
            if stype == "btt" and y == 2020:
                absorb = rng.uniform(0.6, 0.9)
            elif stype == "btt" and y == 2021:
                absorb = rng.uniform(0.4, 0.8)
            else:
                absorb = rng.uniform(lo, hi)
            rows.append((y, stype, orig, orig * factor, orig * factor * absorb))
    return rows


def truth_dose(tables: dict, *, years: tuple[int, ...] = REFOCUSING_YEARS) -> pd.DataFrame:
    """Each OPD's dose: its cut share of total budget over the refocusing years.

    ``dose = (sum budget_original - sum budget_revised) / sum budget_original`` over all spending types
    and the given years, after mapping OPD names through ``opd_crosswalk`` (a merged OPD has one dose).
    Pemda-level rows (``opd == ""``) are left out. This is the definition the analysis must match.

    Parameters
    ----------
    tables : dict
        Needs ``"anggaran"``; ``"opd_crosswalk"`` is used when present.
    years : tuple of int
        The refocusing years (default: from :class:`~kinerja_analysis.config.Periods`).

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code, opd, dose``, sorted.

    Examples
    --------
    >>> d = truth_dose(generate())
    >>> list(d.columns), bool(d["dose"].min() < 0 < d["dose"].max())
    (['region_code', 'opd', 'dose'], True)
    """
    a = tables["anggaran"]
    a = a[a["year"].isin(years) & a["opd"].fillna("").astype(str).ne("")].copy()
    a["opd"] = crosswalk.map_names(
        a["region_code"].astype(str), a["opd"].astype(str), tables.get("opd_crosswalk")
    )
    g = a.groupby(["region_code", "opd"], sort=True)[["budget_original", "budget_revised"]].sum()
    g["dose"] = (g["budget_original"] - g["budget_revised"]) / g["budget_original"]
    return g[["dose"]].reset_index()


def _actual(rng, a: float, target: float, upper: float, polarity: str, formula: str, unit: str) -> float:
    """Back out the realisasi that scores latent achievement ``a`` against ``target``."""
    pile = rng.random() < PILE_UP["share"]
    where = rng.random()
    if not math.isnan(upper):  # range target [target, upper]: inside scores 100, outside the near bound
        if polarity == "range":
            r = target + where * (upper - target) if a >= 96 else target * a / 100
        elif a > 104:
            r = target * (2 - a / 100)
        elif a < 96:
            r = upper * (2 - a / 100)
        else:
            r = target + where * (upper - target)
    elif pile and abs(a - 100) <= PILE_UP["window"]:  # reported as exactly on target
        r = target
    elif formula == "T/R":
        r = 100 * target / a
    elif polarity == "negative":
        r = target * (2 - a / 100)
    else:
        r = target * a / 100
    return _round(max(r, 0.0), unit, actual=True)


def sector_shock(sector: str, year: int) -> float:
    """The planted pandemic shock (pp of capaian) of a sector in a year.

    >>> sector_shock("1.03", 2020), sector_shock("1.03", 2022), sector_shock("5.02", 2020)
    (-6.0, 0.0, 0.0)
    """
    return SECTOR_SHOCKS.get(sector, {}).get(year, 0.0)


def _kinerja_rows(rng, code: str, ents: list[dict], dose: dict, shocks: bool) -> list[dict]:
    region_effect = rng.normal(0.0, NOISE_SD["region"])
    polarity_of = {"+": "positive", "-": "negative", "r": "range"}
    rows = []
    for ent in ents:
        d = dose[(code, demo_catalogue.name_in(code, ent, YEARS[-1]))]
        p_revise = REVISION["base"] + REVISION["slope_per_10pp"] * 10 * max(d, 0.0)
        for k, (name, unit, pol, base, step, sasaran, width) in enumerate(
            demo_catalogue.indicators(rng, code, ent), 1
        ):
            polarity = polarity_of[pol]
            u = rng.normal(0.0, NOISE_SD["indicator"])
            base = base * rng.uniform(0.9, 1.1)
            step = step * rng.uniform(0.7, 1.3)
            formula = "T/R" if (code, ent["key"], name) == OVERRIDE else ""
            for y in YEARS:
                t0 = max(base + step * (y - YEARS[0]), 0.2 * base)
                if unit == "%" and polarity == "positive":
                    t0 = min(t0, 100.0)
                t0 = _round(t0, unit, actual=False)
                upper = _round(t0 + width, unit, actual=False) if width else math.nan
                target, original = t0, math.nan
                # APBD-P lowered some targets (raised, for lower-is-better indicators); the harder the
                # OPD was cut, the likelier, so capaian against the revised target is inflated there.
                if y in REFOCUSING_YEARS and width is None and rng.random() < p_revise:
                    s = rng.uniform(*REVISION["lowered_by"])
                    target = _round(t0 * (1 - s if polarity == "positive" else 1 + s), unit, actual=False)
                    original = t0
                a = (
                    100
                    + u
                    + region_effect
                    + YEAR_EFFECTS[y]
                    + EVENT_STUDY_PER_10PP[y] * 10 * d
                    + (sector_shock(demo_catalogue.sector_in(code, ent, y), y) if shocks else 0.0)
                    + rng.normal(0.0, NOISE_SD["residual"])
                )
                rows.append(
                    dict(
                        region_code=code,
                        year=y,
                        opd=demo_catalogue.name_in(code, ent, y),
                        sector=demo_catalogue.sector_in(code, ent, y),
                        sasaran=sasaran,
                        indicator_id=f"IKU-{ent['key']}-{k:02d}",
                        indicator=name,
                        unit=unit,
                        polarity=polarity,
                        target=target,
                        target_upper=upper,
                        target_original=original,
                        actual=_actual(rng, a, target, upper, polarity, formula, unit),
                        formula=formula,
                    )
                )
    return rows


@functools.lru_cache(maxsize=4)
def _build(seed: int, shocks: bool = True) -> dict:
    """Generate everything once per seed: budgets first, then the dose, then achievements.

    The sector shocks draw no random numbers: with ``shocks=False`` every draw, and so every table but the
    achievements, is the same.
    """
    rng = np.random.default_rng(seed)
    regions, budget, plans = [], [], []
    for code, name, kind, short in REGIONS:
        regions.append(
            dict(
                region_code=code,
                bps_code=code.replace(".", ""),
                region_name=name,
                kind=kind,
                province_code=code[:2],
            )
        )
        mult = rng.uniform(0.75, 1.2) if kind == "kabupaten" else rng.uniform(0.6, 1.0)
        growth = rng.uniform(0.02, 0.06)
        ents = demo_catalogue.entities(rng, code, kind, short)
        budget += [(code, y, "", "", t, o, r, s) for y, t, o, r, s in _pemda_budget(rng, kind, mult, growth)]
        for ent in ents:
            budget += [
                (
                    code,
                    y,
                    demo_catalogue.name_in(code, ent, y),
                    demo_catalogue.sector_in(code, ent, y),
                    t,
                    o,
                    r,
                    s,
                )
                for y, t, o, r, s in _opd_budget(rng, ent, mult, growth)
            ]
        plans.append((code, ents))

    cols = [
        "region_code",
        "year",
        "opd",
        "sector",
        "spending_type",
        "budget_original",
        "budget_revised",
        "spent",
    ]
    ang = pd.DataFrame(budget, columns=cols)
    for c in ("budget_original", "budget_revised"):  # budgets are set in thousands of Rupiah
        ang[c] = (ang[c] / 1000).round() * 1000
    ang["spent"] = ang["spent"].round()
    ang = ang.groupby(cols[:5], sort=False, as_index=False)[cols[5:]].sum()  # a merged OPD: one row
    order = {t: i for i, t in enumerate(schema.SPENDING_TYPES)}
    ang = (
        ang.assign(_o=ang["spending_type"].map(order))
        .sort_values(["region_code", "year", "opd", "_o"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )

    kominfo = next(o["name"] for o in CATALOGUE if o["key"] == RENAME[1])
    crosswalk = pd.DataFrame(
        [(RENAME[0], kominfo, RENAME[2], CHANGE_YEAR, RENAME[3])]
        + [(MERGE[0], o["name"], MERGE[2], CHANGE_YEAR, MERGE[3]) for o in CATALOGUE if o["key"] in MERGE[1]],
        columns=list(schema.CROSSWALK_COLUMNS),
    )
    dose_frame = truth_dose({"anggaran": ang, "opd_crosswalk": crosswalk})
    dose = {(r, o): float(d) for r, o, d in dose_frame.itertuples(index=False)}

    rows = []
    for code, ents in plans:
        rows += _kinerja_rows(rng, code, ents, dose, shocks)
    kin = pd.DataFrame(rows)
    bias = _shock_bias(kin, dose, crosswalk) if shocks else 0.0
    # a few zero targets ("nol kasus"): capaian is undefined there and must be flagged, not computed
    candidates = np.flatnonzero(
        (
            (kin["unit"] == "kasus")
            & (kin["polarity"] == "negative")
            & kin["target_original"].isna()
            & (kin["formula"] == "")
        ).to_numpy()
    )
    zero = rng.choice(candidates, size=N_TARGET_ZERO, replace=False)
    kin.loc[zero, "target"] = 0.0
    kin.loc[zero, "actual"] = rng.integers(0, 4, size=N_TARGET_ZERO).astype(float)
    missing = rng.random(len(kin)) < MISSING_SHARE
    missing[zero] = False
    kin.loc[missing, "actual"] = np.nan
    kin = kin.sort_values(["region_code", "year", "opd", "indicator_id"], kind="stable")
    kin = kin.reset_index(drop=True)

    stats = {
        "rows_kinerja": int(len(kin)),
        "rows_anggaran": int(len(ang)),
        "targets_revised": int(kin["target_original"].notna().sum()),
        "actual_equals_target": int(((kin["actual"] == kin["target"]) & (kin["target"] > 0)).sum()),
        "actual_missing": int(kin["actual"].isna().sum()),
        "target_zero": N_TARGET_ZERO,
        "negative_share": round(float((kin["polarity"] == "negative").mean()), 4),
        "range_rows": int(kin["target_upper"].notna().sum()),
        "dose_min": round(float(dose_frame["dose"].min()), 4),
        "dose_max": round(float(dose_frame["dose"].max()), 4),
        "dose_mean": round(float(dose_frame["dose"].mean()), 4),
        "n_opd_units": int(len(dose_frame)),
        "shock_bias": round(bias, 4),
        "sectors": int(kin["sector"].nunique()),
    }
    tables = {"kinerja": kin, "anggaran": ang, "regions": pd.DataFrame(regions), "opd_crosswalk": crosswalk}
    return {"tables": tables, "stats": stats}


def _shock_bias(kin: pd.DataFrame, dose: dict, cw: pd.DataFrame) -> float:
    """The bias the sector shocks give the baseline refocusing slope (pp per 10 pp of dose), to first order.

    With unit and year effects on a balanced panel the baseline slope is the regression, across units
    (region x OPD x indicator), of the change in mean capaian from the pre years to the refocusing years
    on 10 x dose; the shocks add their own such slope. Rounding, the pile-up at 100 % and missing actuals
    make the realised bias differ a little.
    """
    years = kin["year"].to_numpy()
    shock = np.array([sector_shock(s, int(y)) for s, y in zip(kin["sector"], years)])
    opd = crosswalk.map_names(kin["region_code"], kin["opd"], cw)
    d10 = np.array([10 * dose[(r, o)] for r, o in zip(kin["region_code"], opd)])
    unit = pd.Series(list(zip(kin["region_code"], opd, kin["indicator_id"])))
    frame = pd.DataFrame({"unit": unit, "d10": d10, "ref": shock * np.isin(years, REFOCUSING_YEARS)})
    u = frame.groupby("unit").agg(d10=("d10", "first"), ref=("ref", "sum"))
    u["ref"] /= len(REFOCUSING_YEARS)  # the mean shock over the refocusing years (pre years: none)
    dc = u["d10"] - u["d10"].mean()
    return float((dc * (u["ref"] - u["ref"].mean())).sum() / (dc**2).sum())


def generate(seed: int = DEFAULT_SEED, *, sector_shocks: bool = True) -> dict[str, pd.DataFrame]:
    """Generate the demo tables (tidy, English column names), fully determined by ``seed``.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    sector_shocks : bool
        Plant the sector-specific pandemic shocks (:data:`SECTOR_SHOCKS`); False gives the same tables with
        achievements that carry the dose effect only.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``kinerja``, ``anggaran``, ``regions`` and ``opd_crosswalk``. Polarity is in English
        (positive/negative/range); blank text is ``""`` (``opd`` of pemda-level budget rows, ``formula``
        where no override applies); ``target_original`` is NaN where APBD-P did not revise the target.

    Examples
    --------
    >>> t = generate()
    >>> sorted(t)
    ['anggaran', 'kinerja', 'opd_crosswalk', 'regions']
    >>> t["regions"]["region_code"].tolist()
    ['99.01', '99.02', '99.03', '99.04', '99.71', '99.72']
    """
    return {k: v.copy() for k, v in _build(int(seed), bool(sector_shocks))["tables"].items()}


def truth(seed: int = DEFAULT_SEED, *, sector_shocks: bool = True) -> dict:
    """The planted parameters (what an analysis of the demo data should recover), as in ``truth.json``.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    sector_shocks : bool
        As in :func:`generate`.

    Returns
    -------
    dict
        JSON-ready; year keys are strings.

    Examples
    --------
    >>> t = truth()
    >>> t["did_refocusing_per_10pp"], t["did_post_per_10pp"], t["reference_year"]
    (-3.0, -1.0, 2019)
    """
    pre = np.mean([EVENT_STUDY_PER_10PP[y] for y in PERIODS.years("pre")])
    per = {
        p: round(float(np.mean([EVENT_STUDY_PER_10PP[y] for y in PERIODS.years(p)]) - pre), 6)
        for p in ("refocusing", "post")
    }
    stats = _build(int(seed), bool(sector_shocks))["stats"]
    shocks = (
        {s: {str(y): v for y, v in by.items()} for s, by in SECTOR_SHOCKS.items()} if sector_shocks else {}
    )
    return {
        "seed": int(seed),
        "synthetic": True,
        "did_refocusing_per_10pp": per["refocusing"],
        "did_post_per_10pp": per["post"],
        "event_study_per_10pp": {str(y): b for y, b in EVENT_STUDY_PER_10PP.items()},
        "reference_year": PERIODS.reference_year,
        "periods": {p: list(getattr(PERIODS, p)) for p in PERIODS.names},
        "year_effects": {str(y): e for y, e in YEAR_EFFECTS.items()},
        "noise_sd": dict(NOISE_SD),
        "latent_model": "a = 100 + u_indicator + region_effect + year_effect[year] "
        "+ event_study_per_10pp[year] * (10 * dose) + sector_shock[sector][year] + e",
        "sector_shock": {
            "planted": bool(sector_shocks),
            "per_sector_year": shocks,
            "sector_column": "sector (header urusan): the OPD's urusan, Permendagri 90/2019 code; the merged "
            "OPD carries "
            + demo_catalogue.MERGE_SECTOR
            + " from "
            + str(CHANGE_YEAR)
            + ", its parts their own "
            "before; sectors not listed have no shock",
            "n_sectors": stats["sectors"],
            "expected_bias_baseline_refocusing_per_10pp": stats["shock_bias"],
            "bias_direction_baseline": (
                "negative: the baseline model (unit + year fixed effects) puts the sector shocks on the dose, "
                "so its did_refocusing_per_10pp is below the truth (the loss is overstated); a model with "
                "sector x year fixed effects (unit + sector^year) recovers the truth"
                if sector_shocks
                else "none: no sector shocks planted"
            ),
        },
        "dose_definition": "per OPD after mapping names through opd_crosswalk: (sum budget_original - sum "
        "budget_revised) / sum budget_original over all spending types, years "
        + "-".join(str(y) for y in (REFOCUSING_YEARS[0], REFOCUSING_YEARS[-1])),
        "dose": {
            "min": stats["dose_min"],
            "max": stats["dose_max"],
            "mean": stats["dose_mean"],
            "n_opd": stats["n_opd_units"],
        },
        "target_revision": {
            "years": list(REFOCUSING_YEARS),
            "probability": "0.05 + 0.03 * (10 * max(dose, 0))",
            "base": REVISION["base"],
            "slope_per_10pp": REVISION["slope_per_10pp"],
            "lowered_by": list(REVISION["lowered_by"]),
            "direction": "positive: target lowered; negative: target raised; range targets never revised",
            "target_original": "the murni target where APBD-P revised it; blank means not revised",
            "rows": stats["targets_revised"],
        },
        "pile_up": {
            "window_pp": PILE_UP["window"],
            "share": PILE_UP["share"],
            "rule": "rows with |a - 100| <= window are reported with actual == target with "
            "probability share (range rows excluded)",
            "rows_actual_equals_target": stats["actual_equals_target"],
        },
        "missing_actual": {
            "share": MISSING_SHARE,
            "markers": list(MISSING_MARKERS),
            "rows": stats["actual_missing"],
        },
        "target_zero_rows": stats["target_zero"],
        "formula_override": {"region_code": OVERRIDE[0], "indicator": OVERRIDE[2], "formula": "T/R"},
        "counts": {
            "kinerja_rows": stats["rows_kinerja"],
            "anggaran_rows": stats["rows_anggaran"],
            "negative_polarity_share": stats["negative_share"],
            "range_rows": stats["range_rows"],
        },
        "note": "The effects are defined on achievement against the revised target (the `target` column) "
        "before the pile-up at 100 %, range targets, zero targets and missing actuals add noise; "
        "did_* are per 10 percentage points of dose, relative to the pre period (2018-2019). "
        "Actuals are rounded (whole numbers for count units), moving capaian by < 0.5 pp.",
    }


def write(out_dir, seed: int = DEFAULT_SEED, *, sector_shocks: bool = True) -> list[Path]:
    """Write the demo data folder in the analyst template format.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Folder to write; created when missing. Existing files of the same names are replaced.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    sector_shocks : bool
        As in :func:`generate`.

    Returns
    -------
    list of pathlib.Path
        ``kinerja.csv``, ``anggaran.csv``, ``regions.csv``, ``opd_crosswalk.csv``, ``truth.json``,
        ``README.md``. The same seed gives byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write(tmp)][:2]
    ['kinerja.csv', 'anggaran.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts = demo_files.texts(
        generate(seed, sector_shocks=sector_shocks), truth(seed, sector_shocks=sector_shocks)
    )
    # bytes: no platform newline translation
    return [atomic_write(out / name, text.encode("utf-8")) for name, text in texts.items()]
