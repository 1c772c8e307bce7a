"""Region codes in any of the three forms (Kemendagri, BPS, DJPK) resolve to one Kemendagri code."""

from __future__ import annotations

import pandas as pd
import pytest
from kabkota_fixture import FOLDER as FIX

from kinerja_analysis.errors import ConfigError
from kinerja_analysis.ingest import regions


def _fixture_codes():
    codes = regions.djpk_codes(FIX)
    # an invented bridge: BPS numbers the two districts the other way round, as for Gorontalo
    bridge = pd.DataFrame(
        {
            "region_code": ["99.01", "99.71", "99"],
            "bps_code": ["9971", "9901", "98"],
            "bps_name": ["", "", ""],
        }
    )
    return codes, bridge


def test_level_of():
    assert regions.level_of("75") == "provinsi"
    assert regions.level_of("30.00") == "provinsi"
    assert regions.level_of("75.71") == "kabkota"
    assert regions.level_of("7571") == "kabkota"
    with pytest.raises(ConfigError, match="not a region code"):
        regions.level_of("7.571")


def test_fixture_forms():
    codes, bridge = _fixture_codes()
    assert codes["djpk_code"].tolist() == ["90.01", "90.02"]
    assert regions.resolve("99.01", codes, bridge) == "99.01"  # Kemendagri
    assert regions.resolve("9971", codes, bridge) == "99.01"  # BPS: the bridge, never the digits
    assert regions.resolve("9901", codes, bridge) == "99.71"
    assert regions.resolve("90.02", codes, bridge) == "99.71"  # DJPK kodepemda
    assert regions.resolve("djpk:9002", codes, bridge) == "99.71"
    with pytest.raises(ConfigError, match="nearest: '99.01'"):
        regions.resolve("99.02", codes, bridge)


def test_ambiguous_readings_name_each_and_prefer_picks():
    codes, _ = _fixture_codes()
    # DJPK 90.01 is Kab. Contoh Satu; make a Kemendagri 90.01 that is another pemda
    extra = pd.DataFrame(
        [{"region_code": "90.01", "region_name": "Kab. Lain", "djpk_code": "77.01", "bps_code": ""}]
    )
    both = pd.concat([codes, extra], ignore_index=True)
    with pytest.raises(
        ConfigError, match=r"ambiguous: kemendagri 90.01 = Kab. Lain .*djpk 90.01 = Kab. Contoh Satu"
    ):
        regions.resolve("90.01", both)
    assert regions.resolve("90.01", both, prefer="kemendagri") == "90.01"
    assert regions.resolve("djpk:90.01", both) == "99.01"
    with pytest.raises(ConfigError, match="region code form"):
        regions.resolve("bsp:9901", both)


def test_bps_code_lookup():
    _, bridge = _fixture_codes()
    assert regions.bps_code("99.01", bridge) == "9971"
    assert regions.bps_code("99", bridge) == "98"
    assert regions.bps_code("99.05", bridge) == ""


def test_real_gorontalo_and_tomohon(realdata):
    codes = regions.djpk_codes(realdata / "djpk-apbd-jaga")
    bridge = regions.bps_bridge(realdata / "kode-wilayah-bps-kemendagri")
    for form in ("75.71", "7571", "30.03"):
        assert regions.resolve(form, codes, bridge) == "75.71", form
    for form in ("71.73", "7173", "djpk:18.08"):
        assert regions.resolve(form, codes, bridge) == "71.73", form
    # DJPK 18.08 (Tomohon) is also Kemendagri 18.08 (Kab. Way Kanan): the error names both
    with pytest.raises(
        ConfigError,
        match=r"kemendagri 18.08 = Kab. Way Kanan \(write kemendagri:18.08\); djpk 18.08 = Kota Tomohon \(write djpk:18.08 or 71.73\)",
    ):
        regions.resolve("18.08", codes, bridge)
    assert regions.resolve("18.08", codes, bridge, prefer="djpk") == "71.73"
    # Kab. Gorontalo: Kemendagri 75.01 is BPS 7502 (BPS 7501 is Boalemo, Kemendagri 75.02)
    assert regions.resolve("7502", codes, bridge) == "75.01"
    assert regions.resolve("75.02", codes, bridge) == "75.02"
    assert regions.bps_code("75.01", bridge) == "7502"
    # provinces: Gorontalo 75 in every form; Papua is Kemendagri 91 but BPS 94
    assert {regions.resolve(c, codes, bridge) for c in ("75", "30.00", "75.00")} == {"75"}
    assert regions.resolve("94", codes, bridge) == "91"
    with pytest.raises(ConfigError, match="ambiguous"):
        regions.resolve("91", codes, bridge)  # Kemendagri Papua or BPS Papua Barat
    assert regions.resolve("91", codes, bridge, prefer="kemendagri") == "91"
    # DJPK 12.01 is not Kemendagri 12.01: ambiguous unless a form is named
    with pytest.raises(ConfigError, match="ambiguous"):
        regions.resolve("12.01", codes, bridge)
    k = regions.resolve("kemendagri:12.01", codes, bridge)
    d = regions.resolve("djpk:12.01", codes, bridge)
    assert k == "12.01" and d != k and d.startswith("34.")  # DJPK province 12 is DI Yogyakarta (34)
    # every pemda resolves from its own Kemendagri and DJPK codes
    for r in codes.itertuples():
        assert regions.resolve(f"kemendagri:{r.region_code}", codes, bridge) == r.region_code
        assert regions.resolve(f"djpk:{r.djpk_code}", codes, bridge) == r.region_code


def test_resolve_list_forms_and_all():
    codes, bridge = _fixture_codes()
    assert regions.resolve_list("9971, 99.71,djpk:90.01", codes, bridge) == ["99.01", "99.71"]
    assert regions.resolve_list(["99.71", "99.01,99.71"], codes, bridge) == ["99.71", "99.01"]
    assert regions.resolve_list("all", codes, bridge) == ["99.01", "99.71"]
    with pytest.raises(ConfigError, match="cannot be combined"):
        regions.resolve_list("all,99.01", codes, bridge)
    with pytest.raises(ConfigError, match="no region code"):
        regions.resolve_list(" , ", codes, bridge)
    with pytest.raises(ConfigError, match="'99.99'"):
        regions.resolve_list("99.01,99.99", codes, bridge)
