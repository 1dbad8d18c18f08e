"""Synthetic family courses for the demo: families, members, assessments,
interventions and meetings of one programme, generated array-wise.

Everything is drawn from the caller's numpy Generator, so one seed gives one
database. Shares that the figures show (dropouts, single parents, employment
act, improvement) are assigned by shuffling an exact count instead of a coin
per family: a small demo then lands on its targets instead of near them.
Dates after the programme's end are cut off, because an export made at the
end of the programme could not contain them.

Rows are built as integer and date arrays first and turned into text only at
the end (Arrow string `take`), which keeps scale 1000 (millions of rows)
within seconds and well under the memory a Python object per cell would need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.extensions import ExtensionArray

from data_access.demo.dates import (
    NAT,
    Days,
    add_days,
    add_months,
    earliest,
    month_starts,
    weekday,
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

# Fates of a course.
COMPLETED, EXTENDED, DROPPED_BEFORE_START, DROPPED, MOVED = range(5)
END_REASONS = ("completed", "completed", "dropped_out", "dropped_out", "moved")
# Trajectories of a family's measures.
IMPROVING, FLAT, WORSENING = range(3)

#: Assessment slots per family: intake, up to six quarterly follow-ups, an exit.
FOLLOW_UPS = 6
SLOTS = FOLLOW_UPS + 2
MEASURES = ("ssp_level", "parental_authority", "employment", "school_attendance", "life_quality")


@dataclass(frozen=True)
class Area:
    """A district where a programme has families, with its coordinators' ids."""

    district_id: str
    prefix: str
    coordinator_ids: tuple[str, ...]


@dataclass(frozen=True)
class CoursePlan:
    """What one programme's synthetic families look like."""

    programme_id: str
    starts_on: np.datetime64
    ends_on: np.datetime64
    areas: tuple[Area, ...]
    families: int
    #: Relative referral weight of each month from `starts_on` (stratified draw).
    intake_weights: tuple[float, ...]
    intensive_months: int = 6
    course_months: int = 12
    dropout_share: float = 0.10
    moved_share: float = 0.04
    extended_share: float = 0.10
    #: Improving families among those who stay the course (few who leave improve).
    improving_share: float = 0.68


@dataclass
class Courses:
    """The generated rows of one programme, plus what the spend generator needs."""

    families: pd.DataFrame
    members: pd.DataFrame
    assessments: pd.DataFrame
    interventions: pd.DataFrame
    meetings: pd.DataFrame
    #: Per family: started_on and ended_on (NaT = not started / still active at the end).
    started_on: Days
    left_on: Days
    #: One row per kombinationspakke: family_id, started_on, ended_on (NaT = open).
    kombinationspakker: pd.DataFrame


@dataclass(frozen=True)
class Family:
    """Per-family arrays, in referral order (the order of families.csv)."""

    ids: ExtensionArray
    referred: Days
    investigation: Days
    approved: Days
    started: Days
    ended: Days
    completed: BoolArray
    #: The last day anything can happen: ended_on, else the programme's end.
    last: Days


@dataclass(frozen=True)
class People:
    """Per-member arrays (parents first within each family) and their ids."""

    ids: ExtensionArray
    family: IntArray
    is_parent: BoolArray
    is_target: BoolArray
    age: IntArray
    employment_act: BoolArray
    ssp_intake: IntArray


def text(values: Sequence[str] | npt.NDArray[np.object_]) -> ExtensionArray:
    """Arrow-backed strings: compact, and `take` copies no Python objects."""
    return pd.array(values, dtype="str")


def exact_share(rng: np.random.Generator, n: int, share: float) -> BoolArray:
    """n flags of which round(share * n) are True, in random order."""
    flags = np.zeros(n, dtype=bool)
    flags[: round(share * n)] = True
    rng.shuffle(flags)
    return flags


def _ints(rng: np.random.Generator, low: int, high: int, n: int) -> IntArray:
    """Uniform ints in [low, high] inclusive."""
    return rng.integers(low, high + 1, size=n)


