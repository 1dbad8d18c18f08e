"""Stored monthly stage changes and the month-end counts read from them.

Hand-made bundle, both backends; every expected number is worked out in the
comments. P1 has 6 intensive months, so aftercare starts 6 months after the
start unless aftercare_on says otherwise. Months are year x 12 + month:
January 2010 = 24121.
"""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import Column, Engine, select
from sqlalchemy.sql.visitors import iterate

from data_access.db.engine import make_engine
from data_access.db.migrate import alembic_config
from data_access.db.schema import FAMILY_SCAN_COLUMNS, families, stage_changes
from data_access.derived.stage_changes import family_months, stages_at_month_ends
from data_access.queries.courses import stage_months
from data_access.rules.stages import STAGE_DATES, stage_of
from tests.fixtures.bundles import Loader
from tests.fixtures.contexts import query_context

# F1 (nb) moves through every stage: referred 10 Jan, investigation 20 Jan,
# approved 5 Feb, intensive 15 Mar, aftercare 15 Sep (+6 months), ended 20 Dec.
# F2 (tb) is referred 1 Feb and ends 10 Mar without starting.
# F3 (tb) is referred and starts on 31 Jan; aftercare_on 28 Feb.
FAMILIES = """
    F1,P1,nb,2010-01-10,2010-01-20,2010-02-05,2010-03-15,,2010-12-20,completed
    F2,P1,tb,2010-02-01,,,,,2010-03-10,dropped_out
    F3,P1,tb,2010-01-31,,,2010-01-31,2010-02-28,,
"""
JAN, FEB, MAR, SEP, DEC = 24121, 24122, 24123, 24129, 24132
# F1's referral and examination both fall in January: its referred stage
# enters and leaves the same month and nets to no row.
EXPECTED = [
    ("P1", "nb", JAN, "investigation", 1),
    ("P1", "nb", FEB, "approved", 1),
    ("P1", "nb", FEB, "investigation", -1),
    ("P1", "nb", MAR, "approved", -1),
    ("P1", "nb", MAR, "intensive", 1),
    ("P1", "nb", SEP, "aftercare", 1),
    ("P1", "nb", SEP, "intensive", -1),
    ("P1", "nb", DEC, "aftercare", -1),
    ("P1", "nb", DEC, "ended", 1),
    ("P1", "tb", JAN, "intensive", 1),
    ("P1", "tb", FEB, "aftercare", 1),
    ("P1", "tb", FEB, "intensive", -1),
    ("P1", "tb", FEB, "referred", 1),
    ("P1", "tb", MAR, "ended", 1),
    ("P1", "tb", MAR, "referred", -1),
]


def stored(engine: Engine) -> list[tuple[object, ...]]:
    c = stage_changes.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.programme_id, c.district_id, c.month, c.stage, c.change).order_by(
                c.programme_id, c.district_id, c.month, c.stage
            )
        ).all()
    return [tuple(row) for row in rows]


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {stage: n for stage, n in counts.items() if n}


def test_changes_per_programme_district_month_and_stage(load: Loader) -> None:
    assert stored(load(families=FAMILIES)) == EXPECTED


def test_counts_at_month_ends(load: Loader) -> None:
    engine = load(families=FAMILIES)
    days = [date(2010, 1, 31), date(2010, 2, 28), date(2010, 3, 31), date(2010, 9, 30)]
    with engine.connect() as conn:
        counts = stages_at_month_ends(conn, "P1", [*days, date(2010, 12, 31)])
        in_bh = stages_at_month_ends(conn, "P1", [date(2010, 2, 28)], "bh")
    # 31 Jan: F1 in examination, F3 intensive (started that day), F2 not yet referred.
    assert nonzero(counts[days[0]]) == {"investigation": 1, "intensive": 1}
    # 28 Feb: F1 approved, F2 referred, F3 in aftercare from that day.
    assert nonzero(counts[days[1]]) == {"referred": 1, "approved": 1, "aftercare": 1}
    # 31 Mar: F1 intensive, F2 ended 10 Mar, F3 aftercare.
    assert nonzero(counts[days[2]]) == {"intensive": 1, "aftercare": 1, "ended": 1}
    # 30 Sep: F1 in aftercare since 15 Sep.
    assert nonzero(counts[days[3]]) == {"aftercare": 2, "ended": 1}
    # 31 Dec: F1 ended 20 Dec.
    assert nonzero(counts[date(2010, 12, 31)]) == {"aftercare": 1, "ended": 2}
    # Brønshøj-Husum holds Tingbjerg (F2, F3), not Nørrebro (F1).
    assert nonzero(in_bh[date(2010, 2, 28)]) == {"referred": 1, "aftercare": 1}


