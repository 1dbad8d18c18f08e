"""The benchmark at scale 1: it runs end to end and its table and JSON say what they should.

The columns, the eleven pages, the JSON keys and the loader's row count are
written out or counted independently here; timings depend on the machine and
its load, so they are only required to be measured (above zero), and the
targets are reported by the benchmark, never asserted here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.pages import EMPTY_PAGE, HEADER, existing_demo_scale, main, run_bench, table_rows
from dashboard.data import _QUERIES
from data_access.bundle.validation import TABLES
from data_access.db import schema
from data_access.db.engine import make_engine

#: The table's columns, in order.
COLUMNS = [
    "page",
    "cold ms",
    "date ms",
    "warm ms",
    "SQL ms",
    "queries",
    "page/SQL",
    "cold/(SQL+empty)",
    "peak MB",
    "misses",
]
#: The app's pages in the navigation's order (issue 19's eleven, decisions, business case).
PAGE_KEYS = [
    "oversigt",
    "visitation",
    "forloeb",
    "sagsstamme",
    "beslutninger",
    "oekonomi",
    "forebyggelse",
    "effekt",
    "bydele",
    "forandringsteori",
    "begreber",
    "adgangslog",
    "indlaesninger",
]
TIMED = ("cold ms", "date ms", "warm ms", "peak MB")
JSON_KEYS = {
    "scale",
    "backend",
    "database",
    "started_at",
    "machine",
    "runs",
    "loader",
    "empty_page_s",
    "precomputed",
    "precompute",
    "programme",
    "as_of",
    "pages",
    "pandas",
    "seconds",
    "targets",
}
PAGE_JSON_KEYS = {
    "page",
    "cold_s",
    "date_change_s",
    "warm_s",
    "sql_s",
    "queries",
    "peak_mb",
    "errors",
    "slowest",
    "page_sql_ratio",
    "overhead_ratio",
    "misses",
}


def _rows_in_bundle_tables(url: str) -> int:
    """Rows now stored in the tables bundle files load into (change theory too), counted."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return sum(
                int(connection.execute(select(func.count()).select_from(table)).scalar_one())
                for table in (*TABLES.values(), schema.change_theory)
            )
    finally:
        engine.dispose()


def test_bench_command_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    out = tmp_path / "bench.json"
    arguments = ["--scale", "1", "--database-url", url, "--runs", "1", "--no-isolate"]
    # Precomputing the new demo takes a minute; tests/test_precomputed.py covers it.
    arguments.append("--no-precompute")
    code = main([*arguments, "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == COLUMNS
    body = [line for line in lines[2:] if line.startswith("| ")]
    table = [
        dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        for line in body
    ]
    assert [row["page"] for row in table] == PAGE_KEYS
    for row in table:
        for name in TIMED:
            assert float(row[name]) > 0, (name, row)
        assert int(row["queries"]) >= 1, row  # the shell asks for the programmes at least
    assert "rows/s" in printed
    assert "pandas alternative" in printed
    assert "cold renders compute every answer" in printed

    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == JSON_KEYS
    assert data["scale"] == 1
    assert data["backend"] == "sqlite"
    assert data["runs"] == 1
    assert data["precomputed"] is False and data["precompute"] == ""
    # The programme list puts the demo's newer programme first; a first visit opens it.
    assert data["programme"] == "intensiveret-indsats"
    # The loader's count is the bundle's rows; the database holds exactly those.
    assert data["loader"]["rows"] == _rows_in_bundle_tables(url)
    assert data["loader"]["rows_per_s"] > 0
    assert data["pandas"]["agrees"] is True
    assert data["machine"]["nproc"] == os.cpu_count()
    assert data["machine"]["cpu_reference_ms"] > 0
    assert data["machine"]["cpu_reference_ms_after"] > 0
    assert [page["page"] for page in data["pages"]] == PAGE_KEYS
    for page, row in zip(data["pages"], table, strict=True):
        assert set(page) == PAGE_JSON_KEYS
        assert page["errors"] == [], page
        assert page["cold_s"] > 0 and page["warm_s"] > 0 and page["peak_mb"] > 0
        assert str(page["queries"]) == row["queries"]
        slowest = page["slowest"]
        assert 1 <= len(slowest) <= min(3, page["queries"]), page
        assert all(name in _QUERIES for name, _ in slowest), slowest
        seconds = [s for _, s in slowest]
        assert seconds == sorted(seconds, reverse=True)
    assert "slowest queries of oversigt:" in printed
    assert existing_demo_scale(url) == 1


def test_isolated_run_reuses_the_database(demo_sqlite_url: str) -> None:
    result = run_bench(demo_sqlite_url, 1, runs=1, pages=["oversigt"], with_pandas=False)
    assert result.loader is None
    assert result.empty_page_s > 0
    rows = table_rows(result)
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["oversigt"]
    assert result.pages[0].timing.errors == ()
    assert EMPTY_PAGE not in [row.timing.page for row in result.pages]


@pytest.fixture
def demo_sqlite_url(tmp_path: Path) -> str:
    from data_access.demo.bundle import write_demo

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    write_demo(url, 1)
    return url
