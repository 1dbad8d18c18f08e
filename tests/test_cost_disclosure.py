"""Cost per family-month for the viewer: 0 family-months must read like 1-4 of them.

The bundle is tests/fixtures/programme.py: the first families start on
1 February 2010 (F1) and 22 February (F5), F2 on 15 March; 100 000 kr. are
booked on 1 March. Family-months in 2010 up to D: on 31 January 0 (nobody
active), on 28 February 2 (F1, F5), on 31 March 0 + 2 + 3 = 5.

Until 7 December 2026 the viewer read "–" (no data) for 0 family-months and
"withheld" for 1-4: the card said whether any family was active this year,
a lower bound of 1 of the kind that 0 reading `<5` exists to remove.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard import disclosure_audit
from dashboard.disclosure_audit import Tree, seen_numbers
from data_access.queries.context import QueryContext
from data_access.queries.figures import FigureValue, compute_figures
from data_access.rules.access import Scope
from data_access.rules.disclosure import WITHHELD
from data_access.rules.figures import FigureId
from tests.fixtures.programme import STEERING, VIEWER, load_small


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = load_small(db_url, tmp_path / "bundle")
    yield engine
    engine.dispose()


def _cost(engine: Engine, day: date, scope: Scope) -> tuple[float | None, str | None]:
    figure = compute_figures(
        engine, QueryContext("P1", day, None, scope), figure_ids=[FigureId.COST_PER_FAMILY_MONTH]
    )["cost_per_family_month"]
    return figure.value, figure.display


def test_no_family_months_read_withheld_like_a_few(engine: Engine) -> None:
    assert _cost(engine, date(2010, 1, 31), VIEWER) == (None, WITHHELD)
    assert _cost(engine, date(2010, 2, 28), VIEWER) == (None, WITHHELD)
    # 5 family-months read 5: 100 000 / 5.
    assert _cost(engine, date(2010, 3, 31), VIEWER) == (pytest.approx(20_000.0), None)
    # Steering: nothing to divide by in January, 0 kr. over 2 in February.
    assert _cost(engine, date(2010, 1, 31), STEERING) == (None, None)
    assert _cost(engine, date(2010, 2, 28), STEERING) == (pytest.approx(0.0), None)


def test_the_audit_reads_a_blank_cost_as_no_family_months(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = QueryContext("P1", date(2010, 1, 31), None, VIEWER)
    where = "card family-months district=all as_of=2010-01-31"

    def months_seen() -> object:
        seen = {s.where: s for s in seen_numbers(engine, context, date(2010, 1, 1), Tree({}))}
        return seen[where].interval

    assert months_seen() == (0.0, 4.0)
    # The regression: the cost blank ("–") for 0 family-months tells the reader 0.
    real = disclosure_audit.compute_figures

    def blank_for_zero(engine: Engine, context: QueryContext) -> dict[str, FigureValue]:
        figures = real(engine, context)
        cost = figures["cost_per_family_month"]
        figures["cost_per_family_month"] = FigureValue(cost.figure_id, None, None)
        return figures

    monkeypatch.setattr(disclosure_audit, "compute_figures", blank_for_zero)
    assert months_seen() == (0.0, 0.0)
