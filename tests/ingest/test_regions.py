"""Region code tables: Kemendagri codes as strings, BPS <-> Kemendagri through the bridge, unmapped names reported."""

from __future__ import annotations

import pandas as pd
import pytest
from kabkota_fixture import FOLDER as FIX  # the invented fixture under the real file names

from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import djpk, regions


def test_dagri_code_keeps_strings():
    assert regions.dagri_code("7501") == "75.01"
    assert regions.dagri_code("75.10") == "75.10"  # never 75.1
    assert regions.dagri_code("92") == "92"
    with pytest.raises(DataError):
        regions.dagri_code("7.5")


def test_name_key_spellings():
    assert regions.name_key("Provinsi Kepulauan Riau") == regions.name_key("KEP, RIAU") == "kepulauan riau"
    assert regions.name_key("Provinsi Bangka Belitung") == regions.name_key("KEP. BANGKA BELITUNG")


def test_fixture_code_table():
    codes = regions.djpk_codes(FIX)
    assert codes["region_code"].tolist() == ["99.01", "99.71"]
    assert codes["kind"].tolist() == ["kabupaten", "kota"]
    assert codes["province_code"].tolist() == ["99", "99"]


def test_map_names_reports_every_failure():
    codes = regions.djpk_codes(FIX)
    got, missing = regions.map_names(
        ["Kab. Contoh Satu", "KOTA CONTOH DUA", "Kab. Entah", "Kab. Entah"], codes
    )
    assert got == ["99.01", "99.71", "", ""]
    assert missing == ["Kab. Entah"]


def test_real_province_and_kabkota_codes(realdata):
    codes = regions.djpk_codes(realdata / "djpk-apbd-jaga")
    prov = codes[codes["kind"] == "provinsi"]
    assert len(prov) == 34 and len(codes) == 34 + 508
    # Papua: Kemendagri 91 but BPS 94; Papua Barat: Kemendagri 92, BPS 91; Kab. Gorontalo: 75.01 (BPS 7502)
    row = codes.set_index("djpk_name")
    assert row.loc["Provinsi Papua", ["region_code", "bps_code"]].tolist() == ["91", "94"]
    assert row.loc["Provinsi Papua Barat", ["region_code", "bps_code"]].tolist() == ["92", "91"]
    assert row.loc["Kab. Gorontalo", ["region_code", "bps_code"]].tolist() == ["75.01", "7502"]
    names = djpk.read_accounts(realdata / "djpk-apbd-jaga")["region_name"].astype(str).unique()
    _, missing = regions.map_names(names, codes)
    assert missing == []


def test_bps_names_map_to_kemendagri(realdata):
    bridge = regions.bps_bridge(realdata / "kode-wilayah-bps-kemendagri")
    names = pd.read_excel(realdata / "bps-provinsi-indikator-rkp" / "persentasemiskin.xlsx", header=None)[
        0
    ].tolist()[1:]
    got, missing = regions.province_codes_for_bps_names(names, bridge)
    assert missing == ["INDONESIA"]
    assert len(set(got) - {""}) == 34
