"""The figure catalogue: every figure and page measure with its kind, group, direction and messages.

Pages, the glossary, the presentation and the report name, explain, place
and colour a figure only through here, so it reads the same everywhere: its
group is the heading it is shown under (overview, report), its direction
whether a rise is good, bad or neutral (the colour of its change on the
pages, in the presentation and in the report). The words are in the message
catalogues (`dashboard.i18n`): a figure's label is `figure.<id>.label` and
its plain-language definition `figure.<id>.definition`; the labels are those
of ../shared/contract/kpis.md character for character. The spend status's
words are kpis.md's too. This module must not import streamlit: the report
CLI uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from dashboard.i18n import N_, t
from data_access.rules.figures import FigureId
from data_access.rules.spend import SpendStatus
from data_access.rules.stages import STAGE_ORDER

Kind = Literal["count", "share", "money", "days", "status"]

#: The headings figures are shown under, in the order the overview and the report show them.
Group = Literal["families", "flow", "money"]
GROUPS: Final[dict[Group, str]] = {
    "families": N_("common.families"),
    "flow": N_("group.flow"),
    "money": N_("page.oekonomi.title"),
}

#: What a rise of the figure means to the steering group, and so the colour of its change:
#: "good" green, "bad" orange, "neutral" grey; "plan" for targets and plans, whose
#: change says nothing and is not shown beside the figure.
Direction = Literal["good", "bad", "neutral", "plan"]


@dataclass(frozen=True)
class Figure:
    """One figure: id (a kpis.md `FigureId`, or a page measure's own) and format; its words
    are messages. kpis.md figures also carry their group and direction."""

    id: str
    kind: Kind
    group: Group | None = None
    direction: Direction | None = None

    @property
    def label_id(self) -> str:
        return f"figure.{self.id}.label"

    @property
    def definition_id(self) -> str:
        return f"figure.{self.id}.definition"

    def label(self, lang: str) -> str:
        """The label in `lang` ("da" or "en"; anything else reads Danish)."""
        return t(self.label_id, lang)

    def definition(self, lang: str) -> str:
        """The definition in `lang`; spend figures say they ignore the district filter."""
        text = t(self.definition_id, lang)
        if self.id in WHOLE_PROGRAMME:
            text += " " + t("figure.whole_programme_note", lang)
        return text


FIGURES: Final[tuple[Figure, ...]] = (
    # Rising toward the target is the programme's aim: more families in a course.
    Figure(FigureId.ACTIVE_FAMILIES, "count", "families", "good"),
    # The parts of the active figure: families move on to aftercare as they should,
    # so neither part rising or falling is good or bad by itself.
    Figure(FigureId.INTENSIVE_FAMILIES, "count", "families", "neutral"),
    Figure(FigureId.AFTERCARE_FAMILIES, "count", "families", "neutral"),
    # Families waiting for intake: more is demand, fewer is intake done or fewer referrals.
    Figure(FigureId.PIPELINE_FAMILIES, "count", "flow", "neutral"),
    # Every ended course, completed or dropped out; it only ever grows.
    Figure(FigureId.ENDED_FAMILIES, "count", "families", "neutral"),
    # A course running past its planned length is what the group must act on.
    Figure(FigureId.OVERDUE_FAMILIES, "count", "flow", "bad"),
    # The target itself: its change is a decision, not a development.
    Figure(FigureId.TARGET_ACTIVE, "count", "families", "plan"),
    # Longer waits from referral to start are worse for the families.
    Figure(FigureId.MEDIAN_DAYS_TO_START, "days", "flow", "bad"),
    # More families whose SSP level fell: the outcome the programme is for.
    Figure(FigureId.IMPROVED_SHARE, "share", "flow", "good"),
    # More self-supporting parents: an outcome the programme aims at.
    Figure(FigureId.SELF_SUPPORTING_PARENTS, "share", "flow", "good"),
    # The plan; a change is a new year or a new grant.
    Figure(FigureId.BUDGET_YEAR, "money", "money", "plan"),
    # Spend and its share grow through the year by themselves; whether that is too
    # much or too little is what the status says, so their change stays grey.
    Figure(FigureId.SPENT_YTD, "money", "money", "neutral"),
    Figure(FigureId.SPENT_SHARE, "share", "money", "neutral"),
    # The linear plan: it only moves with the calendar.
    Figure(FigureId.EXPECTED_SHARE, "share", "money", "plan"),
    # Above or below the budget is what matters, and the status says it.
    Figure(FigureId.FORECAST_YEAR, "money", "money", "neutral"),
    # The verdict itself: its own words and colour say good or bad, not a change.
    Figure(FigureId.SPEND_STATUS, "status", "money", "plan"),
    # Restarts every January and moves with spend and caseload alike; neither way
    # is good in itself.
    Figure(FigureId.COST_PER_FAMILY_MONTH, "money", "money", "neutral"),
)

#: Figures computed for the whole programme even when a district is chosen (kpis.md: spend
#: has no district); their definitions end with `figure.whole_programme_note`.
WHOLE_PROGRAMME: Final = frozenset(
    {
        "budget_year",
        "spent_ytd",
        "spent_share",
        "forecast_year",
        "spend_status",
        "cost_per_family_month",
    }
)

#: Measures shown on the pages that kpis.md does not define: labelled and explained like
#: the figures, and listed by the glossary after them.
MEASURES: Final[tuple[Figure, ...]] = (
    Figure("capacity_left", "count"),
    Figure("wait_median", "days"),
    Figure("wait_slow", "count"),
    Figure("due_aftercare", "count"),
    Figure("next_review_due", "days"),
)

_BY_ID: Final[dict[str, Figure]] = {f.id: f for f in FIGURES}
_MEASURES_BY_ID: Final[dict[str, Figure]] = {m.id: m for m in MEASURES}


def figure(figure_id: str) -> Figure:
    """The catalogue entry for `figure_id`; KeyError for an unknown id."""
    return _BY_ID[figure_id]


def group_heading(group: Group, lang: str) -> str:
    """A group's heading in `lang`."""
    return t(GROUPS[group], lang)


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


def measure(measure_id: str) -> Figure:
    """A page measure's catalogue entry (label and definition)."""
    return _MEASURES_BY_ID[measure_id]


def stage_id(stage: str, part: Literal["label", "definition"]) -> str:
    """The message id of a stage's label or definition."""
    return f"stage.{stage}.{part}"


def stage_label(stage: str, lang: str) -> str:
    """A stage's label in `lang` ("en" English, otherwise Danish)."""
    return t(stage_id(stage, "label"), lang)


def stage_definition(stage: str, lang: str) -> str:
    """A stage's plain-language definition, for the glossary and the report."""
    return t(stage_id(stage, "definition"), lang)


#: Breakdown dimension of the spend table -> message id of its column heading.
SPEND_BREAKDOWNS: Final[dict[str, str]] = {
    "department": N_("spend.column.department"),
    "funder": N_("spend.column.funder"),
    "activity": N_("spend.column.activity"),
}

#: Columns of `queries.spend.spend_breakdown` that are not figures -> message id of their heading.
SPEND_VARIANCE_LABELS: Final[dict[str, str]] = {
    "variance_dkk": N_("spend.column.variance_dkk"),
    "variance_share": N_("spend.column.variance_share"),
}


def spend_column_label(column: str, lang: str) -> str:
    """The heading of a spend table column: a figure's label or a variance column's."""
    if column in SPEND_VARIANCE_LABELS:
        return t(SPEND_VARIANCE_LABELS[column], lang)
    return figure(column).label(lang)


#: kpis.md `spend_status` -> message id of its label (kpis.md's words); None: no budget.
SPEND_STATUSES: Final[dict[SpendStatus | None, str]] = {
    SpendStatus.OVER: N_("spend.status.over"),
    SpendStatus.UNDER: N_("spend.status.under"),
    SpendStatus.ON_PLAN: N_("spend.status.on_plan"),
    None: N_("spend.status.no_budget"),
}
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
    return t(SPEND_STATUSES[status_of(status)], lang)


def spend_status_text(status: object, lang: str) -> str:
    """Sign and label (`▲ Over budget`): the status as text, whatever the colour."""
    return SPEND_STATUS_SIGNS[status_of(status)] + " " + spend_status_label(status, lang)


def message_ids() -> list[str]:
    """The ids this module builds from its registries (see `dashboard.i18n`)."""
    ids = [i for f in FIGURES + MEASURES for i in (f.label_id, f.definition_id)]
    return ids + [stage_id(s, part) for s in STAGE_ORDER for part in ("label", "definition")]
