"""The steering group's decisions: versioned rows, read per quarter or across the programme.

A decision is never edited in place. Making it writes version 1; each status
change writes the next version with who and when, and the current decision
is its newest version, so the history of every decision stays readable (and
the table's triggers refuse UPDATE and DELETE). Who may add, see and change
a decision is decided by `rules.decisions`, and checked here in the data
layer, so no page or button can skip it. Text is stored exactly as given
and must be shown as plain text.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import Row, Select, insert, select
from sqlalchemy.exc import IntegrityError

from data_access.appstate.migrate import writer
from data_access.appstate.quarters import QuarterError, clean_text, quarter_bounds_of, quarter_code
from data_access.appstate.schema import quarter_decisions
from data_access.rules import decisions as rules
from data_access.rules.access import ROLES, Scope
from data_access.rules.calendar import LOCAL_TZ


@dataclass(frozen=True)
class Decision:
    """One version of a decision; `decision_key` ties a decision's versions together."""

    id: int
    decision_key: str
    programme_id: str
    quarter: str
    text: str
    owner_role: str
    due_on: date
    status: str
    concerns: str | None
    version: int
    written_by: str
    written_role: str
    written_at: datetime

    def is_overdue(self, today: date) -> bool:
        """Open and past its due date on `today` (rules.decisions.is_overdue)."""
        return rules.is_overdue(self.status, self.due_on, today)

    @property
    def written_on(self) -> date:
        """The Copenhagen calendar day the version was written."""
        return _as_utc(self.written_at).astimezone(LOCAL_TZ).date()


@dataclass(frozen=True)
class QuarterDecisions:
    """The quarterly report's decisions: made in the quarter, closed in it, overdue at its end."""

    made: tuple[Decision, ...]
    closed: tuple[Decision, ...]
    overdue: tuple[Decision, ...]


_COLUMNS: Final = tuple(quarter_decisions.c[name] for name in Decision.__dataclass_fields__)


def _now() -> datetime:
    """When a version is written (a function, so tests can set the clock)."""
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _read(url: str, query: Select[Any]) -> list[Decision]:
    """Every version the query selects, oldest first, with version numbers filled in.

    Rows from before revision a0005 have no stored version; they are numbered
    by their order within their decision, as they were written.
    """
    with writer(url).connect() as connection:
        rows: Sequence[Row[Any]] = connection.execute(query.order_by(quarter_decisions.c.id)).all()
    seen: dict[str, int] = {}
    versions: list[Decision] = []
    for row in rows:
        fields = dict(row._mapping)
        number = seen.get(fields["decision_key"], 0) + 1
        if fields["version"] is not None:
            number = int(fields["version"])
        seen[fields["decision_key"]] = number
        fields["version"] = number
        fields["written_at"] = _as_utc(fields["written_at"])
        versions.append(Decision(**fields))
    return versions


def _current(versions: Iterable[Decision]) -> list[Decision]:
    """The newest version of each decision, in the order the decisions were made."""
    first_seen: dict[str, int] = {}
    current: dict[str, Decision] = {}
    for decision in versions:
        first_seen.setdefault(decision.decision_key, decision.id)
        current[decision.decision_key] = decision
    return sorted(current.values(), key=lambda d: first_seen[d.decision_key])


def _insert(url: str, row: dict[str, Any]) -> Decision:
    try:
        with writer(url).begin() as connection:
            result = connection.execute(insert(quarter_decisions).values(**row))
    except IntegrityError:
        raise QuarterError(
            "Beslutningen er netop ændret af en anden. Intet er gemt; se den nye status."
        ) from None
    new_id = result.inserted_primary_key
    assert new_id is not None
    return Decision(id=int(new_id[0]), **row)


def _check(owner_role: str, status: str, concerns: str | None) -> None:
    if owner_role not in ROLES:
        raise QuarterError(f"Ukendt ansvarlig rolle {owner_role!r}.")
    if status not in rules.STATUSES:
        raise QuarterError(f"Ukendt status {status!r}: brug open, done eller dropped.")
    if concerns is not None and rules.split_concerns(concerns) is None:
        raise QuarterError(f"Ukendt emne {concerns!r}: brug figure:<id> eller page:<side>.")


def add_decision(
    url: str,
    programme_id: str,
    quarter: str,
    text: str,
    owner_role: str,
    due_on: date,
    scope: Scope,
    *,
    concerns: str | None = None,
) -> Decision:
    """Record a new, open decision (version 1) made in `quarter`."""
    if not rules.may_add(scope.role):
        raise QuarterError("Kun styregruppen og administratorer kan træffe beslutninger.")
    _check(owner_role, rules.OPEN, concerns)
    row = {
        "decision_key": str(uuid.uuid4()),
        "programme_id": programme_id,
        "quarter": quarter_code(quarter),
        "text": clean_text(text),
        "owner_role": owner_role,
        "due_on": due_on,
        "status": rules.OPEN,
        "concerns": concerns,
        "version": 1,
        "written_by": scope.email,
        "written_role": scope.role,
        "written_at": _now(),
    }
    return _insert(url, row)


