"""An average over 5 or more families must not say how many families it is over.

The bundle: programme P (2011) in the city kk with two districts, A and B.
Nine families start on 1 March 2011 and are assessed for life quality that
day (course month 0): seven on A with 4, 4, 4, 4, 5, 5, 4 (total 30) and
two on B with 3 and 4 (total 7). At D = 31 March the chart's point at
course month 0 rests on 9 families (reads 10: 9-13) for the programme, 7 on
A (reads 5: 5-8) and 2 on B (reads `<5`).

Exact averages pin both counts: 37 / 9 = 4.111..., and of 9 to 13 only 9
times it is a whole number; 30 / 7 = 4.2857..., and of 5 to 8 only 7. So B
has 9 - 7 = 2 families, though its point reads `<5`. That was the demo's
leak: the Effekt chart carried the exact float to the browser (its hover
showed one decimal, its data and y axis range every digit).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dashboard.disclosure_audit import Audit, average_seen, collect
from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from data_access.queries import outcomes
from data_access.queries.context import QueryContext
from data_access.queries.outcomes import course_month_series
from data_access.rules.access import Scope
from data_access.rules.disclosure import (
    WITHHELD,
    average_band,
    average_grid,
    rounding_band,
    shown_average,
)
from tests.fixtures.apptest import render
from tests.fixtures.bundles import write_bundle

D = date(2011, 3, 31)
VIEWER = Scope(role="viewer")
STEERING = Scope(role="steering")
VALUES = {"A": [4, 4, 4, 4, 5, 5, 4], "B": [3, 4]}

WITHOUT = {
    "programmes.csv": ("target_improved_share", "intensive_months", "course_months"),
    "families.csv": ("coordinator_id", "single_parent"),
}


def _bundle() -> dict[str, str]:
    families, assessments = [], []
    n = 0
    for district, values in VALUES.items():
        for value in values:
            n += 1
            families.append(f"F{n},P,{district},2011-02-01,,,2011-03-01,,,")
            assessments.append(f"F{n},,2011-03-01,life_quality,{value}")
    return {
        "districts.csv": """
            kk,København,city,
            A,Distrikt A,bydel,kk
            B,Distrikt B,bydel,kk
        """,
        "departments.csv": "SOF,Socialforvaltningen,forvaltning",
        "programmes.csv": "P,Pilot,2011-01-01,2011-12-31,12",
        "families.csv": "\n".join(families),
        "assessments.csv": "\n".join(assessments),
        "users.csv": "laeser@example.org,viewer,,",
    }


@pytest.fixture
def averages_db(db_url: str, tmp_path: Path) -> Iterator[str]:
    load_bundle(write_bundle(tmp_path / "bundle", _bundle(), without=WITHOUT), db_url)
    yield db_url


def _whole_totals(average: tuple[float, float], n: int, step: float = 1.0) -> list[int]:
    """Whole-step totals over n families whose mean lies in `average` (both ends in)."""
    low, high = average
    return [
        t for t in range(math.ceil(n * low / step - 1e-9), math.floor(n * high / step + 1e-9) + 1)
    ]


def test_an_exact_average_says_which_n_of_the_band_it_is_over() -> None:
    # The attack itself, on the numbers of the module doc.
    assert [n for n in range(5, 9) if _whole_totals((30 / 7, 30 / 7), n)] == [7]
    assert [n for n in range(9, 14) if _whole_totals((37 / 9, 37 / 9), n)] == [9]


def test_shown_average_is_on_a_grid_of_a_fifth_step() -> None:
    assert average_grid(1.0) == pytest.approx(0.2)
    # 30 / 7 = 4.2857 lies nearest 4.2 on the 0.2 grid; 37 / 9 = 4.111 nearest 4.2 too.
    assert shown_average(30.0, 7, VIEWER, 1.0) == (pytest.approx(4.2), None)
    assert shown_average(37.0, 9, VIEWER, 1.0) == (pytest.approx(4.2), None)
    # Halves up: 4.3 is 21.5 steps of 0.2 and reads 4.4.
    assert shown_average(21.5, 5, VIEWER, 1.0) == (pytest.approx(4.4), None)
    assert shown_average(30.0, 7, STEERING, 1.0) == (pytest.approx(30 / 7), None)
    # 0-4 families: withheld for the viewer, 0 too; an exact role gets 1-4, and nothing of 0.
    assert shown_average(8.0, 2, VIEWER, 1.0) == (None, WITHHELD)
    assert shown_average(0.0, 0, VIEWER, 1.0) == (None, WITHHELD)
    assert shown_average(8.0, 2, STEERING, 1.0) == (4.0, None)
    assert shown_average(0.0, 0, STEERING, 1.0) == (None, None)


def test_a_shown_average_fits_every_count_of_its_band() -> None:
    # What the grid is for: 4.2 stands for 4.1 to 4.3, and every n of 5-8 and of
    # 9-13 has a whole total in n * [4.1, 4.3] (5: 21, 6: 25, 7: 29 or 30, 8: 33 or 34).
    band = average_band(4.2, 1.0)
    assert band == (pytest.approx(4.1), pytest.approx(4.3))
    for shown in (5, 10):
        low, high = rounding_band(shown)
        assert all(_whole_totals(band, n) for n in range(low, high + 1))


def test_the_course_chart_query_gives_the_viewer_grid_values(averages_db: str) -> None:
    engine = make_engine(averages_db)
    try:
        rows = {}
        for scope in (VIEWER, STEERING):
            for district in (None, "A", "B"):
                frame = course_month_series(
                    engine, QueryContext("P", D, district, scope), "life_quality"
                )
                # Months 1 and 2 (D is two whole months after the start) are drawn on
                # no family: month 0 holds every value.
                assert list(frame["course_month"]) == [0, 1, 2]
                assert frame["value"][1:].isna().all()
                row = next(frame.itertuples())
                rows[(scope.role, district)] = (row.course_month, row.value, row.families)
    finally:
        engine.dispose()
    assert rows[("steering", None)] == (0, pytest.approx(37 / 9), 9)
    assert rows[("steering", "A")] == (0, pytest.approx(30 / 7), 7)
    assert rows[("viewer", None)] == (0, pytest.approx(4.2), 10)
    assert rows[("viewer", "A")] == (0, pytest.approx(4.2), 5)
    assert rows[("viewer", "B")][1:] == (None, "<5")


def test_the_effekt_chart_sends_the_viewer_no_more_digits(
    averages_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chart's JSON is what reaches the browser: its y values and its axis range.
    app = render(
        monkeypatch,
        averages_db,
        "effekt",
        user="laeser@example.org",
        query={"programme": "P", "as_of": D.isoformat(), "district": "A"},
    )
    app.session_state["effekt_measure"] = "life_quality"  # the chart's measure picker
    app.run()
    assert not app.exception
    [spec] = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    [trace] = [trace for trace in spec["data"] if trace.get("type") == "scatter"]
    # Months 1 and 2 are drawn on no family ("<5", as 1-4 would read).
    assert trace["y"] == [pytest.approx(4.2), None, None]
    assert trace["text"] == ["5", "&lt;5", "&lt;5"]  # escaped for Plotly's HTML labels
    # pad 1.0 around the one value: 3.2 to 5.2, not 3.2857 to 5.2857.
    assert spec["layout"]["yaxis"]["range"] == [pytest.approx(3.2), pytest.approx(5.2)]


def _audit_case(shown_all: float, shown_a: float, exact: bool) -> Audit:
    # The programme's point (A + B) reads 10 and A's 5; B's reads "<5". Each
    # average is read as the band the role's value stands for.
    a, b = ("course.life_quality.0", "A", D), ("course.life_quality.0", "B", D)
    audit = Audit()
    audit.truth = {a: 7, b: 2}
    audit.show("all", {a: 1, b: 1}, rounding_band(10))
    audit.show("A", {a: 1}, rounding_band(5))
    audit.show("B", {b: 1}, (0.0, 4.0))
    for where, expr, value, total in (
        ("all", {a: 1, b: 1}, shown_all, 37.0),
        ("A", {a: 1}, shown_a, 30.0),
    ):
        band = (value, value) if exact else average_band(value, 1.0)
        audit.average(where, expr, band, step=1.0, total=total)
    return audit


def test_the_audit_pins_b_from_exact_averages() -> None:
    result = _audit_case(37 / 9, 30 / 7, exact=True).solve()
    assert [(f.where, f.truth) for f in result.pinned] == [("B", 2)]


def test_the_audit_finds_nothing_in_grid_averages() -> None:
    result = _audit_case(4.2, 4.2, exact=False).solve(intervals=True)
    assert result.mismatches == []
    assert result.pinned == []
    # B = all - A is at least 9 - 8 = 1 from the rounding alone, and 1 to 4 all fit
    # (B = 1: A = 8 with a total of 33 or 34, the programme 9 with 37 or 38).
    [finding] = result.findings
    assert (finding.low, finding.high) == (pytest.approx(1.0), pytest.approx(4.0))


def test_the_audit_reads_the_band_from_what_the_role_gets() -> None:
    # A value on the policy's grid stands for its band; any other value for itself.
    assert average_seen(4.2, 1.0) == (pytest.approx(4.1), pytest.approx(4.3))
    low, high = average_seen(30 / 7, 1.0)
    assert low == pytest.approx(30 / 7) and high == pytest.approx(30 / 7)
    assert high - low < 1e-4  # the float's last digits, not a band of the grid


def test_the_audit_catches_exact_averages_on_the_page(
    averages_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(averages_db)
    try:
        shown = collect(engine, "P", "viewer", dates=[D]).solve()
        # The regression the audit must catch: the averages back to every digit.
        monkeypatch.setattr(
            outcomes,
            "shown_average",
            lambda total, n, scope, step: (
                shown_average(total, n, STEERING, step) if n >= 5 else (None, WITHHELD)
            ),
        )
        exact = collect(engine, "P", "viewer", dates=[D]).solve()
    finally:
        engine.dispose()
    assert shown.mismatches == [] and exact.mismatches == []
    assert shown.pinned == []
    # B's point reads "<5"; the two averages say it holds 9 - 7 = 2 families.
    pinned = {(f.where, f.truth) for f in exact.pinned}
    assert ("effekt course life_quality month=0 district=B as_of=2011-03-31", 2) in pinned
