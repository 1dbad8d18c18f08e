"""Tables people can sort: numbers in the grid, Danish text on the screen.

`st.dataframe` sorts a column by the values it holds, so a column of text
such as `"15"`, `"2"`, `"10.292"` sorts as text ("10.292" < "15" < "2").
Here every column has a kind; count, money, share and date columns hold
their values, and a pandas Styler gives each cell its Danish (or English)
text: Streamlit sends both, the browser draws the text and sorts by the
value (checked in Chromium: tests/e2e/test_tables.py).

Hidden counts (`<5`, `x`, data_access.rules.disclosure) never had their
number here, and none reaches the browser: their value is a code
(HIDDEN_VALUES), the same for every hidden cell, drawn as `<5` / `x`. `<5`
sorts between 0 and 5, where the count it hides lies (a suppressed role
sees only 0, `<5` and multiples of 5), so a sorted column never puts a
hidden 3 below "nobody"; `x` (any value) sorts first. A missing value is
empty and drawn as `–` (the placeholder).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Final

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import formatting

#: The value a hidden count holds in the grid (never its real number): `<5` between 0 and 5.
HIDDEN_VALUES: Final[dict[str, float]] = {formatting.SUPPRESSED: 2.5, formatting.SECONDARY: -2.0}
_HIDDEN_TEXTS: Final[dict[float, str]] = {v: k for k, v in HIDDEN_VALUES.items()}
#: The value of a missing cell that carries a note (`– Vises ikke (< 5)`): the grid draws
#: its placeholder over a missing value whatever the text says, so the cell holds this
#: instead (it sorts first) and its text is `–` and the note.
NOTED_MISSING: Final = -math.inf


class Kind(StrEnum):
    """How a column's values read; every kind but TEXT sorts by value."""

    TEXT = "text"
    #: Families or people, disclosure-checked: numbers and the texts `<5` / `x`.
    COUNT = "count"
    #: A plain number with `decimals` decimals (medians, indicator values).
    NUMBER = "number"
    #: A number with a sign: `+3`, `−2,5`, `±0`.
    SIGNED = "signed"
    MONEY = "money"
    SIGNED_MONEY = "signed_money"
    SHARE = "share"
    #: A share's difference in percentage points: `+3,3 pp`.
    POINTS = "points"
    DATE = "date"
    MONTH = "month"
    #: A moment to the second, Copenhagen wall time (a log's time).
    MOMENT = "moment"


@dataclass(frozen=True)
class Column:
    """One table column: its heading, its values and how they read."""

    heading: str
    values: Sequence[object] | pd.Series
    kind: Kind = Kind.TEXT
    decimals: int = 0
    #: Text after the number, for NUMBER/SIGNED/POINTS (`pp`, `dage`).
    unit: str = ""
    #: Per cell, a note after its text (`61,5 % (få)`); empty: none.
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class Table:
    """A table's values (what the grid sorts by) and their text (what it draws, the CSV).

    The values are kept as plain lists per column; the DataFrame (`values`)
    is made only when something reads it. A warm view replays the cached
    draw (`show`), and there the DataFrame and pandas' hash of it were a
    tenth of a warm view's CPU across the pages (py-spy, 7 December):
    `fingerprint` hashes the lists instead.
    """

    #: heading -> the column's grid values (numbers, dates or text), in column order.
    cells: Mapping[str, Sequence[object]]
    formatters: Mapping[str, Callable[[object], str]]
    #: (row position, heading) -> note added after that cell's text.
    notes: Mapping[tuple[int, str], str]
    #: What the formatters are made of (each column's heading, kind, decimals,
    #: unit, and the language): with the values and notes it fixes every text.
    spec: tuple[object, ...] = ()

    @cached_property
    def values(self) -> pd.DataFrame:
        """The grid's values: float64 for numbers, dates as objects, text as text."""
        kinds = {entry[0]: entry[1] for entry in self.spec[1:] if isinstance(entry, tuple)}
        frame: dict[str, object] = {}
        for heading, cells in self.cells.items():
            kind = kinds.get(heading, Kind.TEXT)
            if kind == Kind.TEXT:
                frame[heading] = list(cells)
            elif kind in (Kind.DATE, Kind.MONTH):
                frame[heading] = pd.Series(list(cells), dtype=object)
            elif kind == Kind.MOMENT:
                frame[heading] = pd.Series(list(cells), dtype="datetime64[ns]")
            else:
                frame[heading] = pd.Series(list(cells), dtype="float64")
        return pd.DataFrame(frame)

    def fingerprint(self) -> bytes:
        """A digest of everything drawn: values, their kinds and notes (the draw's cache key).

        `repr` of the cells tells apart every value the grid can hold (floats
        exactly, NaN and the codes, dates, text), and the type of each.
        """
        drawn = (self.spec, sorted(self.notes.items()), list(self.cells.items()))
        return hashlib.blake2b(repr(drawn).encode(), digest_size=16).digest()

    def styler(self) -> Styler:
        """The values with each cell's text, for st.dataframe."""
        styler = self.values.style.format(dict(self.formatters))
        for (row, heading), note in self.notes.items():
            text = f"{self.formatters[heading](self.values[heading].iloc[row])} {note}"
            label = self.values.index[row]
            styler = styler.format(_constant(text), subset=([label], [heading]))
        return styler

    def text(self) -> pd.DataFrame:
        """Every cell as it is drawn: the CSV download and the tests read this."""
        shown = self.values.copy()
        for heading, formatter in self.formatters.items():
            cells = [formatter(v) for v in self.values[heading]]
            for (row, noted), note in self.notes.items():
                if noted == heading:
                    cells[row] = f"{cells[row]} {note}"
            shown[heading] = cells
        return shown


