"""The programmes and the data's reach: what the sidebar and the report look up first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, func, select

from data_access.db.schema import assessments, families, meetings, programmes, spend


@dataclass(frozen=True)
class ProgrammeInfo:
    """A programme's period, targets and course lengths (months)."""

    programme_id: str
    name: str
    starts_on: date
    ends_on: date
    target_active_families: int | None
    target_improved_share: float | None
    intensive_months: int
    course_months: int


_PROGRAMME_COLUMNS = (
    programmes.c.programme_id,
    programmes.c.name,
    programmes.c.starts_on,
    programmes.c.ends_on,
    programmes.c.target_active_families,
    programmes.c.target_improved_share,
    programmes.c.intensive_months,
    programmes.c.course_months,
)


def programme_info(engine: Engine, programme_id: str) -> ProgrammeInfo:
    """The programme's row; KeyError when the id is unknown (a bad deep link, say)."""
    with engine.connect() as conn:
        return read_programme(conn, programme_id)


def read_programme(conn: Connection, programme_id: str) -> ProgrammeInfo:
    row = conn.execute(
        select(*_PROGRAMME_COLUMNS).where(programmes.c.programme_id == programme_id)
    ).one_or_none()
    if row is None:
        raise KeyError(f"unknown programme: {programme_id}")
    return ProgrammeInfo(*row)


def list_programmes(engine: Engine) -> list[ProgrammeInfo]:
    """All programmes, newest (latest starts_on) first: the default is the first one."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(*_PROGRAMME_COLUMNS).order_by(
                programmes.c.starts_on.desc(), programmes.c.programme_id
            )
        ).all()
    return [ProgrammeInfo(*row) for row in rows]


def data_as_of(engine: Engine) -> date | None:
    """The newest dated row: the latest report date the data can answer for.

    Derived family dates (aftercare_due_on, course_due_on) are plans, not
    events, so they do not count.
    """
    maxima = [
        func.max(column)
        for column in (
            families.c.referred_on,
            families.c.investigation_on,
            families.c.approved_on,
            families.c.started_on,
            families.c.aftercare_on,
            families.c.ended_on,
        )
    ]
    with engine.connect() as conn:
        dates = list(conn.execute(select(*maxima)).one())
        for column in (assessments.c.assessed_on, meetings.c.held_on, spend.c.booked_on):
            dates.append(conn.execute(select(func.max(column))).scalar_one())
    known = [d for d in dates if d is not None]
    return max(known) if known else None
