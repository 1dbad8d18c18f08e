"""The steering group's decisions: their statuses, when one is overdue, who may change it.

One home for these rules so the page, the overview's warning, presentation
mode and the quarterly report agree on what "overdue" means, and so the
write check in `appstate.decisions` and the page's buttons ask the same
question.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from data_access.rules.access import DECISIONS_WRITE, RESOURCES, may

OPEN: Final = "open"
DONE: Final = "done"
DROPPED: Final = "dropped"
#: Every status a decision can have; only OPEN decisions can be overdue.
STATUSES: Final[tuple[str, ...]] = (OPEN, DONE, DROPPED)
#: Statuses that close a decision (counted as "closed" in the quarterly report).
CLOSED: Final[frozenset[str]] = frozenset({DONE, DROPPED})
#: Roles that make decisions, see all of them and may change any of them
#: (the policy table's `decisions:write` row).
DECIDERS: Final[frozenset[str]] = RESOURCES[DECISIONS_WRITE]

#: What a decision concerns: `figure:<FigureId>` or `page:<page key>`.
CONCERNS_KINDS: Final[tuple[str, ...]] = ("figure", "page")


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """An open decision is overdue from the day after its due date; on the due date it is not."""
    return status == OPEN and today > due_on


def may_see(role: str, owner_role: str) -> bool:
    """Deciders see every decision; any other role only those it owns."""
    return role in DECIDERS or role == owner_role


def may_add(role: str) -> bool:
    """Only the steering group and admins make decisions."""
    return may(role, DECISIONS_WRITE)


def may_change(role: str) -> bool:
    """Only deciders change a decision's status.

    Every decision is the steering group's: an owner role (a coordinator, a
    department head) follows it up and can read it, but never rewrites it.
    """
    return may(role, DECISIONS_WRITE)


def concerns_code(kind: str, key: str) -> str:
    """The stored form of what a decision concerns, e.g. `figure:active_families`."""
    if kind not in CONCERNS_KINDS or not key or ":" in key:
        raise ValueError(f"unknown concern {kind!r}:{key!r}")
    return f"{kind}:{key}"


def split_concerns(code: str | None) -> tuple[str, str] | None:
    """(`figure` or `page`, key) from the stored form; None when the decision names nothing."""
    if not code:
        return None
    kind, _, key = code.partition(":")
    if kind not in CONCERNS_KINDS or not key:
        return None
    return kind, key
