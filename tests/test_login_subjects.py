"""Users are matched on the provider's stable subject; the email only keys the first login.

The users table is stood in for by a dict (email -> Scope); the bindings live
in the app database, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from data_access.appstate.login_subjects import bound_email, scope_for_login, subject_of
from data_access.appstate.migrate import writer
from data_access.appstate.schema import login_subjects
from data_access.rules.access import COORDINATOR, STEERING, Scope

ISS = "http://127.0.0.1:8619"
USERS = {
    "anna@demo.invalid": Scope(role=STEERING, email="anna@demo.invalid"),
    "bo@demo.invalid": Scope(role=COORDINATOR, email="bo@demo.invalid", coordinator_id="k1"),
}


def lookup(email: str) -> Scope | None:
    return USERS.get(email.strip().lower())


def claims(sub: str, email: str, **extra: object) -> dict[str, object]:
    return {"iss": ISS, "sub": sub, "email": email, **extra}


def test_subject_prefers_entra_object_id() -> None:
    entra = claims("pairwise", "a@x", oid="o-1", tid="t-1")
    assert subject_of(entra) == "entra:t-1:o-1"
    assert subject_of(claims("s-1", "a@x")) == f"oidc:{ISS}:s-1"
    assert subject_of({"email": "a@x"}) is None


def test_first_login_binds_and_email_change_keeps_role(db_url: str) -> None:
    first = scope_for_login(db_url, claims("s-anna", "Anna@demo.invalid"), lookup)
    assert first == USERS["anna@demo.invalid"]
    assert bound_email(db_url, f"oidc:{ISS}:s-anna") == "anna@demo.invalid"
    # The directory changed Anna's email: same subject, same role.
    moved = scope_for_login(db_url, claims("s-anna", "anna.new@kk.invalid"), lookup)
    assert moved == USERS["anna@demo.invalid"]


def test_email_cannot_take_over_a_bound_role(db_url: str) -> None:
    assert scope_for_login(db_url, claims("s-anna", "anna@demo.invalid"), lookup) is not None
    # Someone else sets their email claim to Anna's: refused.
    assert scope_for_login(db_url, claims("s-mallory", "anna@demo.invalid"), lookup) is None
    # And a bound user claiming a colleague's email keeps their own row.
    assert (
        scope_for_login(db_url, claims("s-bo", "bo@demo.invalid"), lookup)
        == USERS["bo@demo.invalid"]
    )
    again = scope_for_login(db_url, claims("s-bo", "anna@demo.invalid"), lookup)
    assert again == USERS["bo@demo.invalid"]


@pytest.mark.parametrize(
    "login",
    [
        claims("s-x", "nobody@demo.invalid"),
        claims("s-x", "anna@demo.invalid", email_verified=False),
        claims("s-x", ""),
        {"email": "anna@demo.invalid"},
    ],
)
def test_unknown_unverified_or_subjectless_gets_no_access(
    db_url: str, login: dict[str, object]
) -> None:
    assert scope_for_login(db_url, login, lookup) is None
    with writer(db_url).connect() as connection:
        assert connection.execute(select(login_subjects)).all() == []


def test_binding_is_unique_on_both_sides(db_url: str) -> None:
    scope_for_login(db_url, claims("s-anna", "anna@demo.invalid"), lookup)
    engine = writer(db_url)
    rows: list[Callable[[], object]] = [
        lambda: insert(login_subjects).values(
            subject=f"oidc:{ISS}:s-anna", email="bo@demo.invalid", bound_at=_now()
        ),
        lambda: insert(login_subjects).values(
            subject=f"oidc:{ISS}:other", email="anna@demo.invalid", bound_at=_now()
        ),
    ]
    for statement in rows:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(statement())  # type: ignore[call-overload]
    # Append-only: a binding cannot be moved to another row or removed.
    for change in (update(login_subjects).values(email="bo@demo.invalid"), delete(login_subjects)):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(change)
    assert bound_email(db_url, f"oidc:{ISS}:s-anna") == "anna@demo.invalid"


def _now() -> object:
    from datetime import UTC, datetime

    return datetime.now(UTC)
