"""Formula injection: exported text never starts a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.export import FORMULA_STARTS, csv_bytes, neutralise_formulas

DANGEROUS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\tx", "\r=1", "=HYPERLINK(x)"]


def _cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_dangerous_text_gets_a_quote_and_harmless_text_is_kept() -> None:
    frame = pd.DataFrame({"name": [*DANGEROUS, "Nørrebro", "a=b", ""]})
    safe = neutralise_formulas(frame)
    assert list(safe["name"]) == [f"'{v}" for v in DANGEROUS] + ["Nørrebro", "a=b", ""]


def test_numbers_stay_numbers_even_when_negative() -> None:
    frame = pd.DataFrame({"amount_dkk": [-1500.5, 2.0], "families": [-3, 4], "ok": [True, False]})
    safe = neutralise_formulas(frame)
    assert safe.dtypes.to_dict() == frame.dtypes.to_dict()
    assert safe.equals(frame)
    rows = _cells(csv_bytes(frame))
    assert rows[1] == ["-1500,5", "-3", "True"]


def test_numbers_inside_a_text_column_keep_their_type() -> None:
    frame = pd.DataFrame({"mixed": ["=x", -5, 2.5, None]}, dtype=object)
    safe = neutralise_formulas(frame)
    assert list(safe["mixed"])[:3] == ["'=x", -5, 2.5]
    assert safe["mixed"].iloc[3] is None


def test_string_and_category_columns_and_headers_are_neutralised() -> None:
    frame = pd.DataFrame(
        {
            "=evil": pd.Series(["@a", "b"], dtype="string"),
            "cat": pd.Categorical(["-x", "y"]),
        }
    )
    safe = neutralise_formulas(frame)
    assert list(safe.columns) == ["'=evil", "cat"]
    assert list(safe["'=evil"]) == ["'@a", "b"]
    assert list(safe["cat"]) == ["'-x", "y"]


def test_the_input_frame_is_not_changed() -> None:
    frame = pd.DataFrame({"name": ["=x"]})
    neutralise_formulas(frame)
    assert frame["name"].iloc[0] == "=x"


def test_the_pages_csv_download_gives_the_neutralised_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """shell.download_csv (the one CSV export path) hands the button neutralised bytes.

    The bytes are made when the user clicks (a callable), so the test calls it.
    """
    from dashboard import shell
    from tests.fixtures.contexts import page_context

    monkeypatch.setenv("DASHBOARD_AUDIT_URL", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    monkeypatch.setattr(shell, "current_page", lambda: (page_context(), "begreber"))
    passed: dict[str, Any] = {}
    monkeypatch.setattr(shell.st, "download_button", lambda *a, **kw: passed.update(kw))
    shell.download_csv(pd.DataFrame({"name": ["=HYPERLINK(1)"]}), "test", "da")
    data = passed["data"]
    assert callable(data)
    assert data() == csv_bytes(pd.DataFrame({"name": ["=HYPERLINK(1)"]}))
    assert b"'=HYPERLINK(1)" in data()


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(max_size=20), min_size=1, max_size=8),
    numbers=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=1, max_size=8
    ),
)
def test_no_exported_text_cell_can_start_a_formula(texts: list[str], numbers: list[float]) -> None:
    size = min(len(texts), len(numbers))
    frame = pd.DataFrame({"text": texts[:size], "number": numbers[:size]})
    safe = neutralise_formulas(frame)
    for original, value in zip(frame["text"], safe["text"], strict=True):
        assert not value.startswith(FORMULA_STARTS)
        assert value in (original, "'" + original)
    assert safe["number"].tolist() == frame["number"].tolist()
    assert safe["number"].dtype == frame["number"].dtype
