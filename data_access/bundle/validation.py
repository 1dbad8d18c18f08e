"""The bundle's rules (bundle.md): parse every cell, then check every rule.

Parsing turns all-string frames into typed frames (one column per contract
column, index = source line). Checks are vectorised with pandas so a
100 000-row spend file validates in well under a second; Python only loops
over rows that are already known to be broken, to word their messages.

Every problem is collected, never only the first: an ETL team fixes a
refused bundle in one round instead of one error at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from sqlalchemy import String, Table

from data_access.bundle.reader import BUNDLE_FILES, LINE_INDEX, Problem, cell_text, frame_digest
from data_access.db import schema
from data_access.rules.access import ROLES
from data_access.rules.measures import SCALES

Kind = Literal["text", "date", "int", "number", "money", "bool"]

DISTRICT_KINDS: Final = ("city", "bydel", "boligomraade")
DEPARTMENT_KINDS: Final = ("forvaltning", "stat", "andet")
END_REASONS: Final = ("completed", "dropped_out", "moved", "other")
MEMBER_ROLES: Final = ("parent", "child")
INTERVENTION_KINDS: Final = (
    "kombinationspakke",
    "familiebehandling",
    "mentor",
    "ppr",
    "fritidsjob",
    "klub",
    "foraeldrekursus",
    "psykolog",
    "sprogkursus",
    "uu_vejledning",
    "boliganvisning",
    "other",
)
MEETING_KINDS: Final = ("coordination", "quarterly_review")
USER_ROLES: Final = ROLES
BUILTIN_INDICATORS: Final = ("tryghedsindex", "inklusion", "bandetilgang", "ungdomskriminalitet")


MEASURES: Final = tuple(SCALES)

#: Family dates in the order a course moves through them.
FAMILY_DATE_ORDER: Final = (
    "referred_on",
    "investigation_on",
    "approved_on",
    "started_on",
    "aftercare_on",
)

INT32_MAX: Final = 2**31 - 1
#: Numeric(16, 2) holds up to 14 digits before the decimal point.
MONEY_LIMIT: Final = 1e14

_DATE = r"\d{4}-\d{2}-\d{2}"
_WHOLE = r"[+-]?\d+(?:\.0*)?"
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NOT_FINITE: Final = ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
_TRUE: Final = ("true", "1", "ja")
_FALSE: Final = ("false", "0", "nej")


@dataclass(frozen=True)
class Field:
    """One contract column: its type, whether it must be there, and its limits."""

    name: str
    kind: Kind = "text"
    required: bool = True
    optional_column: bool = False
    choices: tuple[str, ...] = ()
    default: int | None = None
    minimum: float | None = None
    maximum: float | None = None


def _req(name: str, kind: Kind = "text", **options: object) -> Field:
    return Field(name, kind, required=True, **options)  # type: ignore[arg-type]


def _opt(name: str, kind: Kind = "text", **options: object) -> Field:
    """A `?` column: may be absent from the header, and its cells may be empty."""
    return Field(name, kind, required=False, optional_column=True, **options)  # type: ignore[arg-type]


SPECS: Final[dict[str, tuple[Field, ...]]] = {
    "districts.csv": (
        _req("district_id"),
        _req("name"),
        _req("kind", choices=DISTRICT_KINDS),
        _opt("parent_id"),
    ),
    "departments.csv": (
        _req("department_id"),
        _req("name"),
        _req("kind", choices=DEPARTMENT_KINDS),
    ),
    "programmes.csv": (
        _req("programme_id"),
        _req("name"),
        _req("starts_on", "date"),
        _req("ends_on", "date"),
        _opt("target_active_families", "int", minimum=0),
        _opt("target_improved_share", "number", minimum=0, maximum=1),
        _opt("intensive_months", "int", default=6, minimum=1),
        _opt("course_months", "int", default=12, minimum=1),
    ),
    "coordinators.csv": (
        _req("coordinator_id"),
        _req("name"),
        _req("email"),
        _req("district_id"),
        _opt("capacity", "int", default=15, minimum=1),
    ),
    "families.csv": (
        _req("family_id"),
        _req("programme_id"),
        _req("district_id"),
        _opt("coordinator_id"),
        _req("referred_on", "date"),
        _opt("investigation_on", "date"),
        _opt("approved_on", "date"),
        _opt("started_on", "date"),
        _opt("aftercare_on", "date"),
        _opt("ended_on", "date"),
        _opt("end_reason", choices=END_REASONS),
        _opt("single_parent", "bool"),
    ),
    "members.csv": (
        _req("member_id"),
        _req("family_id"),
        _req("role", choices=MEMBER_ROLES),
        _opt("birth_year", "int"),
        _opt("employment_act", "bool"),
    ),
    "assessments.csv": (
        _req("family_id"),
        _opt("member_id"),
        _req("assessed_on", "date"),
        _req("measure", choices=MEASURES),
        _req("value", "number"),
    ),
    "interventions.csv": (
        _req("intervention_id"),
        _req("family_id"),
        _opt("member_id"),
        _req("department_id"),
        _req("kind", choices=INTERVENTION_KINDS),
        _req("started_on", "date"),
        _opt("ended_on", "date"),
    ),
    "meetings.csv": (
        _req("meeting_id"),
        _req("family_id"),
        _req("held_on", "date"),
        _req("kind", choices=MEETING_KINDS),
        _opt("departments"),
    ),
    "budget.csv": (
        _req("programme_id"),
        _req("year", "int"),
        _req("department_id"),
        _req("funder_id"),
        _req("activity"),
        _req("amount_dkk", "money"),
    ),
    "spend.csv": (
        _req("spend_id"),
        _req("programme_id"),
        _req("booked_on", "date"),
        _req("department_id"),
        _req("funder_id"),
        _req("activity"),
        _req("amount_dkk", "money"),
        _opt("family_id"),
    ),
    "indicators.csv": (
        _req("district_id"),
        _req("indicator"),
        _req("measured_on", "date"),
        _req("value", "number"),
    ),
    "indicator_definitions.csv": (
        _req("indicator"),
        _req("name"),
        Field("unit", required=False),
        Field("higher_is_better", "bool", required=False),
    ),
    "users.csv": (
        _req("email"),
        _req("role", choices=USER_ROLES),
        _opt("department_id"),
        _opt("coordinator_id"),
    ),
    "unit_costs.csv": (
        _req("measure"),
        _req("name"),
        _req("yearly_cost_dkk", "money", minimum=0.01),
        _req("valid_from", "date"),
        _req("source"),
    ),
}

#: The table each bundle file is stored in.
TABLES: Final[dict[str, Table]] = {
    "districts.csv": schema.districts,
    "departments.csv": schema.departments,
    "programmes.csv": schema.programmes,
    "coordinators.csv": schema.coordinators,
    "families.csv": schema.families,
    "members.csv": schema.members,
    "assessments.csv": schema.assessments,
    "interventions.csv": schema.interventions,
    "meetings.csv": schema.meetings,
    "budget.csv": schema.budget,
    "spend.csv": schema.spend,
    "indicators.csv": schema.indicators,
    "indicator_definitions.csv": schema.indicator_definitions,
    "users.csv": schema.users,
    "unit_costs.csv": schema.unit_costs,
}

#: Single-column keys that must be unique within a file.
KEYS: Final[dict[str, str]] = {
    "districts.csv": "district_id",
    "departments.csv": "department_id",
    "programmes.csv": "programme_id",
    "coordinators.csv": "coordinator_id",
    "families.csv": "family_id",
    "members.csv": "member_id",
    "interventions.csv": "intervention_id",
    "meetings.csv": "meeting_id",
    "spend.csv": "spend_id",
    "indicator_definitions.csv": "indicator",
    "users.csv": "email",
}
BUDGET_KEY: Final = ("programme_id", "year", "department_id", "funder_id", "activity")
INDICATOR_KEY: Final = ("district_id", "indicator", "measured_on")
UNIT_COST_KEY: Final = ("measure", "valid_from")

assert tuple(SPECS) == BUNDLE_FILES == tuple(TABLES)


def _max_length(file: str, column: str) -> int | None:
    column_type = TABLES[file].c[column].type
    return column_type.length if isinstance(column_type, String) else None


@dataclass(frozen=True)
class DatabaseState:
    """What the database already holds that the bundle may refer to or collide with.

    `taken` maps a file to the keys that exist in rows this load will not
    replace (key -> who holds it); `orphans` lists database families this load
    would delete although kept spend still points at them.
    """

    programmes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    districts: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()
    indicator_definitions: frozenset[str] = frozenset()
    families: Mapping[str, str] = field(default_factory=dict)
    taken: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    orphans: tuple[tuple[str, str, str, str], ...] = ()


@dataclass
class ParsedBundle:
    """Typed frames for every contract file (empty when absent) plus parse problems."""

    frames: dict[str, pd.DataFrame]
    #: SHA-256 of each given file (`frame_digest`); its text is not kept.
    digests: dict[str, str]
    problems: list[Problem]
    missing_columns: set[tuple[str, str]]

    @property
    def present(self) -> list[str]:
        """Bundle files that were given, in contract order."""
        return [name for name in BUNDLE_FILES if name in self.digests]

    def ids(self, file: str, column: str) -> set[str]:
        values = self.frames[file][column]
        return set(values[values != ""].unique().tolist())


def parse_frames(frames: Mapping[str, pd.DataFrame], *, consume: bool = False) -> ParsedBundle:
    """Normalise any frames (strings or typed cells) to text, then parse them by the contract.

    One file at a time, and each text copy is dropped once parsed (only its
    digest is kept): at city scale the text copies of every file together
    were a gigabyte at the load's peak. With `consume` (a mutable mapping)
    each contract file is also taken out of `frames` as it is parsed, so
    the caller's copy of a file is gone once its typed frame exists.
    """
    taken: MutableMapping[str, pd.DataFrame] | None = None
    if consume:
        if not isinstance(frames, MutableMapping):
            raise TypeError("consume=True needs a mutable mapping of frames")
        taken = frames
    keys: dict[str, str] = {}
    for key in frames:
        name = key if key.endswith(".csv") else f"{key}.csv"
        if name in SPECS:
            keys[name] = key
    problems: list[Problem] = []
    missing: set[tuple[str, str]] = set()
    digests: dict[str, str] = {}
    typed: dict[str, pd.DataFrame] = {}
    for name in BUNDLE_FILES:
        text = None
        if name in keys:
            given = taken.pop(keys[name]) if taken is not None else frames[keys[name]]
            text = _to_text(name, given, problems)
            del given
            digests[name] = frame_digest(_empty_text([]) if text is None else text)
        typed[name] = _parse_file(name, text, problems, missing)
        del text
    return ParsedBundle(typed, digests, problems, missing)


def replaced_programmes(parsed: ParsedBundle) -> frozenset[str]:
    """Programmes whose families, budget and spend this bundle replaces."""
    ids = parsed.ids("programmes.csv", "programme_id")
    for file in ("families.csv", "budget.csv", "spend.csv"):
        ids |= parsed.ids(file, "programme_id")
    return frozenset(ids)


def check_bundle(parsed: ParsedBundle, db: DatabaseState) -> list[Problem]:
    """Every cross-row and cross-file rule, against the bundle plus the database."""
    problems: list[Problem] = []
    _check_duplicates(parsed, problems)
    _check_references(parsed, db, problems)
    _check_members(parsed, problems)
    _check_dates(parsed, problems)
    _check_measures(parsed, problems)
    _check_database_keys(parsed, db, problems)
    return problems


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Contract file order, then line: the order someone fixing the files reads them in."""
    rank = {name: i for i, name in enumerate(BUNDLE_FILES)}
    return sorted(problems, key=lambda p: (rank.get(p.file, len(rank)), p.file, p.line))


