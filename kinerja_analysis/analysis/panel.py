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

Each row also carries the OPD's ``sector`` (its urusan, Permendagri 90/2019 code; missing where unknown),
one per OPD (:func:`opd_sectors`), for models with sector × year effects (pyfixest ``| unit + sector^year``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..config import Periods
from ..errors import DataError

OUTCOMES = ("achievement", "capped", "met", "achievement_original", "revised")
KEYS = ("region_code", "opd", "indicator_id")
CEILING = 100.0


def build(
    kinerja: pd.DataFrame,
    dose: pd.DataFrame | None = None,
    *,
    periods: Periods | None = None,
    ceiling: float = CEILING,
) -> pd.DataFrame:
    """The estimation panel: one row per region × OPD × indicator × year inside the three periods.

    Parameters
    ----------
    kinerja : pandas.DataFrame
        The prepared kinerja table (``region_code, opd, indicator_id, year, achievement``; optional
        ``met, achievement_original, target, target_original, sector``). A ``dose`` column is used when
        present.
    dose : pandas.DataFrame, optional
        ``region_code, opd, dose`` (cut share 0-1); needed unless ``kinerja`` has a ``dose`` column. Its
        ``sector`` column, when present, is each OPD's sector; otherwise :func:`opd_sectors` of ``kinerja``.
    periods : Periods
        Year ranges; rows outside the three periods are left out.
    ceiling : float
        The cap of the ``capped`` outcome.

    Returns
    -------
    pandas.DataFrame
        Keys, ``year``, ``period``, ``dose``, ``dose10`` (dose × 10: one unit is 10 pp of cut), ``sector``
        (the OPD's urusan code; missing where unknown), integer ids ``unit_id``, ``opd_id``, ``region_id``
        and the outcome columns of :data:`OUTCOMES` that the input allows. OPDs without a dose are dropped.

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
    cols = [
        c
        for c in (
            *KEYS,
            "year",
            "achievement",
            "met",
            "achievement_original",
            "target",
            "target_original",
            "dose",
        )
        if c in kinerja.columns
    ]
    k = kinerja[cols]
    if "dose" not in k.columns:
        if dose is None:
            raise DataError("the impact panel needs each OPD's dose: pass `dose` (region_code, opd, dose)")
        k = k.merge(dose[["region_code", "opd", "dose"]], on=["region_code", "opd"], how="left")
    if dose is not None and "sector" in dose.columns:
        sectors = dose[["region_code", "opd", "sector"]]
    else:
        sectors = opd_sectors(kinerja) if "sector" in kinerja.columns else None
    code = period_codes(k["year"].to_numpy(), periods)
    keep = (code >= 0) & k["dose"].notna().to_numpy()
    if not keep.all():
        k, code = k[keep], code[keep]
    # keys keep their dtype (a categorical stays categorical: no millions of Python strings)
    out = pd.DataFrame({c: k[c].array for c in (*KEYS, "year")})
    out["period"] = pd.Categorical.from_codes(code, list(periods.names))
    out["dose"] = k["dose"].to_numpy(dtype=float)
    out["dose10"] = out["dose"] * 10.0
    out["sector"] = _sector_of(k, sectors)
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
    # integer ids from integer arithmetic: factorising tuples of strings is slow on millions of rows
    r = pd.factorize(out["region_code"])[0].astype(np.int64)
    o = _combine(r, pd.factorize(out["opd"])[0])
    u = _combine(o, pd.factorize(out["indicator_id"])[0])
    out["region_id"], out["opd_id"], out["unit_id"] = r, o, u
    return out


def opd_sectors(table: pd.DataFrame) -> pd.DataFrame:
    """Each OPD's one sector: the ``sector`` on its rows of the latest year that has one; missing if none.

    An OPD keeps one urusan in the models. A merged OPD whose parts carried different urusan takes the
    merged OPD's (its latest year's); where one year's rows disagree, the most frequent code wins.

    >>> k = pd.DataFrame({"region_code": ["1"] * 5, "opd": ["A", "A", "A", "B", "C"],
    ...                   "year": [2020, 2021, 2021, 2021, 2021],
    ...                   "sector": ["2.22", "3.26", "3.26", "", "1.02"]})
    >>> opd_sectors(k).values.tolist()
    [['1', 'A', '3.26'], ['1', 'B', None], ['1', 'C', '1.02']]
    """
    t = table[["region_code", "opd", "year", "sector"]].copy()
    t["sector"] = t["sector"].astype(object).where(t["sector"].notna(), "").astype(str).str.strip()
    known = t[t["sector"].ne("")]
    counts = known.groupby(["region_code", "opd", "year", "sector"], observed=True).size().rename("n")
    best = (
        counts.reset_index()
        .sort_values(
            ["region_code", "opd", "year", "n", "sector"], ascending=[True, True, False, False, True]
        )
        .drop_duplicates(["region_code", "opd"])
    )
    opds = t[["region_code", "opd"]].drop_duplicates().astype(str)
    out = opds.merge(
        best[["region_code", "opd", "sector"]].astype(str), on=["region_code", "opd"], how="left"
    )
    out["sector"] = out["sector"].astype(object).where(out["sector"].notna(), None)
    return out.sort_values(["region_code", "opd"]).reset_index(drop=True)


def _sector_of(k: pd.DataFrame, sectors: pd.DataFrame | None) -> np.ndarray:
    """Each row's OPD sector (object array, None where unknown)."""
    if sectors is None or sectors.empty:
        return np.full(len(k), None, dtype=object)
    lookup = {
        (str(r), str(o)): (s if isinstance(s, str) and s.strip() else None)
        for r, o, s in sectors[["region_code", "opd", "sector"]].itertuples(index=False)
    }
    if len(k) == 0:
        return np.full(0, None, dtype=object)
    # through the distinct OPDs only: a panel has millions of rows but few OPDs (and keys may be categorical)
    r_codes, r_names = pd.factorize(k["region_code"])
    o_codes, o_names = pd.factorize(k["opd"])
    pair = _combine(r_codes, o_codes)
    first = np.empty(int(pair.max()) + 1, dtype=np.int64)
    first[pair[::-1]] = np.arange(len(pair) - 1, -1, -1)  # each pair's first row
    values = np.array(
        [lookup.get((str(r_names[r_codes[i]]), str(o_names[o_codes[i]]))) for i in first], dtype=object
    )
    return values[pair]


