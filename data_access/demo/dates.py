"""Vectorised day arithmetic for the demo generator (numpy datetime64[D] arrays).

The generator works on whole arrays of families at once, so it cannot call
`dates.add_months` per row; `add_months` here gives the same answers
(calendar months, clipped to the month's end) for a whole array.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

Days = npt.NDArray[np.datetime64]

NAT = np.datetime64("NaT", "D")


def day(value: date | str) -> np.datetime64:
    """One datetime64[D] scalar."""
    return np.datetime64(value, "D")


def add_months(days: Days, months: int | npt.NDArray[np.int64]) -> Days:
    """`days` + `months` calendar months, clipped to the month's end; NaT stays NaT."""
    month = days.astype("datetime64[M]")
    day_of_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months).astype("timedelta64[M]")
    month_length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    result = target.astype("datetime64[D]") + np.minimum(day_of_month, month_length - 1)
    return np.where(np.isnat(days), NAT, result)


def add_days(days: Days, offsets: npt.ArrayLike) -> Days:
    """`days` + whole days (an int or an int array); NaT stays NaT."""
    return days + np.asarray(offsets).astype("timedelta64[D]")


def weekday(days: Days) -> Days:
    """Roll weekend dates forward to Monday: case work is booked on working days."""
    valid = ~np.isnat(days)
    result = days.copy()
    result[valid] = np.busday_offset(days[valid], 0, roll="forward")
    return result


def earliest(*arrays: Days) -> Days:
    """Element-wise minimum that ignores NaT (NaT only where every input is NaT)."""
    stacked = np.stack([a.astype("datetime64[D]") for a in arrays])
    far = np.datetime64("9999-12-31", "D")
    result = np.where(np.isnat(stacked), far, stacked).min(axis=0)
    return np.where(result == far, NAT, result)


def month_starts(first: np.datetime64, last: np.datetime64) -> Days:
    """The first day of every month from `first`'s month to `last`'s month, inclusive."""
    months = np.arange(
        first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1, dtype="datetime64[M]"
    )
    return months.astype("datetime64[D]")
