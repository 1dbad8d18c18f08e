"""A safe codec for query answers, and the key they are stored under.

The dashboard keeps precomputed answers in the reporting database
(`answer_store`), written by the owner and read by every replica. A row is
data, never code: no pickle. Values are JSON with a tag for every kind that
JSON lacks; DataFrames travel as Arrow IPC streams beside the JSON;
dataclasses and enums are rebuilt only from `ALLOWED_TYPES`, a fixed list of
this package's own answer types, so a forged row can at worst make a wrong
answer, never run code.

The key is the SHA-256 of a canonical encoding of the query's name, its
arguments (with the caller already left out, as the dashboard's cache keys
them) and the code's fingerprint: sets are sorted by their encoding (their
iteration order depends on the process's hash seed), the database URL is not
part of it (the owner writes with one URL, the app reads with another), and
a new release of `data_access` misses the rows the old code computed.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import hashlib
import io
import json
import math
import struct
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from data_access.queries.business_case import BusinessCase
from data_access.queries.change_theory import Box
from data_access.queries.context import QueryContext
from data_access.queries.family_figures import StageTally
from data_access.queries.figures import FigureValue
from data_access.queries.freshness import Freshness
from data_access.queries.indicators import DistrictIndicators, Indicator, IndicatorPanel
from data_access.queries.outcomes import OutcomeResults
from data_access.queries.programmes import ProgrammeInfo
from data_access.queries.reference import District, LoadInfo
from data_access.rules.access import Scope
from data_access.rules.figures import FigureId
from data_access.rules.measures import Scale
from data_access.rules.prevention import UnitCost
from data_access.rules.spend import SpendStatus

#: The only classes a payload may name: this package's answer and argument types.
ALLOWED_TYPES: Final[tuple[type, ...]] = (
    BusinessCase,
    Box,
    District,
    FigureId,
    FigureValue,
    Freshness,
    DistrictIndicators,
    Indicator,
    IndicatorPanel,
    LoadInfo,
    OutcomeResults,
    ProgrammeInfo,
    QueryContext,
    Scale,
    Scope,
    SpendStatus,
    StageTally,
    UnitCost,
)
_BY_NAME: Final[dict[str, type]] = {f"{t.__module__}.{t.__qualname__}": t for t in ALLOWED_TYPES}

#: NumPy scalars an answer may hold (a crosstab's column labels), by their type's name.
_NUMPY_SCALARS: Final[dict[type, str]] = {
    kind: kind.__name__
    for kind in (
        np.bool_,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.float32,
        np.float64,
    )
}
_NUMPY_BY_NAME: Final[dict[str, type]] = {name: kind for kind, name in _NUMPY_SCALARS.items()}

#: The first bytes of every payload; a new layout gets a new magic.
MAGIC: Final = b"answer/1\n"
_LENGTH: Final = struct.Struct(">Q")
PACKAGE_ROOT: Final = Path(__file__).resolve().parent.parent


class AnswerCodecError(ValueError):
    """A value the codec cannot encode, or a payload it refuses to decode."""


def _name(kind: type) -> str:
    name = f"{kind.__module__}.{kind.__qualname__}"
    if _BY_NAME.get(name) is not kind:
        raise AnswerCodecError(f"not an allowed answer type: {name}")
    return name


class _Encoder:
    """Turns a value into tagged JSON; frames go to `frames` (refused for keys)."""

    def __init__(self, *, canonical: bool) -> None:
        self.canonical = canonical
        self.frames: list[bytes] = []

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, enum.Enum):
            return {"enum": _name(kind), "v": self.encode(value.value)}
        if kind in _NUMPY_SCALARS:
            return {"numpy": kind.__name__, "v": self.encode(value.item())}
        if kind is date:
            return {"date": value.isoformat()}
        if kind is datetime:
            return {"datetime": value.isoformat()}
        if kind is Decimal:
            return {"decimal": str(value)}
        if kind is bytes:
            return {"bytes": base64.b64encode(value).decode("ascii")}
        if kind is list:
            return {"list": [self.encode(item) for item in value]}
        if kind is tuple:
            return {"tuple": [self.encode(item) for item in value]}
        if kind in (set, frozenset):
            items = [self.encode(item) for item in value]
            return {kind.__name__: sorted(items, key=_canonical_text)}
        if kind is dict:
            pairs = [[self.encode(k), self.encode(v)] for k, v in value.items()]
            if self.canonical:
                pairs.sort(key=_canonical_text)
            return {"dict": pairs}
        if kind is pd.DataFrame:
            if self.canonical:
                raise AnswerCodecError("a DataFrame cannot be part of a key")
            return self._frame(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {
                f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
            return {"dataclass": _name(kind), "fields": fields}
        raise AnswerCodecError(f"no encoding for {kind.__module__}.{kind.__qualname__}")

    def _frame(self, frame: pd.DataFrame) -> dict[str, Any]:
        """Arrow for typed columns; object columns (enums, dates, mixed) cell by cell as JSON.

        Arrow would turn an object column of ints into int64 and one of
        enums into strings, so those columns are left out of the Arrow part
        and put back, as object columns, at their places on decoding.
        """
        if frame.attrs:
            raise AnswerCodecError("a DataFrame with attrs (Arrow would drop them)")
        objects = [i for i, dtype in enumerate(frame.dtypes) if pd.api.types.is_object_dtype(dtype)]
        typed = [i for i in range(frame.shape[1]) if i not in objects]
        self.frames.append(_frame_bytes(frame.iloc[:, typed]))
        return {
            "frame": len(self.frames) - 1,
            "objects": [
                [i, self.encode(frame.columns[i]), [self.encode(c) for c in frame.iloc[:, i]]]
                for i in objects
            ],
        }


def _canonical_text(item: Any) -> str:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _frame(data: bytes) -> pd.DataFrame:
    with pa.ipc.open_stream(pa.py_buffer(data)) as reader:
        frame: pd.DataFrame = reader.read_all().to_pandas()
    return frame


def encode(value: Any) -> bytes:
    """`value` as payload bytes; raises `AnswerCodecError` for a kind it does not know."""
    encoder = _Encoder(canonical=False)
    tree = json.dumps(encoder.encode(value), separators=(",", ":")).encode("utf-8")
    parts = [MAGIC, _LENGTH.pack(len(tree)), tree]
    for frame in encoder.frames:
        parts += [_LENGTH.pack(len(frame)), frame]
    return b"".join(parts)


def decode(payload: bytes) -> Any:
    """The value `encode` made `payload` from; raises `AnswerCodecError` on anything else."""
    try:
        if not payload.startswith(MAGIC):
            raise AnswerCodecError("not an answer payload")
        offset = len(MAGIC)
        (size,) = _LENGTH.unpack_from(payload, offset)
        offset += _LENGTH.size
        tree = json.loads(payload[offset : offset + size])
        offset += size
        frames: list[bytes] = []
        while offset < len(payload):
            (size,) = _LENGTH.unpack_from(payload, offset)
            offset += _LENGTH.size
            frames.append(payload[offset : offset + size])
            offset += size
        return _Decoder(frames).decode(tree)
    except AnswerCodecError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, struct.error, pa.ArrowException) as error:
        raise AnswerCodecError(f"a damaged answer payload: {error}") from error


class _Decoder:
    def __init__(self, frames: list[bytes]) -> None:
        self.frames = frames

    def decode(self, tree: Any) -> Any:
        if tree is None or type(tree) in (bool, int, str, float):
            return tree
        if type(tree) is not dict or not tree:
            raise AnswerCodecError(f"an untagged value in a payload: {type(tree).__name__}")
        tag = next(iter(tree))
        handler = self._handlers.get(tag)
        if handler is None:
            raise AnswerCodecError(f"an unknown tag in a payload: {tag!r}")
        return handler(self, tree)

    def _allowed(self, name: Any) -> type:
        kind = _BY_NAME.get(name) if isinstance(name, str) else None
        if kind is None:
            raise AnswerCodecError(f"a payload names a type that is not allowed: {name!r}")
        return kind

    def _enum(self, tree: dict[str, Any]) -> Any:
        kind = self._allowed(tree["enum"])
        if not issubclass(kind, enum.Enum):
            raise AnswerCodecError(f"not an enum: {tree['enum']}")
        return kind(self.decode(tree["v"]))

    def _numpy(self, tree: dict[str, Any]) -> Any:
        kind = _NUMPY_BY_NAME.get(tree["numpy"]) if isinstance(tree["numpy"], str) else None
        if kind is None:
            raise AnswerCodecError(f"not an allowed NumPy scalar: {tree['numpy']!r}")
        return kind(self.decode(tree["v"]))

    def _dataclass(self, tree: dict[str, Any]) -> Any:
        kind = self._allowed(tree["dataclass"])
        if not dataclasses.is_dataclass(kind):
            raise AnswerCodecError(f"not a dataclass: {tree['dataclass']}")
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        given = tree["fields"]
        if type(given) is not dict or set(given) != names:
            raise AnswerCodecError(f"the fields of {tree['dataclass']} do not match")
        return kind(**{name: self.decode(item) for name, item in given.items()})

    def _frame(self, tree: dict[str, Any]) -> pd.DataFrame:
        index = tree["frame"]
        if type(index) is not int or not 0 <= index < len(self.frames):
            raise AnswerCodecError("a payload names a frame it does not hold")
        frame = _frame(self.frames[index])
        for place, name, cells in tree["objects"]:
            column = pd.Series([self.decode(c) for c in cells], index=frame.index, dtype=object)
            frame.insert(place, self.decode(name), column, allow_duplicates=True)
        return frame

    _handlers: Final[dict[str, Callable[[_Decoder, dict[str, Any]], Any]]] = {
        "float": lambda self, tree: float(tree["float"]),
        "enum": _enum,
        "numpy": _numpy,
        "date": lambda self, tree: date.fromisoformat(tree["date"]),
        "datetime": lambda self, tree: datetime.fromisoformat(tree["datetime"]),
        "decimal": lambda self, tree: Decimal(tree["decimal"]),
        "bytes": lambda self, tree: base64.b64decode(tree["bytes"], validate=True),
        "list": lambda self, tree: [self.decode(item) for item in tree["list"]],
        "tuple": lambda self, tree: tuple(self.decode(item) for item in tree["tuple"]),
        "set": lambda self, tree: {self.decode(item) for item in tree["set"]},
        "frozenset": lambda self, tree: frozenset(self.decode(item) for item in tree["frozenset"]),
        "dict": lambda self, tree: {self.decode(k): self.decode(v) for k, v in tree["dict"]},
        "frame": _frame,
        "dataclass": _dataclass,
    }


def same(left: Any, right: Any) -> bool:
    """True when `right` is exactly `left`: same types all the way down, frames to the dtype."""
    if type(left) is not type(right):
        return False
    if isinstance(left, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(left, right, check_exact=True, check_freq=True)
        except AssertionError:
            return False
        return left.attrs == right.attrs
    if type(left) is float:
        return left == right or (math.isnan(left) and math.isnan(right))
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        return all(
            same(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left)
        )
    return bool(left == right)


def round_trip(value: Any) -> bytes | None:
    """`value`'s payload when it decodes to exactly `value` again, else None (not stored)."""
    try:
        payload = encode(value)
        return payload if same(value, decode(payload)) else None
    except AnswerCodecError:
        return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over data_access's source files: answers computed by other code never match."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def answer_key(name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> str:
    """The store's key for query `name` called with `args` and `kwargs` (the caller left out).

    The same in every process and for every database URL; raises
    `AnswerCodecError` when an argument has no canonical encoding.
    """
    encoder = _Encoder(canonical=True)
    tree = [name, encoder.encode(tuple(args)), encoder.encode(dict(kwargs)), code_fingerprint()]
    return hashlib.sha256(_canonical_text(tree).encode("utf-8")).hexdigest()
