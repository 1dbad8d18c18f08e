"""The report's own words (Danish first, English), shared by the PDF and the workbook.

Figure and stage labels come from `dashboard.catalogue`; this table holds
headings, column names and notes that only the report uses, so the PDF and
the Excel sheets name a column the same way.
"""

from __future__ import annotations

from typing import Final

from dashboard.catalogue import stage_label
from data_access.rules.stages import STAGE_ORDER

TEXT: Final[dict[str, dict[str, str]]] = {
    "title": {
        "da": "Kvartalsrapport til styregruppen",
        "en": "Quarterly report to the steering group",
    },
    "programme": {"da": "Program", "en": "Programme"},
    "quarter": {"da": "Kvartal", "en": "Quarter"},
    "as_of": {"da": "Opgørelsesdato", "en": "Report date"},
    "compared_with": {"da": "Sammenlignet med", "en": "Compared with"},
    "created": {"da": "Udarbejdet", "en": "Produced"},
    "data_until": {"da": "Nyeste data", "en": "Latest data"},
    "stale_label": {"da": "Datafriskhed", "en": "Data freshness"},
    "stale": {
        "da": "Advarsel: data blev sidst indlæst {date} og kan være forældede.",
        "en": "Warning: the data were last loaded on {date} and may be out of date.",
    },
    "preliminary": {
        "da": "Foreløbige tal: data går kun til {date}, før kvartalets sidste dag.",
        "en": "Provisional figures: the data end on {date}, before the quarter's last day.",
    },
    "cover_note": {
        "da": "Tallene er de samme, som dashboardets sider viser for opgørelsesdatoen. "
        "Rapporten indeholder kun samlede tal; ingen familie kan genkendes. "
        "Begreberne er forklaret på sidste side.",
        "en": "The figures are those the dashboard's pages show for the report date. "
        "The report holds aggregates only; no family can be recognised. "
        "The terms are explained on the last page.",
    },
    "headline": {"da": "Kvartalet i korte træk", "en": "The quarter at a glance"},
    "of_target": {"da": "mål {target}", "en": "target {target}"},
    "key_figures": {"da": "Nøgletal", "en": "Key figures"},
    "figure": {"da": "Nøgletal", "en": "Figure"},
    "value": {"da": "Værdi", "en": "Value"},
    "previous_value": {"da": "Forrige kvartal", "en": "Previous quarter"},
    "change": {"da": "Ændring", "en": "Change"},
    "target": {"da": "Mål", "en": "Target"},
    "charts": {"da": "Udvikling", "en": "Trends"},
    "stage_chart": {
        "da": "Familier pr. fase ved månedens udgang (afsluttede forløb ikke vist)",
        "en": "Families per stage at each month's end (ended courses not shown)",
    },
    "spend_chart": {
        "da": "Forbrug år til dato mod jævnt forbrug af årets budget",
        "en": "Spent year to date against spending the year's budget evenly",
    },
    "budget_chart": {
        "da": "Budget og forbrug pr. forvaltning; streg = forventet forbrug nu",
        "en": "Budget and spend per department; line = expected by now",
    },
    "coordinators": {"da": "Koordinatorer", "en": "Coordinators"},
    "coordinators_intro": {
        "da": "Familier pr. fase på opgørelsesdatoen for hver koordinator. Kvartalsmøder "
        "holdt: kvartalsvise opfølgningsmøder afholdt i kvartalet. Kvartalsmøder "
        "overskredet: aktive familier, hvor der er gået mere end 90 dage siden sidste "
        "kvartalsmøde (eller forløbets start).",
        "en": "Families per stage on the report date for each coordinator. Reviews held: "
        "quarterly reviews held during the quarter. Reviews overdue: active families "
        "with more than 90 days since the last quarterly review (or the course start).",
    },
    "families_by_stage": {"da": "Familier pr. fase", "en": "Families by stage"},
    "follow_up": {"da": "Opfølgning", "en": "Follow-up"},
    "coordinator": {"da": "Koordinator", "en": "Coordinator"},
    "no_coordinator": {"da": "Uden koordinator", "en": "No coordinator"},
    "active": {"da": "Aktive", "en": "Active"},
    "capacity": {"da": "Kapacitet", "en": "Capacity"},
    "courses_overdue": {"da": "Forløb over tid", "en": "Courses overdue"},
    "reviews_held": {"da": "Kvartalsmøder holdt", "en": "Reviews held"},
    "reviews_overdue": {"da": "Kvartalsmøder overskredet", "en": "Reviews overdue"},
    "total": {"da": "I alt", "en": "Total"},
    "spend_department": {"da": "Økonomi pr. forvaltning", "en": "Spend by department"},
    "spend_funder": {"da": "Økonomi pr. finansieringskilde", "en": "Spend by funder"},
    "spend_intro": {
        "da": "Årets budget og forbrug fra 1. januar til opgørelsesdatoen. Afvigelse fra "
        "plan = forbrug minus det forventede forbrug ved jævnt forbrug over året.",
        "en": "The year's budget and spend from 1 January to the report date. Variance "
        "from plan = spend minus what even spending over the year would have used.",
    },
    "department": {"da": "Forvaltning", "en": "Department"},
    "funder": {"da": "Finansieret af", "en": "Funder"},
    "definitions": {"da": "Definitioner", "en": "Definitions"},
    "definitions_intro": {
        "da": "Alle tal opgøres for programmet på opgørelsesdatoen og bygger kun på "
        "registreringer dateret på eller før den dato.",
        "en": "Every figure is computed for the programme on the report date, from "
        "records dated on or before that date only.",
    },
    "stages": {"da": "Faser", "en": "Stages"},
    "term": {"da": "Begreb", "en": "Term"},
    "definition": {"da": "Definition", "en": "Definition"},
    "page": {"da": "Side {n}", "en": "Page {n}"},
    "about": {"da": "Om rapporten", "en": "About"},
    "field": {"da": "Felt", "en": "Field"},
    "steering_notes": {
        "da": "Styregruppens bemærkninger og beslutninger",
        "en": "The steering group's remarks and decisions",
    },
    "frozen_note": {
        "da": "Kvartalet blev frosset {date} af {who} (indlæsning {load}). "
        "Rapporten viser tallene, som de stod da.",
        "en": "The quarter was frozen on {date} by {who} (load {load}). "
        "The report shows the figures as they stood then.",
    },
    "changed_since": {
        "da": "Ændret siden frysning: {old} -> {new}",
        "en": "Changed since freezing: {old} -> {new}",
    },
    "remarks": {"da": "Styregruppens bemærkninger", "en": "The steering group's remarks"},
    "decisions": {"da": "Beslutninger", "en": "Decisions"},
    "decision_line": {
        "da": "{text} (ansvarlig: {owner}, frist {due}, {status})",
        "en": "{text} (owner: {owner}, due {due}, {status})",
    },
    "open": {"da": "åben", "en": "open"},
    "done": {"da": "udført", "en": "done"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The report text `key` in `lang` (Danish when English is missing)."""
    entry = TEXT[key]
    text = entry.get(lang) or entry["da"]
    return text.format(**values) if values else text


def coordinator_headers(lang: str) -> dict[str, str]:
    """Column id of the coordinator table -> heading, in table order."""
    return {
        "coordinator": t("coordinator", lang),
        **{stage: stage_label(stage, lang) for stage in STAGE_ORDER},
        "active": t("active", lang),
        "capacity": t("capacity", lang),
        "courses_overdue": t("courses_overdue", lang),
        "reviews_held": t("reviews_held", lang),
        "reviews_overdue": t("reviews_overdue", lang),
    }
