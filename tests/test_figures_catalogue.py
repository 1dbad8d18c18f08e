"""The figure catalogue matches kpis.md: ids, order and labels character for character."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.catalogue import (
    FIGURES,
    SPEND_BREAKDOWNS,
    SPEND_VARIANCE_LABELS,
    figure,
    spend_column_label,
    stage_definition,
    stage_label,
)
from data_access.queries.figures import FIGURE_IDS, SPEND_COLUMNS
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
        assert f.kind in {"count", "share", "money", "days"}
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
    figure_columns = [c for c in SPEND_COLUMNS if c not in ("key", "name")]
    for column in figure_columns:
        assert column in FIGURE_IDS or column in SPEND_VARIANCE_LABELS, column
    assert spend_column_label("variance_dkk", "da") == "Afvigelse fra plan"
    assert spend_column_label("spent_ytd", "en") == "Spent year to date"


def test_catalogue_does_not_import_streamlit() -> None:
    code = "import sys, dashboard.catalogue; assert 'streamlit' not in sys.modules"
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