def _referrals(rng: np.random.Generator, plan: CoursePlan) -> Days:
    """Referral dates spread over the intake curve, one stratum per family (so sorted)."""
    weights = np.asarray(plan.intake_weights, dtype=float)
    firsts = month_starts(plan.starts_on, add_months(np.array([plan.starts_on]), len(weights))[0])
    lengths = (firsts[1:] - firsts[:-1]).astype(np.int64)
    cumulative = np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    quantiles = (np.arange(plan.families) + rng.random(plan.families)) / plan.families
    month = np.clip(np.searchsorted(cumulative, quantiles, side="right") - 1, 0, len(weights) - 1)
    within = (quantiles - cumulative[month]) / (cumulative[month + 1] - cumulative[month])
    offsets = np.floor(within * lengths[month]).astype(np.int64)
    referred = weekday(add_days(firsts[month], offsets))
    return np.minimum(referred, plan.ends_on)


def _fates(rng: np.random.Generator, plan: CoursePlan, referred: Days) -> IntArray:
    """Each course's fate.

    The long (overdue) courses go to families referred early enough for their
    due date to fall inside the programme, so the overdue figure has cases.
    """
    n = plan.families
    dropped = round(plan.dropout_share * n)
    before_start = round(dropped / 3)
    fates = np.full(n, COMPLETED, dtype=np.int64)
    cursor = 0
    for fate, count in (
        (DROPPED_BEFORE_START, before_start),
        (DROPPED, dropped - before_start),
        (MOVED, max(1, round(plan.moved_share * n))),
    ):
        fates[cursor : cursor + count] = fate
        cursor += count
    rng.shuffle(fates)
    early = referred <= add_months(np.array([plan.ends_on]), -plan.course_months - 5)[0]
    candidates = np.flatnonzero(early & (fates == COMPLETED))
    extended = rng.permutation(candidates)[: max(1, round(plan.extended_share * n))]
    fates[extended] = EXTENDED
    return fates


def _pseudonyms(
    plan: CoursePlan, area: IntArray, numbering: dict[str, int]
) -> tuple[npt.NDArray[np.object_], IntArray]:
    """`NB-001`-style ids numbered in referral order within each area, and that rank.

    `numbering` holds the last number used per prefix, so a second programme in
    the same area (Tingbjerg) continues the series instead of reusing ids.
    """
    n = len(area)
    ids = np.empty(n, dtype=object)
    rank = np.empty(n, dtype=np.int64)
    for index, spec in enumerate(plan.areas):
        mine = np.flatnonzero(area == index)
        rank[mine] = np.arange(len(mine))
        first = numbering.get(spec.prefix, 0) + 1
        width = max(3, len(str(first + len(mine))))
        ids[mine] = [f"{spec.prefix}-{first + r:0{width}d}" for r in range(len(mine))]
        numbering[spec.prefix] = first - 1 + len(mine)
    return ids, rank


