"""The benchmark at scale 1: it runs end to end and its table and JSON are well formed.

Only the shape is checked: timings depend on the machine and its load, and
the targets are reported by the benchmark, never asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.pages import EMPTY_PAGE, HEADER, existing_demo_scale, main, run_bench, table_rows
from dashboard.data import _QUERIES
from dashboard.navigation import PAGES

NUMERIC = ("cold ms", "date ms", "warm ms", "SQL ms", "queries", "peak MB")


def test_bench_command_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    out = tmp_path / "bench.json"
    arguments = ["--scale", "1", "--database-url", url, "--runs", "1", "--no-isolate"]
    code = main([*arguments, "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == list(HEADER)
    body = [line for line in lines[2:] if line.startswith("| ")]
    assert [line.split("|")[1].strip() for line in body] == [spec.key for spec in PAGES]
    for line in body:
        cells = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        for name in NUMERIC:
            assert float(cells[name]) >= 0, (name, line)
    assert "rows/s" in printed
    assert "pandas alternative" in printed

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scale"] == 1
    assert data["backend"] == "sqlite"
    assert data["loader"]["rows"] > 0 and data["loader"]["rows_per_s"] > 0
    assert data["pandas"]["agrees"] is True
    assert data["machine"]["nproc"] >= 1
    assert data["machine"]["cpu_reference_ms"] > 0
    assert data["machine"]["cpu_reference_ms_after"] > 0
    assert [page["page"] for page in data["pages"]] == [spec.key for spec in PAGES]
    for page in data["pages"]:
        assert page["errors"] == [], page
        assert page["cold_s"] > 0 and page["warm_s"] > 0 and page["peak_mb"] > 0
        assert page["queries"] >= 1
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
