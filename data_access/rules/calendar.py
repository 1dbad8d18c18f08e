"""The calendar the programme counts in: Copenhagen's today, months and quarters.

Pure date arithmetic (no SQL): months in course, month ends for the monthly
series, the quarter the steering group reports on.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

#: The users' time zone: their calendar day is the dashboard's "today".
LOCAL_TZ: Final = ZoneInfo("Europe/Copenhagen")


def local_today(now: datetime | None = None) -> date:
    """Today's date in Copenhagen, whatever the server's clock zone.

    A server on UTC would otherwise still say yesterday for the first hour
    (two in summer) of a Copenhagen day, hiding that day's access-log rows
    and shifting the default report date.
    """
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(LOCAL_TZ).date()


def add_months(day: date, months: int) -> date:
    """Calendar months, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` ("months in course"); 0 if `end` < `start`."""
    if end < start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return _month_end(day)


def month_ends(first: date, last: date) -> list[date]:
    """Every month's last day from `first`'s month to `last`'s month, inclusive."""
    result: list[date] = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        result.append(_month_end(cursor))
        cursor = _month_end(cursor) + timedelta(days=1)
    return result


def quarter_end_before(day: date) -> date:
    """The last day of the quarter before the one `day` lies in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    return date(day.year, first_month, 1) - timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of quarter `quarter` (1-4) of `year`."""
    first = date(year, 3 * (quarter - 1) + 1, 1)
    return first, _month_end(date(year, 3 * quarter, 1))


def month_key(day: date) -> int:
    """year x 12 + month of a Python date (as `db.sql.month_number` in SQL)."""
    return day.year * 12 + day.month
