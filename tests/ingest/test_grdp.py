"""District GRDP per capita and the district map (quarcs-lab/indonesia514 format)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import grdp

FIX = Path(__file__).parents[1] / "fixtures" / "quarcs"
CSV, MAP = FIX / "invented-gdp-pc.csv", FIX / "invented-map.geojson"


def test_load_fixture_long_form():
    df = grdp.load(CSV)
    assert list(df.columns) == grdp.COLUMNS
    assert len(df) == 3 * 3  # the trailing empty row is skipped, never a district
    assert df["bps_code"].unique().tolist() == ["9901", "9971", "9802"]
    assert df["province_bps"].unique().tolist() == ["99", "98"]
    assert df["year"].dtype == "int64" and sorted(df["year"].unique()) == [2019, 2020, 2021]
    v = df.set_index(["bps_code", "year"])
    assert v.loc[("9901", 2019), "grdp_pc"] == 8200.0
    assert v.loc[("9971", 2019), "grdp_pc"] == 41002.0
    assert v.loc[("9802", 2021), "grdp_pc"] == 1200.5
    assert v.loc[("9901", 2019), "grdp_pc_raw"] == " 8,200 "
    # a blank cell is missing, not 0, and its raw text is kept
    assert math.isnan(v.loc[("9971", 2020), "grdp_pc"]) and v.loc[("9971", 2020), "grdp_pc_raw"] == "  "


def test_read_once_per_process_while_the_file_is_unchanged(tmp_path):
    f = tmp_path / "gdp_pc.csv"
    f.write_bytes(CSV.read_bytes())
    a = grdp.load(f)
    a.loc[0, "grdp_pc"] = -1.0  # a caller's copy: the next caller does not see it
    assert grdp.load(tmp_path).loc[0, "grdp_pc"] == 8200.0
    f.write_bytes(CSV.read_bytes().replace(b'" 8,200 "', b'" 9,100 "'))  # edited: read again
    assert grdp.load(f).loc[0, "grdp_pc"] == 9100.0


def test_non_numeric_cell_names_file_row_column(tmp_path):
    text = CSV.read_bytes().replace(b'" 7,950 "', b'"n/a"')
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text)
    with pytest.raises(DataError, match=r"bad\.csv, row 2, column grdp_pc_2020: .*found 'n/a'"):
        grdp.load(bad)


@pytest.mark.parametrize("cell", ["8.200,5", "1,00", "12a"])
def test_parse_number_refuses_malformed(cell):
    with pytest.raises(ValueError):
        grdp.parse_number(cell)


def test_bad_code_and_header(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("districtID,district,provinceID,grdp_pc_2020\n991,A,99,1\n")
    with pytest.raises(DataError, match="row 2, column districtID"):
        grdp.load(p)
    p.write_text("kode,nama\n9901,A\n")
    with pytest.raises(DataError, match="expected columns"):
        grdp.load(p)


def test_folder_without_file_is_clear(tmp_path):
    with pytest.raises(DataError, match="kinerja data fetch"):
        grdp.load(tmp_path)


def test_read_map_polygon_and_multipolygon():
    ds = grdp.read_map(MAP)
    assert [d.bps_code for d in ds] == ["9901", "9971"]
    assert ds[0].name == "Kab. Contoh Satu" and ds[0].province_bps == "99"
    assert len(ds[0].polygons) == 1 and len(ds[0].polygons[0]) == 1
    assert ds[0].polygons[0][0].shape == (5, 2)
    assert ds[0].bounds == (100.0, 0.0, 101.0, 1.0)
    assert len(ds[1].polygons) == 2 and len(ds[1].polygons[0]) == 2  # a hole in the first polygon
    assert ds[1].bounds == (102.0, -1.0, 105.5, 2.0)


def test_read_map_refuses_points(tmp_path):
    p = tmp_path / "m.geojson"
    p.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"districtID": 9901},'
        ' "geometry": {"type": "Point", "coordinates": [1, 2]}}]}'
    )
    with pytest.raises(DataError, match="feature 0 .*Point"):
        grdp.read_map(p)


def test_real_files(realdata):
    folder = realdata / "quarcs-indonesia514"
    if not folder.is_dir():
        pytest.skip("no quarcs-indonesia514 folder in the real data")
    df = grdp.load(folder)
    assert df["bps_code"].nunique() == 514
    assert (df["year"].min(), df["year"].max()) == (2000, 2024)
    assert len(df) == 514 * 25
    assert df.set_index(["bps_code", "year"]).loc[("1101", 2000), "grdp_pc"] == 8200.0
    assert np.isfinite(df["grdp_pc"]).mean() > 0.95
    ds = grdp.read_map(folder)
    assert len(ds) == 514
    # the two files number Papua differently: the csv uses the 2022 split provinces' BPS codes (92, 95-97),
    # the map the older codes (91, 94); everywhere else the codes agree
    on_map, in_csv = {d.bps_code for d in ds}, set(df["bps_code"])
    assert len(on_map & in_csv) == 488
    assert {c[:2] for c in on_map - in_csv} == {"91", "94"}
    assert {c[:2] for c in in_csv - on_map} == {"92", "95", "96", "97"}
    lon0, lat0, lon1, lat1 = ds[0].bounds
    assert 94 < lon0 < lon1 < 142 and -12 < lat0 < lat1 < 7
