"""Every impact estimate of notebooks 03 and 04, computed once: :func:`estimate` returns an
:class:`ImpactResults` whose parts the report sections show.

Across regions, CIs resample (and standard errors cluster on) regions; within one region, OPDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import Settings
from . import compare, diagnostics, impact
from . import panel as P


@dataclass
class ImpactResults:
    """The estimation panel and every estimate of the impact sections.

    ``fits`` holds the pyfixest fits behind the tables (``did``, ``did_cr3``, ``event_study``, ``revision``),
    so that ``r.fits["did"].summary()`` or ``.tidy()`` shows a model in full.
    """

    cluster: str
    panel: pd.DataFrame
    did: pd.DataFrame
    bins: pd.DataFrame
    points: pd.DataFrame
    event: pd.DataFrame = field(default_factory=pd.DataFrame)
    robust: pd.DataFrame = field(default_factory=pd.DataFrame)
    revision: pd.DataFrame = field(default_factory=pd.DataFrame)
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    terciles: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: mean capaian per year and dose tercile
    tercile_years: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: share at exactly 100 % per year and dose tercile
    ceiling: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: OPD names that changed across the 2021 recoding, and how they were mapped
    continuity: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: unit counts across the recoding: units_from, units_to, continuing, ended, new
    continuity_counts: dict = field(default_factory=dict)
    share_at_100: float = float("nan")
    share_revised: float = float("nan")
    fits: dict = field(default_factory=dict)


def default_cluster(kinerja: pd.DataFrame) -> str:
    """``region`` when the data holds several regions, else ``opd`` (within one region).

    >>> default_cluster(pd.DataFrame({"region_code": ["a", "a"]})), default_cluster(pd.DataFrame({"region_code": ["a", "b"]}))
    ('opd', 'region')
    """
    return "opd" if kinerja["region_code"].nunique() < 2 else "region"


def estimate(
    kinerja: pd.DataFrame,
    dose: pd.DataFrame,
    settings: Settings | None = None,
    *,
    crosswalk: pd.DataFrame | None = None,
    cluster: str | None = None,
    full: bool = True,
    n_resamples: int | None = None,
) -> ImpactResults:
    """Build the panel and run every impact model of the reports.

    Parameters
    ----------
    kinerja, dose : pandas.DataFrame
        The prepared kinerja table and each OPD's refocusing dose (``Prepared.kinerja``, ``Prepared.dose``).
    settings : Settings, optional
        Periods, seed and number of bootstrap resamples.
    crosswalk : pandas.DataFrame, optional
        The OPD crosswalk, for the nomenclature-continuity check.
    cluster : {"region", "opd"}, optional
        Cluster of standard errors and bootstrap; by default :func:`default_cluster`.
    full : bool
        False runs only what the region report shows (DiD and dose–response).
    n_resamples : int, optional
        Bootstrap resamples; ``settings.n_bootstrap`` by default.
    """
    s = settings or Settings()
    cluster = cluster or default_cluster(kinerja)
    pan = P.build(kinerja, dose, periods=s.periods)
    n_boot = n_resamples or s.n_bootstrap
    bins, points = impact.dose_response(pan)
    did = impact.did_model(pan, cluster=cluster, periods=s.periods)
    out = ImpactResults(
        cluster=cluster,
        panel=pan,
        did=did.table,
        bins=bins,
        points=points,
        fits={"did": did.cr1, "did_cr3": did.cr3},
    )
    if not full:
        return out
    event = impact.event_study_model(pan, cluster=cluster, periods=s.periods, seed=s.seed)
    out.event, out.fits["event_study"] = event.table, event.cr1
    out.robust = impact.robustness(pan, cluster=cluster, periods=s.periods)
    if pan["revised"].notna().any() and pan["revised"].gt(0).any():
        revision = impact.did_model(pan, outcome="revised", cluster=cluster, periods=s.periods)
        out.revision, out.fits["revision"] = revision.table, revision.cr1
    out.differences = compare.period_differences(kinerja, cluster=cluster, n_resamples=n_boot, seed=s.seed)
    out.terciles = compare.tercile_comparison(kinerja, dose, cluster=cluster, n_resamples=n_boot, seed=s.seed)
    out.tercile_years = compare.tercile_years(kinerja, dose)
    out.ceiling = impact.ceiling_by_tercile(pan, dose)
    first = s.periods.refocusing[0]
    out.continuity, out.continuity_counts = impact.continuity(
        kinerja, crosswalk, year_from=first, year_to=first + 1
    )
    out.share_at_100 = diagnostics.share_at_100(kinerja)
    out.share_revised = diagnostics.share_revised_in(kinerja, "refocusing")
    return out
