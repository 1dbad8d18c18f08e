"""Danish (and English) number, money, share and date formats, via Babel.

kpis.md fixes the shapes: `31.866.667 kr.` / `DKK 31,866,667` for amounts and
`61,5 %` / `61.5%` for shares; dates read `30. juni 2011` / `30 June 2011`.
Everything the user sees goes through these functions, so a figure reads the
same on every page, in the report and in exports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Final

from babel.core import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import get_timezone
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    format_percent,
    parse_pattern,
)

from data_access.rules.calendar import LOCAL_TZ

LOCALES: Final[dict[str, str]] = {"da": "da_DK", "en": "en_GB"}
MONEY_PATTERN: Final[dict[str, str]] = {"da": "#,##0 ¤", "en": "¤ #,##0"}
SHARE_PATTERN: Final[dict[str, str]] = {"da": "#,##0.0 %", "en": "#,##0.0%"}
SUPPRESSED: Final = "<5"
#: A count hidden so that a "<5" beside it cannot be worked out (data_access.rules.disclosure).
SECONDARY: Final = "x"
MISSING: Final = "–"
#: Times are shown in the users' time zone.
DISPLAY_TIME_ZONE: Final = LOCAL_TZ.key


@cache
def locale_of(lang: str) -> Locale:
    """Babel's locale for `lang`, parsed once.

    Babel parses a locale name and a number pattern on every call, which cost
    more than the formatting itself (a 40-cell table: some 2 ms a render);
    given the parsed objects it skips both.
    """
    return Locale.parse(LOCALES.get(lang, LOCALES["da"]))


@cache
def _pattern(text: str) -> NumberPattern:
    """A Babel number pattern, parsed once (see `locale_of`)."""
    return parse_pattern(text)


def money(amount: float | None, lang: str = "da") -> str:
    """Whole kroner: `31.866.667 kr.` (da) or `DKK 31,866,667` (en).

    A negative amount (a correction) starts with the minus sign `−`, as a
    variance does (`signed_money`): Babel's hyphen made `-59.000 kr.` in a
    month table beside `−111.000 kr.` in the variance column.
    """
    if amount is None:
        return MISSING
    kroner = round(amount)
    text = format_currency(
        abs(kroner),
        "DKK",
        format=_pattern(MONEY_PATTERN.get(lang, MONEY_PATTERN["da"])),
        locale=locale_of(lang),
        currency_digits=False,
    )
    return "−" + text if kroner < 0 else text


def signed_money(amount: float | None, lang: str = "da") -> str:
    """A change in kroner with its sign: `+2.500 kr.`, `−1.000 kr.`, `±0 kr.`."""
    if amount is None or math.isnan(amount):
        return MISSING
    return sign(amount, 0) + money(abs(amount), lang)


def money_short(amount: float, unit: int, lang: str = "da") -> str:
    """Kroner in `unit`s (1.000.000, 1.000 or 1), for chart axes: `2,5 mio. kr.` / `DKK 2.5m`.

    The unit's word is Babel's short form for the language (`mio.`, `t`; `m`,
    `k`); zero is `0` alone. Up to one decimal, none when the number is whole.
    """
    if round(amount) == 0:
        return "0"
    number = format_decimal(amount / unit, format=_pattern("#,##0.#"), locale=locale_of(lang))
    words = _unit_word(unit, lang)
    if words:
        number = f"{number}\u00a0{words}" if lang == "da" else f"{number}{words}"
    return f"{number}\u00a0kr." if lang == "da" else f"DKK\u00a0{number}"


@cache
def _unit_word(unit: int, lang: str) -> str:
    """Babel's short word for `unit` in `lang`: `mio.` / `t` (da), `m` / `k` (en); "" for 1."""
    if unit == 1:
        return ""
    pattern = locale_of(lang).compact_decimal_formats["short"]["other"][str(unit)]
    # The pattern quotes its literal dot: `0 mio'.'`.
    return str(pattern.suffix[0]).replace("'", "").replace("\u00a0", " ").strip()


def share(value: float | None, lang: str = "da") -> str:
    """A share 0..1 as percent with one decimal: `61,5 %` (da) or `61.5%` (en)."""
    if value is None:
        return MISSING
    return format_percent(
        value, format=_pattern(SHARE_PATTERN.get(lang, SHARE_PATTERN["da"])), locale=locale_of(lang)
    )


def shares(values: Iterable[float | None], lang: str = "da") -> list[str]:
    """`share` of each value, each distinct value formatted once.

    Babel takes about 60 microseconds a value: a city's 10 000 coordinator
    loads cost 0.65 s on every rerun, though they hold a few dozen values.
    """
    known: dict[float | None, str] = {}
    shown = []
    for value in values:
        key = None if value is None or math.isnan(value) else value
        if key not in known:
            known[key] = share(key, lang)
        shown.append(known[key])
    return shown


