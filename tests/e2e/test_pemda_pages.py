"""End to end: pemda pages (notebook 06) for two kab/kota of the invented fixture, the national page
(notebook 07), and a page for an unknown code that fails alone; results.json carries the scheduled-job
contract (belanja/pendapatan Anggaran and Realisasi, PEFA-style PI-1/2/3 and unclassified Rupiah for every
full year), with the fixture's hand-worked values (tests/fixtures/kabkota/README.md)."""

from __future__ import annotations

import json

import pytest

from kinerja_analysis import paths

pytestmark = pytest.mark.slow

QUARCS = paths.ROOT / "tests" / "fixtures" / "quarcs"
KEYS = (
    "belanja_anggaran",
    "belanja_realisasi",
    "pendapatan_anggaran",
    "pendapatan_realisasi",
    "pefa_pi1",
    "pefa_pi2",
    "pefa_pi3",
    "unclassified_rp",
)


@pytest.fixture(scope="module")
def rendered(pemda_pages):
    return pemda_pages("id")


def test_pages_render_and_an_unknown_code_fails_alone(rendered):
    out, manifest = rendered
    status = {e["name"]: (e["status"], e.get("error") or "") for e in manifest["reports"]}
    assert status["06_pemda-12.34"][0] == "failed" and "12.34" in status["06_pemda-12.34"][1]
    for name in ("07_national", "06_pemda-99.01", "06_pemda-99.71"):
        assert status[name][0] == "ok", status[name]
        assert (out / f"{name}.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("07_national") < index.index("06_pemda-99.01")  # the national page comes first


def test_results_json_has_the_contract_for_every_full_year(rendered):
    out, _ = rendered
    res = json.loads((out / "results.json").read_text())["reports"]
    satu = res["06_pemda-99.01"]
    for y in (2021, 2022, 2023, 2024):  # 2025 is the partial last year: no keys
        for k in KEYS:
            assert f"{k}_{y}" in satu, f"{k}_{y}"
    assert not any(k.endswith("_2025") for k in satu)
    # hand-worked (fixture README): 2023 belanja A 1 000 bn / R 900 bn; blank-label rows R 65 bn
    assert satu["belanja_anggaran_2023"]["value"] == pytest.approx(1000e9)
    assert satu["belanja_realisasi_2023"]["value"] == pytest.approx(900e9)
    assert satu["pefa_pi1_2023"]["value"] == pytest.approx(90.0)
    assert satu["unclassified_rp_2023"]["value"] == pytest.approx(65e9)
    assert satu["unclassified_rp_2021"]["value"] == 0.0
    assert satu["refocusing_status"]["value"] == "no_base_year"
    html = (out / "06_pemda-99.01.html").read_text(encoding="utf-8").replace("\xa0", " ")
    assert "tidak dapat diukur" in html  # the cut cannot be measured without 2019: said, in Indonesian
    assert "Rp 1,0 T" in html and "Rp 900,0 M" in html  # 2023 belanja in the page's number format
    national = res["07_national"]
    assert national["n_kabupaten"]["value"] == 2 and national["n_kota"]["value"] == 1