def _constant(text: str) -> Callable[[object], str]:
    """A cell formatter that writes `text` whatever the value (a cell with a note)."""
    return lambda _: text


def build(columns: Sequence[Column], lang: str) -> Table:
    """The table of `columns`: numeric columns hold numbers, each with its formatter."""
    values: dict[str, Sequence[object]] = {}
    formatters: dict[str, Callable[[object], str]] = {}
    notes: dict[tuple[int, str], str] = {}
    for column in columns:
        raw = list(column.values)
        notes.update({(row, column.heading): note for row, note in enumerate(column.notes) if note})
        if column.kind is Kind.TEXT:
            values[column.heading] = raw
            continue
        if column.kind in (Kind.DATE, Kind.MONTH):
            values[column.heading] = [_day(v) for v in raw]
        elif column.kind is Kind.MOMENT:
            values[column.heading] = [_moment(v) for v in raw]
        else:
            numbers = [_number(v) for v in raw]
            noted = {row for row, note in enumerate(column.notes) if note}
            numbers = [
                NOTED_MISSING if row in noted and math.isnan(n) else n
                for row, n in enumerate(numbers)
            ]
            values[column.heading] = numbers
        formatters[column.heading] = _formatter(column, lang)
    spec = (lang, *((c.heading, str(c.kind), c.decimals, c.unit) for c in columns))
    return Table(values, formatters, notes, spec)


#: Colours of a text column's cells: (heading, ((cell text, CSS colour), ...)).
Colours = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

#: Drawn tables kept per process; a table's draw is replayed while its values hold.
DRAW_MAX_ENTRIES: Final = 512
DRAW_TTL_SECONDS: Final = 3600
#: The main area's width on a 1366 px laptop with the sidebar open (Chromium, 7 December: 904 px).
LAPTOP_WIDTH_PX: Final = 904
#: What a table's key may hold where it becomes a CSS class name in raw HTML.
SAFE_CLASS: Final = re.compile(r"[A-Za-z0-9_-]+")
#: Roughly what Streamlit's grid gives a column: this much per character, plus padding.
_CHAR_PX: Final = 6.0
_CELL_PADDING_PX: Final = 17
#: A first column whose names wrap (`show(wrap_names=True)`) is this wide; shorter names keep
#: one line. 184 px holds the longest word of the programme's names on a line
#: ("Integrationsforvaltningen") and lets Økonomi's English table fit 1366 px too.
#: The grid wraps text only in rows taller than 4rem (64 px): two lines fit in 66.
NAME_WIDTH_PX: Final = 184
TWO_LINE_ROW_PX: Final = 66