# -- normalising to text ------------------------------------------------------


def _to_text(name: str, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame | None:
    columns = [cell_text(column) for column in frame.columns]
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    for column in duplicated:
        problems.append(Problem(name, 1, column, "column appears twice in the header"))
    if duplicated:
        return None
    numbers = (
        np.asarray(frame.index, dtype=np.int64)
        if frame.index.name == LINE_INDEX
        else np.arange(2, len(frame) + 2, dtype=np.int64)
    )
    lines = pd.Index(numbers, name=LINE_INDEX)
    if all(isinstance(dtype, pd.StringDtype) for dtype in frame.dtypes):
        text = frame.set_axis(lines, axis=0).set_axis(columns, axis=1)
        text = text.loc[:, [c for c in columns if c]]
        for column in text.columns:
            text[column] = text[column].fillna("").str.strip()
        text.attrs.update(frame.attrs)
        return text
    data = {
        column: pd.Series(_column_text(frame.iloc[:, i]).to_numpy(), index=lines, dtype="str")
        for i, column in enumerate(columns)
        if column
    }
    text = pd.DataFrame(data, index=lines, columns=[c for c in columns if c])
    text.attrs.update(frame.attrs)
    return text


def _column_text(series: pd.Series) -> pd.Series:
    """The column as bundle text, exactly as `cell_text` writes each cell.

    Typed columns (dates, numbers, booleans, as the demo and spreadsheets
    give them) are converted a whole column at a time: calling `cell_text`
    per cell took most of a million-row load. Anything else (object
    columns, time-zone-aware dates) still goes cell by cell.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return series.fillna("").str.strip()
    if pd.api.types.is_datetime64_dtype(dtype):
        return _datetime_text(series)
    if pd.api.types.is_bool_dtype(dtype):
        missing = series.isna().to_numpy(dtype=bool)
        flags = series.fillna(False).to_numpy(dtype=bool)
        text = np.where(flags, "true", "false").astype(object)
        text[missing] = ""
        return pd.Series(text, index=series.index)
    if pd.api.types.is_signed_integer_dtype(dtype):
        missing = series.isna().to_numpy(dtype=bool)
        text = series.fillna(0).to_numpy(dtype=np.int64).astype(str).astype(object)
        text[missing] = ""
        return pd.Series(text, index=series.index)
    if dtype == np.float64:
        return pd.Series(_float_text(series.to_numpy(dtype=np.float64)), index=series.index)
    return series.map(cell_text)


def _datetime_text(series: pd.Series) -> pd.Series:
    """Dates at midnight as YYYY-MM-DD, other times by `cell_text`, NaT as ""."""
    missing = series.isna()
    years = series.dt.year[~missing]
    if not years.empty and (years.min() < 1000 or years.max() > 9999):
        return series.map(cell_text)
    midnight = (series.dt.normalize() == series) & ~missing
    text = series.dt.strftime("%Y-%m-%d").astype(object).where(midnight, "")
    timed = ~midnight & ~missing
    if timed.any():
        text[timed] = series[timed].map(cell_text)
    return text


def _float_text(values: np.ndarray) -> np.ndarray:
    """`cell_text` of float cells: whole numbers without ".0", others by repr, NaN as ""."""
    text = np.full(len(values), "", dtype=object)
    finite = np.isfinite(values)
    whole = finite & (np.abs(values) < 1e16)
    whole[whole] = np.floor(values[whole]) == values[whole]
    text[whole] = values[whole].astype(np.int64).astype(str)
    rest = ~whole & ~np.isnan(values)
    text[rest] = [repr(float(v)) for v in values[rest]]
    return text


def _empty_text(columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns}, columns=columns)
    frame.index = pd.Index([], dtype=np.int64, name=LINE_INDEX)
    return frame


# -- parsing cells ------------------------------------------------------------


def _parse_file(
    name: str,
    text: pd.DataFrame | None,
    problems: list[Problem],
    missing: set[tuple[str, str]],
) -> pd.DataFrame:
    """Typed frame with every contract column; bad cells are reported and left empty.

    An absent file counts as empty (ETL may omit a file without rows); a file
    that is there must have every required column.
    """
    given = text is not None
    if text is None:
        text = _empty_text([])
    spelt = _columns_in_any_case(name, [str(c) for c in text.columns], problems)
    columns: dict[str, pd.Series] = {}
    for spec in SPECS[name]:
        column = spelt.get(spec.name)
        present = column is not None
        if column is not None:
            raw = text[column]
        else:
            raw = pd.Series("", index=text.index, dtype="str")
            if given and not spec.optional_column:
                missing.add((name, spec.name))
                if spec.name not in spelt:
                    problems.append(Problem(name, 1, spec.name, "required column missing"))
        columns[spec.name] = _parse_column(name, spec, raw, present, problems)
    return pd.DataFrame(columns, index=text.index)


def _columns_in_any_case(
    name: str, header: list[str], problems: list[Problem]
) -> dict[str, str | None]:
    """Contract column -> the header's column for it, found without regard to case.

    `Ended_On` was an extra column, ignored, so every end date was lost
    without a word. The exact spelling wins; two other spellings and no
    exact one are reported and map to None (the column counts as missing,
    and is not said to be missing as well).
    """
    spelt: dict[str, str | None] = {}
    for spec in SPECS[name]:
        if spec.name in header:
            spelt[spec.name] = spec.name
            continue
        others = [column for column in header if column.lower() == spec.name.lower()]
        if len(others) == 1:
            spelt[spec.name] = others[0]
        elif others:
            where = ", ".join(_q(column) for column in sorted(others))
            problems.append(Problem(name, 1, spec.name, f"column found more than once: {where}"))
            spelt[spec.name] = None
    return spelt


def _parse_column(
    file: str, spec: Field, raw: pd.Series, present: bool, problems: list[Problem]
) -> pd.Series:
    empty = raw == ""
    if spec.required and present and empty.any():
        _report(problems, file, spec.name, raw.index[empty], ["value missing"] * int(empty.sum()))
    if empty.all():
        return _all_missing(spec, raw)
    parser = _PARSERS[spec.kind]
    return parser(file, spec, raw, empty, problems)


def _all_missing(spec: Field, raw: pd.Series) -> pd.Series:
    """A column without any value (absent, or an empty file): skip the parsing."""
    if spec.kind == "date":
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if spec.kind == "int":
        return pd.Series(spec.default, index=raw.index, dtype="Int64")
    if spec.kind in ("number", "money"):
        return pd.Series(np.nan, index=raw.index, dtype="float64")
    if spec.kind == "bool":
        return pd.Series(pd.NA, index=raw.index, dtype="boolean")
    return raw


def _parse_text(
    file: str, spec: Field, raw: pd.Series, empty: pd.Series, problems: list[Problem]
) -> pd.Series:
    bad = pd.Series(False, index=raw.index)
    if spec.choices:
        unknown = ~empty & ~raw.isin(spec.choices)
        expected = ", ".join(spec.choices)
        _flag(
            problems,
            file,
            spec.name,
            raw,
            unknown,
            lambda v: f"unknown {spec.name} {_q(v)} (expected one of: {expected})",
        )
        bad |= unknown
    limit = _max_length(file, spec.name)
    if limit is not None:
        long = raw.str.len() > limit
        _flag(
            problems,
            file,
            spec.name,
            raw,
            long,
            lambda v: f"longer than {limit} characters ({len(v)}): {_q(v[:40] + '...')}",
        )
        bad |= long
    return raw.where(~bad, "") if bad.any() else raw


def _parse_date(
    file: str, spec: Field, raw: pd.Series, empty: pd.Series, problems: list[Problem]
) -> pd.Series:
    usable = raw.str.fullmatch(_DATE).astype(bool)
    parsed = pd.to_datetime(raw.where(usable, None), format="%Y-%m-%d", errors="coerce").astype(
        "datetime64[us]"
    )
    _flag(
        problems,
        file,
        spec.name,
        raw,
        ~empty & ~usable,
        lambda v: f"not a date in the form YYYY-MM-DD: {_q(v)}{_day_number_hint(v)}",
    )
    _flag(
        problems,
        file,
        spec.name,
        raw,
        usable & parsed.isna(),
        lambda v: f"not a real date: {_q(v)}",
    )
    return parsed


def _day_number_hint(value: str) -> str:
    """A hint when `value` looks like a spreadsheet's day number (40188 = 2010-01-10).

    A date cell formatted as a number (or General) reaches the loader as the
    number of days since 1899-12-30: five digits for the years 1982-2173.
    """
    if re.fullmatch(r"\d{5}(\.0+)?", value):
        return " (a spreadsheet's day number? format the cells as dates)"
    return ""


def _parse_int(
    file: str, spec: Field, raw: pd.Series, empty: pd.Series, problems: list[Problem]
) -> pd.Series:
    shaped = raw.str.fullmatch(_WHOLE).astype(bool)
    _flag(
        problems, file, spec.name, raw, ~empty & ~shaped, lambda v: f"not a whole number: {_q(v)}"
    )
    usable = raw.where(shaped & ~empty, None).str.replace(r"\.0*$", "", regex=True)
    numbers = pd.to_numeric(usable, errors="coerce").astype("float64")
    too_big = numbers.abs() > INT32_MAX
    if too_big.any():
        _flag(problems, file, spec.name, raw, too_big, lambda v: f"number too large: {_q(v)}")
        numbers = numbers.where(~too_big)
    numbers = _check_bounds(file, spec, numbers, raw, problems)
    result = numbers.astype("Int64")
    if spec.default is not None:
        result = result.fillna(spec.default)
    return result


def _parse_number(
    file: str, spec: Field, raw: pd.Series, empty: pd.Series, problems: list[Problem]
) -> pd.Series:
    shaped = raw.str.fullmatch(_NUMBER).astype(bool)
    _flag(problems, file, spec.name, raw, ~empty & ~shaped, _not_a_number)
    numbers = pd.to_numeric(raw.where(shaped & ~empty, None), errors="coerce").astype("float64")
    infinite = shaped & ~empty & ~np.isfinite(numbers)
    if infinite.any():
        _flag(problems, file, spec.name, raw, infinite, lambda v: f"not a finite number: {_q(v)}")
        numbers = numbers.where(~infinite)
    if spec.kind == "money":
        too_big = numbers.abs() >= MONEY_LIMIT
        if too_big.any():
            _flag(problems, file, spec.name, raw, too_big, lambda v: f"amount too large: {_q(v)}")
            numbers = numbers.where(~too_big)
    return _check_bounds(file, spec, numbers, raw, problems)


def _not_a_number(value: str) -> str:
    if value.lower() in _NOT_FINITE:
        return f"not a finite number: {_q(value)}"
    if "," in value or " " in value:
        return f"not a number (use '.' as decimal point and no thousands separator): {_q(value)}"
    return f"not a number: {_q(value)}"


def _check_bounds(
    file: str, spec: Field, numbers: pd.Series, raw: pd.Series, problems: list[Problem]
) -> pd.Series:
    if spec.minimum is None and spec.maximum is None:
        return numbers
    low = -np.inf if spec.minimum is None else spec.minimum
    high = np.inf if spec.maximum is None else spec.maximum
    outside = (numbers < low) | (numbers > high)
    if not outside.any():
        return numbers
    if spec.maximum is None:
        wording = f"must be at least {cell_text(low)}"
    else:
        wording = f"must be between {cell_text(low)} and {cell_text(high)}"
    _flag(problems, file, spec.name, raw, outside, lambda v: f"{wording}, got {_q(v)}")
    return numbers.where(~outside)


def _parse_bool(
    file: str, spec: Field, raw: pd.Series, empty: pd.Series, problems: list[Problem]
) -> pd.Series:
    lower = raw.str.lower()
    true = lower.isin(_TRUE)
    false = lower.isin(_FALSE)
    _flag(
        problems,
        file,
        spec.name,
        raw,
        ~empty & ~true & ~false,
        lambda v: f"not true or false (also 1/0, ja/nej): {_q(v)}",
    )
    result = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    result[true] = True
    result[false] = False
    return result


_PARSERS: Final[dict[str, Callable[..., pd.Series]]] = {
    "text": _parse_text,
    "date": _parse_date,
    "int": _parse_int,
    "number": _parse_number,
    "money": _parse_number,
    "bool": _parse_bool,
}


# -- rules across rows and files ----------------------------------------------


def _check_duplicates(parsed: ParsedBundle, problems: list[Problem]) -> None:
    for file, key in KEYS.items():
        _duplicates(parsed.frames[file], file, (key,), key, problems)
    _duplicates(parsed.frames["budget.csv"], "budget.csv", BUDGET_KEY, "activity", problems)
    _duplicates(
        parsed.frames["indicators.csv"], "indicators.csv", INDICATOR_KEY, "measured_on", problems
    )
    _duplicates(
        parsed.frames["unit_costs.csv"], "unit_costs.csv", UNIT_COST_KEY, "valid_from", problems
    )


def _duplicates(
    frame: pd.DataFrame,
    file: str,
    keys: tuple[str, ...],
    column: str,
    problems: list[Problem],
) -> None:
    """Report each repeat of a key on its own line, naming the line that had it first."""
    if len(frame) < 2:
        return
    parts = frame.loc[:, list(keys)]
    complete = pd.Series(True, index=frame.index)
    for key in keys:
        values = parts[key]
        complete &= values.notna() & (values != "") if values.dtype == "str" else values.notna()
    parts = parts[complete]
    repeated = parts.duplicated(keep="first")
    if not repeated.any():
        return
    lines = pd.Series(parts.index, index=parts.index)
    first = lines.groupby([parts[k] for k in keys], sort=False).transform("min")
    for line in parts.index[repeated]:
        row = parts.loc[line]
        if len(keys) == 1:
            what = f"{keys[0]} {_q(row[keys[0]])}"
        else:
            what = "row for (" + ", ".join(f"{k} {_q(_display(row[k]))}" for k in keys) + ")"
        problems.append(
            Problem(file, int(line), column, f"duplicate {what} (first on line {first[line]})")
        )


#: (file, column) -> (file, key column) it refers to; the id may also be in the database.
REFERENCES: Final[dict[tuple[str, str], tuple[str, str]]] = {
    ("districts.csv", "parent_id"): ("districts.csv", "district_id"),
    ("coordinators.csv", "district_id"): ("districts.csv", "district_id"),
    ("families.csv", "programme_id"): ("programmes.csv", "programme_id"),
    ("families.csv", "district_id"): ("districts.csv", "district_id"),
    ("families.csv", "coordinator_id"): ("coordinators.csv", "coordinator_id"),
    ("interventions.csv", "department_id"): ("departments.csv", "department_id"),
    ("budget.csv", "programme_id"): ("programmes.csv", "programme_id"),
    ("budget.csv", "department_id"): ("departments.csv", "department_id"),
    ("budget.csv", "funder_id"): ("departments.csv", "department_id"),
    ("spend.csv", "programme_id"): ("programmes.csv", "programme_id"),
    ("spend.csv", "department_id"): ("departments.csv", "department_id"),
    ("spend.csv", "funder_id"): ("departments.csv", "department_id"),
    ("indicators.csv", "district_id"): ("districts.csv", "district_id"),
    ("indicators.csv", "indicator"): ("indicator_definitions.csv", "indicator"),
    ("users.csv", "department_id"): ("departments.csv", "department_id"),
    ("users.csv", "coordinator_id"): ("coordinators.csv", "coordinator_id"),
}


def _check_references(parsed: ParsedBundle, db: DatabaseState, problems: list[Problem]) -> None:
    known: dict[tuple[str, str], set[str]] = {
        ("districts.csv", "district_id"): set(db.districts),
        ("departments.csv", "department_id"): set(db.departments),
        ("programmes.csv", "programme_id"): set(db.programmes),
        ("coordinators.csv", "coordinator_id"): set(db.coordinators),
        ("indicator_definitions.csv", "indicator"): set(BUILTIN_INDICATORS)
        | db.indicator_definitions,
    }
    for target, ids in known.items():
        ids |= parsed.ids(*target)
    for (file, column), target in REFERENCES.items():
        values = parsed.frames[file][column]
        if target in parsed.missing_columns or values.empty:
            continue
        what = target[1].removesuffix("_id")
        source = f"{target[0]} or the database"
        if target[0] == "indicator_definitions.csv":
            source = f"the built-in indicators, {source}"
        unknown = (values != "") & ~values.isin(known[target])
        if unknown.any():
            _report(
                problems,
                file,
                column,
                values.index[unknown],
                [f"unknown {what} {_q(v)} (not in {source})" for v in values[unknown]],
            )
    _check_meeting_departments(parsed, known[("departments.csv", "department_id")], problems)
    _check_family_references(parsed, db, problems)


def _check_meeting_departments(
    parsed: ParsedBundle, departments: set[str], problems: list[Problem]
) -> None:
    if ("departments.csv", "department_id") in parsed.missing_columns:
        return
    listed = parsed.frames["meetings.csv"]["departments"]
    parts = listed[listed != ""].str.split(";").explode().str.strip()
    unknown = (parts != "") & ~parts.isin(departments)
    _report_values(
        problems,
        "meetings.csv",
        "departments",
        parts[unknown],
        lambda v: f"unknown department {_q(v)} (not in departments.csv or the database)",
    )


def _check_family_references(
    parsed: ParsedBundle, db: DatabaseState, problems: list[Problem]
) -> None:
    """Family rows travel with their family; spend may also name a family that stays."""
    if ("families.csv", "family_id") in parsed.missing_columns:
        return
    bundle_families = parsed.ids("families.csv", "family_id")
    replaced = replaced_programmes(parsed)
    kept = {f for f, p in db.families.items() if p not in replaced}

    def child_message(value: str) -> str:
        if value in db.families:
            return (
                f"family {_q(value)} is not in families.csv (a family's members, assessments, "
                "interventions and meetings are loaded together with the family)"
            )
        return f"unknown family {_q(value)} (not in families.csv)"

    for file in ("members.csv", "assessments.csv", "interventions.csv", "meetings.csv"):
        values = parsed.frames[file]["family_id"]
        unknown = (values != "") & ~values.isin(bundle_families)
        _report_values(problems, file, "family_id", values[unknown], child_message)

    def spend_message(value: str) -> str:
        if value in db.families:
            return (
                f"family {_q(value)} is not in families.csv, and this bundle replaces the "
                f"families of programme {_q(db.families[value])}"
            )
        return f"unknown family {_q(value)} (not in families.csv or the database)"

    values = parsed.frames["spend.csv"]["family_id"]
    unknown = (values != "") & ~values.isin(bundle_families | kept)
    _report_values(problems, "spend.csv", "family_id", values[unknown], spend_message)


def _member_lookup(parsed: ParsedBundle) -> pd.DataFrame:
    members = parsed.frames["members.csv"]
    members = members[members["member_id"] != ""].drop_duplicates("member_id")
    return members.set_index("member_id")[["family_id", "role"]]


def _check_members(parsed: ParsedBundle, problems: list[Problem]) -> None:
    """member_id must name a member of the row's own family."""
    if ("members.csv", "member_id") in parsed.missing_columns:
        return
    lookup = _member_lookup(parsed)
    for file in ("assessments.csv", "interventions.csv"):
        frame = parsed.frames[file]
        member = frame["member_id"]
        given = member != ""
        if not given.any():
            continue
        family_of = member.map(lookup["family_id"])
        unknown = given & family_of.isna()
        _report_values(
            problems,
            file,
            "member_id",
            member[unknown],
            lambda v: f"unknown member {_q(v)} (not in members.csv)",
        )
        other = given & family_of.notna() & (family_of != frame["family_id"])
        _report(
            problems,
            file,
            "member_id",
            frame.index[other],
            [
                f"member {_q(m)} belongs to family {_q(f)}, not to {_q(own)}"
                for m, f, own in zip(
                    member[other], family_of[other], frame["family_id"][other], strict=True
                )
            ],
        )


def _check_dates(parsed: ParsedBundle, problems: list[Problem]) -> None:
    families = parsed.frames["families.csv"]
    previous = pd.Series(pd.NaT, index=families.index, dtype="datetime64[us]")
    previous_name = pd.Series("", index=families.index, dtype="str")
    for column in FAMILY_DATE_ORDER:
        current = families[column]
        _before(problems, "families.csv", column, current, previous, previous_name)
        given = current.notna()
        previous = previous.where(~given, current)
        previous_name = previous_name.where(~given, column)
    referred_name = pd.Series("referred_on", index=families.index, dtype="str")
    _before(
        problems,
        "families.csv",
        "ended_on",
        families["ended_on"],
        families["referred_on"],
        referred_name,
    )
    programmes = parsed.frames["programmes.csv"]
    _before(
        problems,
        "programmes.csv",
        "ends_on",
        programmes["ends_on"],
        programmes["starts_on"],
        pd.Series("starts_on", index=programmes.index, dtype="str"),
    )
    interventions = parsed.frames["interventions.csv"]
    _before(
        problems,
        "interventions.csv",
        "ended_on",
        interventions["ended_on"],
        interventions["started_on"],
        pd.Series("started_on", index=interventions.index, dtype="str"),
    )


def _before(
    problems: list[Problem],
    file: str,
    column: str,
    later: pd.Series,
    earlier: pd.Series,
    earlier_name: pd.Series,
) -> None:
    if later.empty:
        return
    bad = later.notna() & earlier.notna() & (later < earlier)
    if not bad.any():
        return
    _report(
        problems,
        file,
        column,
        later.index[bad],
        [
            f"date is before {name} ({a:%Y-%m-%d} < {b:%Y-%m-%d})"
            for name, a, b in zip(earlier_name[bad], later[bad], earlier[bad], strict=True)
        ],
    )


def _check_measures(parsed: ParsedBundle, problems: list[Problem]) -> None:
    """Each measure's scale, and member-level measures need a member of the right role."""
    frame = parsed.frames["assessments.csv"]
    if frame.empty:
        return
    lookup = _member_lookup(parsed)
    role_of = frame["member_id"].map(lookup["role"])
    value = frame["value"]
    for measure, scale in SCALES.items():
        rows = frame["measure"] == measure
        outside = rows & value.notna() & ((value < scale.low) | (value > scale.high))
        if scale.whole:
            outside |= rows & value.notna() & (value != value.round())
        wording = (
            f"{measure} must be {'a whole number' if scale.whole else 'a number'} "
            f"from {cell_text(scale.low)} to {cell_text(scale.high)}, got "
        )
        _report(
            problems,
            "assessments.csv",
            "value",
            value.index[outside],
            [wording + cell_text(v) for v in value[outside].tolist()],
        )
        if scale.role is None:
            continue
        absent = rows & (frame["member_id"] == "")
        _report(
            problems,
            "assessments.csv",
            "member_id",
            frame.index[absent],
            [f"{measure} is measured on a {scale.role}: member_id is missing"] * int(absent.sum()),
        )
        wrong = rows & role_of.notna() & (role_of != "") & (role_of != scale.role)
        _report(
            problems,
            "assessments.csv",
            "member_id",
            frame.index[wrong],
            [
                f"{measure} is measured on a {scale.role}, but member {_q(m)} is a {r}"
                for m, r in zip(frame["member_id"][wrong], role_of[wrong], strict=True)
            ],
        )


def _check_database_keys(parsed: ParsedBundle, db: DatabaseState, problems: list[Problem]) -> None:
    """Keys the bundle reuses from database rows this load keeps would collide."""
    for file, taken in db.taken.items():
        if not taken:
            continue
        key = KEYS[file]
        values = parsed.frames[file][key]
        clash = values.isin(list(taken))
        _report(
            problems,
            file,
            key,
            values.index[clash],
            [
                f"{key} {_q(v)} is already used in the database by {taken[v]}, "
                "which this bundle does not replace"
                for v in values[clash]
            ],
        )
    for family, programme, spend_id, spend_programme in db.orphans:
        problems.append(
            Problem(
                "families.csv",
                1,
                "family_id",
                f"family {_q(family)} of programme {_q(programme)} is not in families.csv and "
                f"would be removed, but spend {_q(spend_id)} of programme {_q(spend_programme)} "
                "in the database refers to it",
            )
        )


# -- reporting ----------------------------------------------------------------


def _report(
    problems: list[Problem], file: str, column: str, lines: Iterable[Any], messages: list[str]
) -> None:
    for line, message in zip(lines, messages, strict=True):
        problems.append(Problem(file, int(line), column, message))


def _report_values(
    problems: list[Problem],
    file: str,
    column: str,
    values: pd.Series,
    message: Callable[[Any], str],
) -> None:
    """One problem per entry of `values` (indexed by line), worded by `message`."""
    if values.empty:
        return
    for line, value in zip(values.index, values.tolist(), strict=True):
        problems.append(Problem(file, int(line), column, message(value)))


def _flag(
    problems: list[Problem],
    file: str,
    column: str,
    values: pd.Series,
    mask: pd.Series,
    message: Callable[[Any], str],
) -> None:
    """One problem per value where `mask` holds; cheap when nothing is wrong."""
    if mask.any():
        _report_values(problems, file, column, values[mask], message)


def _display(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return cell_text(value)


def _q(value: object) -> str:
    return f"'{value}'"
