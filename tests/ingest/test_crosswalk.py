"""The OPD crosswalk: one implementation, chains followed to the end, circles refused."""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import crosswalk, demo, template

#: Dinas A was renamed B in 2019, and B merged into C in 2021 (Dinas D in another region keeps its name)
CHAIN = pd.DataFrame(
    {
        "region_code": ["99.01", "99.01"],
        "opd_old": ["Dinas A", "Dinas B"],
        "opd_new": ["Dinas B", "Dinas C"],
        "year_effective": [2019, 2021],
        "note": ["", ""],
    }
)
CIRCLE = pd.DataFrame(
    {
        "region_code": ["99.01", "99.01", "99.01"],
        "opd_old": ["Dinas A", "Dinas B", "Dinas C"],
        "opd_new": ["Dinas B", "Dinas C", "Dinas A"],
        "year_effective": [2019, 2020, 2021],
        "note": ["", "", ""],
    }
)


def test_chain_is_followed_to_the_current_name():
    regions = ["99.01", "99.01", "99.01", "99.02", "99.01"]
    names = ["Dinas A", "Dinas B", "Dinas C", "Dinas A", "Dinas D"]
    assert crosswalk.map_names(regions, names, CHAIN) == [
        "Dinas C",
        "Dinas C",
        "Dinas C",
        "Dinas A",
        "Dinas D",
    ]


def test_apply_keeps_the_name_as_given():
    k = pd.DataFrame(
        {"region_code": ["99.01"] * 3, "year": [2018, 2020, 2022], "opd": ["Dinas A", "Dinas B", "Dinas C"]}
    )
    out = crosswalk.apply(k, CHAIN)
    assert out["opd"].tolist() == ["Dinas C"] * 3
    assert out["opd_raw"].tolist() == ["Dinas A", "Dinas B", "Dinas C"]
    assert k["opd"].tolist() == ["Dinas A", "Dinas B", "Dinas C"]  # the input is not changed
    assert crosswalk.apply(k, None)["opd"].equals(k["opd"])


def test_a_name_mapped_to_itself_changes_nothing():
    same = pd.DataFrame({"region_code": ["99.01"], "opd_old": ["Dinas A"], "opd_new": ["Dinas A"]})
    assert crosswalk.map_names(["99.01"], ["Dinas A"], same) == ["Dinas A"]


SWAP = pd.DataFrame(
    {"region_code": ["99.01", "99.01"], "opd_old": ["Dinas A", "Dinas B"], "opd_new": ["Dinas B", "Dinas A"]}
)


@pytest.mark.parametrize("cw", [CIRCLE, SWAP], ids=["three", "two"])
def test_a_circle_is_a_clear_error(cw):
    with pytest.raises(
        DataError, match=r"region 99\.01 go round in a circle \(Dinas A -> Dinas B -> .*Dinas A\)"
    ):
        crosswalk.map_names(["99.01"], ["Dinas A"], cw)


def _folder(tmp_path, cw: pd.DataFrame):
    kin = pd.DataFrame(
        {
            "region_code": "99.01",
            "year": [2018, 2020, 2022],
            "opd": ["Dinas A", "Dinas B", "Dinas C"],
            "indicator_id": "K1",
            "indicator": "Indeks",
            "polarity": "positif",
            "target": "80",
            "actual": "79",
        }
    )
    ang = pd.DataFrame(
        {
            "region_code": "99.01",
            "year": [2018, 2020, 2022],
            "opd": ["Dinas A", "Dinas B", "Dinas C"],
            "spending_type": "pegawai",
            "budget_original": "100",
            "budget_revised": "90",
            "spent": "80",
        }
    )
    kin.to_csv(tmp_path / "kinerja.csv", index=False)
    ang.to_csv(tmp_path / "anggaran.csv", index=False)
    cw.to_csv(tmp_path / "opd_crosswalk.csv", index=False)
    return tmp_path


def test_load_folder_maps_a_chain_to_one_opd(tmp_path):
    ds = template.load_folder(_folder(tmp_path, CHAIN))
    assert ds.kinerja["opd"].tolist() == ["Dinas C"] * 3
    assert ds.anggaran["opd"].tolist() == ["Dinas C"] * 3
    assert ds.kinerja["opd_raw"].tolist() == ["Dinas A", "Dinas B", "Dinas C"]


def test_load_folder_refuses_a_circle(tmp_path):
    with pytest.raises(DataError, match="circle"):
        template.load_folder(_folder(tmp_path, CIRCLE))


def test_demo_dose_follows_the_same_chain():
    years = [2020, 2021]
    ang = pd.DataFrame(
        {
            "region_code": "99.01",
            "year": years * 3,
            "opd": ["Dinas A"] * 2 + ["Dinas B"] * 2 + ["Dinas C"] * 2,
            "budget_original": 100.0,
            "budget_revised": [90.0, 80.0] * 3,
        }
    )
    dose = demo.truth_dose({"anggaran": ang, "opd_crosswalk": CHAIN})
    assert dose[["region_code", "opd"]].values.tolist() == [["99.01", "Dinas C"]]
    assert dose["dose"].iloc[0] == pytest.approx(0.15)
