"""Rounding: a viewer cannot work out a "<5" district from what else is shown.

The bundle: programme P, district A with 3 families and district B with 9,
all started on 2011-02-01 and in their intensive phase on D = 2011-06-30.
Each family has one child whose SSP level fell from 3 to 1 and one parent
who is self-supporting, so every count by district is 3 (A) against 9 (B)
and the programme's headline is 12. Exact counts would give 12 - 9 = 3 for
A; rounded to 5 a viewer reads 10 and 10, so A is anything from 1 to 4.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from data_access.queries.courses import end_reasons, stage_months
from data_access.queries.figures import compute_figures, stage_counts
from data_access.queries.intake import intake_funnel
from data_access.queries.outcomes import OUTCOME_FIGURES, outcome_results
from data_access.rules.access import Scope
from data_access.rules.disclosure import (
    SUPPRESSED,
    is_hidden,
    rounded,
    rounding_band,
    suppress_breakdown,
)
from data_access.rules.figures import FigureId
from tests.fixtures.apptest import render, table_text, texts
from tests.fixtures.bundles import write_bundle
from tests.fixtures.contexts import query_context

D = date(2011, 6, 30)
VIEWER = Scope(role="viewer")
STEERING = Scope(role="steering")
SMALL, LARGE = "A", "B"
SIZES = {SMALL: 3, LARGE: 9}


#: The optional columns the 3-vs-9 bundle leaves out (its headers come from the loader's spec).
WITHOUT = {
    "programmes.csv": (
        "target_improved_share",
        "intensive_months",
        "course_months",
    ),
    "coordinators.csv": ("capacity",),
    "families.csv": (
        "coordinator_id",
        "aftercare_on",
        "ended_on",
        "end_reason",
        "single_parent",
    ),
    "members.csv": ("birth_year", "employment_act"),
}


def _bundle() -> dict[str, str]:
    families: list[str] = []
    members: list[str] = []
    assessments: list[str] = []
    for district, size in SIZES.items():
        for n in range(1, size + 1):
            fid = f"F{district}{n}"
            families.append(f"{fid},P,{district},2011-01-03,2011-01-10,2011-01-17,2011-02-01")
            members += [f"{fid}c,{fid},child", f"{fid}p,{fid},parent"]
            assessments += [
                f"{fid},{fid}c,2011-02-05,ssp_level,3",
                f"{fid},{fid}c,2011-06-01,ssp_level,1",
                f"{fid},{fid}p,2011-05-01,employment,2",
            ]
    return {
        "districts.csv": """
            kk,København,city,
            A,Amager,bydel,kk
            B,Bispebjerg,bydel,kk
        """,
        "departments.csv": "SOF,Socialforvaltningen,forvaltning",
        "programmes.csv": "P,Pilot,2011-01-01,2011-12-31,12",
        "coordinators.csv": "",
        "families.csv": "\n".join(families),
        "members.csv": "\n".join(members),
        "assessments.csv": "\n".join(assessments),
        "users.csv": "laeser@example.org,viewer,,\nstyre@example.org,steering,,",
    }


def load_3_vs_9(db_url: str, folder: Path) -> Engine:
    load_bundle(write_bundle(folder, _bundle(), without=WITHOUT), db_url)
    return make_engine(db_url)


def recoverable(cells: Mapping[str, object], total: object) -> bool:
    """True when exactly one cell is hidden and the total and the other cells are numbers."""
    hidden = [key for key, cell in cells.items() if is_hidden(cell) or cell is None]
    if len(hidden) != 1 or not isinstance(total, int | float):
        return False
    return all(isinstance(c, int | float) for k, c in cells.items() if k != hidden[0])


def test_rule_on_its_own() -> None:
    # Bands start one below the multiple: 5-8 read 5, 9-13 read 10, 14-18 read 15.
    assert [rounded(n) for n in (0, 5, 6, 7, 8, 9, 13, 14, 18, 19, 23)] == [
        0, 5, 5, 5, 5, 10, 10, 15, 15, 20, 20,
    ]  # fmt: skip
    assert [rounding_band(r) for r in (5, 10, 15, 25)] == [(5, 8), (9, 13), (14, 18), (24, 28)]
    cells = suppress_breakdown({"A": 3, "B": 9, "C": 20}, VIEWER, total=32)
    assert cells == {"A": SUPPRESSED, "B": 10, "C": 20}
    # 0 reads "<5" like 1-4: a "<5" that left 0 out would say "at least 1".
    zero = suppress_breakdown({"A": 3, "Z": 0, "B": 6}, VIEWER)
    assert zero == {"A": SUPPRESSED, "Z": SUPPRESSED, "B": 5}
    # Exact roles see everything.
    assert suppress_breakdown({"A": 3, "B": 9}, STEERING) == {"A": 3, "B": 9}


def test_viewer_cannot_difference_any_breakdown(db_url: str, tmp_path: Path) -> None:
    engine = load_3_vs_9(db_url, tmp_path / "bundle")
    try:
        headline = compute_figures(engine, query_context("P", D, scope=VIEWER))
        by_district = {
            d: compute_figures(engine, query_context("P", D, district_id=d, scope=VIEWER))
            for d in SIZES
        }
        # 12 active families read 10, B's 9 reads 10, A's 3 reads "<5": 10 - 10 = 0.
        assert headline["active_families"].value == 10
        assert by_district[SMALL]["active_families"].display == SUPPRESSED
        assert by_district[LARGE]["active_families"].value == 10
        # 9 of 9 improved: 100 % would say that 0 did not improve, and 0 is hidden like
        # 1-4 (a base minus numerator under 5): withheld, its base still reads 10.
        assert by_district[LARGE]["improved_share"].display == "withheld"
        assert by_district[LARGE]["improved_share"].denominator == 10
        assert by_district[SMALL]["improved_share"].display == "withheld"
        for district in (None, SMALL, LARGE):
            context = query_context("P", D, district_id=district, scope=VIEWER)
            stages = stage_counts(engine, context)
            assert stages["intensive"] == {None: 10, SMALL: SUPPRESSED, LARGE: 10}[district]
            months = stage_months(engine, context, date(2011, 1, 1))
            june = months[(months["month_end"] == D) & (months["stage"] == "intensive")]
            assert list(june["display"]) == [str(stages["intensive"])]
            reasons = end_reasons(engine, context)
            # No family ended: 0 reads "<5" like 1-4.
            assert list(reasons["families"]) == [SUPPRESSED] * 4
        # The intake funnel by district: 3 reads "<5", 9 reads 10.
        funnel = intake_funnel(engine, query_context("P", D, scope=VIEWER))
        for _, step in funnel.groupby("step"):
            cells = dict(zip(step["district_id"], step["families"], strict=True))
            assert 3 not in cells.values() and 9 not in cells.values()
        # Outcomes by district: bases 3 and 9 read "<5" and 10.
        table = outcome_results(engine, query_context("P", D, scope=VIEWER)).districts.set_index(
            "district_id"
        )
        for base in ("eligible", "parents"):
            assert table.loc[SMALL, base] == SUPPRESSED
            assert table.loc[LARGE, base] == 10
        # No number a viewer is shown is 9 or 12.
        for figs in (headline, *by_district.values()):
            assert all(
                f.value not in (9, 12) for f in figs.values() if f.figure_id.endswith("families")
            )
    finally:
        engine.dispose()


def test_steering_sees_exact_counts(db_url: str, tmp_path: Path) -> None:
    engine = load_3_vs_9(db_url, tmp_path / "bundle")
    try:
        figs = compute_figures(engine, query_context("P", D, district_id=LARGE, scope=STEERING))
        assert figs["active_families"].value == 9
        table = outcome_results(engine, query_context("P", D, scope=STEERING)).districts.set_index(
            "district_id"
        )
        assert table.loc[SMALL, "eligible"] == 3 and table.loc[LARGE, "eligible"] == 9
    finally:
        engine.dispose()


def test_viewer_pages_round_the_large_district(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_3_vs_9(db_url, tmp_path / "bundle").dispose()
    query = {"programme": "P", "as_of": D.isoformat(), "district": LARGE}
    app = render(monkeypatch, db_url, "oversigt", user="laeser@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    shown = {str(m.label): str(m.value) for m in app.metric}
    assert shown["Aktive familier"] == "10"
    assert shown["I intensiv fase"] == "10"
    # Under the title the viewer is told that 10 stands for 9-13 (rules.disclosure bands).
    assert "5-8 vises som 5, 9-13 som 10, 14-18 som 15" in texts(app)
    exact = render(monkeypatch, db_url, "oversigt", user="styre@example.org", query=query)
    assert "afrundet" not in texts(exact)
    app = render(
        monkeypatch, db_url, "effekt", user="laeser@example.org", query={**query, "district": ""}
    )
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    assert "Bispebjerg" in page
    tables = [table_text(frame) for frame in app.dataframe]
    for frame in tables:
        for column in frame.columns:
            if "vurderet" in str(column):
                assert "9" not in [str(v) for v in frame[column]], frame


def test_a_figure_asked_alone_is_the_figure_of_the_whole_set(db_url: str, tmp_path: Path) -> None:
    """Pages ask only for the figures they show; each reads the same as in the whole set."""
    engine = load_3_vs_9(db_url, tmp_path / "bundle")
    try:
        for district in (None, SMALL, LARGE):
            whole = compute_figures(
                engine, query_context("P", D, district_id=district, scope=VIEWER)
            )
            for figure_id, value in whole.items():
                alone = compute_figures(
                    engine,
                    query_context("P", D, district_id=district, scope=VIEWER),
                    figure_ids=(FigureId(figure_id),),
                )
                assert alone == {figure_id: value}, (district, figure_id)
            # The Effekt page's figures come from its own grouped passes.
            handed_over = outcome_results(
                engine, query_context("P", D, district_id=district, scope=VIEWER)
            )
            assert handed_over.figures == {f: whole[f] for f in OUTCOME_FIGURES}, district
        # B's 9 reads 10 when asked alone as well.
        shown = compute_figures(
            engine,
            query_context("P", D, district_id=LARGE, scope=VIEWER),
            figure_ids=(FigureId.ACTIVE_FAMILIES,),
        )
        assert shown["active_families"].value == 10
        with pytest.raises(ValueError, match="unknown figure ids"):
            compute_figures(
                engine,
                query_context("P", D),
                figure_ids=("active_families", "no_such_figure"),  # type: ignore[arg-type]
            )
    finally:
        engine.dispose()


def test_a_viewer_asking_for_a_mid_month_day_gets_the_month_end_before(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rules.disclosure.report_date_for: 20 May reads 30 April for the viewer, whose
    # picker and URL say so; steering keeps 20 May.
    load_3_vs_9(db_url, tmp_path / "bundle").dispose()
    query = {"programme": "P", "as_of": "2011-05-20", "district": ""}
    app = render(monkeypatch, db_url, "oversigt", user="laeser@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params["as_of"] == "2011-04-30"
    assert app.sidebar.date_input[0].value == date(2011, 4, 30)
    assert "Opgjort pr. 30. april 2011" in texts(app)
    assert "månedens sidste dag" in texts(app)
    exact = render(monkeypatch, db_url, "oversigt", user="styre@example.org", query=query)
    assert exact.query_params["as_of"] == "2011-05-20"
    assert "Opgjort pr. 20. maj 2011" in texts(exact)
