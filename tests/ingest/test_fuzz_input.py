"""Spreadsheets as offices really send them, generated: a valid kinerja table with random mutations (stray
quotes, long fields, injected separators, blank cells, letters in numbers, summary rows with codes, title
rows, trailing junk), as csv and as xlsx. Two invariants hold for every one of them:

1. **No silent loss.** Every non-blank line below the header is a kept row, or is named by an issue (a
   skipped row, an error on the row, or the start of a runaway quoted field that swallowed it).
2. **No traceback.** ``kinerja validate`` exits 0, and then every kept value is what was typed; or it
   exits 1 and names the file, and for row problems the row and the column.

``make test`` runs a few hundred examples with a fixed seed; ``make fuzz`` runs many more
(``KINERJA_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from kinerja_analysis import cli
from kinerja_analysis.ingest import validate
from kinerja_analysis.ingest.issues import Issues
from kinerja_analysis.ingest.table import read_table

pytestmark = pytest.mark.slow  # a minute or two: `make test` and `make fuzz`, not `make test-fast`

EXAMPLES = int(os.environ.get("KINERJA_FUZZ_EXAMPLES", "200"))
HEADER = [
    "kode_wilayah",
    "tahun",
    "opd",
    "kode_indikator",
    "indikator",
    "satuan",
    "polaritas",
    "target",
    "realisasi",
]
OPDS = ["Dinas Kesehatan", "Dinas Pendidikan", "Badan Keuangan Daerah", "Dinas Sosial"]
UNITS = ["%", "orang", "dokumen", "indeks"]
#: the rule that says a quoted field ran on and swallowed the lines after its start (ingest.grid)
RUNAWAY_RULE = "runaway_quote"


def _rows(n: int, draw) -> list[list[str]]:
    rows = []
    decimals = draw(st.booleans())  # Indonesian decimals ("80,5", quoted in a csv) or whole numbers
    for i in range(n):
        target = draw(st.integers(50, 120))
        actual = draw(st.integers(30, 130))
        rows.append(
            [
                "99.01",
                str(draw(st.sampled_from([2019, 2020, 2021]))),
                draw(st.sampled_from(OPDS)),
                f"IKU-{i + 1:02d}",
                f"Persentase capaian program {i + 1}",
                draw(st.sampled_from(UNITS)),
                draw(st.sampled_from(["positif", "negatif"])),
                f"{target},5" if decimals else str(target),
                f"{actual},25" if decimals else str(actual),
            ]
        )
    return rows


MUTATIONS = (
    "stray_quote",
    "long_field",
    "separator",
    "blank_required",
    "letters_in_number",
    "summary_row",
    "title_rows",
    "trailing_junk",
)


@st.composite
def tables(draw):
    """(header, rows, mutations applied, junk lines): a table before it is written."""
    rows = _rows(draw(st.integers(3, 10)), draw)
    applied = draw(st.lists(st.sampled_from(MUTATIONS), max_size=3, unique=True))
    titles, junk = [], []
    for m in applied:
        i = draw(st.integers(0, len(rows) - 1))
        if m == "stray_quote":
            j = draw(st.sampled_from([2, 4]))
            rows[i][j] = '"' + rows[i][j]
        elif m == "long_field":
            rows[i][4] = "x" * draw(st.sampled_from([140_000, 2_000]))
        elif m == "separator":
            rows[i][4] = rows[i][4].replace(" ", ",", 1)
        elif m == "blank_required":
            rows[i][draw(st.sampled_from([0, 1, 2, 3, 6]))] = ""
        elif m == "letters_in_number":
            rows[i][draw(st.sampled_from([7, 8]))] = draw(st.sampled_from(["1O0", "9O", "5S", "l00"]))
        elif m == "summary_row":
            label = draw(st.sampled_from(["JUMLAH", "Total", "TOTAL", "Rata-rata", "Sub Total"]))
            rows.insert(i, ["99.01", "2020", label, "", "", "", "", "1000", "900"])
        elif m == "title_rows":
            titles = ["LAPORAN KINERJA INSTANSI PEMERINTAH", "Tahun 2020"]
        elif m == "trailing_junk":
            junk = ["Catatan: data sementara", ",,,,,,,,"]
    return HEADER, rows, applied, titles, junk


def _csv_text(header, rows, titles, junk) -> str:
    lines = [*titles, *([""] if titles else []), ",".join(header)]
    for r in rows:  # numbers with a decimal comma are quoted, as a spreadsheet writes them; text is not
        lines.append(
            ",".join(f'"{c}"' if j >= 7 and "," in c and '"' not in c else c for j, c in enumerate(r))
        )
    return "\n".join([*lines, *junk]) + "\n"


def _write(kind: str, header, rows, titles, junk, folder: Path) -> Path:
    if kind == "csv":
        path = folder / "kinerja.csv"
        path.write_text(_csv_text(header, rows, titles, junk), encoding="utf-8")
        return path
    path = folder / "kinerja.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "kinerja"
    for t in titles:
        ws.append([t])
    if titles:
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for j in junk:
        ws.append(j.split(","))
    wb.save(path)
    return path


def _validate_cli(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["validate", str(path)])
    return code, out.getvalue() + err.getvalue()


def _check(kind: str, table) -> None:
    header, rows, applied, titles, junk = table
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(kind, header, rows, titles, junk, Path(tmp))
        code, text = _validate_cli(path)
        # 2. no traceback: a clean exit, or errors that say where
        assert code in (0, 1), (applied, code, text[-2000:])
        assert "Traceback" not in text and "unexpected error" not in text, (applied, text[-2000:])
        issues = validate.validate_path(path)
        errors = issues[issues["severity"] == "error"]
        assert (code == 1) == (len(errors) > 0), (applied, code, errors)
        assert errors["file"].str.contains(path.name, regex=False).all(), errors
        # 1. no silent loss: every non-blank line below the header is kept or named
        got, acc = Issues(), {}
        df = read_table(path, "kinerja", got, accounting=acc)
        frame = got.frame()
        named = set(frame["row"].dropna().astype(int))
        runaway = frame[frame["rule"] == RUNAWAY_RULE]["row"].dropna().astype(int)
        first_runaway = int(runaway.min()) if len(runaway) else None
        header_row = len(titles) + (1 if titles else 0) + 1
        body = [*[",".join(r) for r in rows], *junk]
        for offset, line in enumerate(body, start=1):
            row = header_row + offset
            if not line.strip(", "):
                continue
            in_runaway = first_runaway is not None and row >= first_runaway
            assert row in set(df["source_row"]) or row in named or in_runaway, (
                applied,
                row,
                line[:80],
                frame,
            )
        # kept values are what was typed, when the file is clean
        if code == 0:
            typed = {header_row + i + 1: r for i, r in enumerate(rows)}
            for r in df.itertuples():
                want = typed[int(r.source_row)]
                assert r.indicator_id == want[3] and r.opd == want[2], (applied, r, want)
                assert str(r.target_raw).strip() == want[7] and str(r.actual_raw).strip() == want[8]


@seed(20200401)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_csv_never_loses_a_row_nor_crashes(table):
    _check("csv", table)


@seed(20200402)
@settings(max_examples=max(EXAMPLES // 4, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_xlsx_never_loses_a_row_nor_crashes(table):
    _check("xlsx", table)


def test_generated_clean_table_is_clean():
    """The generator's unmutated table validates with no error (so the invariants test the mutations)."""
    rows = [["99.01", "2020", "Dinas Kesehatan", "IKU-01", "Persentase x", "%", "positif", "80,5", "70,25"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = _write("csv", HEADER, rows, [], [], Path(tmp))
        code, text = _validate_cli(path)
        assert code == 0, text
        assert pd.notna(read_table(path, "kinerja")["target"].iloc[0])
