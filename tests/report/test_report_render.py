"""Recording results, escaping, parameter checks and the HTML page, without running a kernel."""

import json

import nbformat
import pytest

from kinerja_analysis.errors import ParameterError
from kinerja_analysis.report import page as report
from kinerja_analysis.run import notebooks, render


def test_record_round_trips_through_a_notebook_output():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={report.RESULTS_MIME: {"k": {"value": 1.5}}})]
    nb.cells.append(cell)
    nb2 = nbformat.reads(nbformat.writes(nb), as_version=4)
    assert report.results_from_notebook(nb2) == {"k": {"value": 1.5}}
    with pytest.raises(ValueError):
        report.record("bad key/with slash", 1)


def test_table_escapes_text_from_data():
    import pandas as pd

    html = report.table_html(
        pd.DataFrame(
            {
                "indikator": ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'],
                "capaian": [87.5, 100.0],
            }
        ),
        lang="id",
        formats={"capaian": "pct"},
    )
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "87,5" in html


def test_check_parameters_rejects_unknown_and_wrong_types():
    with pytest.raises(ParameterError, match="unknown"):
        notebooks.check_parameters("04_region_report", {"regoin": "99.01"})
    with pytest.raises(ParameterError, match="must be str"):
        notebooks.check_parameters("04_region_report", {"region": 71.1})
    ok = notebooks.check_parameters("04_region_report", {"region": "71.10", "lang": "id"})
    assert ok["region"] == "71.10"


def test_every_notebook_declares_the_common_parameters():
    for key in ("00_data_quality", "01_budget_refocusing", "02_achievement_before_after", "04_region_report"):
        params = notebooks.notebook_parameters(key)
        assert {"data_dir", "region", "periods", "lang"} <= set(params), key
        assert all(params[n]["type"] == "str" for n in ("data_dir", "region", "lang"))


def test_committed_notebooks_carry_no_outputs():
    from kinerja_analysis import paths

    for f in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(f.read_text())
        for c in nb["cells"]:
            if c["cell_type"] == "code":
                assert not c.get("outputs") and not c.get("execution_count"), f.name
        tags = nb["cells"][1]["metadata"].get("tags", [])
        assert "parameters" in tags, f"{f.name}: first code cell must be tagged 'parameters'"


def test_rendered_page_is_self_contained_and_has_header():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('hidden code')")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": '<h2 id="a">Section A</h2><p>x</p>'})
    ]
    nb.cells.append(cell)
    page = render.render_notebook(
        nb,
        report_name="t",
        parameters={"region": "71.10"},
        context={"title": "T <b>", "synthetic": True, "lang": "en", "data_hash": "abc"},
        run_time="now",
    )
    assert "hidden code" not in page
    assert "SYNTHETIC" in page and "abc" in page and "region = '71.10'" in page
    assert 'href="#a"' in page  # table of contents
    assert "T &lt;b&gt;" in page
    import re

    external = re.findall(r'(?:src|href)="(https?:|//)[^"]*"', page)
    assert external == []
