"""Bytes per page view (bench.payload) against a real server on the scale-10 demo.

Issue 21: no page sends more than about 200 KB per view at scale 1000.
Sagsstamme once sent a bar and a table row for every coordinator of the city
(1.4 MB per view); at scale 10 the demo has 120 coordinators, more than the
page lists (COORDINATOR_LIMIT), so the limit is what keeps it small here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.payload import LIMIT_BYTES, main
from deploy.serve import AppProcess, free_port

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    from data_access.demo.bundle import write_demo

    folder = tmp_path_factory.mktemp("payload")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    write_demo(url, 10)
    app = AppProcess(free_port(), folder / "server.log", {"DASHBOARD_DATABASE_URL": url})
    app.start()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


def test_sagsstamme_stays_under_its_limit_at_scale_10(server: AppProcess, tmp_path: Path) -> None:
    out = tmp_path / "payload.json"
    query = "programme=interventionsteam&as_of=2011-06-30"
    code = main(["--url", server.url, "--pages", "sagsstamme,begreber", "--query", query])
    assert code == 0
    code = main(
        ["--url", server.url, "--pages", "sagsstamme", "--query", query, "--json", str(out)]
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0
    assert report["tool"] == "bench.payload" and report["version"] == 1
    assert report["limit_bytes"] == LIMIT_BYTES and report["over"] == []
    (page,) = report["pages"]
    assert page["page"] == "sagsstamme" and page["problems"] == []
    # Something real arrived (the chart, the table and the family list), under the limit.
    assert 10_000 < page["first_bytes"] < LIMIT_BYTES
    assert 0 < page["again_bytes"] < LIMIT_BYTES


def test_a_page_over_the_limit_is_named_and_fails(server: AppProcess) -> None:
    """With a limit of 1 KB every page is over: the tool says which and exits 1."""
    code = main(["--url", server.url, "--pages", "begreber", "--limit-kb", "1"])
    assert code == 1


def test_a_missing_page_is_one_problem_however_often_it_is_asked(
    server: AppProcess, tmp_path: Path
) -> None:
    """Three views of a page nobody has: one problem, counted three times, not three lines."""
    out = tmp_path / "missing.json"
    code = main(["--url", server.url, "--pages", "ingen_side", "--repeat", "2", "--json", str(out)])
    assert code == 1
    (page,) = json.loads(out.read_text(encoding="utf-8"))["pages"]
    assert page["problems"][0] == "page_not_found (x3)"
    assert len(page["problems"]) == 2 and page["problems"][1].startswith("showed ")
