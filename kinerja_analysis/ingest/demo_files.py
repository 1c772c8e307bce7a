"""The demo data folder's files as text: CSVs in the analyst template format (Indonesian headers and
numbers) and the folder's README, byte for byte the same for the same tables.

:func:`kinerja_analysis.ingest.demo.write` writes them; this module only formats.
"""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd

from .. import schema
from .demo_catalogue import CHANGE_YEAR, MERGE, MERGE_SECTOR, OVERRIDE, RENAME

#: the two spellings analysts use for an actual that was not reported, alternating in ``kinerja.csv``
MISSING_MARKERS = ("n/a", "-")


def _number(value) -> str:
    """Indonesian decimal comma, no thousands separator, no trailing zeros; NaN -> ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def _rupiah(value) -> str:
    return "" if pd.isna(value) else str(int(round(float(value))))


_POLARITY_ID = {"positive": "positif", "negative": "negatif", "range": "rentang"}


def _csv(frame: pd.DataFrame, formats: dict) -> str:
    """CSV text with Indonesian headers; ``formats`` maps each tidy column to a value formatter."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow([schema.INDONESIAN_HEADERS[c] for c in formats])
    missing = 0
    for row in frame[list(formats)].itertuples(index=False):
        cells = []
        for col, value in zip(formats, row, strict=True):
            if col == "actual" and pd.isna(value):  # both spellings analysts use, alternating
                cells.append(MISSING_MARKERS[missing % len(MISSING_MARKERS)])
                missing += 1
            else:
                cells.append(formats[col](value))
        out.writerow(cells)
    return buf.getvalue()


def _text(value) -> str:
    return "" if pd.isna(value) else str(value)


KINERJA_FORMAT = {
    "region_code": _text,
    "year": _text,
    "opd": _text,
    "sector": _text,
    "sasaran": _text,
    "indicator_id": _text,
    "indicator": _text,
    "unit": _text,
    "polarity": lambda v: _POLARITY_ID[v],
    "target": _number,
    "target_upper": _number,
    "target_original": _number,
    "actual": _number,
    "formula": _text,
}
ANGGARAN_FORMAT = {
    "region_code": _text,
    "year": _text,
    "opd": _text,
    "sector": _text,
    "spending_type": _text,
    "budget_original": _rupiah,
    "budget_revised": _rupiah,
    "spent": _rupiah,
}
REGIONS_FORMAT = {c: _text for c in ("region_code", "bps_code", "region_name", "kind", "province_code")}
CROSSWALK_FORMAT = {c: _text for c in schema.CROSSWALK_COLUMNS}


def _table(formats: dict) -> str:
    return "\n".join(f"| `{schema.INDONESIAN_HEADERS[c]}` | `{c}` |" for c in formats)


def _shocks(t: dict) -> str:
    by = t["sector_shock"]["per_sector_year"]
    if not by:
        return "none planted in this folder"
    return "; ".join(f"{s}: " + ", ".join(f"{y} {v:+g}" for y, v in years.items()) for s, years in by.items())


def _biased(t: dict) -> str:
    return f"{t['did_refocusing_per_10pp'] + t['sector_shock']['expected_bias_baseline_refocusing_per_10pp']:.1f}"


