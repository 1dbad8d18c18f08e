"""The prevention business case as tables and sentences, for the page and the quarterly report.

No Streamlit: the report (PDF and XLSX, also from the command line) shows
the same tables as the Forebyggelse page, built here once. Amounts read
`1.440.000 kr.` in Danish; years and counts of measures one decimal.
"""

from __future__ import annotations

import pandas as pd

from dashboard import formatting
from dashboard.i18n import t
from data_access.queries.business_case import BusinessCase
from data_access.rules.prevention import years_to_break_even


def _num(value: object) -> float | None:
    """A cell as a float, None for missing (None or NaN)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number


def _decimal(value: object, lang: str) -> str:
    """Years or measures with one decimal: `1,5` (da) / `1.5` (en); `–` when missing."""
    return formatting.number(_num(value), lang, decimals=1)


def year_table(case: BusinessCase, lang: str) -> pd.DataFrame:
    """Per calendar year and in total: spend, family-months, cost per family-month and course."""
    rows = []
    for _, row in case.years.iterrows():
        months = _num(row["family_months"])
        hidden = row.get("family_months_display")
        rows.append(
            {
                t("prevention.col.year", lang): str(int(row["year"])),
                t("prevention.col.spent", lang): formatting.money(row["spent"], lang),
                t("prevention.col.cumulative", lang): formatting.money(
                    row["cumulative_spent"], lang
                ),
                t("prevention.col.family_months", lang): formatting.count(
                    None if months is None else int(months),
                    hidden if isinstance(hidden, str) else None,
                    lang,
                ),
                t("prevention.col.per_month", lang): formatting.money(
                    _num(row["cost_per_family_month"]), lang
                ),
                t("prevention.col.per_course", lang): formatting.money(
                    _num(row["cost_per_course"]), lang
                ),
            }
        )
    rows.append(
        {
            t("prevention.col.year", lang): t("prevention.total", lang),
            t("prevention.col.spent", lang): formatting.money(case.spent_total, lang),
            t("prevention.col.cumulative", lang): formatting.money(case.spent_total, lang),
            t("prevention.col.family_months", lang): formatting.count(
                case.family_months_total, None, lang
            ),
            t("prevention.col.per_month", lang): formatting.money(case.cost_per_family_month, lang),
            t("prevention.col.per_course", lang): formatting.money(case.cost_per_course, lang),
        }
    )
    return pd.DataFrame(rows)


def measure_table(case: BusinessCase, lang: str) -> pd.DataFrame:
    """Per measure in force on D: its yearly cost and what avoiding it would pay for."""
    rows = []
    for _, row in case.measures.iterrows():
        rows.append(
            {
                t("prevention.col.measure", lang): row["name"],
                t("prevention.col.yearly_cost", lang): formatting.money(
                    row["yearly_cost_dkk"], lang
                ),
                t("prevention.col.years_per_course", lang): _decimal(row["years_per_course"], lang),
                t("prevention.col.courses_per_year", lang): _decimal(
                    row["courses_per_measure_year"], lang
                ),
                t("prevention.col.this_year", lang, year=case.as_of.year): _decimal(
                    row["measures_this_year"], lang
                ),
                t("prevention.col.to_date", lang): _decimal(row["measure_years_to_date"], lang),
                t("prevention.col.valid_from", lang): formatting.short_date(
                    row["valid_from"], lang
                ),
                t("prevention.col.source", lang): row["source"],
            }
        )
    return pd.DataFrame(rows)


def break_even_table(case: BusinessCase, avoided: int, lang: str) -> pd.DataFrame:
    """Per measure: with `avoided` of them avoided at once, the years until spend is paid."""
    rows = []
    for _, row in case.measures.iterrows():
        years = years_to_break_even(case.spent_total, float(row["yearly_cost_dkk"]), avoided)
        rows.append(
            {
                t("prevention.col.measure", lang): row["name"],
                t("prevention.col.avoided", lang): formatting.number(avoided, lang),
                t("prevention.col.break_even_years", lang): _decimal(years, lang),
            }
        )
    return pd.DataFrame(rows)


def break_even_years(case: BusinessCase, avoided: int) -> list[float | None]:
    """Years to pay spend to date per measure (as `case.measures`), `avoided` at once."""
    return [
        years_to_break_even(case.spent_total, float(cost), avoided)
        for cost in case.measures["yearly_cost_dkk"]
    ]


def assumptions(case: BusinessCase, lang: str) -> list[str]:
    """The case's assumptions in plain words, one sentence each."""
    return [
        t("prevention.assume.cost", lang),
        t("prevention.assume.course", lang, months=case.course_months),
        t(
            "prevention.assume.prices",
            lang,
            as_of=formatting.long_date(case.as_of, lang),
        ),
        t("prevention.assume.no_effect", lang),
        t("prevention.assume.scope", lang),
        t("prevention.assume.simple", lang),
    ]