def test_chart_counts_the_report_date_itself(load: Loader) -> None:
    engine = load(families=FAMILIES)
    months = stage_months(engine, query_context("P1", date(2010, 3, 20)), date(2010, 1, 1))
    assert sorted(set(months["month_end"])) == [
        date(2010, 1, 31),
        date(2010, 2, 28),
        date(2010, 3, 20),
    ]
    on_20_march = months[months["month_end"] == date(2010, 3, 20)]
    got = {s: n for s, n in zip(on_20_march["stage"], on_20_march["families"], strict=True) if n}
    # F1 started 15 Mar, F2 ended 10 Mar, F3 in aftercare.
    assert got == {"intensive": 1, "aftercare": 1, "ended": 1}


def test_family_months_sum_the_active_families_at_each_month_end(load: Loader) -> None:
    engine = load(families=FAMILIES)
    with engine.connect() as conn:
        # 31 Jan: F3; 28 Feb: F3; 20 Mar (the report date): F1 and F3.
        assert family_months(conn, "P1", date(2010, 3, 20)) == 1 + 1 + 2
        # Jan 1, Feb 1, Mar-Nov 2 each (F1 and F3: 9 months), 31 Dec: F3 only.
        assert family_months(conn, "P1", date(2010, 12, 31)) == 1 + 1 + 9 * 2 + 1


def test_loading_another_programme_keeps_the_changes_it_does_not_touch(load: Loader) -> None:
    load(families=FAMILIES)
    # G1 (P2, nb) is referred 10 Jan 2012 and starts 1 Feb 2012; aftercare from
    # 1 Aug 2012 (intensive_months defaults to 6).
    engine = load(
        programmes="P2,Andet program,2012-01-01,2012-12-31,,,,",
        families="G1,P2,nb,2012-01-10,,,2012-02-01,,,",
    )
    assert stored(engine) == [
        *EXPECTED,
        ("P2", "nb", 2012 * 12 + 1, "referred", 1),
        ("P2", "nb", 2012 * 12 + 2, "intensive", 1),
        ("P2", "nb", 2012 * 12 + 2, "referred", -1),
        ("P2", "nb", 2012 * 12 + 8, "aftercare", 1),
        ("P2", "nb", 2012 * 12 + 8, "intensive", -1),
    ]


def test_reloading_a_programme_replaces_its_changes(load: Loader) -> None:
    load(families=FAMILIES)
    # P1 again with F3 alone, now ended 15 Apr: F1's and F2's changes go.
    engine = load(families="F3,P1,tb,2010-01-31,,,2010-01-31,2010-02-28,2010-04-15,completed")
    assert stored(engine) == [
        ("P1", "tb", JAN, "intensive", 1),
        ("P1", "tb", FEB, "aftercare", 1),
        ("P1", "tb", FEB, "intensive", -1),
        ("P1", "tb", 24124, "aftercare", -1),
        ("P1", "tb", 24124, "ended", 1),
    ]


def test_upgrade_from_0007_fills_the_table_from_loaded_families(load: Loader, db_url: str) -> None:
    load(families=FAMILIES)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(db_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
            command.upgrade(config, "head")
        assert stored(engine) == EXPECTED
    finally:
        engine.dispose()


def test_the_stored_changes_follow_every_date_the_stage_rule_reads() -> None:
    """A rule that read another family date would change stages the loader never stores."""
    read = {
        element.name
        for element in iterate(stage_of(date(2010, 1, 1)))
        if isinstance(element, Column) and element.table is families
    }
    assert read == set(STAGE_DATES)


def test_the_family_scan_index_covers_every_date_of_the_stage_rule() -> None:
    """The covering index is only covering while it holds what stage_of reads."""
    assert set(STAGE_DATES) <= set(FAMILY_SCAN_COLUMNS)
    assert FAMILY_SCAN_COLUMNS[0] == "programme_id"
