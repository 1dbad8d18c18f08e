"""The stored family SSP levels (`family_ssp_levels`): derivation, reloads, migration.

The figures that read the table are tested in test_figures.py; here the
stored rows themselves are checked against levels worked out by hand, on
SQLite and PostgreSQL, and against what a partial reload or an upgrade from
revision 0003 leaves behind.
"""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import Engine, select

from data_access.db.engine import make_engine
from data_access.db.migrate import alembic_config
from data_access.db.schema import family_ssp_levels
from tests.fixtures.bundles import Loader

FAMILIES = """
    F1,P1,nb,2010-01-01,,,2010-01-05,,,
    F2,P1,nb,2010-01-01,,,2010-01-05,,,
    F3,P1,nb,2010-01-01,,,2010-01-05,,,
"""
MEMBERS = """
    F1a,F1,child
    F1b,F1,child
    F1p,F1,parent
    F2a,F2,child
    F3a,F3,child
"""
# F1: child a 3 on 10 Jan, 2 on 1 Mar; child b 2 and 4 on 10 Jan (the higher
# counts), 1 on 1 May; the parent's employment is no SSP level.
# F2: reassessed at the same level. F3: its only child falls to 0.
ASSESSMENTS = """
    F1,F1a,2010-01-10,ssp_level,3
    F1,F1b,2010-01-10,ssp_level,2
    F1,F1b,2010-01-10,ssp_level,4
    F1,F1a,2010-03-01,ssp_level,2
    F1,F1b,2010-05-01,ssp_level,1
    F1,F1a,2010-04-01,school_attendance,1
    F1,F1p,2010-02-01,employment,2
    F2,F2a,2010-02-01,ssp_level,3
    F2,F2a,2010-06-01,ssp_level,3
    F3,F3a,2010-01-15,ssp_level,1
    F3,F3a,2010-04-01,ssp_level,0
"""
# family, valid_from, valid_until, level, first_on, baseline
EXPECTED = [
    # 10 Jan: a 3, b max(2, 4) = 4 -> 4
    ("F1", date(2010, 1, 10), date(2010, 3, 1), 4, date(2010, 1, 10), 4),
    # 1 Mar: a 2, b still 4 -> 4
    ("F1", date(2010, 3, 1), date(2010, 5, 1), 4, date(2010, 1, 10), 4),
    # 1 May: a 2, b 1 -> 2 (school_attendance on 1 Apr starts no row)
    ("F1", date(2010, 5, 1), None, 2, date(2010, 1, 10), 4),
    ("F2", date(2010, 2, 1), date(2010, 6, 1), 3, date(2010, 2, 1), 3),
    ("F2", date(2010, 6, 1), None, 3, date(2010, 2, 1), 3),
    ("F3", date(2010, 1, 15), date(2010, 4, 1), 1, date(2010, 1, 15), 1),
    ("F3", date(2010, 4, 1), None, 0, date(2010, 1, 15), 1),
]


def stored(engine: Engine) -> list[tuple[object, ...]]:
    t = family_ssp_levels.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.family_id, t.valid_from, t.valid_until, t.level, t.first_on, t.baseline
            ).order_by(t.family_id, t.valid_from)
        ).all()
    return [tuple(row) for row in rows]


def test_levels_per_assessment_date(load: Loader) -> None:
    engine = load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)
    assert stored(engine) == EXPECTED


def test_loading_another_programme_keeps_the_levels_it_does_not_touch(load: Loader) -> None:
    load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)
    # A bundle for P2 only: P1's families and their levels stay as they were.
    engine = load(
        programmes="P2,Andet program,2012-01-01,2012-12-31,,,,",
        families="G1,P2,nb,2012-01-01,,,2012-01-02,,,",
        members="G1a,G1,child",
        assessments="""
            G1,G1a,2012-01-10,ssp_level,2
            G1,G1a,2012-02-10,ssp_level,1
        """,
    )
    assert stored(engine) == [
        *EXPECTED,
        ("G1", date(2012, 1, 10), date(2012, 2, 10), 2, date(2012, 1, 10), 2),
        ("G1", date(2012, 2, 10), None, 1, date(2012, 1, 10), 2),
    ]


def test_reloading_a_programme_replaces_its_levels(load: Loader) -> None:
    load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)
    # P1 again without F2 and F3, and with F1's child b never assessed 1 May: F2's and
    # F3's rows go with the families, F1 keeps level 4 from 1 March on.
    engine = load(
        families="F1,P1,nb,2010-01-01,,,2010-01-05,,,",
        members="F1a,F1,child\nF1b,F1,child",
        assessments="""
            F1,F1a,2010-01-10,ssp_level,3
            F1,F1b,2010-01-10,ssp_level,4
            F1,F1a,2010-03-01,ssp_level,2
        """,
    )
    assert stored(engine) == [
        ("F1", date(2010, 1, 10), date(2010, 3, 1), 4, date(2010, 1, 10), 4),
        ("F1", date(2010, 3, 1), None, 4, date(2010, 1, 10), 4),
    ]


def test_upgrade_from_0003_fills_the_table_from_loaded_assessments(
    load: Loader, db_url: str
) -> None:
    load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(db_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
            command.upgrade(config, "head")
        assert stored(engine) == EXPECTED
    finally:
        engine.dispose()
