"""The estimation panel of the impact models, and the exact OPD-year shortcut.

The unit of the difference-in-differences is region × OPD × indicator (OPD after the crosswalk, so a
renamed or merged OPD keeps its indicators). The treatment, the OPD's refocusing dose, varies at OPD
level only. On a *balanced* panel (every unit observed in every year), averaging the units of an OPD
within each year and weighting the OPD-year means by the number of units gives the same two-way
fixed-effects point estimates, and the same cluster scores for clusters at OPD level or above, from
about 1/(indicators per OPD) of the rows (see :func:`aggregate` and ``tests/test_panel.py``). Where the
panel is not balanced the shortcut is not exact, and :func:`estimation_frame` falls back to the units.

Outcomes, all in percentage points so that every effect reads "pp per 10 pp of cut":

- ``achievement``: capaian as computed (uncapped unless the settings cap it)
- ``capped``: min(capaian, 100), the reporting ceiling many LKjIPs effectively apply
- ``met``: 100 when the target was met, else 0 (a linear probability model, in pp)
- ``achievement_original``: capaian against the murni target where APBD-P revised it
- ``revised``: 100 when APBD-P revised the target, else 0 (target revision as an outcome)
"""
from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
import pandas as pd

from .config import Periods
from .errors import DataError

OUTCOMES = ("achievement", "capped", "met", "achievement_original", "revised")
KEYS = ("region_code", "opd", "indicator_id")
CEILING = 100.0


