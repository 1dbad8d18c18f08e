"""The quarterly report's data, built once from data_access and rendered twice.

The steering group must read the same numbers in the report as on the
overview page for the quarter's last day, so this module computes nothing
itself: every figure comes from `compute_figures`, the spend tables from
`spend_by`, the stage series from `courses.stage_months` and the coordinator
table from `report_queries.coordinator_progression`, all for the steering
scope (exact aggregates, no pseudonyms). `pdf.py` and `xlsx.py` only lay the
result out. This module must not import streamlit: the command line uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import Engine

from data_access import courses, report_queries
from data_access.access import STEERING, Scope
from data_access.dates import add_months, month_ends, quarter_bounds
from data_access.figures import (
    FigureValue,
    ProgrammeInfo,
    compute_figures,
    data_as_of,
    programme_info,
    spend_by,
)
from data_access.figures_money import expected_share, spent_ytd

#: The report is for the steering group: exact counts, never a family id.
REPORT_SCOPE: Final = Scope(role=STEERING, email="quarterly-report")
#: Months of history in the stage chart.
STAGE_HISTORY_MONTHS: Final = 12

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


class ReportError(ValueError):
    """A report that cannot be made as asked (bad quarter, unknown programme)."""


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, written `2011Q2` on the command line."""

    year: int
    number: int

    @property
    def first_day(self) -> date:
        return quarter_bounds(self.year, self.number)[0]

    @property
    def last_day(self) -> date:
        return quarter_bounds(self.year, self.number)[1]

    @property
    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    def label(self, lang: str) -> str:
        """`2. kvartal 2011` (da) or `Q2 2011` (en)."""
        if lang == "en":
            return f"Q{self.number} {self.year}"
        return f"{self.number}. kvartal {self.year}"


def parse_quarter(text: str) -> Quarter:
    """`2011Q2` (also `2011-Q2`, `2011q2`) as a Quarter; ReportError otherwise."""
    match = _QUARTER.match(text)
    if match is None:
        raise ReportError(
            f"invalid quarter {text!r}: write the year and the quarter 1-4, e.g. 2011Q2"
        )
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: date) -> Quarter:
    """The quarter `day` lies in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True)
class ReportContent:
    """Everything the report shows, as numbers (formatting is the renderers' job).

    figures / previous: every kpis.md figure on `as_of` (the quarter's last
    day) and on the previous quarter's last day. stage_months: families per
    stage at month ends (`courses.stage_months` columns). spend_months:
    month_end, spent_ytd, planned (budget * expected share). coordinators:
    `report_queries.PROGRESSION_COLUMNS`. spend_department / spend_funder:
    `figures.SPEND_COLUMNS`. data_until: the newest dated row in the
    database; when it is before `as_of` the quarter is not complete yet.
    """

    programme: ProgrammeInfo
    quarter: Quarter
    as_of: date
    previous_as_of: date
    created_on: date
    data_until: date | None
    figures: dict[str, FigureValue]
    previous: dict[str, FigureValue]
    stage_months: pd.DataFrame
    spend_months: pd.DataFrame
    coordinators: pd.DataFrame
    spend_department: pd.DataFrame
    spend_funder: pd.DataFrame

    @property
    def preliminary(self) -> bool:
        """The data end before the quarter does: figures are provisional."""
        return self.data_until is not None and self.data_until < self.as_of


def _spend_months(
    engine: Engine, programme_id: str, as_of: date, budget: float | None
) -> pd.DataFrame:
    """Spent year to date at each month end of D's year, with the linear plan beside it.

    Each point is `spent_ytd` of figures_money (the figure's own query) on
    that day, and the plan is the budget times `expected_share` on that day,
    so the last point equals the report's figures.
    """
    days = month_ends(date(as_of.year, 1, 1), as_of)
    days[-1] = as_of
    with engine.connect() as conn:
        spent = [spent_ytd(conn, programme_id, day) for day in days]
    planned = []
    for day in days:
        day_of_year, in_year = expected_share(day)
        planned.append(None if budget is None else budget * day_of_year / in_year)
    return pd.DataFrame({"month_end": days, "spent_ytd": spent, "planned": planned})


def build_report(
    engine: Engine, programme_id: str, quarter: Quarter, *, created_on: date | None = None
) -> ReportContent:
    """The report's data for `programme_id` and `quarter`, read once from data_access.

    ReportError for an unknown programme or a quarter outside the
    programme's period (nothing to report on).
    """
    try:
        programme = programme_info(engine, programme_id)
    except KeyError:
        raise ReportError(f"unknown programme {programme_id!r}") from None
    as_of = quarter.last_day
    if as_of < programme.starts_on or quarter.first_day > programme.ends_on:
        raise ReportError(
            f"quarter {quarter.code} lies outside the programme {programme_id!r} "
            f"({programme.starts_on.isoformat()} to {programme.ends_on.isoformat()})"
        )
    previous_as_of = quarter.previous.last_day
    scope = REPORT_SCOPE
    figures = compute_figures(engine, programme_id, as_of, scope=scope)
    previous = compute_figures(engine, programme_id, previous_as_of, scope=scope)
    first_month = max(programme.starts_on, add_months(as_of, 1 - STAGE_HISTORY_MONTHS))
    return ReportContent(
        programme=programme,
        quarter=quarter,
        as_of=as_of,
        previous_as_of=previous_as_of,
        created_on=created_on or date.today(),
        data_until=data_as_of(engine),
        figures=figures,
        previous=previous,
        stage_months=courses.stage_months(
            engine, programme_id, first_month.replace(day=1), as_of, scope=scope
        ),
        spend_months=_spend_months(engine, programme_id, as_of, figures["budget_year"].value),
        coordinators=report_queries.coordinator_progression(
            engine, programme_id, as_of, quarter.first_day, scope
        ),
        spend_department=spend_by(engine, programme_id, as_of, "department", scope=scope),
        spend_funder=spend_by(engine, programme_id, as_of, "funder", scope=scope),
    )
