"""The demo database: the seed documents' real figures plus synthetic families.

The seed rows in `seed_data/` (budgets, departments, districts, programmes,
indicators) are used unchanged; around them the generator adds what a real
export would hold: coordinators, pseudonymised families with their members,
assessments, interventions and meetings, monthly bookings near the budget,
district indicators and one demo user per role. Everything synthetic is
obviously so: family ids are pseudonyms such as `NB-001`, coordinators are
named by their post ("Koordinator Nørrebro"), e-mails end in `@demo.invalid`,
and no person's name appears anywhere.

The output depends only on `scale` and `seed` (never on the clock), so the
demo looks the same on every machine and in every test run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from data_access.bundle.change_theory import FILE as CHANGE_THEORY_FILE
from data_access.demo.change_theory import pilot_change_theory
from data_access.demo.dates import day
from data_access.demo.families import Area, CoursePlan, Courses, generate_courses
from data_access.demo.indicators import generate_indicators
from data_access.demo.spend import ProgrammeActivity, generate_spend
from data_access.demo.unit_costs import example_unit_costs

if TYPE_CHECKING:
    from data_access.bundle.loader import LoadSummary

SEED_DIR: Final = Path(__file__).resolve().parent / "seed_data"
DEFAULT_SEED: Final = 2010

PILOT: Final = "interventionsteam"
AREAS_PROGRAMME: Final = "intensiveret-indsats"

DEMO_USERS: Final[dict[str, str]] = {
    "admin": "admin@demo.invalid",
    "steering": "styregruppe@demo.invalid",
    "department_head": "chef.buf@demo.invalid",
    "coordinator": "koordinator.norrebro@demo.invalid",
    "viewer": "laeser@demo.invalid",
}
#: The department of the demo department head.
DEMO_DEPARTMENT: Final = "BUF"


@dataclass(frozen=True)
class SyntheticDistrict:
    district_id: str
    name: str
    kind: str
    parent_id: str
    #: Pseudonym prefix of families living there ("" = no families).
    prefix: str = ""


#: The city's bydele missing from the seeds, and the ten vulnerable housing
#: areas of the 2012-2015 programme (public area names; Tingbjerg and
#: Akacieparken are seeded).
EXTRA_DISTRICTS: Final[tuple[SyntheticDistrict, ...]] = (
    SyntheticDistrict("indre-by", "Indre By", "bydel", "kk"),
    SyntheticDistrict("oesterbro", "Østerbro", "bydel", "kk"),
    SyntheticDistrict("vesterbro-kongens-enghave", "Vesterbro/Kongens Enghave", "bydel", "kk"),
    SyntheticDistrict("vanloese", "Vanløse", "bydel", "kk"),
    SyntheticDistrict("bispebjerg", "Bispebjerg", "bydel", "kk"),
    SyntheticDistrict("amager-oest", "Amager Øst", "bydel", "kk"),
    SyntheticDistrict("amager-vest", "Amager Vest", "bydel", "kk"),
    SyntheticDistrict("mjoelnerparken", "Mjølnerparken", "boligomraade", "norrebro", "MP"),
    SyntheticDistrict("lundtoftegade", "Lundtoftegade", "boligomraade", "norrebro", "LT"),
    SyntheticDistrict("aldersrogade", "Aldersrogade", "boligomraade", "oesterbro", "AR"),
    SyntheticDistrict("bispebjerg-bakke", "Bispebjerg Bakke", "boligomraade", "bispebjerg", "BB"),
    SyntheticDistrict("hoergaarden", "Hørgården", "boligomraade", "amager-vest", "HG"),
    SyntheticDistrict("urbanplanen", "Urbanplanen", "boligomraade", "amager-vest", "UP"),
    SyntheticDistrict("husum-nord", "Husum Nord", "boligomraade", "broenshoej-husum", "HN"),
    SyntheticDistrict("sjaeloer-boulevard", "Sjælør Boulevard", "boligomraade", "valby", "SB"),
)
PILOT_AREAS: Final = (("norrebro", "NB"), ("tingbjerg", "TB"))
VULNERABLE_AREAS: Final = (
    ("mjoelnerparken", "MP"),
    ("lundtoftegade", "LT"),
    ("aldersrogade", "AR"),
    ("bispebjerg-bakke", "BB"),
    ("hoergaarden", "HG"),
    ("urbanplanen", "UP"),
    ("husum-nord", "HN"),
    ("sjaeloer-boulevard", "SB"),
    ("tingbjerg", "TB"),
    ("akacieparken", "AP"),
)

#: Families per scale unit. The pilot's intake ramps up through 2010 so that
#: about 30 families are active at once from early 2011; a few referrals
#: arrive in the last months and are still in intake when the pilot ends.
PILOT_FAMILIES: Final = 44
PILOT_INTAKE: Final = (2, 2, 2.5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, *(0.5,) * 6, 0.6, 1.0, 1.2)
#: The 2012-2015 programme at demo size: ~8 families per area over four years.
AREAS_FAMILIES: Final = 80
AREAS_INTAKE: Final = (1, 1, 1.5, 1.5, 2, 2, *(2,) * 38, 1, 0.5, 0.5, 0.5)

CONTRACT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "districts.csv": ("district_id", "name", "kind", "parent_id"),
    "departments.csv": ("department_id", "name", "kind"),
    "programmes.csv": (
        "programme_id",
        "name",
        "starts_on",
        "ends_on",
        "target_active_families",
        "target_improved_share",
        "intensive_months",
        "course_months",
    ),
    "coordinators.csv": ("coordinator_id", "name", "email", "district_id", "capacity"),
    "families.csv": (
        "family_id",
        "programme_id",
        "district_id",
        "coordinator_id",
        "referred_on",
        "investigation_on",
        "approved_on",
        "started_on",
        "aftercare_on",
        "ended_on",
        "end_reason",
        "single_parent",
    ),
    "members.csv": ("member_id", "family_id", "role", "birth_year", "employment_act"),
    "assessments.csv": ("family_id", "member_id", "assessed_on", "measure", "value"),
    "interventions.csv": (
        "intervention_id",
        "family_id",
        "member_id",
        "department_id",
        "kind",
        "started_on",
        "ended_on",
    ),
    "meetings.csv": ("meeting_id", "family_id", "held_on", "kind", "departments"),
    "budget.csv": ("programme_id", "year", "department_id", "funder_id", "activity", "amount_dkk"),
    "spend.csv": (
        "spend_id",
        "programme_id",
        "booked_on",
        "department_id",
        "funder_id",
        "activity",
        "amount_dkk",
        "family_id",
    ),
    "indicators.csv": ("district_id", "indicator", "measured_on", "value"),
    "indicator_definitions.csv": ("indicator", "name", "unit", "higher_is_better"),
    "users.csv": ("email", "role", "department_id", "coordinator_id"),
    "unit_costs.csv": ("measure", "name", "yearly_cost_dkk", "valid_from", "source"),
}


def read_seed(name: str) -> pd.DataFrame:
    """A seed file exactly as written: text cells, "" for empty, no type guessing."""
    return pd.read_csv(
        SEED_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    ).astype(object)


def _typed(
    frame: pd.DataFrame,
    *,
    dates: tuple[str, ...] = (),
    ints: tuple[str, ...] = (),
    floats: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Seed text cells as the types the synthetic rows use ("" becomes missing)."""
    frame = frame.copy()
    for column in dates:
        frame[column] = pd.to_datetime(frame[column].replace("", None)).astype("datetime64[s]")
    for column in ints:
        frame[column] = pd.array([int(v) if v != "" else None for v in frame[column]], "Int64")
    for column in floats:
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(float)
    return frame