def build(kinerja: pd.DataFrame, dose: pd.DataFrame | None = None, *, periods: Periods | None = None,
          ceiling: float = CEILING) -> pd.DataFrame:
    """The estimation panel: one row per region × OPD × indicator × year inside the three periods.

    Parameters
    ----------
    kinerja : pandas.DataFrame
        The prepared kinerja table (``region_code, opd, indicator_id, year, achievement``; optional
        ``met, achievement_original, target, target_original``). A ``dose`` column is used when present.
    dose : pandas.DataFrame, optional
        ``region_code, opd, dose`` (cut share 0-1); needed unless ``kinerja`` has a ``dose`` column.
    periods : Periods
        Year ranges; rows outside the three periods are left out.
    ceiling : float
        The cap of the ``capped`` outcome.

    Returns
    -------
    pandas.DataFrame
        Keys, ``year``, ``period``, ``dose``, ``dose10`` (dose × 10: one unit is 10 pp of cut), integer
        ids ``unit_id``, ``opd_id``, ``region_id`` and the outcome columns of :data:`OUTCOMES` that the
        input allows. OPDs without a dose are dropped.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["1"] * 4, "opd": ["A", "A", "B", "B"], "indicator_id": ["i"] * 4,
    ...                   "year": [2019, 2020, 2019, 2020], "achievement": [104.0, 90.0, 99.0, 98.0]})
    >>> d = pd.DataFrame({"region_code": ["1", "1"], "opd": ["A", "B"], "dose": [0.3, 0.0]})
    >>> p = build(k, d)
    >>> p[["opd", "period", "dose10", "capped"]].values.tolist()
    [['A', 'pre', 3.0, 100.0], ['A', 'refocusing', 3.0, 90.0], ['B', 'pre', 0.0, 99.0], ['B', 'refocusing', 0.0, 98.0]]
    """
    periods = periods or Periods()
    years = [y for name in periods.names for y in periods.years(name)]
    k = kinerja[kinerja["year"].isin(years)]
    cols = [c for c in (*KEYS, "year", "achievement", "met", "achievement_original", "target",
                        "target_original", "dose") if c in k.columns]
    k = k[cols]
    if "dose" not in k.columns:
        if dose is None:
            raise DataError("the impact panel needs each OPD's dose: pass `dose` (region_code, opd, dose)")
        k = k.merge(dose[["region_code", "opd", "dose"]], on=["region_code", "opd"], how="left")
    k = k[k["dose"].notna()]
    out = pd.DataFrame({c: k[c].to_numpy() for c in (*KEYS, "year")})
    year = out["year"].to_numpy()
    period = np.full(len(out), None, dtype=object)
    for name in periods.names:
        lo, hi = getattr(periods, name)
        period[(year >= lo) & (year <= hi)] = name
    out["period"] = period
    out["dose"] = k["dose"].to_numpy(dtype=float)
    out["dose10"] = out["dose"] * 10.0
    ach = k["achievement"].to_numpy(dtype=float)
    out["achievement"] = ach
    out["capped"] = np.minimum(ach, ceiling)
    if "met" in k.columns:
        met = k["met"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    else:
        met = np.where(np.isnan(ach), np.nan, (ach >= 100.0).astype(float))
    out["met"] = met * 100.0
    if "achievement_original" in k.columns:
        out["achievement_original"] = k["achievement_original"].to_numpy(dtype=float)
    if {"target", "target_original"} <= set(k.columns):
        t = k["target"].to_numpy(dtype=float)
        t0 = k["target_original"].to_numpy(dtype=float)
        revised = ~np.isnan(t0) & ~np.isnan(t) & (t0 != t)
        out["revised"] = np.where(np.isnan(t), np.nan, revised * 100.0)
    # integer ids: factorising codes once is much cheaper than grouping on strings later
    r = pd.factorize(out["region_code"])[0]
    o = pd.factorize(pd.MultiIndex.from_arrays([r, pd.factorize(out["opd"])[0]]))[0]
    u = pd.factorize(pd.MultiIndex.from_arrays([o, pd.factorize(out["indicator_id"])[0]]))[0]
    out["region_id"], out["opd_id"], out["unit_id"] = r, o, u
    return out


def add_terms(panel: pd.DataFrame, kind: Literal["did", "event"], *, periods: Periods | None = None) -> list[str]:
    """Add the treatment regressors to ``panel`` (in place) and return their names.

    ``did``: ``dose10 × refocusing`` and ``dose10 × post``. ``event``: ``dose10 × 1[year = y]`` for every
    year but the reference year (its coefficient is 0 by construction).

    >>> p = pd.DataFrame({"dose10": [2.0, 2.0, 2.0], "period": ["pre", "refocusing", "post"],
    ...                   "year": [2019, 2020, 2022]})
    >>> add_terms(p, "did"), p["treat_refocusing"].tolist()
    (['treat_refocusing', 'treat_post'], [0.0, 2.0, 0.0])
    >>> add_terms(p, "event"), p["es_2022"].tolist()
    (['es_2020', 'es_2022'], [0.0, 0.0, 2.0])
    """
    periods = periods or Periods()
    d = panel["dose10"].to_numpy(dtype=float)
    if kind == "did":
        per = panel["period"].to_numpy()
        names = []
        for name in ("refocusing", "post"):
            panel[f"treat_{name}"] = d * (per == name)
            names.append(f"treat_{name}")
        return names
    if kind == "event":
        year = panel["year"].to_numpy()
        present = sorted(int(y) for y in pd.unique(year))
        if periods.reference_year not in present:
            raise DataError(f"event study: the reference year {periods.reference_year} is not in the data "
                            f"(years: {present})")
        names = []
        for y in present:
            if y != periods.reference_year:
                panel[f"es_{y}"] = d * (year == y)
                names.append(f"es_{y}")
        return names
    raise ValueError(f"kind must be 'did' or 'event', found {kind!r}")


def is_balanced(panel: pd.DataFrame, outcome: str = "achievement") -> bool:
    """Whether every unit with ``outcome`` is observed exactly once in every year of the sample.

    >>> p = pd.DataFrame({"unit_id": [0, 0, 1, 1], "year": [2019, 2020, 2019, 2020],
    ...                   "achievement": [1.0, 2.0, 3.0, np.nan]})
    >>> is_balanced(p), is_balanced(p[p["unit_id"] == 0])
    (False, True)
    """
    ok = panel[outcome].notna().to_numpy()
    unit = panel["unit_id"].to_numpy()[ok]
    year = panel["year"].to_numpy()[ok]
    if len(unit) == 0:
        return False
    _, y_code = np.unique(year, return_inverse=True)
    n_years = int(y_code.max()) + 1
    n_units = int(unit.max()) + 1
    counts = np.bincount(unit * n_years + y_code, minlength=n_units * n_years)
    present = np.bincount(unit, minlength=n_units) > 0
    return bool((counts.reshape(n_units, n_years)[present] == 1).all())


def aggregate(panel: pd.DataFrame, outcome: str, terms: Sequence[str]) -> pd.DataFrame:
    """Mean of ``outcome`` per OPD-year with its weight ``n`` (units averaged), for the exact shortcut.

    The terms are constant within OPD-year (they are the OPD's dose times year or period dummies), so
    their means are their values.

    >>> p = pd.DataFrame({"region_id": [0] * 4, "opd_id": [0, 0, 0, 0], "year": [2019, 2019, 2020, 2020],
    ...                   "y": [90.0, 100.0, 80.0, 100.0], "t": [0.0, 0.0, 2.0, 2.0]})
    >>> aggregate(p, "y", ["t"])[["year", "y", "t", "n"]].values.tolist()
    [[2019.0, 95.0, 0.0, 2.0], [2020.0, 90.0, 2.0, 2.0]]
    """
    d = panel[panel[outcome].notna()]
    year = d["year"].to_numpy()
    years, y_code = np.unique(year, return_inverse=True)
    opd = d["opd_id"].to_numpy()
    key = opd.astype(np.int64) * len(years) + y_code
    uniq, inv = np.unique(key, return_inverse=True)
    n = np.bincount(inv).astype(float)
    out = {"opd_id": (uniq // len(years)).astype(np.int64), "year": years[uniq % len(years)]}
    region = np.zeros(len(uniq), dtype=np.int64)
    region[inv] = d["region_id"].to_numpy()
    out["region_id"] = region
    for col in (outcome, *terms):
        out[col] = np.bincount(inv, weights=d[col].to_numpy(dtype=float)) / n
    out["n"] = n
    return pd.DataFrame(out)


def estimation_frame(panel: pd.DataFrame, outcome: str, terms: Sequence[str], *,
                     method: Literal["auto", "unit", "aggregate"] = "auto") -> tuple[pd.DataFrame, str]:
    """The frame to estimate on and how it was made: ``"aggregate"`` (exact OPD-year shortcut) or ``"unit"``.

    ``auto`` takes the shortcut only where it is exact (a balanced panel), and the units otherwise.

    >>> p = pd.DataFrame({"unit_id": [0, 0], "opd_id": [0, 0], "region_id": [0, 0], "year": [2019, 2020],
    ...                   "y": [1.0, 2.0], "t": [0.0, 1.0]})
    >>> estimation_frame(p, "y", ["t"])[1]
    'aggregate'
    """
    if method not in ("auto", "unit", "aggregate"):
        raise ValueError(f"method must be 'auto', 'unit' or 'aggregate', found {method!r}")
    if method == "auto":
        method = "aggregate" if is_balanced(panel, outcome) else "unit"
    if method == "aggregate":
        return aggregate(panel, outcome, terms), "aggregate"
    return panel[panel[outcome].notna()], "unit"
