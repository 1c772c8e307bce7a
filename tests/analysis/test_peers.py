"""Peers' within-region DiD: intervals, a joint test, and a rank only where the intervals separate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import peers


def _regions(effects, *, opds=12, seed=0):
    rng = np.random.default_rng(seed)
    rows, doses = [], []
    for r, eff in enumerate(effects):
        for o in range(opds):
            dose = rng.uniform(0, 0.4)
            doses.append((f"r{r}", f"o{o}", dose))
            for i in range(3):
                base = rng.normal(100, 3)
                for y in range(2018, 2024):
                    v = base + (eff * dose * 10 if y in (2020, 2021) else 0) + rng.normal(0, 1)
                    rows.append((f"r{r}", f"o{o}", f"i{i}", y, v))
    k = pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "achievement"])
    return k, pd.DataFrame(doses, columns=["region_code", "opd", "dose"])


def test_equal_effects_cannot_be_told_apart():
    k, d = _regions([-2.0] * 5)
    did = peers.within_region_did(k, d, draws=99)
    assert (did["status"] == "ok").all()
    assert ((did["ci_low"] < -2) & (did["ci_high"] > -2)).sum() >= 4
    sep = peers.did_separation(did, "r0")
    assert sep["rank"] is None and sep["p_equal"] > 0.05


def test_large_differences_are_ranked():
    k, d = _regions([-1.0, -4.0, -8.0])
    did = peers.within_region_did(k, d, draws=99)
    sep = peers.did_separation(did, "r1")
    assert (sep["above"], sep["below"], sep["rank"]) == (1, 1, 2)
    assert sep["p_equal"] < 0.001
    assert peers.did_separation(did, "r0")["rank"] == 1


def test_within_region_did_edge_cases():
    k, d = _regions([-2.0, -2.0], opds=4)
    d.loc[d["region_code"] == "r1", "dose"] = 0.2  # one dose for every OPD: nothing to compare
    did = peers.within_region_did(k, d, draws=9).set_index("region_code")
    assert did.loc["r0", "status"] == "few_clusters" and np.isfinite(did.loc["r0", "estimate"])
    assert did.loc["r1", "status"] == "no_variation"
    sep = peers.did_separation(did.reset_index(), "r0")
    assert sep["rank"] is None and sep["n_regions"] == 0


def test_heterogeneity_hand_values():
    q, p, df = peers.heterogeneity([1.0, 2.0, 6.0], [1.0, 1.0, 2.0])
    # w = 1, 1, 0.25; b̄ = (1 + 2 + 1.5) / 2.25 = 2; Q = 1 + 0 + 0.25 · 16 = 5
    assert q == pytest.approx(5.0) and df == 2 and p == pytest.approx(np.exp(-2.5))
