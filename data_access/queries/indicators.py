"""District indicators for the Bydele page: definitions, series and change since the start.

The four built-in indicators of bundle.md have no rows in
`indicator_definitions`; their names, units and direction live in
BUILTIN_INDICATORS, the one place in the code. Rows of the table win over
them, and an indicator with data but no definition at all is shown under its
id, so an indicator added by a bundle appears without code changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import pandas as pd
from sqlalchemy import Engine, literal, or_, select

from data_access.db.schema import districts, families, indicator_definitions, indicators
from data_access.db.sql import in_district
from data_access.queries.context import QueryContext

CITY: Final = "city"


@dataclass(frozen=True)
class Indicator:
    """An indicator as the page shows it; higher_is_better None = direction unknown."""

    indicator: str
    name: str
    unit: str | None
    higher_is_better: bool | None
    name_en: str | None = None
    unit_en: str | None = None

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def unit_label(self, lang: str) -> str | None:
        """The unit in `lang`: a bundle's own unit is shown as the bundle wrote it."""
        return self.unit_en if lang == "en" and self.unit_en else self.unit


#: The four indicators bundle.md builds in. "Tryghedsindex" as the programme's
#: documents and the Forandringsteori page write it.
BUILTIN_INDICATORS: Final[dict[str, Indicator]] = {
    "tryghedsindex": Indicator(
        "tryghedsindex",
        "Tryghedsindex",
        "indeks 0-100",
        True,
        "Safety index",
        "index 0-100",
    ),
    "inklusion": Indicator(
        "inklusion", "Inklusion", "indeks 0-100", True, "Inclusion", "index 0-100"
    ),
    "bandetilgang": Indicator(
        "bandetilgang",
        "Tilgang til bandemiljøer",
        "indeks, byen 2008 = 100",
        False,
        "Recruitment to gangs",
        "index, the city in 2008 = 100",
    ),
    "ungdomskriminalitet": Indicator(
        "ungdomskriminalitet",
        "Ungdomskriminalitet",
        "sigtelser pr. 1.000 unge",
        False,
        "Youth crime",
        "charges per 1,000 young people",
    ),
}

#: Columns of `IndicatorPanel.series`.
SERIES_COLUMNS: Final[tuple[str, ...]] = ("district_id", "name", "kind", "measured_on", "value")
#: Columns of `IndicatorPanel.changes`.
CHANGE_COLUMNS: Final[tuple[str, ...]] = (
    "district_id",
    "name",
    "kind",
    "start_on",
    "start_value",
    "latest_on",
    "latest_value",
    "change",
)


def list_indicators(engine: Engine, context: QueryContext) -> list[Indicator]:
    """Indicators with values on or before D: built-ins first, then the others by name."""
    with engine.connect() as conn:
        present = [
            str(r[0])
            for r in conn.execute(
                select(indicators.c.indicator)
                .where(indicators.c.measured_on <= literal(context.as_of))
                .distinct()
            ).all()
        ]
        defined = {
            str(i): Indicator(str(i), str(n), u, h)
            for i, n, u, h in conn.execute(
                select(
                    indicator_definitions.c.indicator,
                    indicator_definitions.c.name,
                    indicator_definitions.c.unit,
                    indicator_definitions.c.higher_is_better,
                )
            ).all()
        }
    result = []
    for key in present:
        builtin = BUILTIN_INDICATORS.get(key)
        found = defined.get(key) or builtin or Indicator(key, key, None, None)
        result.append(found)
    order = list(BUILTIN_INDICATORS)
    return sorted(
        result,
        key=lambda i: (order.index(i.indicator) if i.indicator in order else len(order), i.name),
    )


def programme_districts(engine: Engine, context: QueryContext) -> list[str]:
    """The districts whose indicators the page draws for the programme.

    The districts where the programme's families live (inside the context's district
    when the shell filters on one): the areas the programme works in, not
    the bydele around them, so a shared-screen chart stays readable. A
    programme without families falls back to every bydel (or the chosen
    district), so the page still shows the city's picture.
    """
    lived_in = select(families.c.district_id).where(families.c.programme_id == context.programme_id)
    if context.district_id is not None:
        lived_in = lived_in.where(in_district(families.c.district_id, context.district_id))
    with engine.connect() as conn:
        rows = conn.execute(
            select(districts.c.district_id).where(districts.c.district_id.in_(lived_in))
        ).all()
        chosen = {str(r[0]) for r in rows}
        if not chosen:
            fallback = select(districts.c.district_id)
            fallback = fallback.where(
                districts.c.district_id == context.district_id
                if context.district_id is not None
                else districts.c.kind == "bydel"
            )
            chosen = {str(r[0]) for r in conn.execute(fallback).all()}
    return sorted(chosen)