def show(
    table: Table,
    *,
    colours: Mapping[str, Mapping[str, str]] | None = None,
    helps: Mapping[str, str] | None = None,
    key: str | None = None,
    wrap_names: bool = False,
    every_row: bool = False,
) -> None:
    """Draw `table` full width, sortable by value; `colours` colour a text column (spend status).

    `helps` gives a column's heading a tooltip: the whole sentence behind a
    heading kept short so the table fits a laptop. `key` tells apart two
    tables that may hold the same values on one page. `wrap_names` lets
    the first column's long names (a department's 44 characters) wrap onto
    two lines where the table would not fit otherwise (a laptop), and keeps
    them on one line where it does (a 1920 px screen). `every_row`
    makes the grid as tall as its rows instead of stopping at ten and
    scrolling: for tables whose rows are few by nature (a coordinator's own
    families), where a row out of view is a family overlooked.

    The draw is cached (`_draw`): pandas' Styler and Streamlit's marshalling
    of its display values cost 10-20 ms per table on every rerun (py-spy:
    40-50 % of a warm Økonomi, Bydele or Effekt view), and a table with the
    same values, kinds and notes always draws the same. A cache hit replays
    the recorded element without building the Styler again.
    """
    spec: Colours = tuple(
        (heading, tuple(sorted(by_text.items()))) for heading, by_text in (colours or {}).items()
    )
    first = next(iter(table.cells), None)
    if wrap_names and first is not None and _wraps_names(table, first):
        _show_names_wrapping_when_narrow(table, spec, tuple((helps or {}).items()), key)
        return
    # By keyword: for each positional argument Streamlit works out the signature again.
    _draw(
        table=table,
        colours=spec,
        helps=tuple((helps or {}).items()),
        key=key,
        wrapped=False,
        room=LAPTOP_WIDTH_PX,
        every_row=every_row,
    )


def _show_names_wrapping_when_narrow(
    table: Table, colours: Colours, helps: tuple[tuple[str, str], ...], key: str | None
) -> None:
    """The table twice, the browser showing the one that suits the width it has.

    Only the browser knows the width: on a laptop the long names wrap so that
    every column is in view, on a 1920 px screen there is room for each name on
    one line, and two-line rows there only spread three departments over twice
    the height with one name broken for nothing. A CSS container query on the
    main column's width picks the grid; the other is not displayed. Both are a
    few rows (a breakdown by department or funder), so the second costs little.
    The containers are made here, outside the cached draw: Streamlit's replay
    of a cached function that opens containers failed (KeyError) on a cache hit.
    """
    name = f"names-{key or table.fingerprint().hex()}"
    if not SAFE_CLASS.fullmatch(name):
        # The name goes into raw CSS below: only a code key or a fingerprint may.
        raise ValueError(f"a table key for CSS must be letters, digits, - or _: {name!r}")
    one_line = estimated_width(table)
    st.html(
        f"<style>.st-key-{name}{{container-type:inline-size}}"
        f"@container (min-width:{one_line}px){{.st-key-{name}-wrapped{{display:none}}}}"
        f"@container (max-width:{one_line - 0.02}px){{.st-key-{name}-one-line{{display:none}}}}"
        "</style>"
    )
    with st.container(key=name, gap=None):
        for suffix, wrapped, room in (
            ("one-line", False, one_line),
            ("wrapped", True, LAPTOP_WIDTH_PX),
        ):
            with st.container(key=f"{name}-{suffix}"):
                _draw(
                    table=table,
                    colours=colours,
                    helps=helps,
                    key=None,
                    wrapped=wrapped,
                    room=room,
                    every_row=False,
                )


def show_short(
    columns: Sequence[Column],
    short: Mapping[str, str],
    lang: str,
    *,
    key: str | None = None,
    every_row: bool = False,
) -> Callable[[], pd.DataFrame]:
    """Draw `columns` with the headings in `short` shortened; the CSV's maker, full headings.

    A table wider than a laptop's screen hides its last columns, often the
    ones that matter most (a family's SSP level). Short headings keep it in
    view; each short heading's tooltip is the full one, which the CSV keeps.
    A language whose heading is short already keeps it, with no tooltip.
    `every_row` as for `show`.
    """
    headings = [short.get(c.heading, c.heading) for c in columns]
    if len(set(headings)) < len(headings):
        raise ValueError(f"short headings must differ from each other: {headings}")
    table = build([replace(c, heading=h) for c, h in zip(columns, headings, strict=True)], lang)
    full_of = {shortened: full for full, shortened in short.items() if shortened != full}
    show(table, helps=full_of, key=key, every_row=every_row)
    return lambda: table.text().rename(columns=full_of)


