"""The query context tests ask with: a programme and date, the whole programme, full rights.

The app never has a default scope; tests of raw figures mostly want the
system's (exact counts, nothing hidden), and say so by leaving it out here.
"""

from __future__ import annotations

from datetime import date

from data_access.queries.context import QueryContext
from data_access.rules.access import SYSTEM, Scope


def query_context(
    programme_id: str, as_of: date, *, district_id: str | None = None, scope: Scope = SYSTEM
) -> QueryContext:
    """`QueryContext` with the test defaults: no district filter, the system scope."""
    return QueryContext(programme_id, as_of, district_id, scope)
