"""The quarterly report's data, built once from data_access and rendered twice.

The steering group must read the same numbers in the report as on the
overview page for the quarter's last day, so this module computes nothing
itself: every figure comes from `compute_figures`, the spend tables from
`spend.spend_breakdown`, the stage series from `courses.stage_months` and
the coordinator table from `report_queries.coordinator_progression`, all
for one query context with the steering scope (exact aggregates, no
pseudonyms; `quarters.report_context`). `pdf.py` and `xlsx.py` only lay the
result out. This module must not import streamlit: the command line uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from dashboard.i18n import t
from data_access.appstate import decisions, quarters
from data_access.appstate.decisions import Decision, QuarterDecisions
from data_access.appstate.quarters import REPORT_SCOPE, FrozenQuarter, Remark
from data_access.queries.business_case import BusinessCase, business_case
from data_access.queries.context import QueryContext
from data_access.queries.figures import FigureValue
from data_access.queries.freshness import freshness
from data_access.queries.indicators import DistrictIndicators, district_indicators
from data_access.queries.programmes import ProgrammeInfo, programme_info
from data_access.queries.reference import latest_load
from data_access.rules.calendar import local_today, quarter_bounds

__all__ = [
    "REPORT_SCOPE",
    "DistrictIndicators",
    "FigureChange",
    "Quarter",
    "ReportContent",
    "ReportError",
]

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
        return t("report.quarter_label", lang, number=self.number, year=self.year)


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
class FigureChange:
    """A figure of a frozen quarter that a later load changed: frozen and current value."""

    figure_id: str
    frozen: FigureValue
    current: FigureValue


@dataclass(frozen=True)
class ReportContent:
    """Everything the report shows, as numbers (formatting is the renderers' job).

    figures / previous: every kpis.md figure on `as_of` (the quarter's last
    day) and on the previous quarter's last day. stage_months: families per
    stage at month ends (`courses.stage_months` columns). spend_months:
    month_end, spent_ytd, planned (budget * expected share). coordinators:
    `report_queries.PROGRESSION_COLUMNS`. spend_department / spend_funder:
    `spend.BREAKDOWN_COLUMNS`, status included. data_until: the newest dated
    row in the database; when it is before `as_of` the quarter is not
    complete yet.
    frozen: the frozen quarter whose figures and tables these are, if any;
    changes: its figures that differ in the current data; remarks and
    decisions: the steering group's current remarks and decisions.
    decision_summary: the decisions made, closed and overdue in the quarter
    (the report's "Beslutninger" section), when `app_url` is given.
    stale_note: set when the newest load is older than DASHBOARD_STALE_DAYS,
    so a printed report carries the same warning as the pages.
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

    frozen: FrozenQuarter | None = None
    changes: tuple[FigureChange, ...] = ()
    remarks: tuple[Remark, ...] = ()
    decisions: tuple[Decision, ...] = ()
    decision_summary: QuarterDecisions | None = None
    stale_note: str | None = None
    #: The prevention business case on `as_of`, as the Forebyggelse page shows it.
    #: Computed from the current data also for a frozen quarter (it is not frozen).
    business_case: BusinessCase | None = None
    #: The district indicators (Tryghedsindex and others) as the presentation's
    #: table shows them; None without values. From the current data, as above.
    district_indicators: DistrictIndicators | None = None

    @property
    def preliminary(self) -> bool:
        """The data end before the quarter does: figures are provisional."""
        return self.data_until is not None and self.data_until < self.as_of


def build_report(
    engine: Engine,
    programme_id: str,
    quarter: Quarter,
    *,
    created_on: date | None = None,
    app_url: str | None = None,
) -> ReportContent:
    """The report's data for `programme_id` and `quarter`, read once from data_access.

    With `app_url` (the dashboard's writable database) a frozen quarter
    shows its frozen figures and tables, so a later corrected load does not
    rewrite what the steering group discussed; the figures that differ now
    are listed in `changes`, and the group's remarks and decisions come along.
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
    today = created_on or local_today()
    context = quarters.report_context(programme_id, as_of)
    previous_as_of = context.previous_quarter_end().as_of
    live = quarters.report_snapshot(engine, context, programme, quarter.first_day)
    frozen = (
        None if app_url is None else quarters.frozen_quarter(app_url, programme_id, quarter.code)
    )
    snapshot = live if frozen is None else frozen.snapshot
    tables = snapshot.tables
    return ReportContent(
        programme=programme,
        quarter=quarter,
        as_of=as_of,
        previous_as_of=previous_as_of,
        created_on=today,
        data_until=snapshot.data_until,
        figures=snapshot.figures,
        previous=snapshot.previous,
        stage_months=tables["stage_months"],
        spend_months=tables["spend_months"],
        coordinators=tables["coordinators"],
        spend_department=tables["spend_department"],
        spend_funder=tables["spend_funder"],
        frozen=frozen,
        changes=() if frozen is None else _changes(frozen.snapshot.figures, live.figures),
        remarks=()
        if app_url is None
        else tuple(quarters.remarks(app_url, programme_id, quarter.code)),
        decisions=()
        if app_url is None
        else tuple(decisions.decisions(app_url, programme_id, quarter.code)),
        decision_summary=None
        if app_url is None
        else decisions.quarter_decisions_summary(app_url, programme_id, quarter.code, today),
        stale_note=_stale_note(engine),
        business_case=business_case(engine, context),
        district_indicators=_district_indicators(engine, context, programme.starts_on),
    )


def _district_indicators(
    engine: Engine, context: QueryContext, starts_on: date
) -> DistrictIndicators | None:
    """The Bydele page's answer for the report's date; None when no district has a value."""
    shown = district_indicators(engine, context, starts_on)
    return shown if shown.panels else None


def _stale_note(engine: Engine) -> str | None:
    """The newest load's date when it is older than the stale limit, else None."""
    state = freshness(latest_load(engine), None)
    if not state.stale or state.loaded_at is None:
        return None
    return state.loaded_at.date().isoformat()


def _changes(
    frozen: dict[str, FigureValue], current: dict[str, FigureValue]
) -> tuple[FigureChange, ...]:
    """Each figure whose value or display differs now from when the quarter was frozen."""
    return tuple(
        FigureChange(figure_id, frozen[figure_id], current[figure_id])
        for figure_id in frozen
        if figure_id in current
        and (frozen[figure_id].value, frozen[figure_id].display)
        != (current[figure_id].value, current[figure_id].display)
    )
