"""The query context tests ask with: a programme and date, the whole programme, full rights.

The app never has a default scope; tests of raw figures mostly want the
system's (exact counts, nothing hidden), and say so by leaving it out here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from data_access.queries.context import QueryContext
from data_access.rules.access import SYSTEM, Scope

if TYPE_CHECKING:
    from dashboard.shell import PageContext


def query_context(
    programme_id: str, as_of: date, *, district_id: str | None = None, scope: Scope = SYSTEM
) -> QueryContext:
    """`QueryContext` with the test defaults: no district filter, the system scope."""
    return QueryContext(programme_id, as_of, district_id, scope)


def page_context(
    *,
    scope: Scope = SYSTEM,
    programme_id: str = "interventionsteam",
    as_of: date = date(2011, 6, 30),
    district_id: str | None = None,
) -> PageContext:
    """A page's context (filters and user) without running the app: for logging helpers."""
    from dashboard.filters import Filters
    from dashboard.shell import PageContext

    filters = Filters(
        programme_id=programme_id,
        programme_name=programme_id,
        as_of=as_of,
        district_id=district_id,
        lang="da",
        starts_on=date(2010, 1, 1),
        ends_on=date(2012, 12, 31),
    )
    return PageContext(filters, scope)
