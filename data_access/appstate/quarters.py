"""Frozen quarters and the steering group's remarks (its decisions: `appstate.decisions`).

A quarterly report must not change after the steering group has discussed
it, even when a later load corrects the data. Freezing a quarter therefore
stores the report's figures and tables as they stood on the quarter's last
day, with the load they came from. Remarks and decisions are the group's own
words beside them. All of it lives in the dashboard's own writable database
(`DASHBOARD_AUDIT_URL`, see `appstate/migrate.py`), never in the read-only reporting
database, which is only read here, through a read-only engine.

Only the steering group and admins may write, and the check sits here in
the data layer, so no page, button or command line can skip it. Remarks and
decisions are append-only versions: an edit adds a row, the current text is
the newest row, and the history keeps who wrote what and when. Text is
stored exactly as given and must be shown as plain text.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from data_access.appstate.migrate import writer
from data_access.appstate.schema import frozen_quarters, quarter_decisions, quarter_remarks
from data_access.db.engine import make_engine
from data_access.queries import courses, spend
from data_access.queries import report as report_queries
from data_access.queries.context import QueryContext
from data_access.queries.figures import FigureValue, compute_figures, spend_status_figure
from data_access.queries.programmes import ProgrammeInfo, data_as_of, programme_info
from data_access.queries.reference import latest_load
from data_access.rules.access import QUARTERS_WRITE, STEERING, Scope, may
from data_access.rules.calendar import add_months, quarter_bounds
from data_access.rules.figures import FigureId
from data_access.rules.spend import SpendStatus

#: Longest remark or decision text, in characters.
MAX_TEXT: Final = 2000
#: The report is for the steering group: exact counts, never a family id.
REPORT_SCOPE: Final = Scope(role=STEERING, email="quarterly-report")
#: Months of history in the report's stage chart.
STAGE_HISTORY_MONTHS: Final = 12
#: The report's tables, in the order they are stored.
TABLE_NAMES: Final[tuple[str, ...]] = (
    "stage_months",
    "spend_months",
    "coordinators",
    "spend_department",
    "spend_funder",
)

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


class QuarterError(ValueError):
    """A freeze, remark or decision refused; the message is for the user (Danish)."""


@dataclass(frozen=True)
class ReportSnapshot:
    """What the quarterly report shows, as numbers: figures on the quarter's last day,
    on the previous quarter's last day, the newest data date and the report's tables."""

    figures: dict[str, FigureValue]
    previous: dict[str, FigureValue]
    data_until: date | None
    tables: dict[str, pd.DataFrame]


@dataclass(frozen=True)
class FrozenQuarter:
    """A frozen quarter: the snapshot plus who froze it, when and from which load."""

    programme_id: str
    quarter: str
    frozen_at: datetime
    frozen_by: str
    load_id: int | None
    snapshot: ReportSnapshot


@dataclass(frozen=True)
class Remark:
    """One version of the remarks for a quarter and page."""

    id: int
    programme_id: str
    quarter: str
    page: str
    text: str
    written_by: str
    written_at: datetime


def app_url_for(reporting_url: str) -> str:
    """The writable database beside `reporting_url`: `DASHBOARD_AUDIT_URL`, else the same.

    In the app this equals `audit.audit_url()`; the command line passes its
    own `--database-url` here so both land in the database it was pointed at.
    """
    return os.environ.get("DASHBOARD_AUDIT_URL") or reporting_url


def quarter_code(text: str) -> str:
    """`2011Q2` (also `2011-Q2`, `2011q2`) normalised to `2011Q2`; QuarterError otherwise."""
    match = _QUARTER.match(text)
    if match is None:
        raise QuarterError(f"Ukendt kvartal {text!r}: skriv år og kvartal 1-4, fx 2011Q2.")
    return f"{match.group(1)}Q{match.group(2)}"


def quarter_bounds_of(code: str) -> tuple[date, date]:
    """The first and last day of a quarter code such as `2011Q2`."""
    return quarter_bounds(int(code[:4]), int(code[-1]))


def _require_writer(scope: Scope) -> None:
    if not may(scope.role, QUARTERS_WRITE):
        raise QuarterError(
            "Kun styregruppen og administratorer kan fryse kvartaler og skrive "
            "bemærkninger og beslutninger."
        )


def clean_text(text: str) -> str:
    """The text as given, checked: not blank, at most MAX_TEXT characters."""
    if not text.strip():
        raise QuarterError("Teksten er tom. Skriv en tekst, før du gemmer.")
    if len(text) > MAX_TEXT:
        raise QuarterError(
            f"Teksten er på {len(text)} tegn; der må højst være {MAX_TEXT} tegn. Intet er gemt."
        )
    return text


def _now() -> datetime:
    return datetime.now(UTC)


# --- the report's snapshot ------------------------------------------------


def report_context(programme_id: str, quarter_last: date) -> QueryContext:
    """The report's question: the whole programme on the quarter's last day, for REPORT_SCOPE."""
    return QueryContext(programme_id, quarter_last, None, REPORT_SCOPE)


def report_snapshot(
    engine: Engine, context: QueryContext, programme: ProgrammeInfo, quarter_first: date
) -> ReportSnapshot:
    """The report's figures and tables for the quarter ending on the context's date, read now.

    One code path for the live report and for a freeze, so a frozen quarter
    holds exactly what the report showed on the day it was frozen. Changes
    are against the previous quarter's last day.
    """
    as_of = context.as_of
    first_month = max(programme.starts_on, add_months(as_of, 1 - STAGE_HISTORY_MONTHS))
    tables = {
        "stage_months": courses.stage_months(engine, context, first_month.replace(day=1)),
        "spend_months": spend.month_end_points(spend.spend_by_month(engine, context), as_of),
        "coordinators": report_queries.coordinator_progression(engine, context, quarter_first),
        "spend_department": spend.spend_breakdown(engine, context, "department"),
        "spend_funder": spend.spend_breakdown(engine, context, "funder"),
    }
    return ReportSnapshot(
        figures=compute_figures(engine, context),
        previous=compute_figures(engine, context.previous_quarter_end()),
        data_until=data_as_of(engine),
        tables=tables,
    )


def _plain(value: object) -> object:
    """A cell as JSON: dates as ISO text, NaN as null, numpy numbers as Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _frame_json(frame: pd.DataFrame) -> dict[str, Any]:
    dates = [
        str(name)
        for name in frame.columns
        if any(isinstance(v, date) for v in frame[name].dropna().head(1))
    ]
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
    return {"columns": [str(c) for c in frame.columns], "dates": dates, "rows": rows}


