"""What every query is asked for: one programme, one report date, a district, a caller.

Pages build one `QueryContext` from their filters and the user and pass it
to every query; the command line's report and freeze build theirs with the
report's scope. No query has a default scope, so a call that forgets the
caller is a type error (and a TypeError at run time), never a silent view
of everything. The object is frozen and made of plain values, so it is a
cache key as it stands: two callers with different scopes never share an
entry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from data_access.rules.access import Scope
from data_access.rules.calendar import quarter_end_before


@dataclass(frozen=True)
class QueryContext:
    """The programme, report date D, district filter (None = whole programme) and caller."""

    programme_id: str
    as_of: date
    district_id: str | None
    scope: Scope

    def at(self, as_of: date) -> QueryContext:
        """The same question on another report date."""
        return replace(self, as_of=as_of)

    def previous_quarter_end(self) -> QueryContext:
        """The same question on the last day of the quarter before D's (the "since" of changes)."""
        return self.at(quarter_end_before(self.as_of))

    def in_district(self, district_id: str | None) -> QueryContext:
        """The same question for another district (None: the whole programme)."""
        return replace(self, district_id=district_id)
