"""The issues table: every problem a reader or a check finds, as one row (rule, severity, file, sheet, row,
column, value, message), so that reading goes on past the first problem and no row is dropped silently.
"""

from __future__ import annotations

import pandas as pd

from ..errors import check_option

ISSUE_COLUMNS = ["rule", "severity", "file", "sheet", "row", "column", "value", "message"]
SEVERITIES = ("error", "warning", "info")


class Issues:
    """Collects validation problems as rows of a table (rule, severity, file, sheet, row, column, ...).

    >>> i = Issues()
    >>> i.add("missing_value", "error", "kinerja.csv", "'target' is empty", row=3, column="target")
    >>> i.frame()[["rule", "row", "column"]].values.tolist()
    [['missing_value', 3, 'target']]
    >>> i.add("x", "fatal", "f", "m")
    Traceback (most recent call last):
    ...
    kinerja_analysis.errors.ConfigError: severity must be one of 'error', 'warning', 'info' (found 'fatal')
    """

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, rule, severity, file, message, *, sheet="", row=None, column="", value=""):
        check_option("severity", severity, SEVERITIES)
        self.rows.append(
            {
                "rule": rule,
                "severity": severity,
                "file": str(file),
                "sheet": sheet or "",
                "row": row,
                "column": column or "",
                "value": "" if value is None else str(value),
                "message": message,
            }
        )

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=ISSUE_COLUMNS)
        df["row"] = df["row"].astype("Int64")
        return df