def generate_courses(
    plan: CoursePlan, rng: np.random.Generator, numbering: dict[str, int]
) -> Courses:
    """All synthetic rows of one programme."""
    n = plan.families
    end = plan.ends_on
    area = rng.permutation(np.arange(n) % len(plan.areas))
    referred = _referrals(rng, plan)
    family_ids, rank = _pseudonyms(plan, area, numbering)
    coordinators = np.empty(n, dtype=object)
    for index, spec in enumerate(plan.areas):
        mine = area == index
        team = np.asarray(spec.coordinator_ids, dtype=object)
        coordinators[mine] = team[rank[mine] % len(team)]

    investigation = weekday(add_days(referred, _ints(rng, 14, 42, n)))
    approved = weekday(add_days(investigation, _ints(rng, 7, 28, n)))
    started = weekday(add_days(approved, _ints(rng, 7, 42, n)))
    fates = _fates(rng, plan, referred)
    due = add_months(started, plan.course_months)
    ended: Days = np.full(n, NAT)
    ended = np.where(fates == COMPLETED, add_days(due, _ints(rng, -14, 7, n)), ended)
    ended = np.where(fates == EXTENDED, add_days(due, _ints(rng, 30, 200, n)), ended)
    ended = np.where(fates == DROPPED, add_days(started, _ints(rng, 45, 240, n)), ended)
    ended = np.where(fates == MOVED, add_days(started, _ints(rng, 30, 300, n)), ended)
    pre = fates == DROPPED_BEFORE_START
    ended = weekday(np.where(pre, add_days(investigation, _ints(rng, 5, 30, n)), ended))
    approved[pre] = NAT
    started[pre] = NAT
    aftercare = add_days(add_months(started, plan.intensive_months), _ints(rng, -10, 10, n))
    aftercare = np.where(aftercare < ended, aftercare, NAT)
    aftercare[exact_share(rng, n, 0.2)] = NAT  # left to the contract's default
    for column in (investigation, approved, started, aftercare, ended):
        column[column > end] = NAT
    end_reason = np.array(END_REASONS, dtype=object)[fates]
    end_reason[np.isnat(ended)] = None

    family = Family(
        ids=text(family_ids),
        referred=referred,
        investigation=investigation,
        approved=approved,
        started=started,
        ended=ended,
        completed=np.isin(fates, [COMPLETED, EXTENDED]) & ~np.isnat(ended),
        last=earliest(ended, np.full(n, end)),
    )
    single_parent = exact_share(rng, n, 0.5)
    families = pd.DataFrame(
        {
            "family_id": family.ids,
            "programme_id": plan.programme_id,
            "district_id": np.array([a.district_id for a in plan.areas], dtype=object)[area],
            "coordinator_id": coordinators,
            "referred_on": referred,
            "investigation_on": investigation,
            "approved_on": approved,
            "started_on": started,
            "aftercare_on": aftercare,
            "ended_on": ended,
            "end_reason": end_reason,
            "single_parent": single_parent,
        }
    )
    people, members = _members(rng, family, single_parent)
    trajectory = _trajectories(rng, fates, plan.improving_share)
    interventions = _interventions(rng, plan, family, people)
    kombi = interventions.loc[
        interventions["kind"] == "kombinationspakke", ["family_id", "started_on", "ended_on"]
    ].reset_index(drop=True)
    return Courses(
        families=families,
        members=members,
        assessments=_assessments(rng, family, people, trajectory),
        interventions=interventions,
        meetings=_meetings(rng, plan, family, people),
        started_on=started,
        left_on=ended,
        kombinationspakker=kombi,
    )


