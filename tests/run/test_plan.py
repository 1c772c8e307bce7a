"""What to run: a data folder's report set, and the report-set config (kinerja report --config), where
everything is validated before anything runs; and the progress lines of a run."""

from __future__ import annotations

import io
import textwrap

import pytest

from kinerja_analysis import paths
from kinerja_analysis.errors import ConfigError
from kinerja_analysis.run import plan
from kinerja_analysis.run.progress import Progress


def _parse(text, tmp_path):
    return plan.parse(textwrap.dedent(text), source=tmp_path / "runs.toml", base=tmp_path)


def test_data_folder_plan_has_the_cross_region_reports_and_one_per_region(demo_dir):
    jobs = plan.for_folder(demo_dir, lang="id")
    assert [j.name for j in jobs[:4]] == [
        "00_data_quality",
        "01_budget_refocusing",
        "02_achievement_before_after",
        "03_refocusing_impact",
    ]
    regions = [j for j in jobs if j.notebook == "04_region_report"]
    assert [j.parameters["region"] for j in regions] == ["99.01", "99.02", "99.03", "99.04", "99.71", "99.72"]
    assert regions[0].parameters == {"data_dir": "data/demo", "lang": "id", "region": "99.01"}
    assert regions[0].region.startswith("99.01 ") and regions[0].name == "04_region_report-99.01"
    assert [
        j.parameters["region"]
        for j in plan.for_folder(demo_dir, regions=["99.72"])
        if j.parameters.get("region")
    ] == ["99.72"]


def test_real_data_folder_gets_the_province_report(tmp_path):
    (tmp_path / "data_apbd_2020.csv").write_text("x\n")
    (job,) = plan.for_folder(tmp_path, lang="id")
    assert job.notebook == "05_province_outcomes" and job.parameters["lang"] == "id"
    assert (
        job.parameters["data_dir"] == paths.display_path(tmp_path)
        and job.region == f"{tmp_path.name}: 34 provinsi"
    )


def test_grid_all_expands_to_every_region_with_fixed_parameters(tmp_path):
    sets = _parse(
        """
        [[set]]
        name = "regions"
        notebooks = "04_region_report"
        out = "out/regions"
        lang = "id"
        [set.parameters]
        periods = "2017-2019,2020-2021,2022-2023"
        [set.grid]
        region = "all"
        """,
        tmp_path,
    )
    (rs,) = sets
    assert rs.out == tmp_path / "out" / "regions" and rs.lang == "id"
    # the demo data has six regions (data/demo/regions.csv)
    assert [j.parameters["region"] for j in rs.jobs] == ["99.01", "99.02", "99.03", "99.04", "99.71", "99.72"]
    assert {j.name for j in rs.jobs} == {
        f"04_region_report-{c}" for c in ("99.01", "99.02", "99.03", "99.04", "99.71", "99.72")
    }
    job = rs.jobs[0]
    assert job.parameters == {
        "data_dir": "data/demo",
        "lang": "id",
        "periods": "2017-2019,2020-2021,2022-2023",
        "region": "99.01",
    }
    assert job.region.startswith("99.01 ")


def test_example_config_validates():
    sets = plan.load(paths.ROOT / "examples" / "runs.toml")
    assert len(sets) >= 2 and all(s.jobs for s in sets)
    assert len({s.out for s in sets}) == len(sets)


@pytest.mark.parametrize(
    "body, message",
    [
        ('notebooks = "99_nope"\nout = "o"', "unknown notebook '99_nope'"),
        (
            'notebooks = "04_region_report"\nout = "o"\n[set.parameters]\nregoin = "99.01"',
            "unknown parameter(s) regoin",
        ),
        (
            'notebooks = "04_region_report"\nout = "o"\n[set.grid]\nregion = [9901]',
            "parameter 'region' must be str, got int 9901",
        ),
        ('notebooks = "04_region_report"\nout = "o"\nlang = "fr"', "lang must be one of 'en', 'id'"),
        ('notebooks = "04_region_report"', "'out' (output folder) is required"),
        ('notebooks = "04_region_report"\nout = "o"\ndata = "nowhere"', "data folder 'nowhere' not found"),
        ('notebooks = "04_region_report"\nout = "o"\njobs = 3', "unknown key(s) jobs"),
        (
            'notebooks = "04_region_report"\nout = "o"\n[set.grid]\nperiods = "all"',
            'grid.periods = "all" is only known',
        ),
        (
            'notebooks = "04_region_report"\nout = "o"\nsettings = "none.toml"',
            "settings file 'none.toml' not found",
        ),
    ],
)
def test_bad_config_names_the_set_and_the_problem(tmp_path, body, message):
    with pytest.raises(ConfigError) as err:
        _parse(f'[[set]]\nname = "s1"\n{body}\n', tmp_path)
    assert message in str(err.value)
    assert "[[set]] #1 ('s1')" in str(err.value)