def number(value: float | None, lang: str = "da", decimals: int = 0) -> str:
    """A plain number with thousands separators: `1.234` / `1,234`."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=_pattern(pattern), locale=locale_of(lang))


def days(value: float | None, lang: str = "da") -> str:
    """A number of days as the median gives it: `24` or `24,5` / `24.5`, never rounded away.

    A median of whole days over an even number of families can end in ,5;
    `number` would round it half to even (24,5 -> 24, 25,5 -> 26), so a card
    read 24 where the median is 24,5 and a suppressed role's whole days read 25.
    """
    if value is None:
        return MISSING
    return format_decimal(value, format=_pattern("#,##0.#"), locale=locale_of(lang))


def sign(value: float, decimals: int = 0) -> str:
    """`+`, `−` (the minus sign) or `±` for a value as shown with `decimals` decimals."""
    shown = round(value, decimals)
    return "+" if shown > 0 else "−" if shown < 0 else "±"


def signed(value: float | None, lang: str = "da", decimals: int = 0) -> str:
    """A change with its sign: `+5,0`, `−2,3`, `±0,0`; `–` when missing."""
    if value is None or math.isnan(value):
        return MISSING
    return sign(value, decimals) + number(abs(value), lang, decimals)


def count(value: int | float | None, display: str | None = None, lang: str = "da") -> str:
    """A count of families or people; a suppressed count shows as `<5` (or `x`, secondary)."""
    if display in (SUPPRESSED, SECONDARY):
        return display
    return number(value, lang)


def counts(values: Iterable[object], lang: str = "da") -> list[str]:
    """Counts from a query's column as table cells and chart labels: `10.292`.

    A disclosure-checked column holds numbers and the texts `<5` / `x`; those
    texts stay as they are, a missing cell reads `–`. Each distinct value is
    formatted once (see `shares`): a city's coordinator table repeats a few
    dozen counts 10 000 times.
    """
    known: dict[object, str] = {}
    shown = []
    for value in values:
        if value not in known:
            known[value] = count_text(value, lang)
        shown.append(known[value])
    return shown


def count_text(value: object, lang: str = "da") -> str:
    """One cell of `counts`: a number with separators, `<5`/`x` as given, `–` when missing."""
    if isinstance(value, str):
        return value
    try:
        amount = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, pandas' NA
        return MISSING
    return MISSING if math.isnan(amount) else number(round(amount), lang)


def long_date(day: date | None, lang: str = "da") -> str:
    """`30. juni 2011` (da) or `30 June 2011` (en)."""
    if day is None:
        return MISSING
    return _babel_date(day, format="long", locale=locale_of(lang))


def short_date(day: date | None, lang: str = "da") -> str:
    """`30.06.2011` (da) or `30/06/2011` (en), for tables."""
    if day is None:
        return MISSING
    return _babel_date(day, format="short" if lang == "en" else "dd.MM.y", locale=locale_of(lang))


def month_label(day: date, lang: str = "da") -> str:
    """`jun. 2011` / `Jun 2011`, for chart axes."""
    return _babel_date(day, format="MMM y", locale=locale_of(lang))


def timestamp(moment: datetime | None, lang: str = "da") -> str:
    """`3. oktober 2031 kl. 16.05` (da) or `3 October 2031 at 16:05` (en), Copenhagen time.

    The database keeps moments in UTC (a naive value is read as UTC); the
    users are in Copenhagen, so a load at 14.05 UTC on a summer day reads 16.05.
    """
    if moment is None:
        return MISSING
    zone = get_timezone(DISPLAY_TIME_ZONE)
    pattern = "d MMMM y 'at' HH:mm" if lang == "en" else "d. MMMM y 'kl.' HH.mm"
    return _babel_datetime(moment, pattern, tzinfo=zone, locale=locale_of(lang))


def log_time(moment: datetime | None, lang: str = "da") -> str:
    """`07.12.2026 15.52.40` (da) or `07/12/2026 15:52:40` (en), to the second, for a log.

    `moment` is already Copenhagen wall time (the access log reads it so), so
    it is written as it is, with no time zone conversion.
    """
    if moment is None:
        return MISSING
    pattern = "dd/MM/y HH:mm:ss" if lang == "en" else "dd.MM.y HH.mm.ss"
    return _babel_datetime(moment.replace(tzinfo=None), pattern, locale=locale_of(lang))


def date_input_format(lang: str) -> str:
    """How a date picker writes its date (Streamlit's format names), as `short_date` does.

    One fixed `DD.MM.YYYY` gave the English pages `30.06.2011` in the sidebar
    beside `31/03/2011` in every change, table and log.
    """
    return grid_formats(lang)[0]


def grid_formats(lang: str) -> tuple[str, str]:
    """`short_date`'s and `log_time`'s shapes as the grid's own (momentJS) formats.

    A large table (the access log) leaves dates and times to the browser
    rather than sending each cell's text beside its value.
    """
    if lang == "en":
        return "DD/MM/YYYY", "DD/MM/YYYY HH:mm:ss"
    return "DD.MM.YYYY", "DD.MM.YYYY HH.mm.ss"


#: Characters that mean something in Streamlit's Markdown: CommonMark and GFM
#: (links, images, emphasis, code, tables, strikethrough), HTML tags and
#: entities, and Streamlit's directives (`:red[...]`, `:material/icon:`, `$`
#: for LaTeX). Each is backslash-escaped, which CommonMark shows literally.
_MARKDOWN_SPECIAL: Final = frozenset("\\`*_{}[]()<>#+-.!|~:$&")


def markdown_literal(text: object) -> str:
    """`text` (a name or label from a bundle) escaped so Markdown shows it as it is.

    Bundle text comes from outside systems: a department called
    `[x](http://…)` must read as those characters, not become a link (nor
    `![](…)` an image, nor `<b>` bold). Every Markdown-special character is
    backslash-escaped and line breaks become spaces (no new blocks).
    """
    flat = " ".join(str(text).split())
    return "".join(f"\\{char}" if char in _MARKDOWN_SPECIAL else char for char in flat)
