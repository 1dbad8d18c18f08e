"""The figure catalogue: every figure and page measure with its kind and its messages.

Pages, the glossary, the presentation and the report name and explain a
figure only through here, so it reads the same everywhere. The words are in
the message catalogues (`dashboard.i18n`): a figure's label is
`figure.<id>.label` and its plain-language definition `figure.<id>.definition`;
the labels are those of ../shared/contract/kpis.md character for character.
This module must not import streamlit: the report CLI uses it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from dashboard.i18n import N_, t
from data_access.rules.stages import STAGE_ORDER

Kind = Literal["count", "share", "money", "days"]


@dataclass(frozen=True)
class Figure:
    """One figure: id (as in `data_access.queries.figures`) and format; its words are messages."""

    id: str
    kind: Kind

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
    Figure("active_families", "count"),
    Figure("intensive_families", "count"),
    Figure("aftercare_families", "count"),
    Figure("pipeline_families", "count"),
    Figure("ended_families", "count"),
    Figure("overdue_families", "count"),
    Figure("target_active", "count"),
    Figure("median_days_to_start", "days"),
    Figure("improved_share", "share"),
    Figure("self_supporting_parents", "share"),
    Figure("budget_year", "money"),
    Figure("spent_ytd", "money"),
    Figure("spent_share", "share"),
    Figure("expected_share", "share"),
    Figure("forecast_year", "money"),
    Figure("cost_per_family_month", "money"),
)

#: Figures computed for the whole programme even when a district is chosen (kpis.md: spend
#: has no district); their definitions end with `figure.whole_programme_note`.
WHOLE_PROGRAMME: Final = frozenset(
    {"budget_year", "spent_ytd", "spent_share", "forecast_year", "cost_per_family_month"}
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

#: Columns of `queries.figures.spend_by` that are not figures -> message id of their heading.
SPEND_VARIANCE_LABELS: Final[dict[str, str]] = {
    "variance_dkk": N_("spend.column.variance_dkk"),
    "variance_share": N_("spend.column.variance_share"),
}


def spend_column_label(column: str, lang: str) -> str:
    """The heading of a spend table column: a figure's label or a variance column's."""
    if column in SPEND_VARIANCE_LABELS:
        return t(SPEND_VARIANCE_LABELS[column], lang)
    return figure(column).label(lang)


def message_ids() -> list[str]:
    """The ids this module builds from its registries (see `dashboard.i18n`)."""
    ids = [i for f in FIGURES + MEASURES for i in (f.label_id, f.definition_id)]
    return ids + [stage_id(s, part) for s in STAGE_ORDER for part in ("label", "definition")]
