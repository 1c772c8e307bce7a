"""DJPK/JAGA loader on the hand-made kab/kota fixture (invented numbers; expected values worked by hand)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from kabkota_fixture import FOLDER as FIX  # the invented fixture under the real file names

from kinerja_analysis import schema
from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import djpk, djpk_checks, djpk_labels

HEADER = ",".join(djpk.COLUMNS)


@pytest.fixture(scope="module")
def acc():
    return djpk.read_accounts(FIX)


@pytest.fixture(scope="module")
def ang():
    return djpk.load(FIX)


def test_files_finds_kabkota_names():
    assert [p.name for p in djpk.files(FIX)] == [
        "data_apbd_kabkota_level3-2021.csv",
        "data_apbd_kabkota_level3-2022.csv",
    ]


def test_label_variants_normalise_to_one_key():
    keys = {
        djpk_labels.norm_label(x)
        for x in (
            "52. Belanja Barang Jasa",
            "512. Belanja Barang dan Jasa",
            "Belanja Barang & Jasa",
            "5.2.2 belanja barang/jasa",
        )
    }
    assert keys == {"belanja barang jasa"}
    # no blanket letter stripping: "Modal" stays whole
    assert djpk_labels.norm_label("53. Belanja Modal") == "belanja modal"


def test_belanja_totals_by_hand(ang):
    t = ang.groupby(["region_name", "year"])[["budget_revised", "spent"]].sum(min_count=1)
    # Kab. Contoh Satu 2021: 600 + 300 + 250 + 10 (blank level 3) + 20 (BTT); spent 580 + 270 + 200 + 5 + 60
    assert t.loc[("Kab. Contoh Satu", 2021)].tolist() == [1180.0, 1115.0]
    # Kota Contoh Dua 2021: goods/services realisation is blank -> missing, not 0: 490 + 140
    assert t.loc[("Kota Contoh Dua", 2021)].tolist() == [1050.0, 630.0]
    assert t.loc[("Kab. Contoh Satu", 2022)].tolist() == [900.0, 150.0]


def test_tidy_anggaran_shape(ang):
    # sector (urusan) is an OPD's: DJPK rows are pemda totals, and the reader adds the empty column
    for col in set(schema.ANGGARAN_COLUMNS) - {"sector"}:
        assert col in ang.columns
    assert ang["budget_original"].isna().all()
    assert set(ang["opd"]) == {""}
    assert set(ang["spending_type"]) <= set(schema.SPENDING_TYPES)
    assert {
        "label_level1",
        "label_level2",
        "label_level3",
        "source_file",
        "source_row",
        "region_name",
    } <= set(ang.columns)


def test_codes_are_kemendagri_strings_and_unmapped_names_reported(ang):
    codes = dict(zip(ang["region_name"].astype(str), ang["region_code"]))
    assert codes["Kab. Contoh Satu"] == "99.01" and codes["Kota Contoh Dua"] == "99.71"
    assert codes["Kab. Tanpa Kode"] == ""
    assert ang.attrs["unmapped_names"] == ["Kab. Tanpa Kode"]


def test_blank_level3_falls_back_to_level2_and_is_flagged(ang):
    row = ang[ang["label_level3"].astype(str).eq("") & (ang["region_name"] == "Kab. Contoh Satu")]
    assert len(row) == 1
    assert row["spending_type"].iloc[0] == "lainnya"
    assert "blank_level3" in row["flag"].iloc[0]


def test_blank_value_is_missing_with_raw_text(ang):
    row = ang[(ang["region_name"] == "Kota Contoh Dua") & (ang["spending_type"] == "barang_jasa")].iloc[0]
    assert np.isnan(row["spent"]) and row["spent_raw"] == "" and "blank_value" in row["flag"]
    assert (
        row["source_file"] == "data_apbd_kabkota_level3-2021.csv" and row["source_row"] == 28
    )  # header is line 1; Kota Contoh Dua starts on line 22


def test_repeated_transfer_label_counted_once(acc):
    rev = djpk.load_revenue(FIX)
    satu = rev[(rev["region_name"] == "Kab. Contoh Satu") & (rev["year"] == 2021)]
    assert satu.loc[satu["revenue_type"] == "transfer_antar_daerah", "budget_revised"].tolist() == [50.0]
    assert satu.groupby("revenue_group")["budget_revised"].sum().to_dict() == {
        "other": 50.0,
        "pad": 100.0,
        "tkdd": 1000.0,
    }
    dup = djpk_checks.issues(acc)
    dup = dup[dup["rule"] == "duplicate_label"]
    # 434 is the live code: the 422 row (line 6) is the repeat now
    assert dup["label"].tolist() == ["422. Pendapatan Transfer Antar Daerah"] and dup["row"].tolist() == [6]


def test_budget_identity_and_the_trap(acc):
    idt = djpk_checks.budget_identity(acc).set_index(["region_name", "year"])
    # 100 + 1000 + 50 - 1180 + 30 = 0; counting the 434 repeat too would leave +50
    assert idt.loc[("Kab. Contoh Satu", 2021), "gap_budget"] == 0.0
    assert idt.loc[("Kab. Contoh Satu", 2021), "gap_budget_if_double_counted"] == 50.0
    assert bool(idt["ok"].all())
    # realised: 90 + 980 + 50 - 1115 + 30 = 35 (next year's SiLPA, not an error)
    assert idt.loc[("Kab. Contoh Satu", 2021), "gap_spent"] == 35.0


def test_partial_last_year(acc, ang):
    assert djpk_checks.partial_years(acc) == [2022]
    assert (
        ang.loc[ang["year"] == 2022, "partial_year"].all()
        and not ang.loc[ang["year"] == 2021, "partial_year"].any()
    )


def _write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_unknown_label_names_label_file_and_row(tmp_path):
    p = _write(
        tmp_path,
        "data_apbd_kabkota_level3-2021.csv",
        [
            "Kab. A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Anggaran,1",
            "Kab. A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Realisasi,1",
            "Kab. A,Provinsi X,2021,5. Belanja Daerah,53. Belanja Modal,520. Belanja odal,Anggaran,1",
            "Kab. A,Provinsi X,2021,5. Belanja Daerah,53. Belanja Modal,520. Belanja odal,Realisasi,1",
        ],
    )
    with pytest.raises(DataError) as exc:
        djpk.read_accounts(p)
    msg = str(exc.value)
    assert "520. Belanja odal" in msg and "data_apbd_kabkota_level3-2021.csv" in msg and "row 4" in msg


def test_bad_number_and_bad_header(tmp_path):
    p = _write(
        tmp_path,
        "data_apbd_x-2021.csv",
        [
            "Kab. A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Anggaran,1.234.567,8",
            "Kab. A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Realisasi,1",
        ],
    )
    with pytest.raises(DataError):
        djpk.read_accounts(p)
    q = tmp_path / "data_apbd_y-2021.csv"
    q.write_text("nama,tahun,nilai\nx,2021,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected the DJPK/JAGA columns"):
        djpk.read_accounts(q)
    r = _write(
        tmp_path,
        "data_apbd_z-2021.csv",
        ["Kab. A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Pagu,1"],
    )
    with pytest.raises(DataError, match="row 2, column jenis"):
        djpk.read_accounts(r)


def test_any_row_order_pairs_the_same(tmp_path, acc):
    lines = (FIX / "data_apbd_kabkota_level3-2021.csv").read_text(encoding="utf-8").splitlines()
    body = lines[1:]
    shuffled = body[1::2][::-1] + body[0::2]  # all Realisasi first, reversed, then Anggaran
    p = tmp_path / "data_apbd_kabkota_level3-2021.csv"
    p.write_text("\n".join([lines[0], *shuffled]) + "\n", encoding="utf-8")

    def table(a):
        a = a.assign(region_name=a["region_name"].astype(str), level3=a["level3"].astype(str))
        return a.groupby(["region_name", "year", "level3"])[["budget", "spent"]].sum(min_count=1).sort_index()

    pd.testing.assert_frame_equal(table(djpk.read_accounts(p)), table(acc[acc["year"] == 2021]))


def test_repeated_key_is_flagged_and_not_counted(tmp_path):
    row = "Kab. A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,{j},{v}"
    p = _write(
        tmp_path,
        "data_apbd_kabkota_level3-2021.csv",
        [row.format(j="Anggaran", v=5), row.format(j="Realisasi", v=4)] * 2,
    )
    acc = djpk.read_accounts(p)
    assert (acc["flag"].astype(str) == "duplicate_key").sum() == 1
    a = djpk.load(p, codes=pd.DataFrame(columns=list(schema.REGIONS_COLUMNS)))
    assert a["budget_revised"].sum() == 5.0


def test_parquet_cache_round_trip(tmp_path):
    d = tmp_path / "raw"
    shutil.copytree(FIX, d)
    first = djpk.read_accounts(d, cache=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("djpk-*.parquet"))) == 1
    again = djpk.read_accounts(d, cache=tmp_path / "cache")
    pd.testing.assert_frame_equal(first, again, check_categorical=False)
