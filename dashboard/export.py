"""Exports a spreadsheet can open without running anything (formula injection).

A cell such as `=cmd|' /C calc'!A0` or `@SUM(...)` in a CSV or XLSX file is
run as a formula when someone opens the file in Excel or LibreOffice. Names,
activities and ids in the reporting data come from outside systems, so every
text cell the app exports goes through `neutralise_formulas` first: text that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
(OWASP's advice), which spreadsheets show as text. Numeric, date and boolean
columns are left alone, so a negative amount stays a number that sums.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_STARTS: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
#: What goes in front of such a cell; spreadsheets show the rest as plain text.
ESCAPE: Final = "'"


def neutralise_text(value: object) -> object:
    """`value` with a leading `'` when it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return bool(
        pd.api.types.is_object_dtype(series.dtype)
        or pd.api.types.is_string_dtype(series.dtype)
        or isinstance(series.dtype, pd.CategoricalDtype)
    )


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot start a formula; numbers stay numbers.

    Only text columns (object, string, categorical) are touched, and in them
    only `str` cells, so numbers that happen to sit in an object column keep
    their type. Column names are neutralised too: they become the header row.
    """
    result = frame.copy()
    for position in range(result.shape[1]):
        series = result.iloc[:, position]
        if not _is_text_column(series):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        result.isetitem(position, series.map(neutralise_text).astype(series.dtype).array)
    result.columns = pd.Index([neutralise_text(c) for c in result.columns])
    return result


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as a CSV that Danish Excel opens: UTF-8 with BOM, `;` and decimal comma."""
    safe = neutralise_formulas(frame)
    return safe.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
