"""Hostile input must not reach a reviewer's browser, the file system outside the output folder, a
spreadsheet's formula engine, or the kernel: escaping, safe names, export neutralisation, no unpickling,
papermill parameters that arrive intact."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from kinerja_analysis import cli, paths
from kinerja_analysis.ingest import validate
from kinerja_analysis.ingest.issues import Issues
from kinerja_analysis.report import page as report
from kinerja_analysis.run import artefacts, execute, notebooks, render

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = [SCRIPT, IMG, "'; alert(1); '", "</table><iframe src=javascript:alert(1)>"]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "input"


def _assert_escaped(html_text: str):
    assert "<script>alert" not in html_text
    assert "<img src=x" not in html_text
    assert "<iframe" not in html_text


# ---------------------------------------------------------------- HTML escaping
def test_report_helpers_escape(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_display", lambda obj, **kw: shown.append(obj))
    df = pd.DataFrame({"opd": HOSTILE, SCRIPT: [1.0, 2.0, 3.0, 4.0]})
    report.heading(SCRIPT)
    report.para(IMG)
    report.bullets(HOSTILE)
    report.keyfigures([(SCRIPT, IMG)])
    report.table(df, caption=IMG, band_col="opd")
    html_text = "".join(o.get("text/html", "") for o in shown)
    _assert_escaped(html_text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html_text


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    """The demo folder with one OPD renamed to a script, and one indicator to an image tag."""
    d = tmp_path_factory.mktemp("hostile")
    for name in ("kinerja.csv", "anggaran.csv", "regions.csv"):
        text = (paths.DEMO_DATA / name).read_text(encoding="utf-8")
        text = text.replace("Dinas Kesehatan", SCRIPT.replace(",", " "))
        text = text.replace("Kabupaten Sukamaju (fiktif)", "Kab <b>Sukamaju</b>")
        (d / name).write_text(text, encoding="utf-8")
    k = pd.read_csv(d / "kinerja.csv", dtype=str, keep_default_na=False)
    k.loc[k.index[:3], "indikator"] = IMG
    k.to_csv(d / "kinerja.csv", index=False)
    return d


def test_sections_escape_names_from_data(hostile_folder, monkeypatch):
    from kinerja_analysis.analysis import compare, diagnostics
    from kinerja_analysis.analysis import prepare as data
    from kinerja_analysis.report.sections import achievement, budget, data_quality

    shown = []
    monkeypatch.setattr(report, "_display", lambda obj, **kw: shown.append(obj))
    p = data.load(hostile_folder)
    assert (p.kinerja["opd"] == SCRIPT).any()
    data_quality.coverage(diagnostics.coverage(p.kinerja), p)
    achievement.opd_capaian(compare.opd_period_change(p.kinerja, p.dose), p)
    data_quality.validation_issues(validate.validate_dataset(p.dataset, settings=p.settings), p)
    budget.most_cut_opds(compare.opd_cuts(p.kinerja, p.dose), p)
    html_text = "".join(o.get("text/html", "") for o in shown)
    _assert_escaped(html_text)
    assert "<b>Sukamaju" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text


def test_validation_html_report_escapes(tmp_path):
    issues = Issues()
    for text in HOSTILE:
        issues.add(
            "invalid_polarity",
            "error",
            f"{SCRIPT}.csv",
            f"bad {IMG}",
            sheet=IMG,
            row=2,
            column=SCRIPT,
            value=text,
        )
    issues.add("formula_like_text", "warning", "k.csv", "x", value='=HYPERLINK("http://x")')
    out = render.write_validation_page(issues.frame(), tmp_path / "v.html", source=SCRIPT, lang="id")
    page = out.read_text(encoding="utf-8")
    _assert_escaped(page)
    assert page.count("&lt;script&gt;") >= 5
    assert "Laporan validasi data" in page and "2 galat" not in page  # 4 errors, in Indonesian
    assert "4 galat dan 1 peringatan" in page


def test_validation_of_the_html_fixture_has_no_errors():
    # hostile text is valid data: it is kept (and escaped where shown), never dropped
    from kinerja_analysis.ingest import template

    df = template.read_table(FIXTURES / "kinerja_html_injection.csv", "kinerja")
    assert df["opd"].tolist() == [SCRIPT] and df["indicator"].tolist() == [IMG]


# ---------------------------------------------------------------- paths
@pytest.mark.parametrize(
    "name",
    [
        "../../etc",
        "../../etc/passwd",
        "a/b/c",
        "/abs/path",
        "..",
        "",
        "a\\..\\b",
        "04_region_report-../../x",
        "\0evil",
    ],
)
def test_safe_name_stays_in_folder(name, tmp_path):
    safe = paths.safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe and "\0" not in safe
    target = (tmp_path / f"{safe}.html").resolve()
    assert target.parent == tmp_path.resolve()


# ---------------------------------------------------------------- export
DANGEROUS = [
    "=1+1",
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
]
HARMLESS = ["Dinas Kesehatan", "-12,5", "+3", "-", "1.234,5", ""]


def test_csv_export_neutralises(tmp_path):
    df = pd.DataFrame({"text": DANGEROUS + HARMLESS, "n": range(len(DANGEROUS + HARMLESS))})
    df.columns = ["=evil()", "n"]
    path = artefacts.write_csv(df, tmp_path / "x.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["'=evil()", "n"]
    cells = [r[0] for r in rows[1:]]
    assert all(c.startswith("'") for c in cells[: len(DANGEROUS)])
    assert cells[len(DANGEROUS) :] == HARMLESS
    assert [int(r[1]) for r in rows[1:]] == list(range(len(DANGEROUS + HARMLESS)))


def test_xlsx_export_neutralises(tmp_path):
    df = pd.DataFrame({"text": DANGEROUS, "x": [1.5] * len(DANGEROUS)})
    path = artefacts.write_xlsx({"a/b:c" + "x" * 40: df, "ok": df.head(1)}, tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == 2 and all(len(s) <= 31 for s in wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            assert row[0].data_type == "s" and row[0].value.startswith("'")
            assert row[1].value == 1.5


def test_capaian_output_is_neutralised(tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert cli.main(["capaian", str(FIXTURES / "kinerja_formula_injection.csv"), "-o", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["opd"].startswith("'=HYPERLINK(")
    assert rows[1]["indicator"].startswith("'@SUM(")
    assert rows[2]["indicator"] == "'+1+2"
    assert float(rows[0]["achievement"]) == pytest.approx(98.5)  # 98,5 / 100
    xlsx = tmp_path / "c.xlsx"
    assert cli.main(["capaian", str(FIXTURES / "kinerja_formula_injection.csv"), "-o", str(xlsx)]) == 0
    ws = openpyxl.load_workbook(xlsx).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# ---------------------------------------------------------------- nothing is unpickled or executed
def test_package_never_unpickles_or_evaluates():
    pattern = re.compile(
        r"\b(pickle|read_pickle|marshal|shelve|joblib|dill|cloudpickle)\b|\beval\(|\bexec\(|"
        r"yaml\.load\(|from_pickle"
    )
    hits = []
    for py in (paths.ROOT / "kinerja_analysis").rglob("*.py"):
        for i, line in enumerate(py.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and not code.strip().startswith(('"', "'")) and "unpickled" not in code:
                hits.append(f"{py.name}:{i}: {line.strip()}")
    assert hits == []


# ---------------------------------------------------------------- papermill parameters
WEIRD = [
    "a\"b'c",
    'x"""\nimport os; os.system("touch /tmp/kinerja_param_injected")\n"""',
    'back\\slash\\"q',
    "line1\nline2\r\n\ttab",
    "{not} a {format}",
    "é – ünïcode ✓",
    "'; import os; os.system('true'); '",
]


def _tiny_notebook(path: Path):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell('name: str = ""\nvalues: str = "[]"')
    p.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import json\nfrom IPython.display import display\n"
        "display({'application/json': {'name': name, 'values': json.loads(values)}}, raw=True)"
    )
    nb.cells = [p, body]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.slow
def test_runner_parameters_and_names_are_safe(tmp_path):
    marker = Path("/tmp/kinerja_param_injected")
    marker.unlink(missing_ok=True)
    nb_path = tmp_path / "tiny.ipynb"
    _tiny_notebook(nb_path)
    params = notebooks.check_parameters(nb_path, {"name": WEIRD[1], "values": json.dumps(WEIRD)})
    out_dir = tmp_path / "out"
    job = execute.Job(name="../../etc/evil name", notebook=str(nb_path), parameters=params)
    entry = execute.run_job(job, out_dir, timeout=120)
    assert entry["status"] == "ok", entry.get("error")
    assert not marker.exists(), "a parameter was executed as code"
    executed = out_dir / entry["executed"]
    nb = nbformat.read(executed, as_version=4)
    got = [
        o["data"]["application/json"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/json" in o.get("data", {})
    ][0]
    assert got == {"name": WEIRD[1], "values": WEIRD}  # every string arrived intact
    # every file written stays inside the output folder
    written = [p.resolve() for p in out_dir.rglob("*") if p.is_file()]
    assert written and all(out_dir.resolve() in p.parents for p in written)
    assert not (tmp_path.parent / "etc").exists()
    shutil.rmtree(out_dir)


def test_parameters_reject_wrong_types(tmp_path):
    from kinerja_analysis.errors import ParameterError

    nb_path = tmp_path / "tiny.ipynb"
    _tiny_notebook(nb_path)
    with pytest.raises(ParameterError):
        notebooks.check_parameters(nb_path, {"name": 71.1})
    with pytest.raises(ParameterError):
        notebooks.check_parameters(nb_path, {"__import__('os')": "x"})
