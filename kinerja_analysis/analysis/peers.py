"""Peer comparison: a region's figures beside the mean and range of the other regions in the data.

LKjIP evaluation asks each pemda to compare its results with others. Peers are the other regions of the
same data folder; a row whose ``kind`` in ``regions`` is ``nasional``/``national`` is shown as the national
figure and never counted as a peer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import Periods
from . import anggaran as ag
from . import compare, impact
from . import panel as P

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
        pan = P.build(kinerja, dose, periods=periods)
        for code, g in pan.groupby("region_code"):
            if g["opd_id"].nunique() >= 3 and g["dose"].nunique() > 1:
                est = impact.did(g, cluster="opd", periods=periods, jackknife=False)
                out.loc[code, "did_refocusing_per_10pp"] = float(est["estimate"].iloc[0])
    return out


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
) -> PeerComparison:
    """Compare ``region`` with the other regions of the same (all-regions) tables.

    A national row of ``regions`` (:func:`national_row`) is shown beside the peers, never counted as one.
    """
    national = national_row(regions)
    m = region_measures(kinerja, anggaran, dose, periods=periods)
    nat = m.loc[national[0]] if national and national[0] in m.index else None
    m = m.drop(index=[c for c in national if c in m.index])
    if len(m) < 2:
        return PeerComparison(region=region, measures=m, has_national=nat is not None)
    table = peer_table(m, region, national=nat)
    yearly = compare.yearly_means(kinerja[kinerja["region_code"].isin(m.index)], by=["region_code"])
    own = yearly[yearly["region_code"] == region]
    others = (
        yearly[yearly["region_code"] != region]
        .groupby("year")["mean"]
        .agg(["mean", "min", "max"])
        .reset_index()
    )
    return PeerComparison(
        region=region, measures=m, table=table, own_years=own, peer_years=others, has_national=nat is not None
    )
