"""District indicators as text: the latest value, the change since the start and its reading.

One reading rule (`verdict_of`) and one cell text for the Bydele page's
tables, the presentation's indicator table and the quarterly report. No
Streamlit: the report is also made on the command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from dashboard import formatting
from dashboard.i18n import N_, t
from data_access.queries.indicators import CITY, Indicator, IndicatorPanel

#: Reading -> its words (an arrow and a word: never colour alone).
VERDICTS: Final[dict[str, str]] = {
    "better": N_("districts.better"),
    "worse": N_("districts.worse"),
    "same": N_("districts.same"),
}
#: Decimals of an indicator's value and change, on the page, the shared screen and in the report.
DECIMALS: Final = 1


def direction(indicator: Indicator, lang: str) -> str:
    """Arrow and words for the indicator's good direction; unknown says so."""
    if indicator.higher_is_better is None:
        return t("districts.no_direction", lang)
    if indicator.higher_is_better:
        return t("districts.higher", lang)
    return t("districts.lower", lang)


def verdict_of(change: float | None, higher_is_better: bool | None) -> str | None:
    """`better`, `worse` or `same` for a change; None when it cannot be read."""
    if change is None or pd.isna(change) or higher_is_better is None:
        return None
    if change == 0:
        return "same"
    return "better" if (change > 0) == higher_is_better else "worse"


def verdict_text(change: float | None, higher_is_better: bool | None, lang: str) -> str:
    """The reading's words, `–` when it cannot be read."""
    reading = verdict_of(change, higher_is_better)
    return formatting.MISSING if reading is None else t(VERDICTS[reading], lang)


@dataclass(frozen=True)
class IndicatorCell:
    """One district's latest value of one indicator, its change since the start and reading."""

    value: str
    #: The signed change; None when the start and latest measurement are one.
    change: str | None
    #: `better`/`worse`/`same`; None when there is no change or no direction.
    reading: str | None

    @property
    def figures(self) -> str:
        """`63,1 (+3,0)`; only the value when there is no change yet."""
        return self.value if self.change is None else f"{self.value} ({self.change})"

    def reading_text(self, lang: str) -> str | None:
        """`▲ Bedre`, `▼ Dårligere`, `● Uændret`; None when there is nothing to read."""
        return None if self.reading is None else t(VERDICTS[self.reading], lang)

    def text(self, lang: str) -> str:
        """`63,1 (+3,0) ▲ Bedre`: the figures and their reading."""
        reading = self.reading_text(lang)
        return self.figures if reading is None else f"{self.figures} {reading}"


@dataclass(frozen=True)
class IndicatorRow:
    """A district (or the city) with a cell per indicator; None where it has no value."""

    name: str
    is_city: bool
    cells: tuple[IndicatorCell | None, ...]


def _row_order(kind: object, name: object) -> tuple[bool, str]:
    """Districts by name, the city (the baseline) last: on screen, in print and in Excel."""
    return (kind == CITY, str(name))


def indicator_rows(
    found: Sequence[Indicator], panels: Mapping[str, IndicatorPanel], lang: str
) -> tuple[list[Indicator], list[IndicatorRow]]:
    """The indicators with values, and a row per district by name with the city last.

    Read off the panels' `changes`, the same rows as the page's change
    tables. Rows, not columns, grow with the ten housing areas of later
    programmes.
    """
    shown = [i for i in found if i.indicator in panels]
    cells: dict[str, dict[str, IndicatorCell]] = {}
    names: dict[str, tuple[bool, str]] = {}
    for indicator in shown:
        changes = panels[indicator.indicator].changes
        columns = ("district_id", "name", "kind", "latest_value", "change")
        for district_id, name, kind, latest, change in zip(
            *(changes[c].tolist() for c in columns), strict=True
        ):
            names[district_id] = _row_order(kind, name)
            read = None if pd.isna(change) else float(change)
            cells.setdefault(district_id, {})[indicator.indicator] = IndicatorCell(
                value=formatting.number(float(latest), lang, DECIMALS),
                change=None if read is None else formatting.signed(read, lang, DECIMALS),
                reading=verdict_of(read, indicator.higher_is_better),
            )
    rows = [
        IndicatorRow(
            name=names[district_id][1],
            is_city=names[district_id][0],
            cells=tuple(cells[district_id].get(i.indicator) for i in shown),
        )
        for district_id in sorted(names, key=lambda district_id: names[district_id])
    ]
    return shown, rows


def indicator_numbers(
    found: Sequence[Indicator], panels: Mapping[str, IndicatorPanel], lang: str
) -> pd.DataFrame:
    """A row per indicator and district with numbers and dates, not text (for Excel)."""
    records = []
    for indicator in found:
        panel = panels.get(indicator.indicator)
        if panel is None:
            continue
        changes = panel.changes
        columns = ("name", "kind", "start_on", "start_value", "latest_on", "latest_value", "change")
        rows = sorted(
            zip(*(changes[c].tolist() for c in columns), strict=True),
            key=lambda row: _row_order(row[1], row[0]),
        )
        for name, _kind, start_on, start_value, latest_on, latest_value, change in rows:
            read = None if pd.isna(change) else float(change)
            records.append(
                {
                    t("report.indicator", lang): indicator.label(lang),
                    t("report.indicator_unit", lang): indicator.unit_label(lang) or "",
                    t("report.indicator_direction", lang): direction(indicator, lang),
                    t("common.district", lang): str(name),
                    t("report.indicator_start_on", lang): start_on,
                    t("common.at_start", lang): float(start_value),
                    t("report.indicator_latest_on", lang): latest_on,
                    t("districts.latest", lang): float(latest_value),
                    t("districts.change", lang): read,
                    t("districts.verdict", lang): verdict_text(
                        read, indicator.higher_is_better, lang
                    ),
                }
            )
    return pd.DataFrame(records)
