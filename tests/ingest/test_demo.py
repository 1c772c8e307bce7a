"""Tests of the synthetic demo data: determinism, shape, the planted mess and the planted effect."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis import paths, schema
from kinerja_analysis.ingest import demo

FILES = ["kinerja.csv", "anggaran.csv", "regions.csv", "opd_crosswalk.csv", "truth.json", "README.md"]


@pytest.fixture(scope="module")
def tables():
    return demo.generate()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_a")
    demo.write(out)
    return out


def read_csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_frames_and_other_seed_differs(tables):
    again = demo.generate()
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], again[name])
    other = demo.generate(seed=7)
    assert not other["kinerja"]["actual"].equals(tables["kinerja"]["actual"])
    assert not other["anggaran"]["budget_revised"].equals(tables["anggaran"]["budget_revised"])


def test_generate_returns_copies(tables):
    first = demo.generate()
    first["kinerja"].loc[0, "actual"] = -1.0
    assert demo.generate()["kinerja"].loc[0, "actual"] != -1.0


def test_write_is_byte_identical(written, tmp_path):
    paths_b = demo.write(tmp_path / "b")
    assert [p.name for p in paths_b] == FILES
    for name in FILES:
        assert (written / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        assert b"\r\n" not in (written / name).read_bytes()


def test_committed_demo_folder_matches_fresh_write(written):
    committed = paths.DEMO_DATA
    if not (committed / "kinerja.csv").exists():
        pytest.skip(f"{committed} has no kinerja.csv yet: run `kinerja demo --out data/demo`")
    for name in FILES:
        assert (committed / name).read_bytes() == (written / name).read_bytes(), (
            f"data/demo/{name} differs from a fresh demo.write(): "
            "regenerate with `kinerja demo --out data/demo`"
        )


def test_headers_are_indonesian_and_codes_strings(written, tables):
    expected = {
        "kinerja.csv": [
            "kode_wilayah",
            "tahun",
            "opd",
            "urusan",
            "sasaran",
            "kode_indikator",
            "indikator",
            "satuan",
            "polaritas",
            "target",
            "target_atas",
            "target_murni",
            "realisasi",
            "rumus",
        ],
        "anggaran.csv": [
            "kode_wilayah",
            "tahun",
            "opd",
            "urusan",
            "jenis_belanja",
            "pagu_murni",
            "pagu_perubahan",
            "realisasi_anggaran",
        ],
        "regions.csv": ["kode_wilayah", "kode_bps", "nama_pemda", "jenis_pemda", "kode_provinsi"],
        "opd_crosswalk.csv": ["kode_wilayah", "opd_lama", "opd_baru", "tahun_berlaku", "catatan"],
    }
    for name, header in expected.items():
        with open(written / name, encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == header
        # every header is understood by the schema's alias table
        table = name.removesuffix(".csv")
        assert all(schema.canonical_header(h, table) for h in header), name
    regions = tables["regions"]
    assert regions["region_code"].tolist() == ["99.01", "99.02", "99.03", "99.04", "99.71", "99.72"]
    assert regions["bps_code"].tolist() == ["9901", "9902", "9903", "9904", "9971", "9972"]
    assert set(regions["province_code"]) == {"99"}
    assert regions["region_name"].str.contains("(fiktif)", regex=False).all()
    assert set(regions["kind"]) == {"kabupaten", "kota"}


def test_number_formats_in_csv(written):
    kin = read_csv_rows(written / "kinerja.csv")
    assert {r["polaritas"] for r in kin} == {"positif", "negatif", "rentang"}
    values = [r[c] for r in kin for c in ("target", "target_atas", "target_murni", "realisasi")]
    numbers = [v for v in values if v not in ("", "n/a", "-")]
    assert any("," in v for v in numbers)
    assert not any("." in v for v in numbers)  # decimal comma, no thousands dots
    assert all(v.replace(",", "", 1).isdigit() for v in numbers)
    ang = read_csv_rows(written / "anggaran.csv")
    assert all(r[c].isdigit() for r in ang for c in ("pagu_murni", "pagu_perubahan", "realisasi_anggaran"))
    assert {r["jenis_belanja"] for r in ang} <= set(schema.SPENDING_TYPES)
    truth = json.loads((written / "truth.json").read_text(encoding="utf-8"))
    assert truth == demo.truth()
    readme = (written / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "kinerja demo" in readme


def test_counts(tables):
    kin = tables["kinerja"]
    assert kin["region_code"].nunique() >= 6
    assert sorted(kin["year"].unique()) == list(range(2018, 2024))
    n_opd = kin.groupby(["region_code", "year"])["opd"].nunique()
    assert n_opd.between(25, 40).all(), n_opd
    n_ind = kin.groupby(["region_code", "year", "opd"])["indicator_id"].nunique()
    assert n_ind.between(3, 8).all()
    assert not kin.duplicated(["region_code", "year", "indicator_id", "opd"]).any()
    ang = tables["anggaran"]
    opd_rows = ang[ang["opd"] != ""]
    assert set(opd_rows["spending_type"]) == {"pegawai", "barang_jasa", "modal"}
    pemda = ang[ang["opd"] == ""]
    assert set(pemda["spending_type"]) == {"btt", "bansos", "hibah", "bantuan_keuangan"}
    kota = pemda["region_code"].str.startswith("99.7")
    assert "bantuan_keuangan" not in set(pemda.loc[kota, "spending_type"])
    totals = opd_rows.groupby(["region_code", "year", "opd"])["budget_original"].sum() / 1e9
    assert totals.between(1, 150).all()


def test_the_mess_exists(tables, written):
    kin = tables["kinerja"]
    assert 0.10 <= (kin["polarity"] == "negative").mean() <= 0.22
    ranged = kin[kin["target_upper"].notna()]
    assert set(ranged["polarity"]) == {"range", "negative"}
    assert (ranged["target_upper"] > ranged["target"]).all()
    assert 0.01 <= kin["actual"].isna().mean() <= 0.03
    realisasi = [r["realisasi"] for r in read_csv_rows(written / "kinerja.csv")]
    assert {"n/a", "-"} <= set(realisasi)
    assert realisasi.count("n/a") + realisasi.count("-") == kin["actual"].isna().sum()
    revised = kin[kin["target_original"].notna()]
    assert len(revised) > 0 and set(revised["year"]) <= {2020, 2021}
    assert (revised["target_original"] != revised["target"]).all()
    pos = revised["polarity"] == "positive"
    assert (revised.loc[pos, "target"] < revised.loc[pos, "target_original"]).all()
    assert (revised.loc[~pos, "target"] > revised.loc[~pos, "target_original"]).all()
    assert (kin["target"] == 0).sum() >= 2
    override = kin[kin["formula"] != ""]
    assert set(override["formula"]) == {"T/R"}
    assert override["region_code"].nunique() == 1 and override["indicator_id"].nunique() == 1
    assert set(override["polarity"]) == {"negative"}
    at_target = (kin["actual"] == kin["target"]) & (kin["target"] > 0)
    assert at_target.mean() > 0.02
    cw = tables["opd_crosswalk"]
    assert list(cw.columns) == list(schema.CROSSWALK_COLUMNS)
    assert (cw["year_effective"] == 2021).all()
    by_new = cw.groupby(["region_code", "opd_new"]).size()
    assert (by_new == 1).any() and (by_new == 2).any()  # a rename and a merger
    for region, old, new in cw[["region_code", "opd_old", "opd_new"]].itertuples(index=False):
        rows = kin[kin["region_code"] == region]
        assert set(rows.loc[rows["opd"] == old, "year"]) == {2018, 2019, 2020}
        assert set(rows.loc[rows["opd"] == new, "year"]) == {2021, 2022, 2023}
        # indicator codes continue across the change
        before = set(rows.loc[rows["opd"] == old, "indicator_id"])
        assert before <= set(rows.loc[rows["opd"] == new, "indicator_id"])


def test_budget_refocusing(tables):
    ang = tables["anggaran"]
    assert (ang["budget_original"] % 1 == 0).all() and (ang["spent"] % 1 == 0).all()
    by = ang.groupby(["year", "spending_type"])[["budget_original", "budget_revised", "spent"]].sum()
    cut = 1 - by["budget_revised"] / by["budget_original"]
    bjm = by.loc[2020].loc[["barang_jasa", "modal"]].sum()
    assert 1 - bjm["budget_revised"] / bjm["budget_original"] > 0.2
    assert abs(cut.loc[(2020, "pegawai")]) < 0.05
    assert by.loc[(2020, "btt"), "budget_revised"] > 3 * by.loc[(2020, "btt"), "budget_original"]
    assert by.loc[(2020, "bansos"), "budget_revised"] > by.loc[(2020, "bansos"), "budget_original"]
    for y in (2018, 2019, 2022, 2023):
        assert abs(cut.loc[(y, "barang_jasa")]) < 0.08
    absorb = ang["spent"] / ang["budget_revised"]
    assert absorb.le(1).all() and absorb[ang["opd"] != ""].median() > 0.85


def test_truth_dose_definition(tables):
    dose = demo.truth_dose(tables)
    assert list(dose.columns) == ["region_code", "opd", "dose"]
    assert -0.25 < dose["dose"].min() < -0.08 and 0.38 < dose["dose"].max() < 0.6
    merged = dose[dose["opd"] == "Dinas Pariwisata dan Kebudayaan"]
    assert len(merged) == 1 and "Dinas Pariwisata" not in set(dose.loc[dose["region_code"] == "99.71", "opd"])
    # hand check of one OPD against the definition
    ang = tables["anggaran"]
    rows = ang[
        (ang["region_code"] == "99.01") & ang["year"].isin([2020, 2021]) & (ang["opd"] == "Dinas Kesehatan")
    ]
    expected = 1 - rows["budget_revised"].sum() / rows["budget_original"].sum()
    got = dose.set_index(["region_code", "opd"]).loc[("99.01", "Dinas Kesehatan"), "dose"]
    assert got == pytest.approx(expected) and got < 0


@pytest.mark.parametrize("sector_shocks", [False, True])
def test_planted_effect_recovered_by_least_squares(sector_shocks):
    """OPD-year mean of 100*R/T (positive indicators) on dose x period, unit and year dummies.

    Without the sector shocks these two-way effects recover the planted dose effect; with them the
    refocusing slope moves by about the bias ``truth.json`` records (the shocks follow the dose), and
    the post slope, which no shock touches, stays.
    """
    tables = demo.generate(sector_shocks=sector_shocks)
    kin = tables["kinerja"].copy()
    cw = tables["opd_crosswalk"]
    rename = {(r, o): n for r, o, n in cw[["region_code", "opd_old", "opd_new"]].itertuples(index=False)}
    kin["unit"] = [rename.get((r, o), o) for r, o in zip(kin["region_code"], kin["opd"])]
    ok = (
        (kin["polarity"] == "positive")
        & kin["target_upper"].isna()
        & (kin["formula"] == "")
        & (kin["target"] > 0)
        & kin["actual"].notna()
    )
    kin = kin[ok].assign(ach=100 * kin["actual"] / kin["target"])
    panel = kin.groupby(["region_code", "unit", "year"], as_index=False)["ach"].mean()
    dose = demo.truth_dose(tables).rename(columns={"opd": "unit"})
    panel = panel.merge(dose, on=["region_code", "unit"], validate="many_to_one")
    panel["uid"] = panel["region_code"] + "|" + panel["unit"]
    d10 = 10 * panel["dose"].to_numpy()
    X = np.column_stack(
        [
            d10 * panel["year"].isin([2020, 2021]).to_numpy(),
            d10 * panel["year"].isin([2022, 2023]).to_numpy(),
            pd.get_dummies(panel["uid"], dtype=float).to_numpy(),
            pd.get_dummies(panel["year"], dtype=float).to_numpy()[:, 1:],
        ]
    )
    beta = np.linalg.lstsq(X, panel["ach"].to_numpy(), rcond=None)[0]
    truth = demo.truth(sector_shocks=sector_shocks)
    bias = truth["sector_shock"]["expected_bias_baseline_refocusing_per_10pp"]
    assert (bias < -0.5) if sector_shocks else (bias == 0.0)
    assert beta[0] == pytest.approx(truth["did_refocusing_per_10pp"] + bias, abs=1.0)
    assert beta[1] == pytest.approx(truth["did_post_per_10pp"], abs=1.0)


def test_sector_shocks_change_nothing_but_achievements():
    on, off = demo.generate(), demo.generate(sector_shocks=False)
    for name in ("anggaran", "regions", "opd_crosswalk"):
        pd.testing.assert_frame_equal(on[name], off[name])
    same = [c for c in on["kinerja"].columns if c != "actual"]
    pd.testing.assert_frame_equal(on["kinerja"][same], off["kinerja"][same])
    # the actuals move only where a shock is planted (sector and year), rounding and the pile-up aside
    moved = on["kinerja"]["actual"].ne(off["kinerja"]["actual"]) & on["kinerja"]["actual"].notna()
    shocked = [demo.sector_shock(s, y) != 0 for s, y in zip(on["kinerja"]["sector"], on["kinerja"]["year"])]
    assert moved.any() and not (moved & ~pd.Series(shocked)).any()


def test_every_opd_has_a_known_sector(tables):
    from kinerja_analysis.ingest import urusan

    for name in ("kinerja", "anggaran"):
        t = tables[name]
        opd_rows = t[t["opd"].ne("")]
        assert opd_rows["sector"].isin(list(urusan.URUSAN)).all(), name
        assert t.loc[t["opd"].eq(""), "sector"].eq("").all()  # pemda-level budget rows have none
    # one sector per OPD name and year in both tables, and the same in both
    both = pd.concat(
        [
            t[t["opd"].ne("")][["region_code", "year", "opd", "sector"]]
            for t in tables.values()
            if "sector" in t.columns
        ]
    )
    assert both.groupby(["region_code", "year", "opd"])["sector"].nunique().eq(1).all()
    # the loaded demo folder: every OPD of the prepared dose table has its sector, none inferred
    from kinerja_analysis.analysis import prepare

    p = prepare.load(paths.DEMO_DATA)
    assert p.dose["sector"].notna().all() and len(p.dose) == demo.truth()["dose"]["n_opd"]
    assert not p.dataset.kinerja["sector_inferred"].any()
    assert "sector_inferred" not in set(p.dataset.issues["rule"])
    # the merged OPD takes the merged OPD's urusan
    merged = p.dose.set_index(["region_code", "opd"]).loc[
        ("99.71", "Dinas Pariwisata dan Kebudayaan"), "sector"
    ]
    assert merged == "3.26"


def test_truth_contents():
    t = demo.truth()
    assert t["did_refocusing_per_10pp"] == -3.0 and t["did_post_per_10pp"] == -1.0
    assert t["event_study_per_10pp"] == {
        "2018": 0.0,
        "2019": 0.0,
        "2020": -3.5,
        "2021": -2.5,
        "2022": -1.5,
        "2023": -0.5,
    }
    assert t["reference_year"] == 2019 and t["seed"] == demo.DEFAULT_SEED
    assert {"year_effects", "noise_sd", "target_revision", "pile_up", "note"} <= set(t)
    shock = t["sector_shock"]
    assert shock["planted"] and shock["per_sector_year"]["1.03"] == {"2020": -6.0, "2021": -4.0}
    assert shock["per_sector_year"]["1.02"] == {"2020": 3.0, "2021": 2.0}
    assert shock["bias_direction_baseline"].startswith("negative")
    assert demo.truth(sector_shocks=False)["sector_shock"]["per_sector_year"] == {}
    json.dumps(t)  # JSON-ready
