"""Small look-ups the app shell needs: districts, users, the data version, loads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select

from data_access.db.schema import districts, families, load_history, users
from data_access.rules.access import ROLES, Scope


@dataclass(frozen=True)
class District:
    district_id: str
    name: str
    kind: str


@dataclass(frozen=True)
class LoadInfo:
    """One row of the load history, as the footer and the admin page show it."""

    load_id: int
    loaded_at: datetime
    bundle_name: str
    covers_until: date | None
    is_demo: bool
    files: dict[str, dict[str, object]]


def list_districts(engine: Engine, programme_id: str | None = None) -> list[District]:
    """Districts with families in `programme_id` (all districts when None), by name."""
    query = select(districts.c.district_id, districts.c.name, districts.c.kind)
    if programme_id is not None:
        with_families = (
            select(families.c.district_id).where(families.c.programme_id == programme_id).distinct()
        )
        query = query.where(districts.c.district_id.in_(with_families))
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(districts.c.name)).all()
    return [District(*row) for row in rows]


def data_version(engine: Engine) -> int:
    """The newest load's id: part of every cache key, so a new load refreshes pages."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.max(load_history.c.load_id))).scalar() or 0)


def latest_load(engine: Engine) -> LoadInfo | None:
    """The newest row of the load history, or None before the first load."""
    loads = load_history_rows(engine, limit=1)
    return loads[0] if loads else None


def load_history_rows(engine: Engine, limit: int = 100) -> list[LoadInfo]:
    """The newest `limit` loads, newest first."""
    query = select(load_history).order_by(load_history.c.load_id.desc()).limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        LoadInfo(
            load_id=row["load_id"],
            loaded_at=row["loaded_at"],
            bundle_name=row["bundle_name"],
            covers_until=row["covers_until"],
            is_demo=bool(row["is_demo"]),
            files=json.loads(row["files"] or "{}"),
        )
        for row in rows
    ]


def user_scope(engine: Engine, email: str) -> Scope | None:
    """The Scope of the users row for `email` (case-insensitive), or None if unknown.

    users.csv may spell one address in two cases on two rows (the contract
    keys nothing on emails, so the loader accepts it). The row spelt exactly
    as asked wins; several rows and none spelt so is no user at all: taking
    whichever the database returns first could hand over another role.
    """
    wanted = email.strip()
    query = select(users).where(func.lower(users.c.email) == wanted.lower())
    with engine.connect() as connection:
        found = list(connection.execute(query).mappings())
    exact = [row for row in found if row["email"] == wanted]
    if exact:
        found = exact
    if len(found) != 1 or found[0]["role"] not in ROLES:
        return None
    row = found[0]
    return Scope(
        role=row["role"],
        email=row["email"],
        coordinator_id=row["coordinator_id"],
        department_id=row["department_id"],
    )


def list_users(engine: Engine, per_role: int | None = None) -> list[Scope]:
    """Users for the demo-mode picker, by role then email; at most `per_role` of each role.

    A city-sized database holds thousands of coordinators: a picker listing
    them all would be sent to the browser on every rerun, so the demo offers
    the first few of each role.
    """
    ranked = select(
        users,
        func.row_number().over(partition_by=users.c.role, order_by=users.c.email).label("rank"),
    ).subquery("ranked")
    query = select(ranked).where(ranked.c.role.in_(ROLES)).order_by(ranked.c.role, ranked.c.email)
    if per_role is not None:
        query = query.where(ranked.c.rank <= per_role)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings()
        return [
            Scope(
                role=row["role"],
                email=row["email"],
                coordinator_id=row["coordinator_id"],
                department_id=row["department_id"],
            )
            for row in rows
        ]
