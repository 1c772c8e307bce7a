"""The synthetic national folder: scraper format, determinism, and the loader reproducing the planted
truth to the Rupiah."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis import cli
from kinerja_analysis.files import folder_fingerprint
from kinerja_analysis.ingest import djpk, djpk_checks, grdp, national, regions

DJPK_HEADER = "namapemda,provinsi,tahun,level1coa90,level2coa90,level3coa90,jenis,nilai"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national") / "small"
    national.write(folder, small=True, seed=7)
    return folder


@pytest.fixture(scope="module")
def truth(small):
    return json.loads((small / "truth.json").read_text())


@pytest.fixture(scope="module")
def acc(small):
    return djpk.read_accounts(small / "djpk-apbd-jaga")


def _key(rows):
    return {(r["level"], r["region_name"], r["year"]) for r in rows}


def test_small_folder_is_byte_for_byte_deterministic(small, tmp_path):
    national.write(tmp_path / "again", small=True, seed=7)
    assert folder_fingerprint(tmp_path / "again") == folder_fingerprint(small)
    national.write(tmp_path / "other", small=True, seed=8)
    assert folder_fingerprint(tmp_path / "other") != folder_fingerprint(small)


def test_files_in_the_scrapers_format(small, truth):
    dj = small / "djpk-apbd-jaga"
    names = sorted(p.name for p in dj.iterdir())
    years = range(2019, 2026)
    assert names == sorted(
        [f"data_apbd_{lv}_level3-{y}.csv" for lv in ("kabkota", "provinsi") for y in years]
        + ["kode_kabkota.csv", "kode_provinsi.csv"]
    )
    raw = (dj / "data_apbd_kabkota_level3-2023.csv").read_bytes()
    assert raw.startswith(DJPK_HEADER.encode() + b"\n") and b"\r" not in raw and b'"' not in raw
    assert (
        (dj / "kode_kabkota.csv")
        .read_bytes()
        .startswith(b"kodepemda,kodesatker,namapemda,kodeprovinsi,kodekabkota,provinsi,kodewilayah\r\n")
    )
    assert (
        (dj / "kode_provinsi.csv")
        .read_bytes()
        .startswith(b"kodepemda,kodesatker,namapemda,kodeprovinsi,kodekabkota,provinsi\r\n")
    )
    assert truth["levels"] == {"provinsi": 3, "kabkota": 12}
    # Anggaran and Realisasi alternate, pemda sorted by name
    lines = raw.decode().splitlines()[1:]
    assert [x.split(",")[6] for x in lines[:4]] == ["Anggaran", "Realisasi"] * 2
    names_in_file = list(dict.fromkeys(x.split(",")[0] for x in lines))
    assert names_in_file == sorted(names_in_file) and len(names_in_file) == 12


def test_traps_are_in_the_files(small, truth):
    text = {p.name: p.read_text() for p in (small / "djpk-apbd-jaga").glob("data_apbd_*.csv")}
    kab = "".join(v for k, v in text.items() if "kabkota" in k)
    assert ",,,,Anggaran," in kab  # all three labels blank
    assert "52. Belanja Barang Jasa" in text["data_apbd_kabkota_level3-2022.csv"]
    assert "52. Belanja Barang dan Jasa" in text["data_apbd_kabkota_level3-2023.csv"]
    assert "422. Pendapatan" in text["data_apbd_kabkota_level3-2023.csv"]
    assert "434. Pendapatan" in text["data_apbd_kabkota_level3-2023.csv"]
    assert "422. Pendapatan" not in text["data_apbd_kabkota_level3-2025.csv"]
    assert "434. Pendapatan" not in text["data_apbd_kabkota_level3-2021.csv"]
    assert any(line.endswith(",Realisasi,") or line.endswith(",Anggaran,") for line in kab.splitlines())
    assert any(line.rsplit(",", 1)[1].startswith("-") for line in kab.splitlines()[1:] if "," in line)
    uncoded = truth["traps"]["uncoded"]
    assert len(uncoded) == 1 and uncoded[0] in kab
    assert uncoded[0] not in (small / "djpk-apbd-jaga" / "kode_kabkota.csv").read_text()
    t = truth["traps"]
    assert t["blank_label"] and any(b["anggaran"] > 0 for b in t["blank_label"])
    assert any(b["anggaran"] == 0 for b in t["blank_label"])
    assert t["disagree"] and t["no_434"] and t["serapan_low"] and t["serapan_high"] and t["zero_realisasi"]
    assert {r["level"] for r in truth["copied_realisasi"]} == {"provinsi", "kabkota"}


def test_loader_reproduces_the_totals_to_the_rupiah(acc, truth):
    t = pd.DataFrame(truth["totals"]["rows"], columns=truth["totals"]["columns"])
    t = t.set_index(["level", "region_name", "year"])
    a = acc.assign(
        b=acc["budget"].fillna(0),
        s=acc["spent"].fillna(0),
        lv=acc["level"].astype(str),
        rn=acc["region_name"].astype(str),
        yr=acc["year"].astype(int),
        sec=acc["section"].astype(str),
    )[djpk_checks.counted(acc)]
    got = a.groupby(["lv", "rn", "yr", "sec"])[["b", "s"]].sum().unstack("sec").fillna(0)
    got.index.names = t.index.names
    assert len(got) == len(t) == len(truth["pemda"]) * len(truth["years"])
    for col, (v, sec) in {
        "belanja_anggaran": ("b", "belanja"),
        "belanja_realisasi": ("s", "belanja"),
        "pendapatan_anggaran": ("b", "pendapatan"),
        "pendapatan_realisasi": ("s", "pendapatan"),
    }.items():
        diff = got[(v, sec)].reindex(t.index) - t[col]
        assert (diff == 0).all(), (col, diff[diff != 0].head())
    unc = djpk_checks.unclassified(acc).set_index(["level", "region_name", "year"]).reindex(t.index)
    assert (unc["budget"] == t["unclassified_anggaran"]).all()
    assert (unc["spent"] == t["unclassified_realisasi"]).all()
    assert t["unclassified_anggaran"].sum() > 0


def test_repeat_decisions_and_suspect_years(acc, truth):
    rd = djpk_checks.repeat_decisions(acc)
    got = {
        (r.level, r.region_name, int(r.year)): (r.kept_code, r.evidence_code, bool(r.agrees))
        for r in rd.itertuples()
    }
    want = {
        (d["level"], d["region_name"], d["year"]): (d["kept_code"], d["evidence_code"], d["agrees"])
        for d in truth["repeat_decisions"]
    }
    assert got == want
    assert {k for k, v in want.items() if not v[2]} == _key(truth["traps"]["disagree"])
    sy = djpk_checks.suspect_years(acc)

    def reason(r):
        return {(x.level, x.region_name, int(x.year)) for x in sy[sy["reason"] == r].itertuples()}

    assert reason("copied_realisasi") == _key(truth["copied_realisasi"])
    assert reason("serapan_low") == _key(truth["serapan_low"])
    assert reason("serapan_high") == _key(truth["serapan_high"])
    assert _key(truth["traps"]["serapan_low"]) | _key(truth["traps"]["zero_realisasi"]) <= _key(
        truth["serapan_low"]
    )
    assert djpk_checks.partial_years_by_level(acc) == {lv: ys for lv, ys in truth["partial"].items()}


def test_code_tables_bridge_grdp_and_map(small, truth):
    codes = regions.djpk_codes(small / "djpk-apbd-jaga")
    assert len(codes) == 3 + 12 - 1  # the uncoded kab/kota is not in kode_kabkota.csv
    bridge = regions.bps_bridge(small / "kode-wilayah-bps-kemendagri")
    for p in truth["pemda"]:
        if p["region_code"]:
            assert regions.resolve(f"kemendagri:{p['region_code']}", codes, bridge) == p["region_code"]
            assert regions.resolve(f"djpk:{p['djpk_code']}", codes, bridge) == p["region_code"]
            assert regions.resolve(f"bps:{p['bps_code']}", codes, bridge) == p["region_code"]
    swapped = [
        p for p in truth["pemda"] if p["bps_code"] and p["bps_code"] != p["region_code"].replace(".", "")
    ]
    assert swapped  # BPS and Kemendagri codes differ somewhere, as in the real tables
    g = grdp.load(small)
    kab_codes = {p["bps_code"] for p in truth["pemda"] if p["level"] == "kabkota" and p["bps_code"]}
    assert set(g["bps_code"]) == kab_codes and (g["year"].min(), g["year"].max()) == (2000, 2024)
    cell = truth["grdp_blank_cell"]
    hit = g[(g["bps_code"] == cell["bps_code"]) & (g["year"] == cell["year"])]
    assert np.isnan(hit["grdp_pc"].iloc[0]) and g["grdp_pc"].isna().sum() == 1
    ds = grdp.read_map(small)
    assert {d.bps_code for d in ds} == kab_codes
    assert any(len(d.polygons) == 2 for d in ds)


def test_sizes_and_bad_size():
    full = national.generate()
    assert (full["pemda"].level == 0).sum() == 34 and (full["pemda"].level == 1).sum() == 508
    with pytest.raises(ValueError, match="provinces"):
        national.generate(provinces=2, kabkota=1)


def test_cli_demo_national_small(tmp_path, capsys):
    assert cli.main(["demo", "--national", str(tmp_path / "n"), "--small"]) == 0
    assert (tmp_path / "n" / "truth.json").exists()
    assert "kinerja report --data" in capsys.readouterr().out
    assert cli.main(["demo", "--small", "--out", str(tmp_path / "d")]) == 2


@pytest.mark.slow
def test_full_national_folder_truth_to_the_rupiah(tmp_path):
    folder = tmp_path / "national"
    national.write(folder)
    truth = json.loads((folder / "truth.json").read_text())
    acc = djpk.read_accounts(folder / "djpk-apbd-jaga")
    assert acc["level"].value_counts().to_dict().keys() == {"provinsi", "kabkota"}
    assert acc.groupby("level", observed=True)["region_name"].nunique().to_dict() == {
        "provinsi": 34,
        "kabkota": 508,
    }
    test_loader_reproduces_the_totals_to_the_rupiah(acc, truth)
    test_repeat_decisions_and_suspect_years(acc, truth)


def test_budget_identity_holds_except_where_planted(acc, truth):
    """The Anggaran identity balances with the kept code everywhere but where the evidence points to 422
    and where an Anggaran cell is blank; the live code carries real money."""
    idt = djpk_checks.budget_identity(acc)
    broken = {(r.level, r.region_name, int(r.year)) for r in idt[~idt["ok"]].itertuples()}
    blank_anggaran = _key([b for b in truth["traps"]["blank_value"] if b["jenis"] == "Anggaran"])
    assert broken == _key(truth["traps"]["disagree"]) | blank_anggaran
    rd = djpk_checks.repeat_decisions(acc)
    live = rd[rd["evidence_code"] == "434"]
    assert len(live) and (live["kept_spent"] > 1e9).all() and (live["dropped_spent"] == 0).all()