def period_codes(year: np.ndarray, periods: Periods) -> np.ndarray:
    """0, 1, 2 for pre, refocusing, post; -1 for a year outside the periods.

    >>> period_codes(np.array([2017, 2019, 2020, 2023]), Periods()).tolist()
    [-1, 0, 1, 2]
    """
    code = np.full(len(year), -1, dtype=np.int8)
    for j, name in enumerate(periods.names):
        lo, hi = getattr(periods, name)
        code[(year >= lo) & (year <= hi)] = j
    return code


def _year_codes(year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct years (sorted) and each row's index into them, by counting (no sort of the rows)."""
    year = np.asarray(year, dtype=np.int64)
    lo = int(year.min())
    present = np.flatnonzero(np.bincount(year - lo))
    lookup = np.full(int(year.max()) - lo + 1, -1, dtype=np.int64)
    lookup[present] = np.arange(len(present))
    return present + lo, lookup[year - lo]


def _is(col: pd.Series, value: str) -> np.ndarray:
    """``col == value`` as a boolean array, through the codes when ``col`` is categorical (fast)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = list(col.cat.categories)
        return col.cat.codes.to_numpy() == cats.index(value) if value in cats else np.zeros(len(col), bool)
    return col.to_numpy() == value


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense ids of the pairs (a, b) of non-negative integer codes."""
    key = a.astype(np.int64) * (int(b.max()) + 1 if len(b) else 1) + b
    size = int(key.max()) + 1 if len(key) else 0
    if size <= 1 << 26:  # counting is much faster than hashing for keys in a moderate range
        lookup = np.cumsum(np.bincount(key, minlength=size) > 0) - 1
        return lookup[key]
    return pd.factorize(key)[0].astype(np.int64)


def add_terms(
    panel: pd.DataFrame, kind: Literal["did", "event"], *, periods: Periods | None = None
) -> list[str]:
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
        names = []
        for name in ("refocusing", "post"):
            panel[f"treat_{name}"] = d * _is(panel["period"], name)
            names.append(f"treat_{name}")
        return names
    if kind == "event":
        year = panel["year"].to_numpy()
        present = sorted(int(y) for y in pd.unique(year))
        if periods.reference_year not in present:
            raise DataError(
                f"event study: the reference year {periods.reference_year} is not in the data "
                f"(years: {present})"
            )
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
    years, y_code = _year_codes(year)
    n_years = len(years)
    n_units = int(unit.max()) + 1
    counts = np.bincount(unit * n_years + y_code, minlength=n_units * n_years)
    present = np.bincount(unit, minlength=n_units) > 0
    return bool((counts.reshape(n_units, n_years)[present] == 1).all())


def aggregate(panel: pd.DataFrame, outcome: str, *, weights_only: bool = False) -> pd.DataFrame:
    """Mean of ``outcome`` per OPD-year with its weight ``n`` (units averaged), for the exact shortcut.

    Columns constant within an OPD-year (``region_id``, ``period``, ``dose10``, ``sector``) are carried
    over, so the treatment terms can be added to the small frame afterwards.

    >>> p = pd.DataFrame({"region_id": [0] * 4, "opd_id": [0, 0, 0, 0], "year": [2019, 2019, 2020, 2020],
    ...                   "y": [90.0, 100.0, 80.0, 100.0], "dose10": [2.0] * 4,
    ...                   "period": pd.Categorical(["pre", "pre", "refocusing", "refocusing"])})
    >>> aggregate(p, "y")[["year", "y", "dose10", "n"]].values.tolist()
    [[2019.0, 95.0, 2.0, 2.0], [2020.0, 90.0, 2.0, 2.0]]
    """
    ok = panel[outcome].notna().to_numpy()
    d = panel if ok.all() else panel[ok]
    years, y_code = _year_codes(d["year"].to_numpy())
    opd = d["opd_id"].to_numpy().astype(np.int64)
    n_cells = (int(opd.max()) + 1) * len(years) if len(opd) else 0
    key = opd * len(years) + y_code
    n_all = np.bincount(key, minlength=n_cells).astype(float)
    cells = np.flatnonzero(n_all)  # OPD-years that have data, in OPD then year order
    out = {"opd_id": cells // len(years), "year": years[cells % len(years)]}
    for col in ("region_id", "dose10", "period", "sector"):
        if col in d.columns:
            values = d[col].cat.codes.to_numpy() if col == "period" else d[col].to_numpy()
            cell_values = np.zeros(n_cells, dtype=values.dtype)
            cell_values[key] = values  # constant within a cell: any row's value is the cell's
            out[col] = cell_values[cells]
    if "period" in out:
        out["period"] = pd.Categorical.from_codes(out["period"], d["period"].cat.categories)
    out[outcome] = (
        np.bincount(key, weights=d[outcome].to_numpy(dtype=float), minlength=n_cells)[cells] / n_all[cells]
    )
    out["n"] = n_all[cells]
    return pd.DataFrame(out)


def estimation_frame(
    panel: pd.DataFrame, outcome: str, *, method: Literal["auto", "unit", "aggregate"] = "auto"
) -> tuple[pd.DataFrame, str]:
    """The frame to estimate on and how it was made: ``"aggregate"`` (exact OPD-year shortcut) or ``"unit"``.

    ``auto`` takes the shortcut only where it is exact (a balanced panel), and the units otherwise. The
    frame is new (adding treatment terms to it leaves ``panel`` unchanged).

    >>> p = pd.DataFrame({"unit_id": [0, 0], "opd_id": [0, 0], "region_id": [0, 0], "year": [2019, 2020],
    ...                   "y": [1.0, 2.0], "dose10": [1.0, 1.0]})
    >>> estimation_frame(p, "y")[1]
    'aggregate'
    """
    if method not in ("auto", "unit", "aggregate"):
        raise ValueError(f"method must be 'auto', 'unit' or 'aggregate', found {method!r}")
    if method == "auto":
        method = "aggregate" if is_balanced(panel, outcome) else "unit"
    if method == "aggregate":
        return aggregate(panel, outcome), "aggregate"
    ok = panel[outcome].notna().to_numpy()
    return (panel.copy(deep=False) if ok.all() else panel[ok].copy(deep=False)), "unit"
