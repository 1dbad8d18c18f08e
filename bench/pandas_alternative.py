"""The obvious alternative to SQL aggregates: read the tables into pandas and filter there.

The benchmark times this against the same figures computed by data_access's
SQL (the overview's raw numbers, programme-wide, before disclosure) on the
same database in the same run, and checks that both agree, so the ratio
compares two correct ways of getting the same answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, Engine

from data_access.derived.stage_changes import family_months
from data_access.queries.family_figures import (
    improved_parental_authority,
    median_days_to_start,
    self_supporting_parents,
    stage_tally,
)
from data_access.queries.spend import budget_year, spent_ytd
from data_access.rules.calendar import month_ends
from data_access.rules.measures import BASELINE_WINDOW_DAYS, SELF_SUPPORTING
from data_access.rules.stages import STAGE_ORDER, active_in_frame, stages_in_frame, started_in_frame

#: The tables the overview's figures read.
TABLES = ("families", "members", "assessments", "budget", "spend")
FAMILY_DATES = (
    "referred_on",
    "investigation_on",
    "approved_on",
    "started_on",
    "aftercare_on",
    "ended_on",
    "aftercare_due_on",
    "course_due_on",
)

Figures = dict[str, float | int | None]


@dataclass(frozen=True)
class Comparison:
    """Seconds for pandas (read + compute) and SQL, the row count read, and agreement."""

    pandas_s: float
    read_s: float
    sql_s: float
    rows_read: int
    agrees: bool
    pandas_figures: Figures
    sql_figures: Figures

    @property
    def ratio(self) -> float:
        return self.pandas_s / self.sql_s if self.sql_s else float("inf")


def _dates(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def read_tables(conn: Connection) -> dict[str, pd.DataFrame]:
    """Every row of the tables the figures need, dates as datetime64."""
    frames = {name: pd.read_sql_table(name, conn) for name in TABLES}
    _dates(frames["families"], FAMILY_DATES)
    _dates(frames["assessments"], ("assessed_on",))
    _dates(frames["spend"], ("booked_on",))
    return frames


def _family_months(families: pd.DataFrame, programme_id: str, as_of: date) -> int:
    """Families active on each month end of the year so far (D for its own month), summed."""
    days = month_ends(date(as_of.year, 1, 1), as_of)
    days[-1] = as_of
    fam = families[families["programme_id"] == programme_id]
    return sum(int(active_in_frame(fam, day).sum()) for day in days)


def pandas_figures(frames: dict[str, pd.DataFrame], programme_id: str, as_of: date) -> Figures:
    """The overview's raw numbers computed in pandas, following kpis.md like the SQL does."""
    day = pd.Timestamp(as_of)
    families = frames["families"]
    fam = families[(families["programme_id"] == programme_id) & (families["referred_on"] <= day)]
    started = started_in_frame(fam, as_of)
    counts = stages_in_frame(fam, as_of).value_counts()
    active = active_in_frame(fam, as_of)
    result: Figures = {s: int(counts.get(s, 0)) for s in STAGE_ORDER}
    result["overdue"] = int((active & (fam["course_due_on"] < day)).sum())

    days = (fam.loc[started, "started_on"] - fam.loc[started, "referred_on"]).dt.days
    result["median_days_to_start"] = None if days.empty else float(days.median())
    result["started"] = len(days)

    members = frames["members"]
    assessments = frames["assessments"]
    with_member = assessments.merge(
        members[["member_id", "family_id", "role"]], on=["member_id", "family_id"]
    )
    on_time = with_member[with_member["assessed_on"] <= day]

    first_started = fam.loc[started, ["family_id", "started_on"]]
    ssp = on_time[(on_time["measure"] == "ssp_level") & (on_time["role"] == "child")].merge(
        first_started, on="family_id"
    )
    ssp["first_on"] = ssp.groupby("family_id")["assessed_on"].transform("min")
    newest = ssp.sort_values(["assessed_on", "value"], ascending=False).drop_duplicates(
        ["family_id", "member_id"]
    )
    on_first = ssp[ssp["assessed_on"] == ssp["first_on"]]
    per_family = pd.DataFrame(
        {
            "first_on": ssp.groupby("family_id")["first_on"].min(),
            "started_on": ssp.groupby("family_id")["started_on"].min(),
            "baseline": on_first.groupby("family_id")["value"].max(),
            "latest": newest.groupby("family_id")["value"].max(),
            "has_later": (ssp["assessed_on"] > ssp["first_on"]).groupby(ssp["family_id"]).any(),
        }
    )
    window = per_family["started_on"] + timedelta(days=BASELINE_WINDOW_DAYS)
    eligible = per_family[(per_family["first_on"] <= window) & per_family["has_later"]]
    result["improved"] = int((eligible["latest"] < eligible["baseline"]).sum())
    result["eligible"] = len(eligible)

    active_ids = fam.loc[active, "family_id"]
    employment = on_time[
        (on_time["measure"] == "employment")
        & (on_time["role"] == "parent")
        & on_time["family_id"].isin(active_ids)
    ]
    latest_job = employment.sort_values(["assessed_on", "value"], ascending=False).drop_duplicates(
        "member_id"
    )
    result["self_supporting"] = int((latest_job["value"] == SELF_SUPPORTING).sum())
    result["assessed_parents"] = len(latest_job)

    budget = frames["budget"]
    rows = budget[(budget["programme_id"] == programme_id) & (budget["year"] == as_of.year)]
    result["budget_year"] = None if rows.empty else float(rows["amount_dkk"].sum())
    spend = frames["spend"]
    ytd = spend[
        (spend["programme_id"] == programme_id)
        & (spend["booked_on"] >= pd.Timestamp(as_of.year, 1, 1))
        & (spend["booked_on"] <= day)
    ]
    result["spent_ytd"] = float(ytd["amount_dkk"].sum())
    result["family_months"] = _family_months(families, programme_id, as_of)
    return result


