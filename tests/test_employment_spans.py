"""The stored parent employment spans (`parent_employment`), on SQLite and PostgreSQL.

`self_supporting_parents`, which reads them, is tested in test_figures.py;
here the stored rows are checked against values worked out by hand, and a
reload that drops a parent leaves no rows behind.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from data_access.db.schema import parent_employment
from tests.fixtures.bundles import Loader

FAMILIES = """
    F1,P1,nb,2010-01-01,,,2010-01-05,,,
"""
MEMBERS = """
    F1p,F1,parent
    F1q,F1,parent
    F1c,F1,child
"""
# F1p: 0 and 2 on 10 Jan (the higher counts), 1 on 1 Apr. F1q: 2 on 1 Feb.
# The child's SSP level is no employment.
ASSESSMENTS = """
    F1,F1p,2010-01-10,employment,0
    F1,F1p,2010-01-10,employment,2
    F1,F1p,2010-04-01,employment,1
    F1,F1q,2010-02-01,employment,2
    F1,F1c,2010-02-01,ssp_level,3
"""


def stored(engine: Engine) -> list[tuple[object, ...]]:
    e = parent_employment.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(e.member_id, e.valid_from, e.valid_until, e.family_id, e.value).order_by(
                e.member_id, e.valid_from
            )
        ).all()
    return [tuple(row) for row in rows]


def test_employment_per_parent_and_assessment_date(load: Loader) -> None:
    engine = load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)
    assert stored(engine) == [
        ("F1p", date(2010, 1, 10), date(2010, 4, 1), "F1", 2),
        ("F1p", date(2010, 4, 1), None, "F1", 1),
        ("F1q", date(2010, 2, 1), None, "F1", 2),
    ]


def test_reload_without_a_parent_removes_their_rows(load: Loader) -> None:
    load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)
    engine = load(
        families=FAMILIES,
        members="F1p,F1,parent",
        assessments="F1,F1p,2010-03-01,employment,1",
    )
    assert stored(engine) == [("F1p", date(2010, 3, 1), None, "F1", 1)]