@dataclass(frozen=True)
class IndicatorPanel:
    """One indicator's chart and table: series (SERIES_COLUMNS) and changes (CHANGE_COLUMNS)."""

    series: pd.DataFrame
    changes: pd.DataFrame


def indicator_panels(
    engine: Engine,
    context: QueryContext,
    indicator_ids: tuple[str, ...],
    district_ids: tuple[str, ...],
    starts_on: date,
) -> dict[str, IndicatorPanel]:
    """Each indicator's values on or before D and its change since the programme's start.

    One query for every indicator the page draws (a few hundred
    measurements); the change per district is read off the same rows, so
    chart and table can never disagree. Indicators without values are left
    out. The series holds the districts and the city, oldest first.
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                indicators.c.indicator,
                indicators.c.district_id,
                districts.c.name,
                districts.c.kind,
                indicators.c.measured_on,
                indicators.c.value,
            )
            .join(districts, districts.c.district_id == indicators.c.district_id)
            .where(
                indicators.c.indicator.in_(indicator_ids),
                indicators.c.measured_on <= literal(context.as_of),
                or_(districts.c.district_id.in_(district_ids), districts.c.kind == CITY),
            )
            .order_by(
                indicators.c.indicator, districts.c.kind, districts.c.name, indicators.c.measured_on
            )
        ).all()
    by_indicator: dict[str, list[tuple[Any, ...]]] = {}
    for indicator, *measurement in rows:
        by_indicator.setdefault(str(indicator), []).append(tuple(measurement))
    return {
        indicator: IndicatorPanel(
            series=pd.DataFrame(measurements, columns=list(SERIES_COLUMNS)),
            changes=_changes(measurements, starts_on),
        )
        for indicator, measurements in by_indicator.items()
    }


@dataclass(frozen=True)
class DistrictIndicators:
    """The indicators with a value on or before D, and a panel for each the districts have."""

    indicators: tuple[Indicator, ...]
    #: indicator id -> its panel; an indicator without values in the districts has none.
    panels: dict[str, IndicatorPanel]


def district_indicators(
    engine: Engine, context: QueryContext, starts_on: date
) -> DistrictIndicators:
    """What the Bydele page, the presentation's indicator step and the report show.

    One answer for all three, so which indicators and which districts they
    show is decided once: the programme's districts (`programme_districts`)
    and the city, each indicator's change since `starts_on`.
    """
    found = list_indicators(engine, context)
    panels = indicator_panels(
        engine,
        context,
        tuple(i.indicator for i in found),
        tuple(programme_districts(engine, context)),
        starts_on,
    )
    return DistrictIndicators(tuple(found), panels)


def _changes(measurements: list[tuple[Any, ...]], starts_on: date) -> pd.DataFrame:
    """Per district (and the city): the value at the programme's start, the latest, the change.

    `measurements` are SERIES_COLUMNS rows, each district's oldest first.
    Start value = the latest measurement on or before the programme's start
    (the level the programme met); without one, the first measurement after
    it. Latest = the newest measurement on or before D. change = latest -
    start; NaN when the district has only one measurement.
    """
    by_district: dict[str, list[tuple[Any, ...]]] = {}
    for row in measurements:
        by_district.setdefault(str(row[0]), []).append(row)
    result = []
    for district_id, own in by_district.items():
        before = [row for row in own if row[3] <= starts_on]
        start = before[-1] if before else own[0]
        latest = own[-1]
        same = start[3] == latest[3]
        result.append(
            (
                district_id,
                latest[1],
                latest[2],
                start[3],
                float(start[4]),
                latest[3],
                float(latest[4]),
                None if same else _difference(float(latest[4]), float(start[4])),
            )
        )
    frame = pd.DataFrame(result, columns=list(CHANGE_COLUMNS))
    frame["change"] = frame["change"].astype("float64")
    return frame


def _difference(latest: float, start: float) -> float:
    """latest - start without binary noise: 67.8 - 62.1 is 5.7, not 5.699999999999996.

    Indicator values carry a few decimals; the noise would otherwise reach
    the quarterly workbook, where readers compute with the raw number.
    """
    return round(latest - start, 9)