@dataclass(frozen=True)
class ProgrammeShape:
    """A seeded programme's period and course lengths (contract defaults filled in)."""

    starts_on: np.datetime64
    ends_on: np.datetime64
    intensive_months: int
    course_months: int


def _programme_shapes() -> dict[str, ProgrammeShape]:
    shapes: dict[str, ProgrammeShape] = {}
    for row in read_seed("programmes.csv").to_dict("records"):
        shapes[str(row["programme_id"])] = ProgrammeShape(
            starts_on=day(str(row["starts_on"])),
            ends_on=day(str(row["ends_on"])),
            intensive_months=int(row["intensive_months"] or 6),
            course_months=int(row["course_months"] or 12),
        )
    return shapes


def _districts() -> pd.DataFrame:
    """The seeded districts plus the missing bydele and housing areas."""
    districts = read_seed("districts.csv")
    extra = pd.DataFrame(
        [
            {"district_id": d.district_id, "name": d.name, "kind": d.kind, "parent_id": d.parent_id}
            for d in EXTRA_DISTRICTS
            if d.district_id not in set(districts["district_id"])
        ]
    )
    districts = pd.concat([districts, extra], ignore_index=True)
    districts["parent_id"] = districts["parent_id"].replace("", None)
    return districts


def _coordinator_team(
    district_id: str, name: str, scale: int, *, areas_programme: bool
) -> list[dict[str, object]]:
    """`scale` coordinators for one area, named after their post, never a person."""
    slug = f"udsat-{district_id}" if areas_programme else district_id
    rows: list[dict[str, object]] = []
    for k in range(1, scale + 1):
        number = "" if k == 1 else f" {k}"
        suffix = "" if k == 1 else f"-{k}"
        title = f"Koordinator {name}{number}"
        if areas_programme:
            title += " (udsatte byområder)"
        rows.append(
            {
                "coordinator_id": f"koordinator-{slug}{suffix}",
                "name": title,
                "email": f"koordinator.{slug}{suffix}@demo.invalid".replace("-", "."),
                "district_id": district_id,
                "capacity": 15,
            }
        )
    return rows


