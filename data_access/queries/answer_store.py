"""The table of precomputed answers: written by the owner after a load, read by the app.

`write_answers` replaces the whole table in one transaction (rows of older
data versions or older code would never be read again). `stored_payload`
is the app's one indexed SELECT per cold query; `has_answers` tells a
process once per data version whether asking is worth a round trip at all:
only when the store holds answers of this version computed by this code.
`store_state` says what the store holds, for the admin's Indlæsninger page.
Payloads are `answers.encode` bytes, decoded by the caller with
`answers.decode` (no pickle).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select

from data_access.db.schema import precomputed_answers
from data_access.queries.answers import code_fingerprint


@dataclass(frozen=True)
class StoredAnswer:
    """One row to write: the key, the query's name and the encoded answer."""

    key: str
    query: str
    payload: bytes


@dataclass(frozen=True)
class StoreState:
    """What the store holds: answers of one load, computed by some code, at some time.

    `write_answers` replaces the whole table, so there is one such set (a
    second would mean two precomputes raced; the newest is reported).
    """

    data_version: int
    this_code: bool
    answers: int
    created_at: datetime


def has_answers(engine: Engine, version: int) -> bool:
    """True when the store holds rows for `version` by this code; raises when it cannot ask.

    Answers of another release never match a key of this one, so asking for
    them would cost every cold query a round trip for nothing.
    """
    query = (
        select(precomputed_answers.c.key)
        .where(
            precomputed_answers.c.data_version == version,
            precomputed_answers.c.code_fingerprint == code_fingerprint(),
        )
        .limit(1)
    )
    with engine.connect() as connection:
        return connection.execute(query).first() is not None


def store_state(engine: Engine) -> StoreState | None:
    """The newest set of answers in the store, or None when it is empty."""
    created = func.max(precomputed_answers.c.created_at)
    query = (
        select(
            precomputed_answers.c.data_version,
            precomputed_answers.c.code_fingerprint,
            func.count(),
            created,
        )
        .group_by(precomputed_answers.c.data_version, precomputed_answers.c.code_fingerprint)
        .order_by(created.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None:
        return None
    version, fingerprint, count, created_at = row
    return StoreState(int(version), fingerprint == code_fingerprint(), int(count), created_at)


def stored_payload(engine: Engine, key: str, version: int) -> bytes | None:
    """The payload stored under `key` for data version `version`, or None."""
    query = select(precomputed_answers.c.payload).where(
        precomputed_answers.c.key == key, precomputed_answers.c.data_version == version
    )
    with engine.connect() as connection:
        payload = connection.execute(query).scalar()
    return bytes(payload) if payload is not None else None


def write_answers(engine: Engine, version: int, answers: Iterable[StoredAnswer]) -> int:
    """Replace the whole store with `answers` for `version` in one transaction; bytes written."""
    now = datetime.now(UTC).replace(tzinfo=None)
    unique = {answer.key: answer for answer in answers}
    rows: list[dict[str, object]] = [
        {
            "key": answer.key,
            "data_version": version,
            "query": answer.query,
            "payload": answer.payload,
            "created_at": now,
            "code_fingerprint": code_fingerprint(),
        }
        for answer in unique.values()
    ]
    with engine.begin() as connection:
        connection.execute(delete(precomputed_answers))
        if rows:
            connection.execute(insert(precomputed_answers), rows)
    return sum(len(answer.payload) for answer in unique.values())
