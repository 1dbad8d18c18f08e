"""The figure catalogue: every figure's label, definition, group and direction, in kpis.md order.

Pages, the presentation, the glossary and the report read labels,
definitions, groups (the headings figures are shown under) and directions
(whether a rise is good, bad or neutral: the colour of its change) only from
here, so a figure is named, explained, placed and coloured the same way
everywhere. Labels are copied character for character from
../shared/contract/kpis.md. This module must not import streamlit: the
report CLI uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from data_access.rules.spend import SpendStatus
from data_access.rules.stages import AFTERCARE, APPROVED, ENDED, INTENSIVE, INVESTIGATION, REFERRED

Kind = Literal["count", "share", "money", "days", "status"]

#: The headings figures are shown under, in the order the overview and the report show them.
Group = Literal["families", "flow", "money"]
GROUPS: Final[dict[Group, tuple[str, str]]] = {
    "families": ("Familier", "Families"),
    "flow": ("Visitation, fremdrift og effekt", "Intake, progress and outcome"),
    "money": ("Økonomi", "Spend"),
}

#: What a rise of the figure means to the steering group, and so the colour of its change:
#: "good" green, "bad" orange, "neutral" grey; "plan" for targets and plans, whose
#: change says nothing and is not shown beside the figure.
Direction = Literal["good", "bad", "neutral", "plan"]


@dataclass(frozen=True)
class Figure:
    """One figure: id (a kpis.md `FigureId`, or a page measure's own), labels, definitions,
    format, and for kpis.md figures the group they are shown under and their direction."""

    id: str
    label_da: str
    label_en: str
    definition_da: str
    definition_en: str
    kind: Kind
    group: Group | None = None
    direction: Direction | None = None

    def label(self, lang: str) -> str:
        """The label in `lang` ("da" or "en"; anything else reads Danish)."""
        return self.label_en if lang == "en" else self.label_da

    def definition(self, lang: str) -> str:
        """The definition in `lang` ("da" or "en"; anything else reads Danish)."""
        return self.definition_en if lang == "en" else self.definition_da


_NO_DISTRICT_DA = " Gælder hele programmet, også når der er valgt et område."
_NO_DISTRICT_EN = " Always for the whole programme, even when a district is selected."

FIGURES: Final[tuple[Figure, ...]] = (
    Figure(
        "active_families",
        "Aktive familier",
        "Active families",
        "Familier i intensiv fase eller efterværn på opgørelsesdatoen.",
        "Families in the intensive phase or in aftercare on the report date.",
        "count",
        group="families",
        # Rising toward the target is the programme's aim: more families in a course.
        direction="good",
    ),
    Figure(
        "intensive_families",
        "I intensiv fase",
        "In intensive phase",
        "Familier, hvis forløb er startet, men som endnu ikke er gået i efterværn "
        "eller afsluttet på opgørelsesdatoen.",
        "Families whose course has started but who are not yet in aftercare "
        "or ended on the report date.",
        "count",
        group="families",
        # Families move on to aftercare as they should: a part of the active
        # figure, neither good nor bad.
        direction="neutral",
    ),
    Figure(
        "aftercare_families",
        "I efterværn",
        "In aftercare",
        "Familier i efterværn på opgørelsesdatoen: efterværnsdatoen er nået, og forløbet "
        "er ikke afsluttet. Uden en registreret efterværnsdato begynder efterværnet, "
        "når den intensive fase (normalt 6 måneder) er gået.",
        "Families in aftercare on the report date: the aftercare date has been reached "
        "and the course has not ended. Without a recorded aftercare date, aftercare "
        "begins when the intensive phase (normally 6 months) is over.",
        "count",
        group="families",
        # The other part of the active figure: it rises as courses progress,
        # which says nothing alone.
        direction="neutral",
    ),
    Figure(
        "pipeline_families",
        "Under visitation",
        "In intake",
        "Familier, der er henvist, under § 50-undersøgelse eller visiteret, men hvis "
        "forløb ikke er startet på opgørelsesdatoen.",
        "Families referred, under § 50 investigation or approved whose course has not "
        "started on the report date.",
        "count",
        group="flow",
        # Families waiting for intake: more is demand, fewer is intake done or fewer referrals.
        direction="neutral",
    ),
    Figure(
        "ended_families",
        "Afsluttede forløb",
        "Ended courses",
        "Familier, hvis forløb er afsluttet på eller før opgørelsesdatoen, uanset årsag.",
        "Families whose course ended on or before the report date, for whatever reason.",
        "count",
        group="families",
        # Counts every ended course, completed or dropped out, and only ever grows.
        direction="neutral",
    ),
    Figure(
        "overdue_families",
        "Forløb over tid",
        "Courses overdue",
        "Aktive familier, hvis forløb har varet længere end den planlagte forløbslængde "
        "(normalt 12 måneder fra start).",
        "Active families whose course has run longer than the planned course length "
        "(normally 12 months from the start).",
        "count",
        group="flow",
        # A course running past its planned length is what the group must act on.
        direction="bad",
    ),
    Figure(
        "target_active",
        "Mål: aktive familier",
        "Target: active families",
        "Det antal familier, programmet sigter mod at have i gang på samme tid.",
        "The number of families the programme aims to have in a course at the same time.",
        "count",
        group="families",
        # The target itself; its change is a decision, not a development.
        direction="plan",
    ),
    Figure(
        "median_days_to_start",
        "Dage fra henvisning til start (median)",
        "Days from referral to start (median)",
        "Det midterste antal dage fra henvisning til forløbsstart blandt familier, der er "
        "startet senest på opgørelsesdatoen: halvdelen ventede kortere, halvdelen længere.",
        "The middle number of days from referral to the start of the course among "
        "families started by the report date: half waited less, half waited longer.",
        "days",
        group="flow",
        # Longer waits from referral to start are worse for the families.
        direction="bad",
    ),
    Figure(
        "improved_share",
        "Forbedret forældreautoritet",
        "Improved parental authority",
        "Andel af de startede familier, hvis SSP-niveau er faldet: familiens niveau er det "
        "højeste blandt børnenes seneste SSP-vurderinger. Første vurdering (senest 31 dage "
        "efter start) sammenlignes med niveauet på opgørelsesdatoen. Kun familier med en "
        "sådan første vurdering og mindst én senere tæller med. Vises med programmets mål.",
        "Share of started families whose SSP level has fallen: a family's level is the "
        "highest among its children's latest SSP assessments. The first assessment (no "
        "later than 31 days after the start) is compared with the level on the report "
        "date. Only families with such a first assessment and at least one later one "
        "count. Shown with the programme's target.",
        "share",
        group="flow",
        # More families whose SSP level fell: the outcome the programme is for.
        direction="good",
    ),
    Figure(
        "self_supporting_parents",
        "Selvforsørgende forældre",
        "Self-supporting parents",
        "Andel af forældrene i de aktive familier, der efter seneste beskæftigelsesvurdering "
        "er selvforsørgende. Kun forældre, der er vurderet, tæller med.",
        "Share of the parents in active families who are self-supporting according to "
        "their latest employment assessment. Only parents who have been assessed count.",
        "share",
        group="flow",
        # More self-supporting parents: an outcome the programme aims at.
        direction="good",
    ),
    Figure(
        "budget_year",
        "Budget (år)",
        "Budget (year)",
        "Programmets samlede budget for opgørelsesdatoens kalenderår." + _NO_DISTRICT_DA,
        "The programme's total budget for the calendar year of the report date." + _NO_DISTRICT_EN,
        "money",
        group="money",
        # The plan; a change is a new year or a new grant.
        direction="plan",
    ),
    Figure(
        "spent_ytd",
        "Forbrug år til dato",
        "Spent year to date",
        "Bogførte udgifter fra 1. januar til og med opgørelsesdatoen, efter "
        "tilbageførsler." + _NO_DISTRICT_DA,
        "Costs booked from 1 January up to and including the report date, after "
        "corrections." + _NO_DISTRICT_EN,
        "money",
        group="money",
        # Spend grows through the year by itself; the status says whether it is too much.
        direction="neutral",
    ),
    Figure(
        "spent_share",
        "Forbrugt af budget",
        "Share of budget spent",
        "Forbrug år til dato som andel af årets budget." + _NO_DISTRICT_DA,
        "Spending so far this year as a share of the year's budget." + _NO_DISTRICT_EN,
        "share",
        group="money",
        # Grows with the year like spend; compare it with the expected share, or read the status.
        direction="neutral",
    ),
    Figure(
        "expected_share",
        "Forventet forbrug",
        "Expected by now",
        "Den del af året, der er gået på opgørelsesdatoen: så meget af budgettet burde "
        "være brugt, hvis pengene bruges jævnt over året.",
        "The part of the year that has passed on the report date: the share of the "
        "budget that would be spent if money were spent evenly over the year.",
        "share",
        group="money",
        # The linear plan: it only moves with the calendar.
        direction="plan",
    ),
    Figure(
        "forecast_year",
        "Prognose for året",
        "Year-end forecast",
        "Årets forventede samlede forbrug, hvis der bruges lige så meget resten af året "
        "som hidtil." + _NO_DISTRICT_DA,
        "The expected spending for the whole year if spending continues at the pace "
        "so far." + _NO_DISTRICT_EN,
        "money",
        group="money",
        # Above or below budget is what matters, and the status says it.
        direction="neutral",
    ),
    Figure(
        "spend_status",
        "Status",
        "Status",
        "Hvor året er på vej hen: prognosen for året over 105 % af budgettet er over "
        "budget, under 90 % underforbrug, ellers som planlagt. Samme regel for hele "
        "programmet og for hver forvaltning, finansieringskilde og aktivitet. Ingen "
        "status uden budget." + _NO_DISTRICT_DA,
        "Where the year is heading: a year-end forecast above 105% of the budget is over "
        "budget, below 90% an underspend, otherwise on plan. The same rule for the whole "
        "programme and for every department, funder and activity. No status without a "
        "budget." + _NO_DISTRICT_EN,
        "status",
        group="money",
        # The status is the verdict; its own words and colour say good or bad, not a change.
        direction="plan",
    ),
    Figure(
        "cost_per_family_month",
        "Udgift pr. familiemåned",
        "Cost per family-month",
        "Forbrug år til dato delt med antal familiemåneder: for hver måned i året til nu "
        "tælles de aktive familier ved månedens udgang. Vises ikke, når der ingen "
        "familiemåneder er." + _NO_DISTRICT_DA,
        "Spending so far this year divided by family-months: for each month of the year "
        "so far, the families active at the end of the month are counted. Not shown when "
        "there are no family-months." + _NO_DISTRICT_EN,
        "money",
        group="money",
        # Restarts every January and moves with spend and caseload alike;
        # neither way is good in itself.
        direction="neutral",
    ),
)

_BY_ID: Final[dict[str, Figure]] = {f.id: f for f in FIGURES}


def figure(figure_id: str) -> Figure:
    """The catalogue entry for `figure_id`; KeyError for an unknown id."""
    return _BY_ID[figure_id]


def group_heading(group: Group, lang: str) -> str:
    """A group's heading in `lang` ("en" English, otherwise Danish)."""
    da, en = GROUPS[group]
    return en if lang == "en" else da


def grouped(figure_ids: Iterable[str]) -> list[tuple[Group, list[str]]]:
    """`figure_ids` under their groups, groups in GROUPS order, figures in the order given."""
    chosen = list(figure_ids)
    result: list[tuple[Group, list[str]]] = []
    for group in GROUPS:
        members = [f for f in chosen if figure(f).group == group]
        if members:
            result.append((group, members))
    return result


Tone = Literal["good", "bad", "neutral"]


def change_tone(figure_id: str, change: float) -> Tone:
    """Whether a change of `change` (new minus old) of the figure is good, bad or neither."""
    direction = figure(figure_id).direction
    if change == 0 or direction not in ("good", "bad"):
        return "neutral"
    rise_is_good = direction == "good"
    return "good" if (change > 0) == rise_is_good else "bad"


#: Stage id -> (Danish, English) label, in the order a course moves through them.
STAGES: Final[dict[str, tuple[str, str]]] = {
    REFERRED: ("Henvist", "Referred"),
    INVESTIGATION: ("Under § 50-undersøgelse", "Under § 50 investigation"),
    APPROVED: ("Visiteret, ikke startet", "Approved, not started"),
    INTENSIVE: ("Intensiv fase", "Intensive phase"),
    AFTERCARE: ("Efterværn", "Aftercare"),
    ENDED: ("Afsluttet", "Ended"),
}

#: Stage id -> (Danish, English) definition, for the glossary.
STAGE_DEFINITIONS: Final[dict[str, tuple[str, str]]] = {
    REFERRED: (
        "Familien er henvist til programmet, men § 50-undersøgelsen er ikke begyndt.",
        "The family has been referred to the programme; the § 50 investigation has not begun.",
    ),
    INVESTIGATION: (
        "Den børnefaglige undersøgelse efter § 50 er begyndt, men familien er ikke visiteret.",
        "The § 50 child welfare investigation has begun; the family is not yet approved.",
    ),
    APPROVED: (
        "Familien er visiteret til et forløb, som endnu ikke er startet.",
        "The family has been approved for a course that has not yet started.",
    ),
    INTENSIVE: (
        "Forløbet er startet; familien er hverken i efterværn eller afsluttet.",
        "The course has started; the family is neither in aftercare nor ended.",
    ),
    AFTERCARE: (
        "Efterværnsdatoen er nået (uden registreret dato: når den intensive fase er gået), "
        "og forløbet er ikke afsluttet.",
        "The aftercare date has been reached (without a recorded date: when the intensive "
        "phase is over) and the course has not ended.",
    ),
    ENDED: (
        "Forløbet er afsluttet, uanset årsag.",
        "The course has ended, for whatever reason.",
    ),
}


def stage_label(stage: str, lang: str) -> str:
    """A stage's label in `lang` ("en" English, otherwise Danish)."""
    da, en = STAGES[stage]
    return en if lang == "en" else da


#: Breakdown dimension of the spend table -> (Danish, English) column heading.
SPEND_BREAKDOWNS: Final[dict[str, tuple[str, str]]] = {
    "department": ("Forvaltning", "Department"),
    "funder": ("Finansieret af", "Funder"),
    "activity": ("Aktivitet", "Activity"),
}

#: Columns of `queries.spend.spend_breakdown` that are not figures -> (Danish, English) label.
SPEND_VARIANCE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "variance_dkk": ("Afvigelse fra plan", "Variance from plan"),
    "variance_share": ("Afvigelse fra plan (procentpoint)", "Variance from plan (points)"),
}