def _course_plans(
    scale: int, names: dict[str, str], shapes: dict[str, ProgrammeShape]
) -> tuple[list[CoursePlan], pd.DataFrame]:
    """The two programmes with families, and their coordinators."""
    coordinator_rows: list[dict[str, object]] = []
    plans: list[CoursePlan] = []
    for programme_id, area_list, per_scale, intake in (
        (PILOT, PILOT_AREAS, PILOT_FAMILIES, PILOT_INTAKE),
        (AREAS_PROGRAMME, VULNERABLE_AREAS, AREAS_FAMILIES, AREAS_INTAKE),
    ):
        areas = []
        for district_id, prefix in area_list:
            team = _coordinator_team(
                district_id,
                names[district_id],
                scale,
                areas_programme=programme_id == AREAS_PROGRAMME,
            )
            coordinator_rows += team
            areas.append(Area(district_id, prefix, tuple(str(c["coordinator_id"]) for c in team)))
        shape = shapes[programme_id]
        plans.append(
            CoursePlan(
                programme_id=programme_id,
                starts_on=shape.starts_on,
                ends_on=shape.ends_on,
                areas=tuple(areas),
                families=per_scale * scale,
                intake_weights=intake,
                intensive_months=shape.intensive_months,
                course_months=shape.course_months,
            )
        )
    return plans, pd.DataFrame(coordinator_rows)


def _activities(
    shapes: dict[str, ProgrammeShape], plans: list[CoursePlan], courses: list[Courses]
) -> dict[str, ProgrammeActivity]:
    """What each programme's spend follows; programmes without families get none."""
    none = np.array([], dtype="datetime64[D]")
    activities = {
        programme_id: ProgrammeActivity(
            programme_id, shape.starts_on, shape.ends_on, none, none, pd.DataFrame()
        )
        for programme_id, shape in shapes.items()
    }
    for plan, course in zip(plans, courses, strict=True):
        activities[plan.programme_id] = ProgrammeActivity(
            plan.programme_id,
            plan.starts_on,
            plan.ends_on,
            course.started_on,
            course.left_on,
            course.kombinationspakker,
        )
    return activities