def _members(
    rng: np.random.Generator, family: Family, single_parent: BoolArray
) -> tuple[People, pd.DataFrame]:
    """1-2 parents and 1-4 children per family; the eldest child is the one at SSP 3-4."""
    n = len(single_parent)
    parents = np.where(single_parent, 1, 2)
    children = rng.choice([1, 2, 3, 4], size=n, p=[0.25, 0.35, 0.25, 0.15])
    sizes = parents + children
    owner = np.repeat(np.arange(n), sizes)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    is_parent = position < parents[owner]
    child_number = position - parents[owner]
    m = len(owner)
    year = family.referred.astype("datetime64[Y]").astype(np.int64) + 1970

    # The eldest child is 12-17; siblings follow 1-4 years apart.
    is_target = ~is_parent & (child_number == 0)
    age = np.where(is_parent, _ints(rng, 33, 52, m), 0)
    age[is_target] = _ints(rng, 12, 17, n)[owner[is_target]]
    gap = _ints(rng, 1, 4, m)
    for k in range(1, 4):
        rows = np.flatnonzero(~is_parent & (child_number == k))
        age[rows] = np.maximum(age[rows - 1] - gap[rows], 1)

    employment_act = np.zeros(m, dtype=bool)
    parent_rows = np.flatnonzero(is_parent)
    employment_act[parent_rows] = exact_share(rng, len(parent_rows), 0.75)

    # At intake the eldest is at SSP 3 or 4 (the target group); younger ones lower.
    target_level = rng.choice([3, 4], size=m, p=[0.6, 0.4])
    eldest_level = np.zeros(n, dtype=np.int64)
    eldest_level[owner[is_target]] = target_level[is_target]
    sibling_cap = np.where(age >= 12, 3, np.where(age >= 9, 1, 0))
    sibling_level = np.minimum(_ints(rng, 0, 3, m), sibling_cap)
    sibling_level = np.minimum(sibling_level, eldest_level[owner] - 1)
    ssp = np.where(is_target, target_level, np.where(is_parent, 0, sibling_level))

    act_or_none = employment_act.astype(object)
    act_or_none[~is_parent] = None
    owner_ids = pd.Series(family.ids.take(owner))
    role_letter = pd.Series(np.where(is_parent, "-P", "-C"), dtype="str")
    number = pd.Series(np.where(is_parent, position + 1, child_number + 1)).astype("str")
    ids = (owner_ids + role_letter + number).array
    frame = pd.DataFrame(
        {
            "member_id": ids,
            "family_id": owner_ids.array,
            "role": text(["child", "parent"]).take(is_parent.astype(np.int64)),
            "birth_year": year[owner] - age,
            "employment_act": act_or_none,
        }
    )
    people = People(ids, owner, is_parent, is_target, age, employment_act, ssp)
    return people, frame


def _trajectories(rng: np.random.Generator, fates: IntArray, improving_share: float) -> IntArray:
    """Which families improve: most of those who stay, few of those who leave early."""
    n = len(fates)
    leaving = np.isin(fates, [DROPPED, DROPPED_BEFORE_START, MOVED])
    trajectory = np.full(n, FLAT, dtype=np.int64)
    staying = np.flatnonzero(~leaving)
    trajectory[staying[exact_share(rng, len(staying), improving_share)]] = IMPROVING
    left = np.flatnonzero(leaving)
    trajectory[left[exact_share(rng, len(left), 0.3)]] = IMPROVING
    flat = np.flatnonzero(trajectory == FLAT)
    trajectory[flat[exact_share(rng, len(flat), 0.35)]] = WORSENING
    return trajectory


def _assessment_dates(rng: np.random.Generator, family: Family) -> tuple[Days, IntArray]:
    """(n, SLOTS) dates (NaT = no assessment) and the quarter of the course each lies in.

    Slot 0 is the intake during the § 50 investigation (so before the start,
    inside the baseline window); slots 1.. are quarterly follow-ups from the
    start; the last slot is the exit assessment of a completed course.
    """
    n = len(family.referred)
    started = family.started
    window = np.where(
        np.isnat(family.approved), 14, (family.approved - family.investigation).astype(np.int64)
    )
    intake = add_days(
        family.investigation, np.floor(rng.random(n) * np.maximum(window, 1)).astype(np.int64)
    )
    dates = np.full((n, SLOTS), NAT)
    dates[:, 0] = intake
    k = np.arange(1, FOLLOW_UPS + 1)
    jitter = rng.integers(-7, 8, size=(n, FOLLOW_UPS))
    follow_ups = started[:, None] + (91 * k[None, :] + jitter).astype("timedelta64[D]")
    dates[:, 1:-1] = weekday(follow_ups.reshape(-1)).reshape(follow_ups.shape)
    dates[:, -1] = np.where(family.completed, family.ended, NAT)
    valid = ~np.isnat(dates) & (dates <= family.last[:, None])
    # Follow-ups stop before the exit assessment of a completed course.
    valid[:, 1:-1] &= ~(family.completed[:, None] & (dates[:, 1:-1] >= family.ended[:, None]))
    dates = np.where(valid, dates, NAT)
    since_start = (dates - started[:, None]).astype(np.int64)
    quarter = np.where(valid & ~np.isnat(started)[:, None], np.rint(since_start / 91.0), 0)
    quarter = np.maximum(quarter, 0).astype(np.int64)
    quarter[:, 0] = 0
    return dates, quarter