def _frame_from_json(data: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(data["rows"], columns=data["columns"])
    for name in data["dates"]:
        frame[name] = [None if v is None else date.fromisoformat(v) for v in frame[name]]
    return frame


def _figures_json(figures: dict[str, FigureValue]) -> dict[str, dict[str, Any]]:
    return {key: asdict(item) for key, item in figures.items()}


def _figures_from_json(data: dict[str, dict[str, Any]]) -> dict[str, FigureValue]:
    """Stored figures with their typed ids and status.

    Freezes made before `spend_status` was a figure get it from their own
    forecast and budget by the same rule, so every frozen quarter shows it.
    """
    figures: dict[str, FigureValue] = {}
    for key, item in data.items():
        status = item.get("status")
        fields = {
            **item,
            "figure_id": FigureId(item["figure_id"]),
            "status": None if status is None else SpendStatus(status),
        }
        figures[FigureId(key)] = FigureValue(**fields)
    if FigureId.SPEND_STATUS not in figures and FigureId.FORECAST_YEAR in figures:
        budget = figures.get(FigureId.BUDGET_YEAR)
        figures[FigureId.SPEND_STATUS] = spend_status_figure(
            figures[FigureId.FORECAST_YEAR].value, None if budget is None else budget.value
        )
    return figures


# --- freezing ---------------------------------------------------------------


def freeze_quarter(
    url: str, programme_id: str, quarter: str, scope: Scope, *, app_url: str | None = None
) -> FrozenQuarter:
    """Store the report's figures and tables for `quarter` as they stand now.

    `url` is the reporting database (read only); the freeze is written to
    `app_url` (default `app_url_for(url)`). QuarterError for another role,
    an unknown programme or quarter, or a quarter already frozen (nothing
    is written then).
    """
    _require_writer(scope)
    code = quarter_code(quarter)
    target = app_url or app_url_for(url)
    if frozen_quarter(target, programme_id, code) is not None:
        raise QuarterError(f"{code} er allerede frosset for {programme_id}. Intet er ændret.")
    first, last = quarter_bounds_of(code)
    engine = make_engine(url, read_only=True)
    try:
        try:
            programme = programme_info(engine, programme_id)
        except KeyError:
            raise QuarterError(f"Ukendt program {programme_id!r}.") from None
        if last < programme.starts_on or first > programme.ends_on:
            raise QuarterError(
                f"Kvartalet {code} ligger uden for programmets periode "
                f"({programme.starts_on.isoformat()} til {programme.ends_on.isoformat()})."
            )
        load = latest_load(engine)
        snapshot = report_snapshot(engine, report_context(programme_id, last), programme, first)
    finally:
        engine.dispose()
    row = {
        "programme_id": programme_id,
        "quarter": code,
        "frozen_at": _now(),
        "frozen_by": scope.email,
        "frozen_role": scope.role,
        "load_id": None if load is None else load.load_id,
        "figures": _figures_json(snapshot.figures),
        "tables": {
            "previous": _figures_json(snapshot.previous),
            "data_until": None if snapshot.data_until is None else snapshot.data_until.isoformat(),
            **{name: _frame_json(snapshot.tables[name]) for name in TABLE_NAMES},
        },
    }
    try:
        with writer(target).begin() as connection:
            connection.execute(insert(frozen_quarters).values(**row))
    except IntegrityError:
        raise QuarterError(
            f"{code} er allerede frosset for {programme_id}. Intet er ændret."
        ) from None
    result = frozen_quarter(target, programme_id, code)
    assert result is not None
    return result


def frozen_quarter(url: str, programme_id: str, quarter: str) -> FrozenQuarter | None:
    """The frozen figures of `quarter` in the writable database `url`, or None if not frozen."""
    code = quarter_code(quarter)
    query = select(frozen_quarters).where(
        frozen_quarters.c.programme_id == programme_id, frozen_quarters.c.quarter == code
    )
    with writer(url).connect() as connection:
        row = connection.execute(query).mappings().one_or_none()
    if row is None:
        return None
    tables = row["tables"]
    until = tables["data_until"]
    return FrozenQuarter(
        programme_id=row["programme_id"],
        quarter=row["quarter"],
        frozen_at=row["frozen_at"],
        frozen_by=row["frozen_by"],
        load_id=row["load_id"],
        snapshot=ReportSnapshot(
            figures=_figures_from_json(row["figures"]),
            previous=_figures_from_json(tables["previous"]),
            data_until=None if until is None else date.fromisoformat(until),
            tables=_stored_tables(tables),
        ),
    )


def _stored_tables(stored: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A freeze's tables; spend rows get their status from the rule (older freezes lack it)."""
    tables = {name: _frame_from_json(stored[name]) for name in TABLE_NAMES}
    for name in ("spend_department", "spend_funder"):
        tables[name] = spend.with_status(tables[name])
    return tables


# --- remarks ------------------------------------------------------------------


def save_remark(
    url: str, programme_id: str, quarter: str, page: str, text: str, scope: Scope
) -> Remark:
    """Add a new version of the remarks on `page` for `quarter` in the writable database `url`."""
    _require_writer(scope)
    code = quarter_code(quarter)
    at = _now()
    row = {
        "programme_id": programme_id,
        "quarter": code,
        "page": page,
        "text": clean_text(text),
        "written_by": scope.email,
        "written_role": scope.role,
        "written_at": at,
    }
    with writer(url).begin() as connection:
        new_id = connection.execute(insert(quarter_remarks).values(**row)).inserted_primary_key
    assert new_id is not None
    return Remark(int(new_id[0]), programme_id, code, page, text, scope.email, at)


def remark_history(
    url: str, programme_id: str, quarter: str | None, page: str | None = None
) -> list[Remark]:
    """Every version of the remarks of `quarter` (None: all), one page or all, newest first."""
    table = quarter_remarks
    query = select(
        table.c.id,
        table.c.programme_id,
        table.c.quarter,
        table.c.page,
        table.c.text,
        table.c.written_by,
        table.c.written_at,
    ).where(table.c.programme_id == programme_id)
    if quarter is not None:
        query = query.where(table.c.quarter == quarter_code(quarter))
    if page is not None:
        query = query.where(table.c.page == page)
    with writer(url).connect() as connection:
        rows = connection.execute(query.order_by(table.c.id.desc())).all()
    # SQLite hands back naive datetimes; they were written in UTC.
    return [
        Remark(*row[:-1], row[-1] if row[-1].tzinfo else row[-1].replace(tzinfo=UTC))
        for row in rows
    ]


def remarks(url: str, programme_id: str, quarter: str) -> list[Remark]:
    """The current remark (newest version) per page for `quarter`, by page."""
    current: dict[str, Remark] = {}
    for remark in remark_history(url, programme_id, quarter):
        current.setdefault(remark.page, remark)
    return [current[page] for page in sorted(current)]


def notes_version(url: str, programme_id: str, quarter: str) -> str:
    """A token that changes whenever the quarter is frozen or its remarks or decisions change.

    A cached report is keyed on it, so a new remark or a freeze shows in the
    next download without waiting for the cache to expire.
    """
    code = quarter_code(quarter)
    parts = []
    with writer(url).connect() as connection:
        for table in (frozen_quarters, quarter_remarks, quarter_decisions):
            newest = connection.execute(
                select(func.max(table.c.id)).where(
                    table.c.programme_id == programme_id, table.c.quarter == code
                )
            ).scalar()
            parts.append(str(newest or 0))
    return "-".join(parts)
