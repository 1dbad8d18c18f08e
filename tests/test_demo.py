"""The demo generator: deterministic, faithful to the seed figures, shaped like the pilot.

Most tests work on the frames `build_demo_bundle` returns (fast, no database);
the stage and improvement rules of kpis.md are written out here in pandas so
that the demo's story is checked independently of the SQL figures.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.bundle.validation import DatabaseState, check_bundle, parse_frames
from data_access.db import schema
from data_access.db.engine import make_engine
from data_access.demo.bundle import DEMO_USERS, SEED_DIR, build_demo_bundle, read_seed, write_demo

PILOT = "interventionsteam"
AREAS = "intensiveret-indsats"
BUILTIN_INDICATORS = ("tryghedsindex", "inklusion", "bandetilgang", "ungdomskriminalitet")
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seed-data"


@pytest.fixture(scope="module")
def bundle() -> dict[str, pd.DataFrame]:
    return build_demo_bundle(1)


@pytest.fixture(scope="module")
def pilot(bundle: dict[str, pd.DataFrame]) -> pd.DataFrame:
    families = bundle["families.csv"]
    return families[families["programme_id"] == PILOT]


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as CSV text, so typed demo rows compare with seed files cell by cell."""

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return ""
        if isinstance(value, pd.Timestamp):
            return "" if pd.isna(value) else value.date().isoformat()
        if isinstance(value, bool | np.bool_):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return frame.map(cell).astype(object).reset_index(drop=True)


def _stage(families: pd.DataFrame, on: date, intensive_months: int = 6) -> pd.Series:
    """kpis.md, "A family's stage on date D", checked top to bottom."""
    d = pd.Timestamp(on)
    aftercare = families["aftercare_on"].fillna(
        families["started_on"] + pd.DateOffset(months=intensive_months)
    )
    rules = [
        ("ended", families["ended_on"] <= d),
        ("aftercare", (families["started_on"] <= d) & (aftercare <= d)),
        ("intensive", families["started_on"] <= d),
        ("approved", families["approved_on"] <= d),
        ("investigation", families["investigation_on"] <= d),
        ("referred", families["referred_on"] <= d),
    ]
    stage = pd.Series(None, index=families.index, dtype=object)
    for name, holds in reversed(rules):
        stage = stage.mask(holds.fillna(False).astype(bool), name)
    return stage


def _improved_share(families: pd.DataFrame, assessments: pd.DataFrame, on: date) -> float:
    """kpis.md `improved_share`: family SSP level (highest child) fell from baseline to D."""
    d = pd.Timestamp(on)
    started = families.set_index("family_id")["started_on"]
    ssp = assessments[(assessments["measure"] == "ssp_level") & (assessments["assessed_on"] <= d)]
    ssp = ssp[ssp["family_id"].isin(started[started <= d].index)]
    first = ssp.groupby("family_id")["assessed_on"].transform("min")
    baseline = (
        ssp[ssp["assessed_on"] == first]
        .groupby("family_id")
        .agg(level=("value", "max"), on=("assessed_on", "min"))
    )
    baseline = baseline[baseline["on"] <= started[baseline.index] + pd.Timedelta(days=31)]
    latest_per_child = ssp.sort_values("assessed_on").groupby(["family_id", "member_id"]).last()
    latest = latest_per_child.groupby("family_id").agg(
        level=("value", "max"), on=("assessed_on", "max")
    )
    both = baseline.add_suffix("_base").join(latest.add_suffix("_latest"), how="inner")
    both = both[both["on_latest"] > both["on_base"]]
    return float((both["level_latest"] < both["level_base"]).mean())


def test_two_builds_are_equal_and_the_seed_matters() -> None:
    first, second = build_demo_bundle(1), build_demo_bundle(1)
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], obj=name)
    other = build_demo_bundle(1, seed=7)
    assert not other["families.csv"].equals(first["families.csv"])


