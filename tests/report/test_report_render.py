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


def test_batch_shows_its_results_as_one_output_with_the_same_results(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_display", lambda obj, **kw: shown.append(obj))

    def outputs(bundles):
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data=b) for b in bundles]
        nb = nbformat.v4.new_notebook(cells=[cell])
        return report.results_from_notebook(nbformat.reads(nbformat.writes(nb), as_version=4))

    def keys(bundle):
        return [k for one in bundle[report.RESULTS_MIME] for k in one]

    def section():  # keys not in alphabetical order: the notebook file sorts the keys of a mapping
        report.record("z", 1.0, unit="Rp")
        for i in range(3):
            report.record(f"b_{i}", i, ci_low=i - 1, ci_high=i + 1)
        report.record("z", 2.0, unit="Rp")  # recorded again: the last value wins, in the first place

    section()
    one_by_one, shown[:] = list(shown), []
    assert len(one_by_one) == 5
    with report.batch():
        section()
        assert shown == []  # nothing is shown before the block ends
        with report.batch():  # an inner block leaves the showing to the outer one
            report.record("c", None)
        assert shown == []
    assert len(shown) == 1 and keys(shown[0]) == ["z", "b_0", "b_1", "b_2", "z", "c"]
    batched = outputs(shown)
    assert list(batched) == ["z", "b_0", "b_1", "b_2", "c"]
    assert list(batched.items())[:4] == list(outputs(one_by_one).items())
    assert batched["z"] == {"value": 2.0, "unit": "Rp"} and batched["c"] == {"value": None}

    shown.clear()
    with pytest.raises(RuntimeError):  # an error in the block still shows what was recorded before it
        with report.batch():
            report.record("before", 1)
            raise RuntimeError("boom")
    assert [keys(s) for s in shown] == [["before"]]
    shown.clear()
    report.record("after", 1)  # outside a block again: one output per result
    report.record("after_2", 2)
    assert len(shown) == 2

    @report.batch()
    def decorated():
        report.record("x", 1)
        report.record("y", 2)

    shown.clear()
    decorated()
    decorated()
    assert [keys(s) for s in shown] == [["x", "y"], ["x", "y"]]


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


def _headings(page: str) -> list[str]:
    import re

    return re.findall(r"<(h[1-6])\b", page)


def test_title_is_the_first_heading_then_links_and_folded_provenance():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": '<h1 id="t">Title</h1><h2 id="a">A</h2>'})
    ]
    nb.cells.append(cell)
    page = render.render_notebook(
        nb,
        report_name="r",
        parameters={"data_dir": "/home/ana/kinerja/data/raw", "lang": "en"},
        context={"title": "Title", "lang": "en"},
        run_time="now",
        links={"index": "index.html", "xlsx": "r.xlsx", "open_data": ""},
    )
    assert _headings(page)[0] == "h1"
    h1 = page.index("</h1>")
    assert (
        h1
        < page.index('href="index.html"')
        < page.index('<details class="ka-about">')
        < page.index('<nav class="ka-toc"')
    )
    assert 'href="r.xlsx"' in page and "datapackage" not in page  # no open data, no link
    assert "/home/ana" not in page and "data_dir = 'raw'" in page


def test_failure_page_speaks_to_people_without_traceback_or_paths():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="DataError",
            evalue="/srv/data/kinerja.csv, row 7, column target: expected a number, found 'abc'",
            traceback=['Traceback (most recent call last):\n  File "/srv/venv/lib/x.py", line 3'],
        )
    ]
    nb.cells.append(cell)
    note = nbformat.v4.new_markdown_cell("An Exception was encountered at 'In [3]'.")
    note.metadata["tags"] = ["papermill-error-cell-tag"]  # what papermill adds to a failed notebook
    nb.cells.insert(0, note)
    error = "DataError: /srv/data/kinerja.csv, row 7, column target: expected a number, found 'abc'"
    page = render.render_notebook(
        nb,
        report_name="04_region_report-99.02",
        parameters={"lang": "id"},
        context={"lang": "id"},
        run_time="now",
        failure=error,
        region="99.02 Kab. Contoh",
    )
    assert _headings(page)[0] == "h1"
    assert "Traceback" not in page and "/srv/" not in page and "An Exception was encountered" not in page
    assert "tidak dapat diselesaikan" in page and "99.02 Kab. Contoh" in page
    assert "kinerja.csv, row 7, column target" in page  # the package's own message, for people
    assert "executed/04_region_report-99.02.ipynb" in page
