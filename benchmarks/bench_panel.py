"""National-scale impact panel: capaian and period aggregates, and the package's impact analysis
(TWFE DiD + event study, exact OPD-year shortcut) against one bare unit-level pyfixest call.

A synthetic balanced panel of 542 regions x 40 OPDs x 28 indicators x 6 years (3,642,240 rows).
Timings are ratios measured in the same process (the machine is shared and noisy); the peak RSS of
the package's run is measured in a child process that never runs the bare call, because ru_maxrss is
a high-water mark.

    .venv/bin/python benchmarks/bench_panel.py            # prints `name: value` lines
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

REGIONS, OPDS, INDICATORS, YEARS = 542, 40, 28, np.arange(2018, 2024)
SEED = 20200401


def make_frame(seed: int = SEED) -> pd.DataFrame:
    """A tidy kinerja-like frame with target, actual, polarity and each OPD's dose (planted -3 / -1 pp per 10 pp)."""
    rng = np.random.default_rng(seed)
    n_units = REGIONS * OPDS * INDICATORS
    unit = np.repeat(np.arange(n_units, dtype=np.int64), len(YEARS))
    year = np.tile(YEARS, n_units)
    region = unit // (OPDS * INDICATORS)
    opd = unit // INDICATORS
    dose = rng.uniform(-0.1, 0.5, REGIONS * OPDS)[opd]
    eff = np.select([(year >= 2020) & (year <= 2021), year >= 2022], [-3.0, -1.0], 0.0)
    latent = (
        100
        + rng.normal(0, 6, n_units)[unit]
        + rng.normal(0, 2, len(YEARS))[year - YEARS[0]]
        + eff * dose * 10
        + rng.normal(0, 5, len(unit))
    )
    target = rng.uniform(50, 150, n_units)[unit]
    negative = (rng.random(n_units) < 0.16)[unit]
    actual = np.where(negative, target * (2 - latent / 100), target * latent / 100)
    codes = pd.Categorical.from_codes
    return pd.DataFrame(
        {
            "region_code": codes(region, [f"{90 + i // 100}.{i % 100:02d}" for i in range(REGIONS)]),
            "opd": codes(opd % OPDS, [f"OPD {j:02d}" for j in range(OPDS)]),
            "indicator_id": codes(unit % INDICATORS, [f"IKU-{j:02d}" for j in range(INDICATORS)]),
            "year": year,
            "target": target,
            "actual": actual,
            "polarity": codes(negative.astype(np.int8), ["positive", "negative"]),
            "dose": dose,
        }
    )


def capaian_and_aggregates(k: pd.DataFrame) -> pd.DataFrame:
    """Capaian for every row, then mean capaian per region x year and per region x period."""
    from kinerja_analysis import capaian
    from kinerja_analysis.analysis import compare
    from kinerja_analysis.config import Periods

    k["achievement"] = capaian.achievement(k["target"], k["actual"], k["polarity"])[0]
    periods = Periods()
    k["period"] = pd.Categorical.from_codes(
        np.searchsorted([periods.refocusing[0], periods.post[0]], k["year"], side="right"),
        ["pre", "refocusing", "post"],
    )
    k["met"] = k["achievement"] >= 100
    compare.group_means(k, ["region_code", "year"])
    return compare.group_means(k, ["region_code", "period"])


def package_run(k: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The package's national impact analysis: panel, DiD and event study (auto picks the exact shortcut)."""
    from kinerja_analysis.analysis import impact
    from kinerja_analysis.analysis import panel as P

    pan = P.build(k)
    return impact.did(pan), impact.event_study(pan)


def child() -> None:
    """Build the frame, run the package's analysis, print the peak RSS (the bare call never runs here)."""
    k = make_frame()
    capaian_and_aggregates(k)
    did, _ = package_run(k)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_gb": peak_kb / 1024**2, "frame": did["frame"].iloc[0]}))


def main() -> None:
    import pyfixest as pf

    from kinerja_analysis.analysis import panel as P

    proc = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, check=True)
    rss = json.loads(proc.stdout.strip().splitlines()[-1])

    from kinerja_analysis import capaian

    k = make_frame()
    capaian_and_aggregates(k.head(10_000).copy())  # warm-up
    t = time.perf_counter()
    capaian_and_aggregates(k)
    t_cap = time.perf_counter() - t
    t = time.perf_counter()
    capaian.achievement(k["target"], k["actual"], k["polarity"])
    t_cap_only = time.perf_counter() - t

    package_run(k.head(10_000))  # warm-up: imports and first-call compilation, outside the timings
    t = time.perf_counter()
    did, es = package_run(k)
    t_pkg = time.perf_counter() - t

    pan = P.build(k)  # the same frame, at unit level, for the bare call
    terms = P.add_terms(pan, "did")
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bare = pf.feols(
            f"achievement ~ {' + '.join(terms)} | unit_id + year", data=pan, vcov={"CRV1": "region_id"}
        )
    t_bare = time.perf_counter() - t
    diff = np.abs(did.set_index("term")["estimate"] - bare.coef()[terms]).max()

    print(f"panel_rows: {len(k)}")
    print(f"panel_estimation_frame: {did['frame'].iloc[0]} ({rss['frame']} in the child)")
    print(f"panel_capaian_aggregates_s: {t_cap:.3f}")
    print(f"panel_capaian_only_s: {t_cap_only:.3f}")
    print(f"panel_package_impact_s: {t_pkg:.3f}")
    print(f"panel_bare_unit_twfe_s: {t_bare:.3f}")
    print(f"panel_speedup_vs_bare: {t_bare / t_pkg:.2f}")
    print(f"panel_peak_rss_gb: {rss['peak_rss_gb']:.3f}")
    print(f"panel_max_abs_coef_diff: {diff:.2e}")
    print(f"panel_did_refocusing_per_10pp: {did['estimate'].iloc[0]:.4f}")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