def _readme(tables: dict, t: dict) -> str:
    kin, ang = tables["kinerja"], tables["anggaran"]
    n_opd = kin.groupby(["region_code", "year"])["opd"].nunique()
    first, last = int(kin["year"].min()), int(kin["year"].max())
    noise = t["noise_sd"]
    return f"""# Demo data (SYNTHETIC) / data demo (SINTETIS)

> **SYNTHETIC DATA - DATA SINTETIS.** Every region, OPD, indicator and Rupiah in this folder is invented.
> The six pemda of the fictional province "99" (for example "99.01 Kabupaten Sukamaju (fiktif)") do not
> exist. The folder was made by `kinerja demo` (`kinerja_analysis.ingest.demo.write`, seed {t["seed"]}) to show
> the analyst template format and to test the workbook against known, planted effects.
> Never cite these numbers as evidence about a real pemda.
> *Semua wilayah dan angka di folder ini fiktif, dibuat oleh `kinerja demo`.*

## Files

| file | rows | content |
|---|---|---|
| `kinerja.csv` | {len(kin)} | Perjanjian Kinerja indicators: target and realisasi by region, year, OPD |
| `anggaran.csv` | {len(ang)} | budgets: pagu murni, pagu perubahan, realisasi by spending type |
| `regions.csv` | {len(tables["regions"])} | the fictional pemda |
| `opd_crosswalk.csv` | {len(tables["opd_crosswalk"])} | OPD renamed or merged in {CHANGE_YEAR} |
| `truth.json` | | the planted parameters an analysis should recover |
| `README.md` | | this file |

Years {first}-{last}; {n_opd.min()}-{n_opd.max()} OPDs per region and year, 3-8 indicators per OPD.
CSV files are UTF-8 with a header row of the Indonesian names analysts use (the reader also accepts the
English tidy names). Numbers in `kinerja.csv` use the Indonesian decimal comma ("89,5") without
thousands separators, so such cells are quoted. Budgets in `anggaran.csv` are whole Rupiah in plain digits.

## Columns

`kinerja.csv` (header | tidy name):

| header | tidy name |
|---|---|
{_table(KINERJA_FORMAT)}

- `polaritas`: `positif` (higher is better, capaian R/T), `negatif` (lower is better, (2T-R)/T by
  default) or `rentang` (a range [`target`, `target_atas`]; inside it scores 100). A few `negatif`
  indicators also have a range, such as "waktu penyelesaian dokumen RKPD" of 7-8 months.
- `target`: the target in force at the end of the year (after APBD-P). `target_murni`: the original PK
  target, filled **only** where APBD-P revised it; blank means not revised.
- `realisasi`: "n/a" or "-" where the actual was not reported.
- `rumus`: blank, or a per-row formula override (`T/R`) for one negative indicator in region
  {OVERRIDE[0]}, as some LKjIPs score it.

`anggaran.csv`:

| header | tidy name |
|---|---|
{_table(ANGGARAN_FORMAT)}

`urusan` (both tables): the OPD's urusan, as a Permendagri 90/2019 code (`1.02` kesehatan, `1.03`
pekerjaan umum dan penataan ruang, ...); every OPD row has one, pemda-level budget rows none. The merged
OPD carries `{MERGE_SECTOR}` from {CHANGE_YEAR}; Dinas Pariwisata and Dinas Kebudayaan keep their own before.

`jenis_belanja`: `pegawai`, `barang_jasa`, `modal` for OPDs; pemda-level rows (empty `opd`) hold
`btt` (belanja tidak terduga), `bansos`, `hibah` and, for kabupaten, `bantuan_keuangan`.

`regions.csv`: {", ".join(f"`{schema.INDONESIAN_HEADERS[c]}`" for c in REGIONS_FORMAT)}.
`opd_crosswalk.csv`: {", ".join(f"`{schema.INDONESIAN_HEADERS[c]}`" for c in CROSSWALK_FORMAT)}.
In {RENAME[0]} "Dinas Komunikasi dan Informatika" became "{RENAME[2]}"; in {MERGE[0]} Dinas
Pariwisata and Dinas Kebudayaan merged into "{MERGE[2]}". Indicator codes continue across the change.

## Planted effects (see `truth.json`)

- Budgets: in 2020-21 barang/jasa and modal were cut hard (roughly 20-60 %, by OPD), pegawai barely;
  Dinas Kesehatan and the RSUD got more; `btt` jumped several-fold in 2020 and `bansos` rose. Other
  years have small revisions (up to 8 %). Realisasi is mostly 85-98 % of pagu perubahan, less for
  modal in 2020.
- Dose: each OPD's cut share of its total budget over 2020-21 after the crosswalk,
  (sum pagu_murni - sum pagu_perubahan) / sum pagu_murni; it ranges from {t["dose"]["min"]} to
  {t["dose"]["max"]} here.
- Capaian (against `target`) falls with the dose: per 10 pp of cut, {t["did_refocusing_per_10pp"]} pp in the
  refocusing years and {t["did_post_per_10pp"]} pp after (event study, reference 2019:
  {", ".join(f"{y}: {b}" for y, b in t["event_study_per_10pp"].items())}).
  Latent capaian = 100 + indicator effect (sd {noise["indicator"]}) + region effect
  (sd {noise["region"]}) + year effect + effect x 10 x dose + sector shock + noise (sd {noise["residual"]});
  realisasi is backed out from it with the row's formula, then the mess below is added.
- Sector shocks: the pandemic also moved capaian directly, by sector (urusan) and year, in pp:
  {_shocks(t)}. Public works and housing were cut hardest, health and social affairs were topped up,
  so the shocks follow the dose: a model with unit and year effects only puts them on the dose, and its
  refocusing slope is about {_biased(t)} pp per 10 pp instead of {t["did_refocusing_per_10pp"]}
  (expected bias {t["sector_shock"]["expected_bias_baseline_refocusing_per_10pp"]}); sector x year
  effects remove them.
- Harder-cut OPDs lowered more targets in APBD-P 2020-21 ({t["target_revision"]["rows"]} rows), about
  {t["counts"]["negative_polarity_share"]:.0%} of rows are negative indicators, and
  {t["pile_up"]["rows_actual_equals_target"]} rows report realisasi exactly equal to target (the pile-up at
  100 %). {t["missing_actual"]["rows"]} actuals are missing and {t["target_zero_rows"]} targets are 0.

## Regenerate

```
kinerja demo --out data/demo
# or: python -c "import kinerja_analysis.ingest.demo as d; d.write('data/demo')"
```

The same seed gives byte-identical files (with the same numpy version).
"""


def texts(tables: dict, t: dict) -> dict[str, str]:
    """File name -> text of the demo folder: the four CSVs, ``truth.json`` (from ``t``) and ``README.md``.

    ``tables`` are the tidy tables of :func:`kinerja_analysis.ingest.demo.generate`, ``t`` the planted
    parameters of :func:`kinerja_analysis.ingest.demo.truth`.
    """
    return {
        "kinerja.csv": _csv(tables["kinerja"], KINERJA_FORMAT),
        "anggaran.csv": _csv(tables["anggaran"], ANGGARAN_FORMAT),
        "regions.csv": _csv(tables["regions"], REGIONS_FORMAT),
        "opd_crosswalk.csv": _csv(tables["opd_crosswalk"], CROSSWALK_FORMAT),
        "truth.json": json.dumps(t, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
        "README.md": _readme(tables, t),
    }