def build_demo_bundle(scale: int = 1, *, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Every bundle file of the demo: file name ("families.csv") -> frame.

    Columns are the contract's, in its order. Dates are datetime64 (NaT =
    missing), text is pandas' string dtype (NaN = missing), optional booleans
    are objects with None, optional integers nullable Int64. `scale` N gives N
    times the families (and coordinators), assessments and spend rows; the
    budget stays the seed's.
    """
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    pilot_rng, areas_rng, spend_rng, indicator_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    districts = _districts()
    programmes = _typed(
        read_seed("programmes.csv"),
        dates=("starts_on", "ends_on"),
        ints=("target_active_families", "intensive_months", "course_months"),
        floats=("target_improved_share",),
    )
    shapes = _programme_shapes()
    names = dict(zip(districts["district_id"], districts["name"], strict=True))
    plans, coordinators = _course_plans(scale, names, shapes)
    numbering: dict[str, int] = {}
    courses = [
        generate_courses(plan, rng, numbering)
        for plan, rng in zip(plans, (pilot_rng, areas_rng), strict=True)
    ]

    budget = _typed(read_seed("budget.csv"), ints=("year", "amount_dkk"))
    spend = generate_spend(spend_rng, budget, _activities(shapes, plans, courses), scale)
    spend.insert(0, "spend_id", _numbered("S", len(spend)))
    families = pd.concat([c.families for c in courses], ignore_index=True)
    interventions = pd.concat([c.interventions for c in courses], ignore_index=True)
    interventions.insert(0, "intervention_id", _numbered("I", len(interventions)))
    meetings = pd.concat([c.meetings for c in courses], ignore_index=True)
    meetings.insert(0, "meeting_id", _numbered("M", len(meetings)))
    indicators = pd.concat(
        [
            _typed(read_seed("indicators.csv"), dates=("measured_on",), floats=("value",)),
            generate_indicators(indicator_rng, districts, set(families["district_id"])),
        ],
        ignore_index=True,
    )
    definitions = read_seed("indicator_definitions.csv")
    definitions["higher_is_better"] = definitions["higher_is_better"].map(
        {"true": True, "false": False, "1": True, "0": False, "": None}
    )

    bundle = {
        "districts.csv": districts,
        "departments.csv": read_seed("departments.csv"),
        "programmes.csv": programmes,
        "coordinators.csv": coordinators,
        "families.csv": families,
        "members.csv": pd.concat([c.members for c in courses], ignore_index=True),
        "assessments.csv": pd.concat([c.assessments for c in courses], ignore_index=True),
        "interventions.csv": interventions,
        "meetings.csv": meetings,
        "budget.csv": budget,
        "spend.csv": spend,
        "indicators.csv": indicators,
        "indicator_definitions.csv": definitions,
        "users.csv": _users(coordinators),
        "unit_costs.csv": example_unit_costs(),
    }
    finished = {name: _finish(frame, CONTRACT_COLUMNS[name]) for name, frame in bundle.items()}
    finished[CHANGE_THEORY_FILE] = pilot_change_theory()
    return finished


def _numbered(prefix: str, n: int) -> pd.Series:
    """`S000001`-style ids, wider only when a large scale needs it."""
    width = max(6, len(str(n)))
    return prefix + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(width)


def _users(coordinators: pd.DataFrame) -> pd.DataFrame:
    """One demo user per role, and one per coordinator so each sees their own families."""
    rows: list[dict[str, object]] = [
        {"email": DEMO_USERS["admin"], "role": "admin"},
        {"email": DEMO_USERS["steering"], "role": "steering"},
        {
            "email": DEMO_USERS["department_head"],
            "role": "department_head",
            "department_id": DEMO_DEPARTMENT,
        },
    ]
    rows += [
        {"email": email, "role": "coordinator", "coordinator_id": coordinator_id}
        for email, coordinator_id in zip(
            coordinators["email"], coordinators["coordinator_id"], strict=True
        )
    ]
    rows.append({"email": DEMO_USERS["viewer"], "role": "viewer"})
    return pd.DataFrame(rows)


def _finish(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The contract's columns in order, text as pandas strings, a fresh index."""
    frame = frame.reindex(columns=list(columns)).reset_index(drop=True)
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object:
            continue
        kinds = values.map(type).unique()
        if str in kinds and set(kinds) <= {str, type(None)}:
            frame[column] = values.astype("str")
    return frame


def write_demo(url: str, scale: int = 1) -> LoadSummary:
    """Build the demo and load it like any bundle (validated, one transaction)."""
    from data_access.bundle.loader import load_frames

    return load_frames(
        build_demo_bundle(scale),
        url,
        bundle_name=f"demodata (skala {scale})",
        is_demo=True,
        consume=True,
    )
