"""Peer comparison: a region's figures beside the mean and range of the other regions in the data.

LKjIP evaluation asks each pemda to compare its results with others. Peers are the other regions of the
same data folder; a row whose ``kind`` in ``regions`` is ``nasional``/``national`` is shown as the national
figure and never counted as a peer.

Within-region DiD estimates are noisy: when the true effect is the same everywhere their spread is about
their standard error, so a plain rank of them is a rank of noise. :func:`within_region_did` gives each
region's estimate with its CV3 (cluster jackknife over OPDs) interval, and :func:`did_separation` says
which peers a region can be told apart from (non-overlapping intervals) beside a joint test that all
regions share one effect (Cochran's Q); the page ranks the DiD only where the intervals separate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED, Periods
from . import anggaran as ag
from . import compare
from . import panel as P
from .inference import cluster_inference

#: measures in display order; "higher" says which direction reads better (None: neither)
MEASURES = {
    "mean_capaian_pre": "higher",
    "mean_capaian_refocusing": "higher",
    "mean_capaian_post": "higher",
    "change_refocusing": "higher",
    "change_post": "higher",
    "met_share_refocusing": "higher",
    "cut_share": None,
    "serapan_refocusing": "higher",
    "share_at_100": None,
    "share_revised_refocusing": None,
    "did_refocusing_per_10pp": "higher",
}
NATIONAL_KINDS = {"nasional", "national"}


def region_measures(
    kinerja: pd.DataFrame,
    anggaran: pd.DataFrame,
    dose: pd.DataFrame | None = None,
    *,
    periods: Periods | None = None,
    with_did: bool = True,
) -> pd.DataFrame:
    """One row per region with the measures of :data:`MEASURES` (capaian in %, shares in %, changes in pp).

    ``did_refocusing_per_10pp`` is the within-region DiD (clustered by OPD) and needs ``dose``.

    >>> k = pd.DataFrame({"region_code": ["a", "a", "b", "b"], "period": ["pre", "refocusing"] * 2,
    ...                   "year": [2019, 2020] * 2, "achievement": [100.0, 90.0, 100.0, 98.0],
    ...                   "met": [True, False, True, False], "target": [1.0] * 4, "target_original": [np.nan] * 4})
    >>> a = pd.DataFrame({"region_code": ["a", "b"], "year": [2020, 2020], "opd": ["x", "y"],
    ...                   "budget_original": [100.0, 100.0], "budget_revised": [80.0, 90.0], "spent": [72.0, 90.0]})
    >>> m = region_measures(k, a, with_did=False)
    >>> m.loc["a", ["change_refocusing", "cut_share", "serapan_refocusing"]].tolist()
    [-10.0, 20.0, 90.0]
    """
    periods = periods or Periods()
    ref_years = periods.years("refocusing")
    pm = compare.period_means(kinerja, by=["region_code"])
    mean = pm.pivot_table(index="region_code", columns="period", values="mean")
    met = pm.pivot_table(index="region_code", columns="period", values="met_share")
    out = pd.DataFrame(index=sorted(kinerja["region_code"].unique()))
    out.index.name = "region_code"
    for per in ("pre", "refocusing", "post"):
        out[f"mean_capaian_{per}"] = mean[per] if per in mean.columns else np.nan
    out["change_refocusing"] = out["mean_capaian_refocusing"] - out["mean_capaian_pre"]
    out["change_post"] = out["mean_capaian_post"] - out["mean_capaian_pre"]
    out["met_share_refocusing"] = (met["refocusing"] * 100) if "refocusing" in met.columns else np.nan
    money = ag.summarise(anggaran[anggaran["year"].isin(ref_years)], ["region_code"]).set_index("region_code")
    out["cut_share"] = money["cut_share"] * 100
    out["serapan_refocusing"] = money["absorption"] * 100
    ceil = compare.share_at_ceiling(kinerja, by=["region_code"]).set_index("region_code")
    out["share_at_100"] = ceil["share"] * 100
    ref = kinerja[kinerja["year"].isin(ref_years)]
    rev = compare.share_revised(ref, by=["region_code"]).set_index("region_code") if len(ref) else None
    out["share_revised_refocusing"] = rev["share"] * 100 if rev is not None else np.nan
    out["did_refocusing_per_10pp"] = np.nan
    if with_did and dose is not None:
        did = within_region_did(kinerja, dose, periods=periods, draws=0).set_index("region_code")
        out["did_refocusing_per_10pp"] = did["estimate"].reindex(out.index)
    return out


def within_region_did(
    kinerja: pd.DataFrame,
    dose: pd.DataFrame,
    *,
    periods: Periods | None = None,
    outcome: str = "achievement",
    draws: int = 999,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> pd.DataFrame:
    """Each region's own DiD (refocusing effect per 10 pp of cut across its OPDs), clustered by OPD.

    Returns
    -------
    pandas.DataFrame
        One row per region: ``region_code, estimate, ci_low, ci_high`` (CV3, t(G − 1)), ``se``,
        ``ci_low_wild, ci_high_wild`` (wild-cluster bootstrap, NaN with ``draws=0``), ``n_opd``,
        ``status`` ("ok", "few_clusters", "no_variation": a single dose or too few OPDs).
    """
    periods = periods or Periods()
    pan = P.build(kinerja, dose, periods=periods)
    rows = []
    for code, g in pan.groupby("region_code", sort=True, observed=True):
        frame, how = P.estimation_frame(g, outcome)
        terms = [t for t in P.add_terms(frame, "did", periods=periods) if frame[t].abs().sum() > 0]
        row = {"region_code": code, "n_opd": int(g["opd_id"].nunique())}
        if "treat_refocusing" not in terms or g["dose"].nunique() < 2:
            rows.append(row | {"estimate": np.nan, "status": "no_variation"})
            continue
        r = cluster_inference(
            frame,
            outcome=outcome,
            terms=terms,
            coef="treat_refocusing",
            fe=["unit_id", "year"] if how == "unit" else ["opd_id", "year"],
            cluster="opd_id",
            weights=None if how == "unit" else "n",
            draws=max(draws, 1),
            seed=seed,
            level=level,
        )
        wild = r.ci_wild if draws else (np.nan, np.nan)
        rows.append(
            row
            | {
                "estimate": r.estimate,
                "ci_low": r.ci_cv3[0],
                "ci_high": r.ci_cv3[1],
                "se": r.se_cv3,
                "ci_low_wild": wild[0],
                "ci_high_wild": wild[1],
                "status": r.status,
            }
        )
    cols = [
        "region_code",
        "estimate",
        "ci_low",
        "ci_high",
        "se",
        "ci_low_wild",
        "ci_high_wild",
        "n_opd",
        "status",
    ]
    return pd.DataFrame(rows).reindex(columns=cols)


def heterogeneity(estimate, se) -> tuple[float, float, int]:
    """Cochran's Q test that all regions share one effect: ``(Q, p, degrees of freedom)``.

    ``Q = Σ w (b − b̄)²`` with ``w = 1/se²`` and ``b̄`` the w-weighted mean, against χ²(k − 1).

    >>> q, p, df = heterogeneity([1.0, 3.0], [1.0, 1.0])  # b̄ = 2, Q = 1 + 1
    >>> q, round(p, 4), df
    (2.0, 0.1573, 1)
    """
    from scipy import stats

    b, s = np.asarray(estimate, dtype=float), np.asarray(se, dtype=float)
    ok = np.isfinite(b) & np.isfinite(s) & (s > 0)
    b, w = b[ok], 1.0 / s[ok] ** 2
    if len(b) < 2:
        return np.nan, np.nan, 0
    q = float(np.sum(w * (b - np.sum(w * b) / np.sum(w)) ** 2))
    return q, float(stats.chi2.sf(q, len(b) - 1)), int(len(b) - 1)


def did_separation(did: pd.DataFrame, region: str) -> dict:
    """Which peers ``region``'s DiD can be told apart from: those whose interval lies wholly above or below.

    ``rank`` (1 = highest, i.e. least harmed) is given only when the region's interval separates from
    every peer's; else it is None and the page says the estimates cannot be told apart (or names how many
    peers are above and below).

    >>> d = pd.DataFrame({"region_code": ["a", "b", "c"], "estimate": [-1.0, -5.0, -1.2],
    ...                   "ci_low": [-2.0, -6.0, -2.5], "ci_high": [0.0, -4.0, 0.1], "se": [0.5] * 3})
    >>> s = did_separation(d, "a")
    >>> s["below"], s["above"], s["overlap"], s["rank"]
    (1, 0, 1, None)
    """
    d = did.dropna(subset=["ci_low", "ci_high"]).set_index("region_code")
    q, p, df = heterogeneity(did["estimate"], did.get("se", pd.Series(dtype=float)))
    out = {"q": q, "p_equal": p, "df": df, "n_regions": int(len(d)), "above": 0, "below": 0, "overlap": 0}
    if region not in d.index:
        return out | {"rank": None}
    me = d.loc[region]
    peers = d.drop(index=region)
    below = int((peers["ci_high"] < me["ci_low"]).sum())  # peers clearly worse (more negative)
    above = int((peers["ci_low"] > me["ci_high"]).sum())
    overlap = int(len(peers) - below - above)
    rank = above + 1 if overlap == 0 and len(peers) else None
    return out | {"above": above, "below": below, "overlap": overlap, "rank": rank}


def peer_table(measures: pd.DataFrame, region: str, *, national: pd.Series | None = None) -> pd.DataFrame:
    """The region's value of each measure beside its peers' mean, min and max, and its rank.

    ``rank`` counts from the better end where a measure has a direction ("1 of 6" = best), else from the
    highest value.

    >>> m = pd.DataFrame({"change_refocusing": [-5.0, -2.0, -8.0]}, index=pd.Index(["a", "b", "c"], name="region_code"))
    >>> r = peer_table(m, "a").iloc[0]
    >>> [float(r[c]) for c in ("value", "peer_mean", "peer_min", "peer_max", "rank", "n_regions")]
    [-5.0, -5.0, -8.0, -2.0, 2.0, 3.0]
    """
    if region not in measures.index:
        raise KeyError(f"region {region!r} is not in the measures")
    peers = measures.drop(index=region)
    rows = []
    for col in measures.columns:
        v = measures.at[region, col]
        others = peers[col].dropna()
        allv = measures[col].dropna()
        rank = int((allv > v).sum() + 1) if pd.notna(v) else None
        rows.append(
            {
                "measure": col,
                "value": float(v) if pd.notna(v) else np.nan,
                "peer_mean": float(others.mean()) if len(others) else np.nan,
                "peer_min": float(others.min()) if len(others) else np.nan,
                "peer_max": float(others.max()) if len(others) else np.nan,
                "national": float(national[col])
                if national is not None and col in national.index
                else np.nan,
                "rank": rank,
                "n_regions": int(len(allv)),
            }
        )
    return pd.DataFrame(rows)


def national_row(regions: pd.DataFrame | None) -> list[str]:
    """Codes of rows that stand for the whole country (``kind`` nasional/national), not a peer.

    >>> national_row(pd.DataFrame({"region_code": ["00", "99.01"], "kind": ["nasional", "kota"]}))
    ['00']
    """
    if regions is None or "kind" not in regions.columns:
        return []
    return (
        regions.loc[regions["kind"].astype(str).str.lower().isin(NATIONAL_KINDS), "region_code"]
        .astype(str)
        .tolist()
    )


@dataclass
class PeerComparison:
    """A region beside its peers: the measures table, and mean capaian per year of the region and its peers."""

    region: str
    #: one row per region (peers and the region; the national row left out)
    measures: pd.DataFrame
    #: :func:`peer_table`, or None when the data holds fewer than two regions
    table: pd.DataFrame | None = None
    #: the region's mean capaian per year: ``region_code, year, mean, n``
    own_years: pd.DataFrame | None = None
    #: the other regions' yearly means: ``year, mean, min, max``
    peer_years: pd.DataFrame | None = None
    has_national: bool = False
    #: :func:`within_region_did` for every region (None without doses)
    did: pd.DataFrame | None = None
    #: :func:`did_separation` of the region
    separation: dict | None = None

    @property
    def n_peers(self) -> int:
        return len(self.measures) - 1


def compare_with_peers(
    kinerja: pd.DataFrame,
    anggaran: pd.DataFrame,
    dose: pd.DataFrame | None,
    regions: pd.DataFrame | None,
    region: str,
    *,
    periods: Periods | None = None,
    draws: int = 999,
    seed: int = DEFAULT_SEED,
) -> PeerComparison:
    """Compare ``region`` with the other regions of the same (all-regions) tables.

    A national row of ``regions`` (:func:`national_row`) is shown beside the peers, never counted as one.
    The within-region DiD comes with its intervals (:func:`within_region_did`, ``draws`` wild-bootstrap
    draws) and :func:`did_separation`.
    """
    national = national_row(regions)
    m = region_measures(kinerja, anggaran, dose, periods=periods, with_did=False)
    did = None
    if dose is not None:
        did = within_region_did(kinerja, dose, periods=periods, draws=draws, seed=seed)
        did = did[~did["region_code"].isin(national)].reset_index(drop=True)
        m["did_refocusing_per_10pp"] = did.set_index("region_code")["estimate"].reindex(m.index)
    nat = m.loc[national[0]] if national and national[0] in m.index else None
    m = m.drop(index=[c for c in national if c in m.index])
    if len(m) < 2:
        return PeerComparison(region=region, measures=m, has_national=nat is not None)
    table = peer_table(m, region, national=nat)
    sep = did_separation(did, region) if did is not None else None
    if sep is not None:  # a rank of estimates that cannot be told apart is a rank of noise
        table.loc[table["measure"] == "did_refocusing_per_10pp", "rank"] = sep["rank"]
    yearly = compare.yearly_means(kinerja[kinerja["region_code"].isin(m.index)], by=["region_code"])
    own = yearly[yearly["region_code"] == region]
    others = (
        yearly[yearly["region_code"] != region]
        .groupby("year")["mean"]
        .agg(["mean", "min", "max"])
        .reset_index()
    )
    return PeerComparison(
        region=region,
        measures=m,
        table=table,
        own_years=own,
        peer_years=others,
        has_national=nat is not None,
        did=did,
        separation=sep,
    )
