import pytest

from kinerja_analysis import config, labels
from kinerja_analysis.errors import ConfigError


def test_every_label_has_both_languages_and_same_placeholders():
    import string

    for key, entry in labels.TEXT.items():
        assert set(entry) == {"en", "id"}, key
        assert entry["en"].strip() and entry["id"].strip(), key
        fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
        assert fields(entry["en"]) == fields(entry["id"]), key


def test_number_formats_per_language():
    assert labels.fmt_num(1234.5, "id", 1) == "1.234,5"
    assert labels.fmt_num(1234.5, "en", 1) == "1,234.5"
    assert labels.fmt_pct(0.125, "id", ratio=True) == "12,5 %"


def test_periods_and_settings_validation(tmp_path):
    p = config.parse_periods("2017-2019,2020-2021,2022-2024")
    assert p.of(2017) == "pre" and p.of(2024) == "post" and p.reference_year == 2019
    with pytest.raises(ConfigError):
        config.parse_periods("2018-2019,2019-2021,2022-2023")
    with pytest.raises(ConfigError):
        config.Settings(negative_formula="R/T")
    f = tmp_path / "s.toml"
    f.write_text(
        '[settings]\nnegative_formula = "T/R"\ncap = 120\n[settings.band_schemes.six]\n'
        'lower = [100, 90, 80, 70, 60, 0]\nkeys = ["a", "b", "c", "d", "e", "f"]\n'
    )
    s = config.load(f, band_scheme="six")
    assert s.negative_formula == "T/R" and s.cap == 120 and s.bands[0] == (100.0, "a")
    f.write_text("[settings]\nnot_a_setting = 1\n")
    with pytest.raises(ConfigError, match="not_a_setting"):
        config.load(f)
