"""Open data beside each report: CSV per published table, Frictionless datapackage.json, no formula injection."""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from kinerja_analysis.run import opendata
from kinerja_analysis.report.page import TABLE_MIME


def _nb(*tables):
    outputs = [{"output_type": "display_data", "metadata": {}, "data": {TABLE_MIME: t}} for t in tables]
    return {"cells": [{"cell_type": "code", "source": "", "outputs": outputs}]}


def _table(name, df, **kw):
    return {"name": name, "title": kw.get("title", ""), "description": kw.get("description", ""),
            "schema": {c: str(t) for c, t in df.dtypes.items()}, "columns": list(df.columns),
            "data": json.loads(df.to_json(orient="values"))}


def test_tables_written_as_csv_with_datapackage(tmp_path):
    df = pd.DataFrame({"opd": ["Dinas A", "=HYPERLINK(\"http://evil\")", "@SUM(A1)"], "year": [2020, 2021, 2022],
                       "cut_share": [0.25, -0.5, None], "met": [True, False, True]})
    entry = {"name": "04_region_report-99.01", "title": "Region report", "notebook": "04_region_report.ipynb",
             "data_hash": "ab" * 32, "data_folder": "demo", "parameters": {"region": "99.01"}, "synthetic": True}
    out = opendata.write(_nb(_table("opd_cuts", df, title="OPD cuts")), tmp_path, "04_region_report-99.01", entry)
    assert out["datapackage"] == "open-data/04_region_report-99.01/datapackage.json"
    csv_path = tmp_path / out["tables"][0]
    text = csv_path.read_text(encoding="utf-8")
    # formula cells get an apostrophe, numbers (also negative ones) stay numbers, a gap stays empty
    assert text.splitlines() == ["opd,year,cut_share,met", "Dinas A,2020,0.25,True",
                                 "\"'=HYPERLINK(\"\"http://evil\"\")\",2021,-0.5,False", "'@SUM(A1),2022,,True"]
    back = pd.read_csv(csv_path)
    assert back["year"].tolist() == [2020, 2021, 2022] and back["cut_share"].tolist()[:2] == [0.25, -0.5]
    pkg = json.loads((tmp_path / out["datapackage"]).read_text())
    assert pkg["profile"] == "tabular-data-package" and pkg["name"] == "04_region_report-99.01"
    (res,) = pkg["resources"]
    assert res["path"] == "opd_cuts.csv" and res["format"] == "csv" and res["mediatype"] == "text/csv"
    assert res["title"] == "OPD cuts"
    assert res["schema"]["fields"] == [{"name": "opd", "type": "string"}, {"name": "year", "type": "integer"},
                                       {"name": "cut_share", "type": "number"}, {"name": "met", "type": "boolean"}]
    data = csv_path.read_bytes()
    assert res["bytes"] == len(data) and res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert pkg["sources"][0]["hash"] == "sha256:" + "ab" * 32
    assert pkg["kinerja"]["synthetic"] is True


def test_no_tables_no_files(tmp_path):
    assert opendata.write(_nb(), tmp_path, "x", {}) == {}
    assert not (tmp_path / "open-data").exists()


def test_field_types():
    assert opendata.field_type("Int64") == "integer" and opendata.field_type("float32") == "number"
    assert opendata.field_type("string") == "string" and opendata.field_type("datetime64[ns, UTC]") == "datetime"
