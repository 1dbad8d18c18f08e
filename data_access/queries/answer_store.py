"""The table of precomputed answers: written by the owner after a load, read by the app.

`write_answers` replaces the whole table in one transaction (rows of older
data versions or older code would never be read again). `stored_payload`
is the app's one indexed SELECT per cold query; `has_answers` tells a
process once per data version whether asking is worth a round trip at all.
Payloads are `answers.encode` bytes, decoded by the caller with
`answers.decode` (no pickle).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from data_access.db.schema import precomputed_answers


@dataclass(frozen=True)
class StoredAnswer:
    """One row to write: the key, the query's name and the encoded answer."""

    key: str
    query: str
    payload: bytes


def has_answers(engine: Engine, version: int) -> bool:
    """True when the store holds rows for data version `version`; raises when it cannot ask."""
    query = (
        select(precomputed_answers.c.key)
        .where(precomputed_answers.c.data_version == version)
        .limit(1)
    )
    with engine.connect() as connection:
        return connection.execute(query).first() is not None


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
        }
        for answer in unique.values()
    ]
    with engine.begin() as connection:
        connection.execute(delete(precomputed_answers))
        if rows:
            connection.execute(insert(precomputed_answers), rows)
    return sum(len(answer.payload) for answer in unique.values())