#: kpis.md `spend_status` -> (Danish, English) label, exactly as kpis.md writes them.
SPEND_STATUSES: Final[dict[SpendStatus, tuple[str, str]]] = {
    SpendStatus.OVER: ("Over budget", "Over budget"),
    SpendStatus.UNDER: ("Underforbrug", "Underspend"),
    SpendStatus.ON_PLAN: ("Som planlagt", "On plan"),
}
#: Where a row has no status: the year has no budget to compare with.
NO_SPEND_STATUS: Final[tuple[str, str]] = ("Intet budget", "No budget")
#: A sign per status, so that it reads without colour (on a projector, in print).
SPEND_STATUS_SIGNS: Final[dict[SpendStatus | None, str]] = {
    SpendStatus.OVER: "▲",
    SpendStatus.UNDER: "▼",
    SpendStatus.ON_PLAN: "●",
    None: "–",
}


def status_of(status: object) -> SpendStatus | None:
    """A status from a table cell: its code (stored as text), else no status (None, NaN)."""
    return SpendStatus(status) if isinstance(status, str) else None


def spend_status_label(status: object, lang: str) -> str:
    """The status's kpis.md label in `lang`; "Intet budget" for no status."""
    known = status_of(status)
    da, en = NO_SPEND_STATUS if known is None else SPEND_STATUSES[known]
    return en if lang == "en" else da


def spend_status_text(status: object, lang: str) -> str:
    """Sign and label (`▲ Over budget`): the status as text, whatever the colour."""
    return f"{SPEND_STATUS_SIGNS[status_of(status)]} {spend_status_label(status, lang)}"