def test_seed_budget_is_unchanged_to_the_krone(bundle: dict[str, pd.DataFrame]) -> None:
    budget = bundle["budget.csv"]
    pd.testing.assert_frame_equal(_as_text(budget), _as_text(read_seed("budget.csv")))
    pilot_budget = budget[budget["programme_id"] == PILOT]
    assert pilot_budget["amount_dkk"].sum() == 31_866_667
    assert pilot_budget.loc[pilot_budget["funder_id"] == "IM", "amount_dkk"].sum() == 3_000_000
    assert pilot_budget.groupby("year")["amount_dkk"].sum().to_dict() == {
        2010: 13_266_667,
        2011: 18_600_000,
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("departments.csv", None),
        ("programmes.csv", None),
        ("indicator_definitions.csv", None),
        ("districts.csv", "district_id"),
        ("indicators.csv", "indicator"),
    ],
)
def test_seed_rows_are_kept_as_they_are(
    bundle: dict[str, pd.DataFrame], name: str, key: str | None
) -> None:
    seed = _as_text(read_seed(name))
    demo = _as_text(bundle[name])
    if key == "district_id":
        demo = demo[demo["district_id"].isin(seed["district_id"])].reset_index(drop=True)
    elif key == "indicator":
        demo = demo[demo["indicator"].isin(seed["indicator"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(demo, seed)


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seed-data not beside the repo")
def test_repo_seed_files_are_exact_copies_of_the_shared_ones() -> None:
    for shared in sorted(SHARED_SEEDS.iterdir()):
        assert (SEED_DIR / shared.name).read_bytes() == shared.read_bytes(), shared.name


def test_bundle_passes_every_contract_rule() -> None:
    parsed = parse_frames(build_demo_bundle(2, seed=11))
    problems = parsed.problems + check_bundle(parsed, DatabaseState())
    assert problems == []


def test_write_demo_loads_the_whole_bundle(db_url: str, bundle: dict[str, pd.DataFrame]) -> None:
    summary = write_demo(db_url, 1)
    assert summary.rows == {name: len(frame) for name, frame in bundle.items()}
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            pilot_budget = conn.execute(
                select(func.sum(schema.budget.c.amount_dkk)).where(
                    schema.budget.c.programme_id == PILOT
                )
            ).scalar_one()
            families = conn.execute(select(func.count()).select_from(schema.families)).scalar()
            load = conn.execute(select(schema.load_history)).mappings().one()
    finally:
        engine.dispose()
    assert pilot_budget == 31_866_667
    assert families == len(bundle["families.csv"])
    assert load["is_demo"]
    assert load["bundle_name"] == "demodata (skala 1)"


def test_about_thirty_pilot_families_are_active_mid_pilot(pilot: pd.DataFrame) -> None:
    stages = _stage(pilot, date(2011, 3, 31))
    active = int(stages.isin(["intensive", "aftercare"]).sum())
    assert 25 <= active <= 35
    # The intake ramps up: far fewer at mid-2010, some still in intake at the end.
    assert _stage(pilot, date(2010, 6, 30)).isin(["intensive", "aftercare"]).sum() < active
    at_end = _stage(pilot, date(2011, 12, 31))
    assert at_end.isin(["referred", "investigation", "approved"]).sum() >= 1
    assert (at_end == "ended").sum() >= 15


def test_some_pilot_courses_run_over_time(pilot: pd.DataFrame) -> None:
    overdue = 0
    for on in (date(2011, 6, 30), date(2011, 9, 30), date(2011, 12, 31)):
        active = _stage(pilot, on).isin(["intensive", "aftercare"])
        due = pilot["started_on"] + pd.DateOffset(months=12)
        overdue += int((active & (due < pd.Timestamp(on))).sum())
    assert overdue >= 2


def test_courses_end_completed_or_dropped_out(pilot: pd.DataFrame) -> None:
    reasons = pilot["end_reason"].value_counts()
    assert reasons["completed"] > reasons["dropped_out"] >= 2
    assert reasons.get("moved", 0) >= 1
    assert set(reasons.index) <= {"completed", "dropped_out", "moved", "other"}


def test_about_half_are_single_parent_families(bundle: dict[str, pd.DataFrame]) -> None:
    families = bundle["families.csv"]
    assert 0.4 <= families["single_parent"].mean() <= 0.6
    members = bundle["members.csv"]
    parents = members[members["role"] == "parent"].groupby("family_id").size()
    expected = families.set_index("family_id")["single_parent"].map({True: 1, False: 2})
    pd.testing.assert_series_equal(
        parents.sort_index(), expected.sort_index(), check_names=False, check_dtype=False
    )
    children = members[members["role"] == "child"].groupby("family_id").size()
    assert children.between(1, 4).all() and len(children) == len(families)
    act = members.loc[members["role"] == "parent", "employment_act"].astype(bool)
    assert 0.7 <= act.mean() <= 0.8


def test_every_family_has_a_child_at_ssp_3_or_4_at_intake(
    bundle: dict[str, pd.DataFrame],
) -> None:
    families = bundle["families.csv"].set_index("family_id")
    ssp = bundle["assessments.csv"]
    ssp = ssp[ssp["measure"] == "ssp_level"]
    first = ssp.groupby("family_id")["assessed_on"].transform("min")
    intake = ssp[ssp["assessed_on"] == first]
    started = families.loc[intake["family_id"], "started_on"].to_numpy()
    in_window = pd.isna(started) | (
        intake["assessed_on"].to_numpy() <= started + pd.Timedelta(31, "D")
    )
    assert in_window.all()
    highest = intake.groupby("family_id")["value"].max()
    assert len(highest) >= 0.9 * len(families)
    assert (highest >= 3).all()


def test_improved_share_ends_near_the_target(bundle: dict[str, pd.DataFrame], pilot) -> None:
    share = _improved_share(pilot, bundle["assessments.csv"], date(2011, 12, 31))
    assert 0.5 <= share <= 0.75


def test_scale_two_has_twice_the_families_and_the_same_budget(
    bundle: dict[str, pd.DataFrame],
) -> None:
    double = build_demo_bundle(2)
    one = bundle["families.csv"]["programme_id"].value_counts()
    two = double["families.csv"]["programme_id"].value_counts()
    pd.testing.assert_series_equal(two, one * 2)
    assert double["families.csv"]["family_id"].is_unique
    assert len(double["assessments.csv"]) > 1.8 * len(bundle["assessments.csv"])
    assert len(double["spend.csv"]) > 1.8 * len(bundle["spend.csv"])
    pd.testing.assert_frame_equal(double["budget.csv"], bundle["budget.csv"])
    for frames in (bundle, double):
        _assert_spend_near_budget(frames)


def _assert_spend_near_budget(frames: dict[str, pd.DataFrame]) -> None:
    keys = ["programme_id", "year", "department_id", "funder_id", "activity"]
    spend = frames["spend.csv"].assign(year=frames["spend.csv"]["booked_on"].dt.year)
    spent = spend.groupby(keys)["amount_dkk"].sum()
    budget = frames["budget.csv"].set_index(keys)["amount_dkk"]
    ratio = spent.reindex(budget.index) / budget
    assert ratio.between(0.85, 1.15).all(), ratio[~ratio.between(0.85, 1.15)]
    assert (ratio < 1).any() and (ratio > 1).any()


def test_spend_rows_are_well_formed(bundle: dict[str, pd.DataFrame]) -> None:
    spend = bundle["spend.csv"]
    assert spend["spend_id"].is_unique
    assert spend["spend_id"].iloc[0] == "S000001"
    cents = spend["amount_dkk"] * 100
    assert np.allclose(cents, cents.round(), atol=1e-6)
    assert (spend["amount_dkk"] < 0).sum() >= 3
    programmes = bundle["programmes.csv"].set_index("programme_id")
    ends = programmes.loc[spend["programme_id"], "ends_on"].to_numpy()
    starts = programmes.loc[spend["programme_id"], "starts_on"].to_numpy()
    assert (spend["booked_on"].to_numpy() <= ends).all()
    assert (spend["booked_on"].to_numpy() >= starts).all()


def test_kombinationspakke_is_booked_per_family_and_month(bundle: dict[str, pd.DataFrame]) -> None:
    spend = bundle["spend.csv"]
    packages = spend[spend["family_id"].notna()]
    assert len(packages) > 50
    assert set(packages["activity"]) == {"Beskæftigelsestilbud"}
    assert set(packages["department_id"]) == {"BIF"}
    assert packages["family_id"].isin(bundle["families.csv"]["family_id"]).all()
    months = packages.assign(month=packages["booked_on"].dt.to_period("M"))
    assert not months.duplicated(["family_id", "month"]).any()
    # At most two parents on the package for a whole month at 1.723,50 kr. a week.
    assert packages["amount_dkk"].max() <= 2 * 31 * 1723.50 / 7 + 0.01
    full_month = packages["amount_dkk"].round(2).isin([round(1723.50 * d / 7, 2) for d in (30, 31)])
    assert full_month.any()


def test_integrationsindsats_has_money_but_no_families(bundle: dict[str, pd.DataFrame]) -> None:
    assert "integrationsindsats" not in set(bundle["families.csv"]["programme_id"])
    assert (bundle["spend.csv"]["programme_id"] == "integrationsindsats").sum() > 40


def test_areas_programme_covers_ten_housing_areas(bundle: dict[str, pd.DataFrame]) -> None:
    families = bundle["families.csv"]
    areas = families.loc[families["programme_id"] == AREAS, "district_id"].unique()
    districts = bundle["districts.csv"].set_index("district_id")
    assert len(areas) == 10
    assert (districts.loc[areas, "kind"] == "boligomraade").all()
    parents = districts.loc[areas, "parent_id"]
    assert (districts.loc[parents, "kind"] == "bydel").all()
    assert (districts.loc[districts["kind"] == "bydel", "parent_id"] == "kk").all()
    coordinators = bundle["coordinators.csv"]
    assert set(coordinators["district_id"]) >= set(areas)


def test_every_date_lies_inside_its_programme(bundle: dict[str, pd.DataFrame]) -> None:
    families = bundle["families.csv"]
    programmes = bundle["programmes.csv"].set_index("programme_id")
    end_of = families["programme_id"].map(programmes["ends_on"])
    date_columns = ["referred_on", "investigation_on", "approved_on", "started_on", "ended_on"]
    for column in date_columns:
        assert (families[column].isna() | (families[column] <= end_of)).all(), column
    ordered = families[date_columns[:4]].ffill(axis=1)
    assert (ordered.diff(axis=1).iloc[:, 1:].fillna(pd.Timedelta(0)) >= pd.Timedelta(0)).all().all()
    by_family = families.set_index("family_id")["programme_id"].map(programmes["ends_on"])
    for name, column in (
        ("assessments.csv", "assessed_on"),
        ("meetings.csv", "held_on"),
        ("interventions.csv", "started_on"),
    ):
        frame = bundle[name]
        assert (frame[column] <= by_family[frame["family_id"]].to_numpy()).all(), name


def test_meetings_and_interventions_look_like_the_model(bundle: dict[str, pd.DataFrame]) -> None:
    meetings = bundle["meetings.csv"]
    assert set(meetings["kind"]) == {"coordination", "quarterly_review"}
    assert meetings["departments"].str.split(";").map(set(["SOF", "BUF", "BIF"]).issuperset).all()
    interventions = bundle["interventions.csv"]
    kinds = interventions.groupby("department_id")["kind"].agg(set).to_dict()
    assert kinds["BIF"] == {"kombinationspakke", "sprogkursus"}
    assert kinds["SOF"] == {"familiebehandling", "mentor", "foraeldrekursus", "psykolog"}
    assert kinds["BUF"] == {"ppr", "klub", "fritidsjob", "uu_vejledning"}
    assert interventions["ended_on"].isna().any()
    assert interventions["intervention_id"].is_unique and meetings["meeting_id"].is_unique


def test_indicators_for_every_district_half_yearly(bundle: dict[str, pd.DataFrame]) -> None:
    indicators = bundle["indicators.csv"]
    builtin = indicators[indicators["indicator"].isin(BUILTIN_INDICATORS)]
    per_district = builtin.groupby("district_id").size()
    assert set(per_district.index) == set(bundle["districts.csv"]["district_id"])
    assert (per_district == 4 * 16).all()
    tryghed = builtin[builtin["indicator"] == "tryghedsindex"].pivot(
        index="measured_on", columns="district_id", values="value"
    )
    assert tryghed.min().min() >= 0 and tryghed.max().max() <= 100
    for area in ("tingbjerg", "mjoelnerparken", "norrebro"):
        assert (tryghed[area] < tryghed["kk"]).all(), area
        series = tryghed[area]
        assert series.iloc[-1] > series[pd.Timestamp("2010-01-01")] + 3, area


def test_no_person_names_only_posts_and_pseudonyms(bundle: dict[str, pd.DataFrame]) -> None:
    coordinators = bundle["coordinators.csv"]
    assert coordinators["name"].str.startswith("Koordinator ").all()
    assert coordinators["email"].str.endswith("@demo.invalid").all()
    assert bundle["users.csv"]["email"].str.endswith("@demo.invalid").all()
    assert bundle["families.csv"]["family_id"].str.fullmatch(r"[A-Z]{2}-\d{3,}").all()
    members = bundle["members.csv"]
    pattern = re.compile(r"(?P<family>[A-Z]{2}-\d{3,})-[PC]\d")
    matches = members["member_id"].map(pattern.fullmatch)
    assert matches.notna().all()
    assert (matches.map(lambda m: m["family"]) == members["family_id"]).all()


def test_one_demo_user_per_role(bundle: dict[str, pd.DataFrame]) -> None:
    users = bundle["users.csv"].set_index("email")
    for role, email in DEMO_USERS.items():
        assert users.loc[email, "role"] == role
    assert users.loc[DEMO_USERS["department_head"], "department_id"] == "BUF"
    assert users.loc["koordinator.norrebro@demo.invalid", "coordinator_id"] in set(
        bundle["families.csv"].loc[lambda f: f["district_id"] == "norrebro", "coordinator_id"]
    )
    coordinators = set(bundle["coordinators.csv"]["coordinator_id"])
    assert set(users["coordinator_id"].dropna()) == coordinators
