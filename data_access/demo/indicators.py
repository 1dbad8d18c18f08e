"""Synthetic district indicators for the demo, half-yearly 2008-2015.

Every district, the city row included, gets the four built-in indicators.
Districts where programme families live start worse than the city and
improve from 2010 (the housing areas of the 2012 programme faster still from
2012), so the indicator page has a story to show; the other bydele drift
around the city's level.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

FIRST_YEAR: Final = 2008
LAST_YEAR: Final = 2015
TURN: Final = 2010
AREAS_TURN: Final = 2012

#: indicator -> (city level in 2008, change per half year for the city,
#: how much worse a programme district starts (per unit of severity),
#: its improvement per half year after the turn, whole numbers only).
SHAPES: Final[dict[str, tuple[float, float, float, float, bool]]] = {
    "tryghedsindex": (74.0, 0.25, -16.0, 0.8, False),
    "inklusion": (86.0, 0.2, -14.0, 0.7, False),
    "bandetilgang": (100.0, -0.5, 90.0, -5.0, True),
    "ungdomskriminalitet": (27.0, -0.2, 22.0, -1.2, False),
}
BOUNDS: Final[dict[str, tuple[float, float]]] = {
    "tryghedsindex": (0.0, 100.0),
    "inklusion": (0.0, 100.0),
    "bandetilgang": (0.0, 1000.0),
    "ungdomskriminalitet": (0.0, 1000.0),
}


def _severity(districts: pd.DataFrame, with_families: set[str]) -> pd.Series:
    """0 for the city, about 1 for a vulnerable housing area, in between for bydele."""
    parents_of_areas = set(districts.loc[districts["district_id"].isin(with_families), "parent_id"])
    severity = []
    for row in districts.itertuples():
        if row.kind == "city":
            severity.append(0.0)
        elif row.district_id in with_families:
            severity.append(1.0 if row.kind == "boligomraade" else 0.6)
        elif row.district_id in parents_of_areas:
            severity.append(0.4)
        else:
            severity.append(-0.1 if row.kind == "bydel" else 0.5)
    return pd.Series(severity, index=districts["district_id"].to_numpy())


def generate_indicators(
    rng: np.random.Generator, districts: pd.DataFrame, with_families: set[str]
) -> pd.DataFrame:
    """One row per district, indicator and half year (1 January and 1 July)."""
    dates = np.array(
        [
            np.datetime64(f"{year}-{month:02d}-01", "D")
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
            for month in (1, 7)
        ]
    )
    t = np.arange(len(dates), dtype=float)
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    half_years_since = {
        turn: np.maximum(0.0, t - 2 * (turn - FIRST_YEAR)) for turn in (TURN, AREAS_TURN)
    }
    severity = _severity(districts, with_families)
    kinds = dict(zip(districts["district_id"], districts["kind"], strict=True))
    parts = []
    for indicator, (city, trend, gap, improvement, whole) in SHAPES.items():
        low, high = BOUNDS[indicator]
        for district_id, s in severity.items():
            offset = 0.0 if s == 0 else rng.normal(0.0, abs(gap) * 0.12)
            level = city + trend * t + gap * s + offset
            if s > 0.3:
                level = level + improvement * s * half_years_since[TURN]
                if kinds[district_id] == "boligomraade":
                    level = level + 0.5 * improvement * half_years_since[AREAS_TURN]
                # Worse before the turn: the gang conflict years.
                level = level - 0.4 * improvement * s * (years < TURN) * (t + 1)
            values = level + rng.normal(0.0, abs(gap) * 0.03 + 0.3, size=len(t))
            values = np.clip(values, low, high)
            values = np.rint(values) if whole else np.round(values, 1)
            parts.append(
                pd.DataFrame(
                    {
                        "district_id": district_id,
                        "indicator": indicator,
                        "measured_on": dates,
                        "value": values,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)
