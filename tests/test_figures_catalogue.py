"""The figure catalogue matches kpis.md: ids, order and labels character for character."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.catalogue import (
    FIGURES,
    GROUPS,
    SPEND_BREAKDOWNS,
    SPEND_VARIANCE_LABELS,
    change_tone,
    figure,
    group_heading,
    grouped,
    spend_column_label,
    spend_status_label,
    spend_status_text,
    stage_definition,
    stage_label,
)
from data_access.queries.figures import FIGURE_IDS
from data_access.queries.spend import BREAKDOWN_COLUMNS
from data_access.rules.figures import FigureId
from data_access.rules.spend import SpendStatus
from data_access.rules.stages import STAGE_ORDER

KPIS = Path(__file__).resolve().parents[2] / "shared" / "contract" / "kpis.md"

#: kpis.md's figure table, copied here so the test runs where the contract folder is absent.
CONTRACT_LABELS = [
    ("active_families", "Aktive familier", "Active families"),
    ("intensive_families", "I intensiv fase", "In intensive phase"),
    ("aftercare_families", "I efterværn", "In aftercare"),
    ("pipeline_families", "Under visitation", "In intake"),
    ("ended_families", "Afsluttede forløb", "Ended courses"),
    ("overdue_families", "Forløb over tid", "Courses overdue"),
    ("target_active", "Mål: aktive familier", "Target: active families"),
    (
        "median_days_to_start",
        "Dage fra henvisning til start (median)",
        "Days from referral to start (median)",
    ),
    ("improved_share", "Forbedret forældreautoritet", "Improved parental authority"),
    ("self_supporting_parents", "Selvforsørgende forældre", "Self-supporting parents"),
    ("budget_year", "Budget (år)", "Budget (year)"),
    ("spent_ytd", "Forbrug år til dato", "Spent year to date"),
    ("spent_share", "Forbrugt af budget", "Share of budget spent"),
    ("expected_share", "Forventet forbrug", "Expected by now"),
    ("forecast_year", "Prognose for året", "Year-end forecast"),
    ("spend_status", "Status", "Status"),
    ("cost_per_family_month", "Udgift pr. familiemåned", "Cost per family-month"),
]


def _contract_table() -> list[tuple[str, str, str]]:
    """(id, Danish, English) rows of the figure table in kpis.md."""
    rows = []
    for line in KPIS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`") and cells[0].endswith("`"):
            figure_id = cells[0].strip("`")
            if figure_id in FIGURE_IDS:
                rows.append((figure_id, cells[1], cells[2]))
    return rows


def test_labels_are_the_contracts() -> None:
    assert [(f.id, f.label("da"), f.label("en")) for f in FIGURES] == CONTRACT_LABELS


@pytest.mark.skipif(not KPIS.exists(), reason="contract folder not present")
def test_labels_match_kpis_md_itself() -> None:
    assert _contract_table() == CONTRACT_LABELS


def test_catalogue_covers_every_computed_figure_in_order() -> None:
    assert tuple(f.id for f in FIGURES) == FIGURE_IDS


def test_kinds_and_definitions() -> None:
    kinds = {f.id: f.kind for f in FIGURES}
    assert kinds["active_families"] == "count"
    assert kinds["median_days_to_start"] == "days"
    assert kinds["improved_share"] == "share"
    assert kinds["cost_per_family_month"] == "money"
    for f in FIGURES:
        assert f.kind in {"count", "share", "money", "days", "status"}
        for text in (f.definition("da"), f.definition("en")):
            assert text.endswith("."), f.id
            assert text[0].isupper(), f.id
    # Money figures say they ignore the district filter (kpis.md: spend has no district).
    for figure_id in ("budget_year", "spent_ytd", "forecast_year", "cost_per_family_month"):
        assert (
            figure(figure_id)
            .definition("en")
            .endswith(" Always for the whole programme, even when a district is selected.")
        )
        assert (
            figure(figure_id)
            .definition("da")
            .endswith(" Gælder hele programmet, også når der er valgt et område.")
        )
    assert "område" not in figure("expected_share").definition("da")


def test_cost_per_family_month_definition_says_how_the_open_month_counts() -> None:
    # kpis.md: active on each month's last day "(on D for D's own month)". Read
    # without it, a user counting by hand takes D's month at its end and gets
    # another denominator whenever a family starts or ends between D and then.
    cost = figure("cost_per_family_month")
    assert "for opgørelsesdatoens egen måned på opgørelsesdatoen" in cost.definition("da")
    assert "for the report date's own month on the report date" in cost.definition("en")


def test_lookup() -> None:
    assert figure("active_families").label("da") == "Aktive familier"
    assert figure("active_families").label("en") == "Active families"
    assert figure("active_families").definition("da") == (
        "Familier i intensiv fase eller efterværn på opgørelsesdatoen."
    )
    with pytest.raises(KeyError):
        figure("no_such_figure")


def test_stages() -> None:
    # The stage table of kpis.md, in the order a course moves through it.
    assert [stage_label(s, "da") for s in STAGE_ORDER] == [
        "Henvist",
        "Under § 50-undersøgelse",
        "Visiteret, ikke startet",
        "Intensiv fase",
        "Efterværn",
        "Afsluttet",
    ]
    assert stage_label("aftercare", "en") == "Aftercare"
    assert stage_definition("ended", "da") == "Forløbet er afsluttet, uanset årsag."
    assert stage_definition("ended", "en") == "The course has ended, for whatever reason."


def test_spend_table_labels() -> None:
    assert set(SPEND_BREAKDOWNS) == {"department", "funder", "activity"}
    figure_columns = [c for c in BREAKDOWN_COLUMNS if c not in ("key", "name", "status")]
    for column in figure_columns:
        assert column in FIGURE_IDS or column in SPEND_VARIANCE_LABELS, column
    assert spend_column_label("variance_dkk", "da") == "Afvigelse fra plan"
    assert spend_column_label("spent_ytd", "en") == "Spent year to date"


def test_catalogue_does_not_import_streamlit() -> None:
    code = "import sys, dashboard.catalogue; assert 'streamlit' not in sys.modules"
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_every_figure_has_a_group_and_a_direction() -> None:
    for f in FIGURES:
        assert f.group in GROUPS, f.id
        assert f.direction in ("good", "bad", "neutral", "plan"), f.id
    assert [g for g, _ in grouped(f.id for f in FIGURES)] == list(GROUPS)
    assert [group_heading(g, "da") for g in GROUPS] == [
        "Familier",
        "Visitation, fremdrift og effekt",
        "Økonomi",
    ]


def test_directions_from_the_users_point_of_view() -> None:
    # The steering group's reading, decided in the catalogue (see its comments).
    expected = {
        "active_families": "good",
        "overdue_families": "bad",
        "median_days_to_start": "bad",
        "pipeline_families": "neutral",
        "improved_share": "good",
        "self_supporting_parents": "good",
        "spent_ytd": "neutral",
        "forecast_year": "neutral",
        "target_active": "plan",
        "budget_year": "plan",
    }
    assert {k: figure(k).direction for k in expected} == expected


def test_change_tone() -> None:
    # Spend up is neither good nor bad; fewer families waiting is not red; overdue up is bad.
    assert change_tone("spent_ytd", 5_200_000) == "neutral"
    assert change_tone("pipeline_families", -3) == "neutral"
    assert change_tone("overdue_families", 2) == "bad"
    assert change_tone("overdue_families", -2) == "good"
    assert change_tone("active_families", 4) == "good"
    assert change_tone("median_days_to_start", -10) == "good"
    assert change_tone("improved_share", 0) == "neutral"


def test_spend_status_labels_are_the_contracts() -> None:
    # kpis.md: Over budget / Underforbrug / Som planlagt; Over budget / Underspend / On plan.
    words = {lang: [spend_status_label(s, lang) for s in SpendStatus] for lang in ("da", "en")}
    assert words == {
        "da": ["Over budget", "Underforbrug", "Som planlagt"],
        "en": ["Over budget", "Underspend", "On plan"],
    }
    assert spend_status_text("over", "da") == "▲ Over budget"
    assert spend_status_text(None, "en") == "– No budget"
    assert spend_status_label(float("nan"), "da") == "Intet budget"


def test_figure_ids_are_the_enumeration() -> None:
    assert [f.id for f in FIGURES] == [str(i) for i in FigureId]
    assert figure(FigureId.SPEND_STATUS).label("da") == "Status"