def _assessments(
    rng: np.random.Generator, family: Family, people: People, trajectory: IntArray
) -> pd.DataFrame:
    """Intake and quarterly values of every measure, following each family's trajectory."""
    n = len(family.referred)
    dates, q = _assessment_dates(rng, family)
    improving = (trajectory == IMPROVING)[:, None]
    worsening = (trajectory == WORSENING)[:, None]
    owners: list[IntArray] = []
    members: list[IntArray] = []
    days: list[Days] = []
    measures: list[IntArray] = []
    values: list[FloatArray] = []

    def emit(owner: IntArray, member: IntArray | None, measure: str, value: FloatArray) -> None:
        rows, cols = np.nonzero(~np.isnat(dates[owner]))
        owners.append(owner[rows])
        members.append(np.full(len(rows), -1) if member is None else member[rows])
        days.append(dates[owner[rows], cols])
        measures.append(np.full(len(rows), MEASURES.index(measure)))
        values.append(np.asarray(value, dtype=float)[rows, cols])

    every_family = np.arange(n)
    onset = _ints(rng, 1, 2, n)[:, None]
    progress = np.clip((q - onset + 1) / 4.0, 0.0, 1.0)

    authority0 = rng.choice([1, 2, 3], size=n, p=[0.35, 0.45, 0.2])[:, None]
    gain = (rng.random(n) * 0.4 + 0.45)[:, None]
    authority = np.where(
        improving,
        np.minimum(5, authority0 + np.floor(q * gain)),
        np.where(worsening, np.maximum(1, authority0 - (q >= 3)), authority0),
    )
    emit(every_family, None, "parental_authority", authority)

    quality0 = _ints(rng, 2, 5, n)[:, None]
    noise = rng.integers(-1, 2, size=(n, SLOTS)) * (q > 0)
    quality = np.where(
        improving,
        quality0 + np.floor(q * (gain + 0.3)),
        np.where(worsening, quality0 - np.floor(q / 3), quality0 + noise),
    )
    emit(every_family, None, "life_quality", np.clip(quality, 1, 10))

    child = np.flatnonzero(~people.is_parent)
    fam = people.family[child]
    qc = q[fam]
    base = people.ssp_intake[child][:, None]
    # An improving family's children fall by 1..their level, from the onset quarter on.
    drop = np.minimum(_ints(rng, 1, 4, len(child))[:, None], np.maximum(base, 1))
    fall = np.ceil(drop * progress[fam])
    relapse = (rng.random(len(child)) < 0.4)[:, None]
    rise = (qc >= 2) * people.is_target[child][:, None] + (qc >= 3) * relapse
    ssp = np.where(
        improving[fam],
        np.maximum(base - fall, 0),
        np.where(worsening[fam], np.minimum(base + rise, 4), base),
    )
    emit(fam, child, "ssp_level", ssp)

    attendance0 = np.where(
        people.is_target[child], _ints(rng, 40, 80, len(child)), _ints(rng, 70, 97, len(child))
    )[:, None]
    step = (rng.random(len(child)) * 5 + 3)[:, None]
    wobble = rng.integers(-5, 6, size=(len(child), SLOTS)) * (qc > 0)
    attendance = np.where(
        improving[fam],
        np.minimum(attendance0 + qc * step, 98),
        np.where(worsening[fam], attendance0 - qc * 3, attendance0 + wobble),
    )
    emit(fam, child, "school_attendance", np.rint(np.clip(attendance, 0, 100)))

    parent = np.flatnonzero(people.is_parent)
    fam = people.family[parent]
    act = people.employment_act[parent]
    employment0 = np.where(
        act,
        rng.choice([0, 1], size=len(parent), p=[0.7, 0.3]),
        rng.choice([0, 2], size=len(parent), p=[0.4, 0.6]),
    )[:, None]
    # Parents on the employment act climb a step at a time; improving families sooner.
    first_step = np.where(
        improving[fam, 0], _ints(rng, 1, 4, len(parent)), _ints(rng, 3, 9, len(parent))
    )
    second_step = first_step + _ints(rng, 1, 5, len(parent))
    climbed = (q[fam] >= first_step[:, None]).astype(np.int64) + (q[fam] >= second_step[:, None])
    employment = np.where(
        act[:, None], np.minimum(np.maximum(employment0, climbed), 2), employment0
    )
    emit(fam, parent, "employment", employment)

    owner = np.concatenate(owners)
    day = np.concatenate(days)
    measure = np.concatenate(measures)
    order = np.lexsort((measure, day, owner))
    return pd.DataFrame(
        {
            "family_id": family.ids.take(owner[order]),
            "member_id": people.ids.take(np.concatenate(members)[order], allow_fill=True),
            "assessed_on": day[order],
            "measure": text(MEASURES).take(measure[order]),
            "value": np.concatenate(values)[order],
        }
    )


