"""Forebyggelsesregnskab: does prevention pay for itself?

The programme's cost per family course set against the yearly cost of the
measures it aims to prevent (issue 22, the prevention strategy). It shows
what would pay for the programme, never that anything was avoided.
"""

from __future__ import annotations

from functools import partial

from dashboard.data import cached
from dashboard.i18n import t
from dashboard.prevention import measure_table, year_table
from dashboard.shell import download_csv, open_page
from dashboard.views import prevention as view
from data_access.queries.business_case import business_case

case_at = cached(business_case)

context = open_page("forebyggelse")
lang = context.lang
case = case_at(context.query)
name = f"forebyggelse_{context.filters.programme_id}_{context.filters.as_of.isoformat()}"

view.intro(lang)
view.headline(case, lang)
view.years(case, lang)
download_csv(partial(year_table, case, lang), name, lang)
view.measures(case, lang)
if not case.measures.empty:
    measures_file = t("prevention.file_measures", lang)
    download_csv(partial(measure_table, case, lang), f"{name}_{measures_file}", lang)
view.break_even(case, lang)
view.assumptions(case, lang)