def year_numbers(case: BusinessCase, lang: str) -> pd.DataFrame:
    """`year_table` with numbers instead of text (for Excel); hidden family-months stay `<5`."""
    frame = pd.DataFrame(
        {
            t("prevention.col.year", lang): [str(int(y)) for y in case.years["year"]]
            + [t("prevention.total", lang)],
            t("prevention.col.spent", lang): [*case.years["spent"], case.spent_total],
            t("prevention.col.cumulative", lang): [
                *case.years["cumulative_spent"],
                case.spent_total,
            ],
            t("prevention.col.family_months", lang): [
                shown if isinstance(shown, str) else _num(months)
                for months, shown in zip(
                    case.years["family_months"], case.years["family_months_display"], strict=True
                )
            ]
            + [case.family_months_total],
            t("prevention.col.per_month", lang): [
                *map(_num, case.years["cost_per_family_month"]),
                case.cost_per_family_month,
            ],
            t("prevention.col.per_course", lang): [
                *map(_num, case.years["cost_per_course"]),
                case.cost_per_course,
            ],
        }
    )
    return frame


def screen_headings(case: BusinessCase, lang: str) -> dict[str, str]:
    """The measures table's columns on the screen: `measure_numbers`' heading -> shown heading.

    The screen keeps the headings short so the table fits a laptop (the
    whole sentence is the heading's tooltip, and stays the heading in the
    CSV, the workbook and the report). The price's date and source are not
    columns there: they stand in full under the table.
    """
    year = case.as_of.year
    return {
        t("prevention.col.measure", lang): t("prevention.col.measure", lang),
        t("prevention.col.yearly_cost", lang): t("prevention.col.yearly_cost", lang),
        t("prevention.col.years_per_course", lang): t("prevention.short.years_per_course", lang),
        t("prevention.col.courses_per_year", lang): t("prevention.short.courses_per_year", lang),
        t("prevention.col.this_year", lang, year=year): t(
            "prevention.short.this_year", lang, year=year
        ),
        t("prevention.col.to_date", lang): t("prevention.short.to_date", lang),
    }


def price_dates(case: BusinessCase, lang: str) -> str:
    """From when the prices hold, as Markdown: one date if they share it, else per measure."""
    dates = [formatting.long_date(d, lang) for d in case.measures["valid_from"]]
    if len(set(dates)) == 1:
        return dates[0]
    return "; ".join(
        f"{formatting.markdown_literal(name)}: {d}"
        for name, d in zip(case.measures["name"], dates, strict=True)
    )


def measure_numbers(case: BusinessCase, lang: str) -> pd.DataFrame:
    """`measure_table` with numbers instead of text (for Excel)."""
    m = case.measures
    return pd.DataFrame(
        {
            t("prevention.col.measure", lang): list(m["name"]),
            t("prevention.col.yearly_cost", lang): list(m["yearly_cost_dkk"]),
            t("prevention.col.years_per_course", lang): [_num(v) for v in m["years_per_course"]],
            t("prevention.col.courses_per_year", lang): [
                _num(v) for v in m["courses_per_measure_year"]
            ],
            t("prevention.col.this_year", lang, year=case.as_of.year): [
                _num(v) for v in m["measures_this_year"]
            ],
            t("prevention.col.to_date", lang): [_num(v) for v in m["measure_years_to_date"]],
            t("prevention.col.valid_from", lang): list(m["valid_from"]),
            t("prevention.col.source", lang): list(m["source"]),
        }
    )