#: (kind, department, who, share of families, start offset days, duration months)
OFFERS: tuple[tuple[str, str, str, float, tuple[int, int], tuple[int, int]], ...] = (
    ("familiebehandling", "SOF", "family", 1.0, (0, 14), (5, 8)),
    ("kombinationspakke", "BIF", "act_parents", 1.0, (7, 35), (4, 10)),
    ("sprogkursus", "BIF", "parent", 0.35, (14, 90), (4, 8)),
    ("mentor", "SOF", "target", 0.7, (7, 60), (6, 12)),
    ("mentor", "SOF", "parent", 0.25, (14, 90), (4, 9)),
    ("foraeldrekursus", "SOF", "parent", 0.5, (30, 120), (2, 4)),
    ("psykolog", "SOF", "child", 0.25, (14, 120), (3, 9)),
    ("ppr", "BUF", "target", 0.8, (0, 45), (2, 4)),
    ("klub", "BUF", "young_child", 0.5, (14, 90), (6, 18)),
    ("fritidsjob", "BUF", "teen", 0.4, (60, 200), (3, 9)),
    ("uu_vejledning", "BUF", "teen", 0.4, (30, 150), (1, 3)),
)


def _offer_owners(who: str, n: int, people: People) -> tuple[IntArray, IntArray]:
    """(family, member row or -1) of everyone an offer could go to."""
    if who == "family":
        return np.arange(n), np.full(n, -1)
    eligible = {
        "act_parents": people.is_parent & people.employment_act,
        "parent": people.is_parent,
        "target": people.is_target,
        "child": ~people.is_parent,
        "young_child": ~people.is_parent & (people.age >= 10),
        "teen": ~people.is_parent & (people.age >= 14),
    }[who]
    rows = np.flatnonzero(eligible)
    if who != "act_parents":
        # One member per family and offer: the first eligible one.
        rows = rows[np.unique(people.family[rows], return_index=True)[1]]
    return people.family[rows], rows


