"""Who is asking: the caller's scope that every query takes.

Roles and their rights live here, in one table, so that pages, reports and
exports all apply the same rules (kpis.md, "Disclosure control").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy import Table, false, true
from sqlalchemy.sql.expression import ColumnElement

ADMIN: Final = "admin"
STEERING: Final = "steering"
DEPARTMENT_HEAD: Final = "department_head"
COORDINATOR: Final = "coordinator"
VIEWER: Final = "viewer"
ROLES: Final[tuple[str, ...]] = (ADMIN, STEERING, DEPARTMENT_HEAD, COORDINATOR, VIEWER)

#: Roles whose family and people counts 1-4 are shown as "<5".
SUPPRESSED_ROLES: Final[frozenset[str]] = frozenset({VIEWER, DEPARTMENT_HEAD})
#: Smallest count shown exactly to a suppressed role.
MIN_CELL: Final = 5


@dataclass(frozen=True)
class Scope:
    """The caller: role plus, for coordinators, their own coordinator id."""

    role: str
    email: str = ""
    coordinator_id: str | None = None
    department_id: str | None = None

    @property
    def suppressed(self) -> bool:
        """Small counts are hidden from this caller."""
        return self.role in SUPPRESSED_ROLES

    @property
    def sees_pseudonyms(self) -> bool:
        """Admins see every pseudonym; coordinators only their own families'."""
        return self.role in (ADMIN, COORDINATOR)

    def rights(self) -> Scope:
        """The scope without who asks: what the reporting queries read of a caller.

        No query or rule reads the email (tests/test_query_context.py checks
        the source), so two callers with the same role, coordinator and
        department get the same answers, and the dashboard's caches key on
        this: a question one steering member asked is answered from the cache
        for the next, instead of once per person.
        """
        return replace(self, email="")

    def may_see_family_of(self, coordinator_id: str | None) -> bool:
        if self.role == ADMIN:
            return True
        return self.role == COORDINATOR and coordinator_id == self.coordinator_id


ALL_ROLES: Final = frozenset(ROLES)
_PROGRAMME_READERS: Final = frozenset({ADMIN, STEERING, COORDINATOR, VIEWER})

#: The one table of who may open what: every page (`page:<key>`, also the
#: page's CSV downloads and its presentation step) and the quarterly report
#: (`report`: the PDF/XLSX buttons and `python -m dashboard report --role`).
#: Navigation, `shell.open_page`, presentation mode, downloads and the command
#: line all ask `may`, so no way in can skip a role's limits.
RESOURCES: Final[Mapping[str, frozenset[str]]] = {
    "page:oversigt": ALL_ROLES,
    "page:visitation": _PROGRAMME_READERS,
    "page:forloeb": _PROGRAMME_READERS,
    "page:sagsstamme": frozenset({ADMIN, STEERING, COORDINATOR}),
    # Owner roles follow their decisions up; the page shows each role its own.
    "page:beslutninger": frozenset({ADMIN, STEERING, COORDINATOR, DEPARTMENT_HEAD}),
    "page:oekonomi": frozenset({ADMIN, STEERING, DEPARTMENT_HEAD, VIEWER}),
    "page:forebyggelse": frozenset({ADMIN, STEERING, DEPARTMENT_HEAD}),
    "page:effekt": _PROGRAMME_READERS,
    "page:bydele": ALL_ROLES,
    "page:forandringsteori": ALL_ROLES,
    "page:begreber": ALL_ROLES,
    "page:adgangslog": frozenset({ADMIN}),
    "page:indlaesninger": frozenset({ADMIN}),
    # The report holds exact counts (steering scope): only roles that see exact
    # counts on the pages may have it.
    "report": ALL_ROLES - SUPPRESSED_ROLES,
    # Making a decision and changing its status: the steering group's record.
    "decisions:write": frozenset({ADMIN, STEERING}),
    # Freezing a quarter and writing its remarks: the steering group's record too.
    "quarters:write": frozenset({ADMIN, STEERING}),
}
#: The quarterly report's resource name.
REPORT: Final = "report"
#: Adding decisions and changing their status (`rules.decisions`).
DECISIONS_WRITE: Final = "decisions:write"
#: Freezing a quarter and writing remarks (`appstate.quarters`).
QUARTERS_WRITE: Final = "quarters:write"


def page_resource(key: str) -> str:
    """The resource name of page `key` in `RESOURCES`."""
    return f"page:{key}"


def may(role: str, resource: str) -> bool:
    """True when `role` may open `resource`; an unknown resource or role is refused."""
    return role in RESOURCES.get(resource, frozenset())


#: Full rights, for the command line, the loader and tests of raw figures.
SYSTEM = Scope(role=ADMIN, email="system")


def visible_families(scope: Scope, table: Table) -> ColumnElement[bool]:
    """SQL condition on a families-like `table`: the rows `scope` may see person by person.

    Admins see every family; a coordinator only the families assigned to them;
    every other role none (they get aggregates only). Every query that returns
    family-level rows (pseudonyms, per-family tables) filters with this.
    """
    if scope.role == ADMIN:
        return true()
    if scope.role == COORDINATOR and scope.coordinator_id:
        return table.c.coordinator_id == scope.coordinator_id
    return false()