def sql_figures(conn: Connection, programme_id: str, as_of: date) -> Figures:
    """The same numbers from data_access's SQL aggregates."""
    tally = stage_tally(conn, programme_id, as_of)
    result: Figures = dict(tally.stages)
    result["overdue"] = tally.overdue
    result["median_days_to_start"], result["started"] = median_days_to_start(
        conn, programme_id, as_of
    )
    result["improved"], result["eligible"] = improved_parental_authority(conn, programme_id, as_of)
    result["self_supporting"], result["assessed_parents"] = self_supporting_parents(
        conn, programme_id, as_of
    )
    result["budget_year"] = budget_year(conn, programme_id, as_of.year)
    result["spent_ytd"] = spent_ytd(conn, programme_id, as_of)
    result["family_months"] = family_months(conn, programme_id, as_of)
    return result


def _same(left: Figures, right: Figures) -> bool:
    for key in left.keys() | right.keys():
        a, b = left.get(key), right.get(key)
        if a is None or b is None:
            if a is not b:
                return False
        elif abs(float(a) - float(b)) > 0.005:
            return False
    return True


def compare(engine: Engine, programme_id: str, as_of: date) -> Comparison:
    """Time pandas (read every row, compute) against SQL for the same figures."""
    with engine.connect() as conn:
        started = time.perf_counter()
        frames = read_tables(conn)
        read = time.perf_counter() - started
        from_pandas = pandas_figures(frames, programme_id, as_of)
        pandas_s = time.perf_counter() - started
        rows = sum(len(frame) for frame in frames.values())
        del frames
        started = time.perf_counter()
        from_sql = sql_figures(conn, programme_id, as_of)
        sql_s = time.perf_counter() - started
    return Comparison(
        pandas_s=pandas_s,
        read_s=read,
        sql_s=sql_s,
        rows_read=rows,
        agrees=_same(from_pandas, from_sql),
        pandas_figures=from_pandas,
        sql_figures=from_sql,
    )