def test_config_level_errors(tmp_path):
    with pytest.raises(ConfigError, match="no report set"):
        _parse("[defaults]\nlang = 'en'\n", tmp_path)
    with pytest.raises(ConfigError, match="not valid TOML"):
        _parse("[[set]\n", tmp_path)
    with pytest.raises(ConfigError, match="also used by set 'a'"):
        _parse(
            '[[set]]\nname="a"\nnotebooks="02_achievement_before_after"\nout="o"\n'
            '[[set]]\nname="b"\nnotebooks="00_data_quality"\nout="o"\n',
            tmp_path,
        )
    with pytest.raises(ConfigError, match="unknown top-level key"):
        _parse('sets = 1\n[[set]]\nname="a"\nnotebooks="00_data_quality"\nout="o"\n', tmp_path)


def test_unknown_region_is_a_warning_not_an_error(tmp_path):
    (rs,) = _parse(
        '[[set]]\nname="r"\nnotebooks="04_region_report"\nout="o"\n[set.grid]\nregion=["99.01","00.00"]\n',
        tmp_path,
    )
    assert [j.parameters["region"] for j in rs.jobs] == ["99.01", "00.00"]
    assert "'00.00' not in" in rs.warnings[0]


def test_settings_file_is_checked_and_passed_to_the_notebooks(tmp_path):
    (tmp_path / "s.toml").write_text('[settings]\nnegative_formula = "T/R"\n')
    (rs,) = _parse('[[set]]\nname="r"\nnotebooks="04_region_report"\nout="o"\nsettings="s.toml"\n', tmp_path)
    assert rs.jobs[0].parameters["config_file"] == str(tmp_path / "s.toml")
    (tmp_path / "bad.toml").write_text('[settings]\nnegative_formula = "R-T"\n')
    with pytest.raises(ConfigError, match="negative_formula"):
        _parse('[[set]]\nname="r"\nnotebooks="04_region_report"\nout="o"\nsettings="bad.toml"\n', tmp_path)


def test_is_batch_config(tmp_path):
    (tmp_path / "a.toml").write_text('[[set]]\nname="x"\n')
    (tmp_path / "b.toml").write_text("[settings]\ncap = 120\n")
    assert plan.is_batch_config(tmp_path / "a.toml") and not plan.is_batch_config(tmp_path / "b.toml")


def test_progress_plain_lines_when_not_a_terminal():
    buf = io.StringIO()
    p = Progress(2, stream=buf, tty=False)
    p(
        {
            "name": "r1",
            "status": "ok",
            "started": "2026-01-01T10:00:01+07:00",
            "finished": "2026-01-01T10:00:04+07:00",
            "duration_s": 3.04,
        }
    )
    p(
        {
            "name": "r2",
            "status": "failed",
            "started": "2026-01-01T10:00:01+07:00",
            "finished": "2026-01-01T10:00:02+07:00",
            "duration_s": 1.0,
            "error": "DataError: boom",
        }
    )
    lines = buf.getvalue().splitlines()
    assert lines[0].split() == ["OK", "r1", "start", "10:00:01", "end", "10:00:04", "3.0", "s"]
    assert lines[1].startswith("FAILED") and lines[1].endswith("DataError: boom")
    assert "\r" not in buf.getvalue()


def test_progress_bar_on_a_terminal():
    buf = io.StringIO()
    p = Progress(2, stream=buf, tty=True)
    p({"name": "r1", "status": "ok"})
    p.close()
    assert "\r" in buf.getvalue() and "1/2" in buf.getvalue()