def _interventions(
    rng: np.random.Generator, plan: CoursePlan, family: Family, people: People
) -> pd.DataFrame:
    """Offers of the three departments within each course; open if running at the end.

    Without intervention ids: the caller numbers them across programmes.
    """
    n = len(family.referred)
    columns: dict[str, list[npt.NDArray[np.generic]]] = {
        "owner": [],
        "member": [],
        "offer": [],
        "begin": [],
        "finish": [],
    }
    for index, (_kind, _department, who, share, (lo, hi), (short, long)) in enumerate(OFFERS):
        owner, member = _offer_owners(who, n, people)
        chosen = rng.random(len(owner)) < share
        owner, member = owner[chosen], member[chosen]
        begin = weekday(add_days(family.started[owner], _ints(rng, lo, hi, len(owner))))
        finish = add_months(begin, _ints(rng, short, long, len(owner)))
        finish = earliest(finish, family.ended[owner])
        keep = ~np.isnat(begin) & (begin <= plan.ends_on)
        keep &= np.isnat(family.ended[owner]) | (begin < family.ended[owner])
        finish = np.where(finish > plan.ends_on, NAT, finish)
        columns["owner"].append(owner[keep])
        columns["member"].append(member[keep])
        columns["offer"].append(np.full(int(keep.sum()), index))
        columns["begin"].append(begin[keep])
        columns["finish"].append(finish[keep])
    owner, member, offer, begin, finish = (np.concatenate(v) for v in columns.values())
    order = np.lexsort((offer, begin, owner))
    offer = offer[order]
    return pd.DataFrame(
        {
            "family_id": family.ids.take(owner[order]),
            "member_id": people.ids.take(member[order], allow_fill=True),
            "department_id": text([o[1] for o in OFFERS]).take(offer),
            "kind": text([o[0] for o in OFFERS]).take(offer),
            "started_on": begin[order],
            "ended_on": finish[order],
        }
    )


MEETING_KINDS = ("coordination", "quarterly_review")
DEPARTMENT_SETS = ("SOF", "SOF;BUF", "SOF;BIF", "SOF;BIF;BUF")


def _meetings(
    rng: np.random.Generator, plan: CoursePlan, family: Family, people: People
) -> pd.DataFrame:
    """Coordination monthly while intensive, then every other month; reviews every ~90 days.

    About one family in six lets a review slip by 3-8 weeks from some quarter
    on, so the pages have overdue reviews to show. Without meeting ids.
    """
    n = len(family.referred)
    started = family.started
    act_parents = np.bincount(
        people.family, weights=people.is_parent & people.employment_act, minlength=n
    )
    intensive_days = 30 * plan.intensive_months
    offsets = np.concatenate(
        [
            np.arange(0, intensive_days, 30),
            np.arange(intensive_days, 30 * (plan.course_months + 8), 61),
        ]
    )
    jitter = rng.integers(-4, 5, size=(n, len(offsets)))
    coordination = started[:, None] + (offsets[None, :] + jitter).clip(min=0).astype(
        "timedelta64[D]"
    )
    reviews = np.arange(1, (plan.course_months + 8) // 3 + 1)
    slip_from = _ints(rng, 1, len(reviews), n)[:, None]
    slip = np.where(exact_share(rng, n, 1 / 6), _ints(rng, 21, 56, n), 0)[:, None]
    review = started[:, None] + (
        90 * reviews[None, :]
        + rng.integers(-5, 6, size=(n, len(reviews)))
        + slip * (reviews[None, :] >= slip_from)
    ).astype("timedelta64[D]")

    owners, days, kinds, departments = [], [], [], []
    for kind, dates in enumerate((coordination, review)):
        dates = weekday(dates.reshape(-1)).reshape(dates.shape)
        rows, cols = np.nonzero(~np.isnat(dates) & (dates <= family.last[:, None]))
        with_bif = act_parents[rows] > 0
        with_buf = rng.random(len(rows)) < 0.8 if kind == 0 else np.ones(len(rows), dtype=bool)
        owners.append(rows)
        days.append(dates[rows, cols])
        kinds.append(np.full(len(rows), kind))
        departments.append(with_buf.astype(np.int64) + 2 * with_bif)
    owner, day, kind_code, department_code = (
        np.concatenate(v) for v in (owners, days, kinds, departments)
    )
    order = np.lexsort((kind_code, day, owner))
    return pd.DataFrame(
        {
            "family_id": family.ids.take(owner[order]),
            "held_on": day[order],
            "kind": text(MEETING_KINDS).take(kind_code[order]),
            "departments": text(DEPARTMENT_SETS).take(department_code[order]),
        }
    )