@st.cache_data(
    max_entries=DRAW_MAX_ENTRIES,
    ttl=DRAW_TTL_SECONDS,
    show_spinner=False,
    hash_funcs={Table: Table.fingerprint},
)
def _draw(
    table: Table,
    colours: Colours,
    helps: tuple[tuple[str, str], ...],
    key: str | None,
    wrapped: bool,
    room: int,
    every_row: bool,
) -> None:
    """Build the Styler and draw it; replayed from the cache on a hit.

    `wrapped`: the first column's names on two lines. A table wider than `room`
    (a laptop's main column) scrolls sideways: its first column, which names the
    row, is pinned to stay in view. Only then: Streamlit greys a pinned column's
    text, as it does an index.
    """
    styler = table.styler()
    for heading, by_text in colours:
        css = dict(by_text)
        styler = styler.map(
            lambda v, css=css: f"color: {css[v]}; font-weight: 600" if v in css else "",
            subset=[heading],
        )
    first = next(iter(table.cells), None)
    pinned = first is not None and estimated_width(table, wrapped) > room
    tooltips = dict(helps)
    config = {
        heading: st.column_config.Column(
            help=tooltips.get(heading),
            pinned=True if pinned and heading == first else None,
            width=NAME_WIDTH_PX if wrapped and heading == first else None,
        )
        for heading in table.cells
        if heading in tooltips or (heading == first and (pinned or wrapped))
    }
    st.dataframe(
        styler,
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
        key=key,
        column_config=config or None,
        row_height=TWO_LINE_ROW_PX if wrapped else None,
        # "auto" stops at 10 one-line rows' height: taller rows would scroll out of view.
        height="content" if wrapped or every_row else "auto",
    )


def _wraps_names(table: Table, first: str) -> bool:
    """Whether the first column's names need two lines: only in a table too wide for a laptop."""
    longest = max((len(str(name)) for name in table.cells[first]), default=0)
    too_long = longest * _CHAR_PX + _CELL_PADDING_PX > NAME_WIDTH_PX
    return too_long and estimated_width(table) > LAPTOP_WIDTH_PX


def estimated_width(table: Table, wrapped: bool = False) -> int:
    """About how many pixels `table` takes at its columns' natural widths.

    The grid sizes a column to its longest text, heading included; a first
    column whose names wrap (`wrapped`) is NAME_WIDTH_PX wide. Against
    Chromium's widths (7 December, scale-1 demo): Økonomi's departments 1 076 px
    (estimated 1 114), Sagsstamme's families 1 379 (1 358), Effekt's districts
    948 (941), Forebyggelse's measures 1 915 (2 092).
    """
    shown = table.text()
    widths = [
        max([len(str(heading)), *(len(str(text)) for text in shown[heading])]) * _CHAR_PX
        + _CELL_PADDING_PX
        for heading in shown.columns
    ]
    if wrapped and widths:
        widths[0] = NAME_WIDTH_PX
    return round(sum(widths))


def _number(value: object) -> float:
    """A cell's value for the grid: the number, a hidden count's code, NaN when missing."""
    if isinstance(value, str):
        if value in HIDDEN_VALUES:
            return HIDDEN_VALUES[value]
        try:
            return float(value)
        except ValueError:
            return math.nan
    if value is None or value is pd.NA:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _day(value: object) -> date | None:
    """A date cell: datetime.date, or None when missing (pandas' NaT, NaN)."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    return None


def _moment(value: object) -> datetime | None:
    """A moment cell: a naive datetime, or None when missing (pandas' NaT is a datetime too)."""
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _formatter(column: Column, lang: str) -> Callable[[object], str]:
    """The text of one cell of `column`, from its grid value."""
    kind, decimals, unit = column.kind, column.decimals, column.unit
    suffix = f" {unit}" if unit else ""

    def plain(value: float) -> str:
        if kind is Kind.COUNT:
            return formatting.number(round(value), lang)
        if kind is Kind.NUMBER:
            return formatting.number(value, lang, decimals) + suffix
        if kind is Kind.SIGNED:
            return formatting.signed(value, lang, decimals) + suffix
        if kind is Kind.MONEY:
            return formatting.money(value, lang)
        if kind is Kind.SIGNED_MONEY:
            return formatting.signed_money(value, lang)
        if kind is Kind.SHARE:
            return formatting.share(value, lang)
        if kind is Kind.POINTS:
            points = value * 100
            return formatting.sign(points, 1) + formatting.number(abs(points), lang, 1) + suffix
        raise AssertionError(kind)

    def text(value: object) -> str:
        if kind is Kind.DATE:
            return formatting.short_date(value, lang) if isinstance(value, date) else "–"
        if kind is Kind.MONTH:
            return formatting.month_label(value, lang) if isinstance(value, date) else "–"
        if kind is Kind.MOMENT:
            moment = _moment(value)
            return formatting.log_time(moment, lang) if moment else formatting.MISSING
        if _missing(value) or value == NOTED_MISSING:
            return formatting.MISSING
        number = float(value)  # type: ignore[arg-type]
        if kind is Kind.COUNT and number in _HIDDEN_TEXTS:
            return _HIDDEN_TEXTS[number]
        return plain(number)

    return text
