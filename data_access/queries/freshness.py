"""How fresh the data is and how far it reaches: the rules behind the footer and its warnings.

The steering group must never read quietly incomplete numbers: a report date
after the newest booked date, or data not reloaded for weeks, has to be said
on the page. The facts come from `load_history` (written by every load);
these small functions decide what to say, so pages and the report agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from data_access.queries.reference import LoadInfo

STALE_DAYS_ENV: Final = "DASHBOARD_STALE_DAYS"
DEFAULT_STALE_DAYS: Final = 40


def stale_days() -> int:
    """`DASHBOARD_STALE_DAYS`, else 40; a bad or negative value means the default."""
    try:
        value = int(os.environ.get(STALE_DAYS_ENV, ""))
    except ValueError:
        return DEFAULT_STALE_DAYS
    return value if value >= 0 else DEFAULT_STALE_DAYS


@dataclass(frozen=True)
class Freshness:
    """What a page says about its data: when loaded, how far it covers, and any warning."""

    loaded_at: datetime | None
    covers_until: date | None
    stale: bool
    age_days: int | None
    beyond_coverage: bool


def freshness(
    load: LoadInfo | None,
    as_of: date | None,
    *,
    now: datetime | None = None,
    days: int | None = None,
) -> Freshness:
    """The freshness of `load` (the newest load) for a page at report date `as_of`.

    Stale when the load is more than `days` (default `stale_days()`) days
    old; beyond coverage when `as_of` lies after the load's `covers_until`.
    No load at all counts as stale: there is nothing to trust.
    """
    limit = stale_days() if days is None else days
    if load is None:
        return Freshness(None, None, stale=True, age_days=None, beyond_coverage=False)
    # Load times are kept in UTC without a zone (loader); compare in UTC.
    moment = now or datetime.now(UTC).replace(tzinfo=None)
    loaded_at = load.loaded_at
    if loaded_at.tzinfo is not None and moment.tzinfo is None:
        loaded_at = loaded_at.astimezone(UTC).replace(tzinfo=None)
    age = (moment.date() - loaded_at.date()).days
    beyond = as_of is not None and load.covers_until is not None and as_of > load.covers_until
    return Freshness(
        loaded_at=load.loaded_at,
        covers_until=load.covers_until,
        stale=age > limit,
        age_days=age,
        beyond_coverage=beyond,
    )
