"""Who logged in: the provider's stable subject, bound once to a users.csv row.

The email claim can be changed by whoever administers the directory (Entra
ID lets a user's mail be edited), so it cannot be the identity: it is only
the key of the first login. Then the provider's stable subject (`oid` and
`tid` for Entra ID, else `iss` and `sub`) is bound to that users.csv email
in the app's own database (`login_subjects`), and every later login is
matched on the subject alone. A second subject arriving with an email that
is already bound is refused, so changing one's email to a colleague's does
not take over their role.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from data_access.appstate.migrate import writer
from data_access.appstate.schema import login_subjects
from data_access.rules.access import Scope


def subject_of(claims: Mapping[str, Any]) -> str | None:
    """The stable subject of an ID token's claims, or None when it has none.

    Entra ID's `sub` is pairwise (differs per app registration); its `oid`
    within tenant `tid` is the user's object id. Other providers: `sub`
    is unique within the issuer `iss`.
    """
    oid, tid = claims.get("oid"), claims.get("tid")
    if oid and tid:
        return f"entra:{tid}:{oid}"
    iss, sub = claims.get("iss"), claims.get("sub")
    if iss and sub:
        return f"oidc:{iss}:{sub}"
    return None


def bound_email(url: str, subject: str) -> str | None:
    """The users.csv email `subject` is bound to, or None before its first login."""
    query = select(login_subjects.c.email).where(login_subjects.c.subject == subject)
    with writer(url).connect() as connection:
        return connection.execute(query).scalar_one_or_none()


def email_is_bound(url: str, email: str) -> bool:
    """True when some subject is already bound to `email` (case-insensitive)."""
    query = select(func.count()).where(login_subjects.c.email == email.strip().lower())
    with writer(url).connect() as connection:
        return bool(connection.execute(query).scalar_one())


def bind(url: str, subject: str, email: str) -> bool:
    """Bind `subject` to `email`; False when either is bound already (nothing changes)."""
    row = {"subject": subject, "email": email.strip().lower(), "bound_at": datetime.now(UTC)}
    try:
        with writer(url).begin() as connection:
            connection.execute(insert(login_subjects).values(**row))
    except IntegrityError:
        return False
    return True


def scope_for_login(
    url: str, claims: Mapping[str, Any], user_scope: Callable[[str], Scope | None]
) -> Scope | None:
    """The caller's Scope for a login's `claims`, or None (no access).

    `url` is the app database; `user_scope(email)` looks a users.csv row up.
    A bound subject gets its bound row, whatever email it now claims. An
    unbound one is bound on first login to the row of its verified email,
    unless that row is bound to another subject already.
    """
    subject = subject_of(claims)
    if subject is None:
        return None
    email = bound_email(url, subject)
    if email is not None:
        return user_scope(email)
    claimed = str(claims.get("email") or "").strip()
    # A provider that says the address is unverified must not map it to a role.
    if not claimed or claims.get("email_verified", True) is False:
        return None
    scope = user_scope(claimed)
    if scope is None or email_is_bound(url, scope.email):
        return None
    if not bind(url, subject, scope.email):
        # Another session bound one side meanwhile: trust only what is stored.
        email = bound_email(url, subject)
        return user_scope(email) if email is not None else None
    return scope
