"""BPS province x year outcome spreadsheets and the national RKP targets (``bps-provinsi-indikator-rkp/``).

Province files (first column the BPS province name, first row "Tahun" and the years) become the tidy
``outcomes`` table (DESIGN.md section 3): ``region_code`` (Kemendagri, through the BPS-Kemendagri bridge),
``year, measure, value, polarity`` plus the raw name and the source file and row.

Two traps:

- **The IPM method changed** (BPS "metode baru"; the series jumps down between 2012 and 2013 here):
  IPM values before :data:`IPM_FIRST_YEAR` are dropped, so no comparison straddles the break.
- **The "INDONESIA" row is not always a national figure.** In ``Laju PDRB.xlsx`` from 2013 it equals
  the plain mean of the 34 provinces (2013: 6.146471, the mean to six decimals), which is not
  Indonesia's GDP growth. :func:`load_national` labels each year ``official`` or ``mean_of_provinces``
  by testing that, and reports never show a ``mean_of_provinces`` value as a national figure.

RKP target files (``IPM.xlsx``, ``TK.xlsx``, ``TPT.xlsx``, ``LPE.xlsx``, ``GINI.xlsx``) hold
``tahun, batas_bawah, batas_atas``: a point target when the upper bound is blank, else a range.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import capaian
from ..errors import DataError
from . import regions
from .numbers import parse_number

#: file -> (measure, polarity, unit)
PROVINCE_FILES = {
    "Indeks Pembangunan Manusia.xlsx": ("ipm", "positive", "index"),
    "persentasemiskin.xlsx": ("poverty_rate", "negative", "%"),
    "pengangguran.xlsx": ("unemployment_rate", "negative", "%"),
    "Laju PDRB.xlsx": ("grdp_growth", "positive", "%"),
    "giniratio.xlsx": ("gini", "negative", "ratio"),
    "Inflasi.xlsx": ("inflation", "negative", "%"),
    "KFD.xlsx": ("fiscal_capacity", "positive", "index"),
}
#: national RKP target file -> measure (the same measure names as the province files)
RKP_FILES = {
    "IPM.xlsx": "ipm",
    "TK.xlsx": "poverty_rate",
    "TPT.xlsx": "unemployment_rate",
    "LPE.xlsx": "grdp_growth",
    "GINI.xlsx": "gini",
}
POLARITY = {m: p for m, p, _ in PROVINCE_FILES.values()}
UNIT = {m: u for m, _, u in PROVINCE_FILES.values()}
IPM_FIRST_YEAR = 2014
NATIONAL_NAMES = {"indonesia", "nasional"}


def folder_of(root: str | Path) -> Path:
    """The BPS folder: ``root`` itself or its ``bps-provinsi-indikator-rkp/`` subfolder."""
    root = Path(root)
    sub = root / "bps-provinsi-indikator-rkp"
    return sub if sub.is_dir() else root


def _sheet(path: Path) -> tuple[pd.DataFrame, str]:
    try:
        xl = pd.ExcelFile(path, engine="openpyxl")
        sheet = xl.sheet_names[0]
        return pd.read_excel(xl, sheet_name=sheet, header=None, dtype=object), sheet
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{path}: cannot read the spreadsheet ({exc})") from exc


def _year(v, path: Path, sheet: str, row: int, col: int) -> int:
    try:
        f = float(v)
        if f == int(f) and 1990 <= f <= 2100:
            return int(f)
    except (TypeError, ValueError):
        pass
    raise DataError(f"{path.name}, sheet {sheet}, row {row}, column {col + 1}: expected a year, found {v!r}")


def _number(v) -> float:
    if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() in ("", "-"):
        return np.nan
    if isinstance(v, (int, float, np.number)):
        return float(v)
    return float(parse_number(str(v)))  # Indonesian "72,5" as well as "72.5"


def read_wide(path: str | Path) -> pd.DataFrame:
    """One province x year sheet as long rows: name, year, value, value_raw, source_file, source_row."""
    path = Path(path)
    df, sheet = _sheet(path)
    if df.empty or str(df.iat[0, 0]).strip().lower() != "tahun":
        found = None if df.empty else df.iat[0, 0]
        raise DataError(f"{path.name}, sheet {sheet}, row 1, column 1: expected 'Tahun', found {found!r}")
    years = [_year(v, path, sheet, 1, j) for j, v in enumerate(df.iloc[0, 1:], start=1)]
    rows = []
    for i in range(1, len(df)):
        name = df.iat[i, 0]
        if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
            continue
        for j, year in enumerate(years, start=1):
            raw = df.iat[i, j]
            try:
                value = _number(raw)
            except Exception as exc:
                raise DataError(
                    f"{path.name}, sheet {sheet}, row {i + 1}, column {j + 1}: expected a number, "
                    f"found {raw!r}"
                ) from exc
            rows.append(
                {
                    "name": str(name).strip(),
                    "year": year,
                    "value": value,
                    "value_raw": "" if raw is None else str(raw),
                    "source_file": path.name,
                    "source_row": i + 1,
                }
            )
    return pd.DataFrame(rows)


def load_outcomes(root: str | Path, *, bridge: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tidy ``outcomes`` table for the 34 provinces from every province file present.

    Province names map to Kemendagri codes through the BPS-Kemendagri bridge (``bridge``, by default read
    from ``kode-wilayah-bps-kemendagri/`` beside the BPS folder); an unmapped name raises, naming it.
    """
    folder = folder_of(root)
    if bridge is None:
        bridge = regions.bps_bridge(folder.parent / "kode-wilayah-bps-kemendagri")
    parts = []
    for fname, (measure, polarity, _unit) in PROVINCE_FILES.items():
        path = folder / fname
        if not path.exists():
            continue
        long = read_wide(path)
        long = long[~long["name"].str.lower().isin(NATIONAL_NAMES)]
        codes, unmapped = regions.province_codes_for_bps_names(long["name"].tolist(), bridge)
        if unmapped:
            raise DataError(
                f"{fname}: province name(s) not in the BPS-Kemendagri table: {', '.join(unmapped)}"
            )
        long = long.assign(region_code=codes, measure=measure, polarity=polarity)
        if measure == "ipm":
            long = long[long["year"] >= IPM_FIRST_YEAR]
        parts.append(long)
    if not parts:
        raise DataError(f"{folder}: none of the BPS province files ({', '.join(PROVINCE_FILES)}) is there")
    out = pd.concat(parts, ignore_index=True).rename(columns={"name": "bps_name"})
    return out[
        [
            "region_code",
            "year",
            "measure",
            "value",
            "polarity",
            "bps_name",
            "value_raw",
            "source_file",
            "source_row",
        ]
    ]