def decision_history(url: str, decision_key: str) -> list[Decision]:
    """Every version of one decision, newest first."""
    query = select(*_COLUMNS).where(quarter_decisions.c.decision_key == decision_key)
    return list(reversed(_read(url, query)))


def set_decision_status(url: str, decision_key: str, status: str, scope: Scope) -> Decision:
    """Write the next version of the decision with `status`; the older versions stay.

    QuarterError when the caller may not change it (rules.decisions.may_change:
    a coordinator never changes a steering decision), for an unknown decision or status, or when
    someone else wrote a version in between.
    """
    history = decision_history(url, decision_key)
    if not history:
        raise QuarterError("Beslutningen findes ikke.")
    current = history[0]
    if not rules.may_change(scope.role):
        raise QuarterError("Kun styregruppen og administratorer kan ændre en beslutnings status.")
    _check(current.owner_role, status, current.concerns)
    row = {
        "decision_key": decision_key,
        "programme_id": current.programme_id,
        "quarter": current.quarter,
        "text": current.text,
        "owner_role": current.owner_role,
        "due_on": current.due_on,
        "status": status,
        "concerns": current.concerns,
        "version": current.version + 1,
        "written_by": scope.email,
        "written_role": scope.role,
        "written_at": _now(),
    }
    return _insert(url, row)


def decision_versions(url: str, programme_id: str, quarter: str) -> list[Decision]:
    """Every version of every decision made in `quarter`, newest first (the history view)."""
    table = quarter_decisions
    query = select(*_COLUMNS).where(
        table.c.programme_id == programme_id, table.c.quarter == quarter_code(quarter)
    )
    return list(reversed(_read(url, query)))


def decisions(url: str, programme_id: str, quarter: str) -> list[Decision]:
    """The current version of each decision made in `quarter`, in the order they were made."""
    return _current(reversed(decision_versions(url, programme_id, quarter)))


def _programme_versions(url: str, programme_id: str) -> list[Decision]:
    query = select(*_COLUMNS).where(quarter_decisions.c.programme_id == programme_id)
    return _read(url, query)


def programme_decisions(url: str, programme_id: str, scope: Scope) -> list[Decision]:
    """The current version of every decision of the programme that `scope` may see.

    Across quarters, oldest quarter first; deciders see all, another role
    those whose owner role is its own (rules.decisions.may_see).
    """
    current = _current(_programme_versions(url, programme_id))
    visible = [d for d in current if rules.may_see(scope.role, d.owner_role)]
    return sorted(visible, key=lambda d: d.quarter)


def overdue_decisions(url: str, programme_id: str, scope: Scope, today: date) -> list[Decision]:
    """The open decisions `scope` may see whose due date lies before `today`, earliest due first."""
    overdue = [d for d in programme_decisions(url, programme_id, scope) if d.is_overdue(today)]
    return sorted(overdue, key=lambda d: d.due_on)


def last_meeting_open(url: str, programme_id: str, quarter: str) -> tuple[str, list[Decision]]:
    """The latest quarter up to `quarter` in which decisions were made, and those still open.

    The steering group meets once a quarter; presentation mode opens with
    what its last meeting left open. ("", []) when nothing was decided yet.
    """
    code = quarter_code(quarter)
    current = _current(_programme_versions(url, programme_id))
    quarters_made = sorted({d.quarter for d in current if d.quarter <= code})
    if not quarters_made:
        return "", []
    last = quarters_made[-1]
    return last, [d for d in current if d.quarter == last and d.status == rules.OPEN]


def quarter_decisions_summary(
    url: str, programme_id: str, quarter: str, today: date
) -> QuarterDecisions:
    """Decisions made in `quarter`, closed in it, and overdue at its end (or `today`, if sooner).

    A decision counts as closed in the quarter when the version that closed
    it was written within the quarter; overdue is judged on the versions
    written by that day, so a later closing does not rewrite the quarter.
    """
    code = quarter_code(quarter)
    first, last = quarter_bounds_of(code)
    day = min(last, today)
    versions = _programme_versions(url, programme_id)
    made = [d for d in _current(versions) if d.quarter == code]
    closed: list[Decision] = []
    previous: dict[str, str] = {}
    for version in versions:
        before = previous.get(version.decision_key)
        previous[version.decision_key] = version.status
        if (
            version.status in rules.CLOSED
            and before not in rules.CLOSED
            and first <= version.written_on <= last
        ):
            closed.append(version)
    as_then = _current(v for v in versions if v.written_on <= day)
    overdue = sorted((d for d in as_then if d.is_overdue(day)), key=lambda d: d.due_on)
    return QuarterDecisions(tuple(made), tuple(closed), tuple(overdue))