def national_kind(long: pd.DataFrame, *, tol: float = 1e-4) -> pd.Series:
    """Per year: "mean_of_provinces" when the national row equals the plain mean of the province rows
    (to ``tol``; the published means carry six decimals, official figures two), else "official".

    >>> d = pd.DataFrame({"name": ["A", "B", "INDONESIA"] * 2, "year": [2020] * 3 + [2021] * 3,
    ...                   "value": [1.01, 3.02, 2.015, 2.0, 4.0, 3.1]})
    >>> national_kind(d).to_dict()
    {2020: 'mean_of_provinces', 2021: 'official'}
    """
    is_nat = long["name"].str.lower().isin(NATIONAL_NAMES)
    nat = long[is_nat].set_index("year")["value"]
    prov = long[~is_nat].groupby("year")["value"].mean()
    both = pd.concat({"nat": nat, "mean": prov}, axis=1).loc[nat.index]
    same = (both["nat"] - both["mean"]).abs() <= tol
    return pd.Series(np.where(same, "mean_of_provinces", "official"), index=both.index)


def load_national(root: str | Path) -> pd.DataFrame:
    """The "INDONESIA" rows: measure, year, value, ``kind`` ("official" or "mean_of_provinces", per year)."""
    folder = folder_of(root)
    parts = []
    for fname, (measure, _p, _u) in PROVINCE_FILES.items():
        path = folder / fname
        if not path.exists():
            continue
        long = read_wide(path)
        nat = long[long["name"].str.lower().isin(NATIONAL_NAMES) & long["value"].notna()]
        if nat.empty:
            continue
        kinds = national_kind(long[long["value"].notna()])
        parts.append(nat.assign(measure=measure, kind=nat["year"].map(kinds)))
    if not parts:
        return pd.DataFrame(columns=["measure", "year", "value", "kind", "source_file", "source_row"])
    out = pd.concat(parts, ignore_index=True)
    out = out[(out["measure"] != "ipm") | (out["year"] >= IPM_FIRST_YEAR)]
    return out[["measure", "year", "value", "kind", "source_file", "source_row"]].reset_index(drop=True)


def load_rkp_targets(root: str | Path) -> pd.DataFrame:
    """National RKP targets: measure, year, target_lower, target_upper (NaN = point target), polarity."""
    folder = folder_of(root)
    rows = []
    for fname, measure in RKP_FILES.items():
        path = folder / fname
        if not path.exists():
            continue
        df, sheet = _sheet(path)
        head = [str(v).strip().lower() for v in df.iloc[0].tolist()]
        if head[:3] != ["tahun", "batas_bawah", "batas_atas"]:
            raise DataError(
                f"{path.name}, sheet {sheet}, row 1: expected columns tahun, batas_bawah, batas_atas; "
                f"found {head}"
            )
        for i in range(1, len(df)):
            lo, hi = _number(df.iat[i, 1]), _number(df.iat[i, 2])
            if np.isnan(lo) and np.isnan(hi):
                continue
            rows.append(
                {
                    "measure": measure,
                    "year": _year(df.iat[i, 0], path, sheet, i + 1, 0),
                    "target_lower": lo,
                    "target_upper": hi,
                    "polarity": POLARITY[measure],
                    "source_file": fname,
                    "source_row": i + 1,
                }
            )
    return pd.DataFrame(
        rows,
        columns=["measure", "year", "target_lower", "target_upper", "polarity", "source_file", "source_row"],
    )


def rkp_capaian(targets: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """National target vs actual with capaian by the range rule (capaian.achievement).

    Only ``official`` national rows count as actuals; where the file's national row is a mean of
    provinces the actual stays empty and ``note`` says why.
    """
    off = national[national["kind"] == "official"][["measure", "year", "value"]]
    mean_only = set(
        zip(
            national.loc[national["kind"] == "mean_of_provinces", "measure"],
            national.loc[national["kind"] == "mean_of_provinces", "year"],
        )
    )
    d = targets.merge(off.rename(columns={"value": "actual"}), on=["measure", "year"], how="left")
    value, used, flag = capaian.achievement(
        d["target_lower"].to_numpy(float),
        d["actual"].to_numpy(float),
        d["polarity"].tolist(),
        target_upper=d["target_upper"].to_numpy(float),
    )
    d["achievement"], d["formula_used"], d["flag"] = value, used, flag
    d["note"] = np.where(
        d["actual"].notna(),
        "",
        np.where(
            [(m, y) in mean_only for m, y in zip(d["measure"], d["year"])], "mean_of_provinces", "no_actual"
        ),
    )
    return d.sort_values(["measure", "year"]).reset_index(drop=True)
