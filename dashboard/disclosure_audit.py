"""The attacker audit of disclosure control (kpis.md, "Disclosure control").

`python -m dashboard disclosure-audit --role viewer` plays a reader with
the role's eyes: it collects every count the role is shown on the pages it
may open (`access.RESOURCES`; the presentation steps and CSV downloads show
the same query results, and the report is not for these roles) over a grid
of report dates and every district filter, writes each shown number as a
linear expression over unknown counts, and asks an integer-programming
solver (`scipy.optimize.milp`, HiGHS) whether each hidden count of 1 to 4
can take another whole value.

The unknowns are the counts of the families registered directly on each
district or area (a district's count is the sum over its subtree, so
"parent = sum of children" is built in, and the families directly on a
district are unknowns of their own), per measure and per day. Flows
(started, ended, referred in a month) are written as the difference of two
stocks, so "differences over time" are built in too. What it reads:

- Oversigt's cards (stages, overdue, the two outcome shares with base and
  numerator, the base of median days to start, family-months behind cost
  per family-month);
- Forløb: stages per month end, started and ended per month, end reasons,
  due to aftercare;
- Visitation: the funnel per district, referrals per month, and the
  waiting-time table (finished, waiting and slow families per step);
- Effekt: the district table, the SSP transition table, and the number of
  families under each point of the course chart (four measures);
- Forebyggelse: family-months per year and in total (programme-wide).

A shown `<5` is the interval 0-4 (a suppressed role never sees a 0:
`rules.disclosure.below_threshold`), a rounded count r the interval it came
from (`rules.disclosure.rounding_band`: 5 from 5-8, else r-1 to r+3).
Besides the intervals:

- a withheld share: "base, numerator or base minus numerator under 5"
  (three binaries, big M); a shown one: base, numerator and base minus
  numerator are each at least 5;
- a withheld median or cost per family-month: its base is 0-4;
- a median that ends in ,5 (the mean of two middle values): its n is even
  (n = 2k, k whole);
- a course-chart average: its total over n families is a whole number of
  grains, n * low <= grain * k <= n * high (`Audit.average`);
- money: every amount divides exact spend by a rounded family-month count
  (or sets a unit cost against it), so it gives back that rounded count,
  which is modelled, and nothing finer;
- the rules' sums and bounds per district and day: stages = referred
  families, end reasons = ended ones, the transition table = eligible
  families (below its diagonal: improved ones), finished first waits =
  families that reached investigation, waiting families = the families in
  that stage, slow waits <= all waits, later steps' finished waits <= the
  families that reached the next step, a course-chart point <= the started
  families, and counts of families that got somewhere by D (funnel steps,
  ended, end reasons) never fall from one report date to the next;
- the district filter's list: nobody is registered directly on a node it
  does not offer (nor on no district), a node it offers has a family.

The counts are whole numbers: when no whole-number solution gives a hidden
count any value but its true one, it is worked out and the audit fails.

What is not modelled (docs/disclosure.md says why each is left out):
school attendance on Forandringsteori (an average on the same grid as the
course chart's) and its base (children, withheld 0-4, in no other number);
Bydele's indicators (published district statistics, not the
programme's families); the `x` of old frozen reports. Report dates off the
grid need no model: the two roles only see the dates of
`rules.disclosure.report_date_grid`, which `--every 1` plays.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, vstack
from sqlalchemy import Engine, select

from data_access.db.schema import districts
from data_access.derived.course_months import COURSE_MEASURES
from data_access.derived.ssp_levels import SSP_LEVELS
from data_access.queries.business_case import business_case
from data_access.queries.context import QueryContext
from data_access.queries.courses import course_flow, due_to_aftercare, end_reasons, stage_months
from data_access.queries.figures import compute_figures
from data_access.queries.intake import (
    WAIT_STEPS,
    intake_funnel,
    intake_waits,
    referrals_per_month,
)
from data_access.queries.outcomes import course_month_series, outcome_results
from data_access.queries.programmes import programme_info
from data_access.queries.reference import list_districts
from data_access.rules.access import MIN_CELL, SYSTEM, Scope, may, page_resource
from data_access.rules.calendar import month_ends, whole_months_between
from data_access.rules.disclosure import (
    SUPPRESSED,
    WITHHELD,
    average_band,
    average_grid,
    report_date_grid,
    rounding_band,
)
from data_access.rules.measures import FAMILY_VALUE_STEP
from data_access.rules.stages import STAGE_ORDER

#: The unknown count of one measure ("stage.intensive", "funnel.started", ...)
#: for the families registered directly on one node (a district id, or "" for
#: those on no known district) on one day.
Var = tuple[str, str, date]
#: A linear expression over the unknowns.
Expr = dict[Var, int]
#: A measure and a day with its coefficient, before it is spread over a subtree.
Term = tuple[str, date, int]

#: Slack for the solver's floating point when an interval is read as integers.
TOLERANCE: Final = 1e-6
#: An upper bound on every count (no programme has this many families), so big-M is valid.
BIG: Final = 100_000
#: The big M of the withheld shares' disjunctions: more than any count can differ by.
BIG_M: Final = 2.0 * BIG + MIN_CELL
#: Seconds one integer program may take before the audit gives up.
TIME_LIMIT: Final = 300.0
#: Combined programs (all open targets down and up, then random signs) before single ones.
MAX_ROUNDS: Final = 6
#: Seconds for one bulk program; any whole-number solution it has by then still clears targets.
MOVE_TIME_LIMIT: Final = 10.0
#: The fractions of a value step an average's total may come in: a family's value is the
#: mean of its members' (1 to 4 children or parents), so a total is a whole number of
#: twelfths of a step at the finest the audit assumes.
AVERAGE_GRAINS: Final = (1, 2, 3, 4, 6, 12)
#: `scipy.optimize.milp`'s status for a program with no solution.
INFEASIBLE: Final = 2
#: The node of families whose district is not in the districts table.
NOWHERE: Final = ""


#: What a `<5`, or a base under a withheld median or cost, allows: 0 to 4
#: (`rules.disclosure.below_threshold`: a suppressed role never sees a 0 either).
HIDDEN: Final = (0.0, float(MIN_CELL - 1))


def shown_interval(cell: object, suppressed: bool) -> tuple[float, float] | None:
    """The values a shown cell allows for its true count; None when it tells nothing.

    `<5` is 0 to 4 (only suppressed roles see it); a 0 is 0; for a
    suppressed role a count r >= 5 is rounded (`rules.disclosure.rounding_band`:
    5 came from 5-8, r from r-1 to r+3), for an exact role r itself.
    """
    if cell == SUPPRESSED:
        return HIDDEN
    if isinstance(cell, str):
        if not cell.strip().isdigit():
            return None
        cell = int(cell)
    if isinstance(cell, bool) or not isinstance(cell, int | float | np.integer):
        return None
    if isinstance(cell, float) and math.isnan(cell):
        return None
    value = float(cell)
    if value == 0 or not suppressed:
        return value, value
    if not value.is_integer():
        return None
    low, high = rounding_band(int(value))
    return float(low), float(high)


@dataclass(frozen=True)
class Seen:
    """One number as the role sees it: where, what it counts (terms over a subtree), the cell."""

    where: str
    terms: tuple[Term, ...]
    cell: object
    #: Whose families: the filter's subtree (None: the whole programme), or one node only.
    node: str | None
    direct: bool = False
    #: A flow, where "<5" stands for 0 to 4 (`rules.disclosure.flow_cell`).
    flow: bool = False
    #: A withheld share: `terms` are its numerator, these its base.
    withheld_base: tuple[Term, ...] | None = None
    #: The page that shows it (`access.RESOURCES` without "page:"): only its roles see it.
    page: str = "oversigt"
    #: What the reader learns when it is not the cell itself (a withheld median: its base is 0-4).
    interval: tuple[float, float] | None = None
    #: What else the number says of `terms`: "not_small" (at least 5: a shown share's
    #: numerator, or base minus numerator), "even" (a median ending in ,5 rests on an even n)
    #: or "average" (`cell` is an average over `terms` families of values in steps of `step`).
    rule: str | None = None
    #: For an "average": the unit a family's value moves in (`rules.measures.FAMILY_VALUE_STEP`).
    step: float | None = None


@dataclass
class Finding:
    """A hidden count and the interval the solver leaves for it."""

    where: str
    truth: int
    low: float
    high: float

    @property
    def pinned(self) -> bool:
        """Only one whole number fits: the hidden count is worked out."""
        if math.isinf(self.high) or math.isinf(self.low):
            return False
        return math.floor(self.high + TOLERANCE) - math.ceil(self.low - TOLERANCE) < 1


@dataclass
class AuditResult:
    """What the audit found: every hidden count's interval, the model's own checks."""

    findings: list[Finding]
    cells: int
    unknowns: int
    mismatches: list[str] = field(default_factory=list)

    @property
    def pinned(self) -> list[Finding]:
        return [f for f in self.findings if f.pinned]


class Audit:
    """The attacker's equations: shown intervals, identities, and the hidden counts to test.

    Usable on its own (the tests hand it a deliberately leaky table set) or
    filled by `collect` from the queries.
    """

    def __init__(self) -> None:
        self.bounds: dict[tuple[tuple[Var, int], ...], tuple[float, float, str]] = {}
        self.identities: list[Expr] = []
        self.targets: dict[tuple[tuple[Var, int], ...], tuple[str, int]] = {}
        self.truth: dict[Var, int] = {}
        self.mismatches: list[str] = []
        self.disjunctions: list[tuple[str, Expr, Expr]] = []
        self.relations: list[tuple[Expr, float, float]] = []
        self.gaps: list[tuple[str, Expr]] = []
        self.evens: list[tuple[str, Expr]] = []
        self.averages: list[tuple[str, Expr, float, float, float]] = []

    def show(self, where: str, expr: Expr, interval: tuple[float, float] | None) -> None:
        """The role saw `expr` somewhere as a number in `interval` (None: nothing learnt)."""
        key = _key(expr)
        if not key:
            return
        if interval is not None:
            low, high = interval
            old = self.bounds.get(key)
            if old is not None:
                low, high = max(low, old[0]), min(high, old[1])
            self.bounds[key] = (low, high, where if old is None else old[2])
        value = self.value(expr)
        if value is not None and 0 < value < MIN_CELL:
            self.targets.setdefault(key, (where, value))

    def identity(self, expr: Expr) -> None:
        """`expr` = 0 holds by the rules (the stages add up to the referred families, ...)."""
        value = self.value(expr)
        if value is not None and value != 0:
            self.mismatches.append(f"identity off by {value}: {_describe(expr)}")
            return
        self.identities.append(expr)

    def relation(self, expr: Expr, low: float, high: float) -> None:
        """low <= `expr` <= high holds by the rules (slow waits are at most all waits, ...)."""
        value = self.value(expr)
        if value is not None and not low <= value <= high:
            self.mismatches.append(f"relation off ({value}): {_describe(expr)}")
            return
        if _key(expr):
            self.relations.append((expr, low, high))

    def not_small(self, where: str, expr: Expr) -> None:
        """A shown share says `expr` (its numerator, or base minus numerator) is at least 5.

        `rules.disclosure.count_share` withholds the share for a suppressed
        role when either is under 5, 0 included.
        """
        value = self.value(expr)
        if value is not None and value < MIN_CELL:
            self.mismatches.append(f"{where}: shown, but {value} is under 5")
            return
        if _key(expr):
            self.gaps.append((where, expr))

    def even(self, where: str, expr: Expr) -> None:
        """A median ending in ,5 is the mean of two middle values: `expr` (its n) is even."""
        value = self.value(expr)
        if value is not None and value % 2:
            self.mismatches.append(f"{where}: median of an odd {value} ends in ,5")
            return
        if _key(expr):
            self.evens.append((where, expr))

    def average(
        self,
        where: str,
        expr: Expr,
        band: tuple[float, float],
        *,
        step: float,
        total: float | None,
    ) -> None:
        """An average over `expr` families lies in `band`: its total is a whole number of grains.

        The reader who knows the values come in whole units (ratings, whole
        percent, one parent's status) knows the total over n families is a
        whole number of `step`s, so n * low <= total <= n * high has a
        whole-step solution only for some n: an exact average pinned the 7
        behind a point reading 5 (docs/disclosure.md). The grain is `step`,
        or the finest fraction of it (halves, thirds, ... twelfths: the means of
        a family's members) the true `total` needs; with no such grain the
        attacker cannot count on whole units and nothing is added.
        """
        n = self.value(expr)
        if total is None:
            return
        grain = next(
            (
                step / k
                for k in AVERAGE_GRAINS
                if abs(total * k / step - round(total * k / step)) < TOLERANCE
            ),
            None,
        )
        if grain is None or not _key(expr):
            return
        low, high = band
        if n is not None and not n * low - TOLERANCE <= total <= n * high + TOLERANCE:
            self.mismatches.append(f"{where}: {total} over {n} is not in {band}")
            return
        self.averages.append((where, expr, low, high, grain))

    def value(self, expr: Expr) -> int | None:
        """`expr` at the true counts; None when one of them is not known."""
        total = 0
        for var, coefficient in expr.items():
            if var not in self.truth:
                return None
            total += coefficient * self.truth[var]
        return total

    def hide_small_unknowns(self) -> None:
        """Every unknown count of 1 to 4 (the families directly on an area, say) is a target too."""
        for var, value in self.truth.items():
            if 0 < value < MIN_CELL:
                self.targets.setdefault(((var, 1),), (_name(var), value))

    def withheld(self, where: str, base: Expr, numerator: Expr) -> None:
        """A share of `numerator` among `base` was withheld (`rules.disclosure.count_share`).

        The reader learns a disjunction: the base, the numerator or the base
        minus the numerator is under 5 (0 included). The solver models it with
        three binary indicators and big-M constraints.
        """
        if _key(base) and _key(numerator):
            self.disjunctions.append((where, base, numerator))

    def solve(self, *, intervals: bool = False) -> AuditResult:
        """Which targets only one whole number fits, under everything shown (integer program).

        The counts are integers (`scipy.optimize.milp`, HiGHS), so the answer
        is exact, and the withheld shares' disjunctions are modelled. For
        speed the unknowns are split into independent blocks, and a target
        is cleared as soon as some whole-number solution gives it a value
        other than its true one: one program that pushes every open target
        down and one that pushes them up clear most of them at once. Only
        the rest get a program of their own each. `intervals=True` asks for
        every target's exact smallest and largest value instead (slower).
        """
        used = {var for key in self.bounds for var, _ in key}
        used |= {var for expr in self.identities for var in expr}
        used |= {var for key in self.targets for var, _ in key}
        for _, base, numerator in self.disjunctions:
            used |= set(base) | set(numerator)
        for expr, _, _ in self.relations:
            used |= set(expr)
        for _, expr in [*self.gaps, *self.evens]:
            used |= set(expr)
        for _, expr, _, _, _ in self.averages:
            used |= set(expr)
        order = sorted(used, key=_order)
        index = {var: i for i, var in enumerate(order)}
        rows: list[list[tuple[int, float]]] = []
        lows: list[float] = []
        highs: list[float] = []
        for key, (low, high, _) in self.bounds.items():
            rows.append([(index[var], float(c)) for var, c in key])
            lows.append(low)
            highs.append(high)
        for expr in self.identities:
            rows.append([(index[var], float(c)) for var, c in expr.items()])
            lows.append(0.0)
            highs.append(0.0)
        for expr, low, high in self.relations:
            rows.append([(index[var], float(c)) for var, c in expr.items()])
            lows.append(low)
            highs.append(high)
        # Each disjunction: three binaries (columns after the counts), at least one set.
        extra = 0
        uppers: list[float] = []
        for _, base, numerator in self.disjunctions:
            z = [len(order) + extra + k for k in range(3)]
            extra += 3
            uppers += [1.0] * 3
            b = [(index[v], float(c)) for v, c in base.items()]
            n = [(index[v], float(c)) for v, c in numerator.items()]
            rest = _combine(b, n)
            rows.append([(k, 1.0) for k in z])
            lows.append(1.0)
            highs.append(3.0)
            for zk, part in zip(z, (b, n, rest), strict=True):
                # part <= 4 + M (1 - z): the parts are counts, never below 0
                rows.append([*part, (zk, BIG_M)])
                lows.append(-math.inf)
                highs.append(MIN_CELL - 1 + BIG_M)
        for _, expr in self.gaps:
            # at least 5
            rows.append([(index[v], float(c)) for v, c in expr.items()])
            lows.append(float(MIN_CELL))
            highs.append(math.inf)
        for _, expr in self.evens:
            # even: expr - 2 k = 0 with k a whole number.
            k = len(order) + extra
            extra += 1
            uppers.append(float(BIG))
            rows.append([*((index[v], float(c)) for v, c in expr.items()), (k, -2.0)])
            lows.append(0.0)
            highs.append(0.0)
        for _, expr, low, high, grain in self.averages:
            # n * low <= grain * k <= n * high, with k (the total in grains) a whole number.
            k = len(order) + extra
            extra += 1
            uppers.append(math.inf)
            n_row = [(index[v], float(c)) for v, c in expr.items()]
            slack = TOLERANCE * max(1.0, abs(high))
            rows.append([*((i, c * (low - slack)) for i, c in n_row), (k, -grain)])
            lows.append(-math.inf)
            highs.append(0.0)
            rows.append([*((i, c * (high + slack)) for i, c in n_row), (k, -grain)])
            lows.append(0.0)
            highs.append(math.inf)
        width = len(order) + extra
        upper = np.array([float(BIG)] * len(order) + uppers)
        targets = [
            (where, truth, [(index[var], float(c)) for var, c in key])
            for key, (where, truth) in sorted(self.targets.items(), key=lambda item: item[1][0])
        ]
        findings: list[Finding] = []
        for block_columns, block_rows, block_targets in _blocks(width, rows, targets):
            findings += _solve_block(
                block_columns,
                [rows[r] for r in block_rows],
                [lows[r] for r in block_rows],
                [highs[r] for r in block_rows],
                [targets[t] for t in block_targets],
                upper[block_columns],
                intervals,
            )
        findings.sort(key=lambda f: f.where)
        return AuditResult(findings, len(self.bounds), len(index), list(self.mismatches))


Row = list[tuple[int, float]]
Target = tuple[str, int, Row]


def _combine(base: Row, numerator: Row) -> Row:
    """base - numerator as one row."""
    total: dict[int, float] = defaultdict(float)
    for column, coefficient in base:
        total[column] += coefficient
    for column, coefficient in numerator:
        total[column] -= coefficient
    return [(column, c) for column, c in total.items() if c]


def _blocks(
    width: int, rows: Sequence[Row], targets: Sequence[Target]
) -> list[tuple[list[int], list[int], list[int]]]:
    """The independent blocks: (columns, rows, targets) joined by no constraint to any other."""
    parent = list(range(width))

    def root(column: int) -> int:
        while parent[column] != column:
            parent[column] = parent[parent[column]]
            column = parent[column]
        return column

    for row in [*rows, *(t[2] for t in targets)]:
        first = root(row[0][0]) if row else None
        for column, _ in row[1:]:
            other = root(column)
            if first is not None and other != first:
                parent[other] = first
    columns: dict[int, list[int]] = defaultdict(list)
    for column in range(width):
        columns[root(column)].append(column)
    block_rows: dict[int, list[int]] = defaultdict(list)
    for r, row in enumerate(rows):
        if row:
            block_rows[root(row[0][0])].append(r)
    block_targets: dict[int, list[int]] = defaultdict(list)
    for t, target in enumerate(targets):
        block_targets[root(target[2][0][0])].append(t)
    return [(columns[b], block_rows[b], ts) for b, ts in block_targets.items()]


def _solve_block(
    columns: list[int],
    rows: Sequence[Row],
    low_limits: Sequence[float],
    high_limits: Sequence[float],
    targets: Sequence[Target],
    upper: np.ndarray,
    intervals: bool,
) -> list[Finding]:
    """The findings of one block's targets (see `Audit.solve`)."""
    local = {column: i for i, column in enumerate(columns)}
    data, row_index, col_index = [], [], []
    for r, row in enumerate(rows):
        for column, coefficient in row:
            row_index.append(r)
            col_index.append(local[column])
            data.append(coefficient)
    matrix = csr_matrix((data, (row_index, col_index)), shape=(len(rows), len(columns)))
    lows = np.array(low_limits, dtype=float)
    highs = np.array(high_limits, dtype=float)
    problem = {
        "constraints": [LinearConstraint(matrix, lows, highs)] if rows else [],
        "integrality": np.ones(len(columns)),
        "bounds": Bounds(np.zeros(len(columns)), upper),
        "options": {"time_limit": TIME_LIMIT},
    }
    t_data, t_rows, t_cols = [], [], []
    for k, (_, _, terms) in enumerate(targets):
        for column, coefficient in terms:
            t_rows.append(k)
            t_cols.append(local[column])
            t_data.append(coefficient)
    vectors = csr_matrix((t_data, (t_rows, t_cols)), shape=(len(targets), len(columns)))
    truths = np.array([truth for _, truth, _ in targets], dtype=float)
    low = truths.copy()
    high = truths.copy()

    def solve(objective: np.ndarray) -> float:
        result = milp(objective, **problem)
        if result.x is None:
            raise RuntimeError(f"the audit's equations cannot be solved: {result.message}")
        values = np.round(vectors @ result.x)
        np.minimum(low, values, out=low)
        np.maximum(high, values, out=high)
        return float(objective @ result.x)

    def target(k: int) -> np.ndarray:
        return np.asarray(vectors[k].toarray()).ravel()

    if intervals:
        for k in range(len(targets)):
            low[k] = min(low[k], round(solve(target(k))))
            high[k] = max(high[k], round(-solve(-target(k))))
        return _findings(targets, low, high)

    def move(still: np.ndarray, up: bool) -> int:
        """Move as many open targets as one program can off their true value, all up or down.

        One binary per target says "this one moved"; the program maximises how
        many did. Returns how many moved.
        """
        size = len(still)
        truth = truths[still]
        if up:  # moved: t >= truth + 1; else t >= -BIG
            diagonal = -(truth + 1 + BIG)
            row_low, row_high = np.full(size, -float(BIG)), np.full(size, np.inf)
        else:  # moved: t <= truth - 1; else t <= BIG
            diagonal = BIG - truth + 1
            row_low, row_high = np.full(size, -np.inf), np.full(size, float(BIG))
        flags = csr_matrix((diagonal, (np.arange(size), np.arange(size))), shape=(size, size))
        augmented = vstack(
            [
                hstack([matrix, csr_matrix((len(rows), size))]),
                hstack([vectors[still], flags]),
            ],
            format="csr",
        )
        width = len(columns) + size
        result = milp(
            np.concatenate([np.zeros(len(columns)), -np.ones(size)]),
            constraints=[
                LinearConstraint(
                    augmented,
                    np.concatenate([lows, row_low]),
                    np.concatenate([highs, row_high]),
                )
            ],
            integrality=np.ones(width),
            bounds=Bounds(np.zeros(width), np.concatenate([upper, np.ones(size)])),
            options={"time_limit": MOVE_TIME_LIMIT},
        )
        if result.x is None:  # no whole-number solution found in time: nothing cleared
            return 0
        before = int((low == high).sum())
        values = np.round(vectors @ result.x[: len(columns)])
        np.minimum(low, values, out=low)
        np.maximum(high, values, out=high)
        return before - int((low == high).sum())

    # Clear the targets in bulk: as many as possible moved up, then down, while that helps.
    for _ in range(MAX_ROUNDS):
        moved = 0
        for up in (True, False):
            still = np.flatnonzero(low == high)
            if len(still):
                moved += move(still, up)
        if not moved:
            break

    def shift(k: int, up: bool) -> None:
        """Is there a whole-number solution with target k off its true value (one side)?

        A feasibility program (no objective, the target cut to truth + 1 or
        more, or truth - 1 or less) stops at the first solution, where
        minimising the target had to prove its optimum; on a programme of
        years and dozens of areas that is the difference between seconds and
        minutes per target. When it gives up in time without an answer, the
        minimisation decides.
        """
        cut = LinearConstraint(
            vectors[k], truths[k] + 1 if up else -np.inf, np.inf if up else truths[k] - 1
        )
        result = milp(
            np.zeros(len(columns)),
            constraints=[*problem["constraints"], cut],
            integrality=problem["integrality"],
            bounds=problem["bounds"],
            options=problem["options"],
        )
        if result.x is not None:
            values = np.round(vectors @ result.x)
            np.minimum(low, values, out=low)
            np.maximum(high, values, out=high)
        elif result.status != INFEASIBLE:
            solve(-target(k) if up else target(k))

    for k in map(int, np.flatnonzero(low == high)):
        if low[k] == high[k]:
            shift(k, up=False)
        if low[k] == high[k]:
            shift(k, up=True)
    return _findings(targets, low, high)


def _findings(targets: Sequence[Target], low: np.ndarray, high: np.ndarray) -> list[Finding]:
    return [
        Finding(where, truth, float(low[k]), float(high[k]))
        for k, (where, truth, _) in enumerate(targets)
    ]


def _key(expr: Expr) -> tuple[tuple[Var, int], ...]:
    return tuple(sorted(((v, c) for v, c in expr.items() if c), key=lambda vc: _order(vc[0])))


def _order(var: Var) -> tuple[str, str, str]:
    return var[0], var[1], var[2].isoformat()


def _name(var: Var) -> str:
    kind, node, day = var
    return f"{kind} directly on {node or '(no district)'} on {day.isoformat()}"


def _describe(expr: Expr) -> str:
    return " ".join(f"{c:+d}*[{_name(v)}]" for v, c in _key(expr))


# --- collecting what the role sees ---------------------------------------------------------


@dataclass
class Tree:
    """The programme's districts: each node's children and subtree."""

    parent: dict[str, str | None]

    def children(self, node: str | None) -> list[str]:
        if node is None:
            return [n for n, p in self.parent.items() if p is None or p not in self.parent]
        return [n for n, p in self.parent.items() if p == node]

    def subtree(self, node: str | None) -> list[str]:
        if node is None:
            return [*self.parent, NOWHERE]
        found, todo = [], [node]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.append(current)
            todo += self.children(current)
        return found


def _month_before(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _cell(value: object) -> object:
    """A table cell as shown: numbers as ints, texts as they are."""
    if isinstance(value, str):
        return int(value) if value.isdigit() else value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)  # type: ignore[call-overload]


def _day(value: object) -> date:
    """A month-end column's value as a date (pandas may hand back a Timestamp)."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _flow(kind: str, month_end: date, as_of: date, first: date) -> tuple[Term, ...]:
    """A month's flow as the difference of the stock at its end (or D) and at the month before."""
    end = min(month_end, as_of)
    before = _month_before(month_end)
    del first
    return ((kind, end, 1), (kind, before, -1))


def seen_numbers(
    engine: Engine, context: QueryContext, starts_on: date, tree: Tree
) -> Iterable[Seen]:
    """Every count the scope of `context` is shown for one filter and report date."""
    d, node = context.as_of, context.district_id
    tag = f"district={node or 'all'} as_of={d.isoformat()}"
    suppressed = context.scope.suppressed
    figures = compute_figures(engine, context)
    parts = {
        "active_families": ("stage.intensive", "stage.aftercare"),
        "intensive_families": ("stage.intensive",),
        "aftercare_families": ("stage.aftercare",),
        "pipeline_families": ("stage.referred", "stage.investigation", "stage.approved"),
        "ended_families": ("stage.ended",),
        "overdue_families": ("overdue",),
    }
    for figure_id, kinds in parts.items():
        item = figures[figure_id]
        cell = item.display if item.display is not None else item.value
        yield Seen(f"card {figure_id} {tag}", tuple((k, d, 1) for k in kinds), cell, node)
    for figure_id, numerator, base in (
        ("improved_share", "improved", "eligible"),
        ("self_supporting_parents", "supporting", "parents"),
    ):
        item = figures[figure_id]
        yield Seen(f"card {figure_id} base {tag}", ((base, d, 1),), item.denominator, node)
        if item.display == WITHHELD:
            yield Seen(
                f"card {figure_id} withheld {tag}",
                ((numerator, d, 1),),
                None,
                node,
                withheld_base=((base, d, 1),),
            )
        # The numerator as shown, or as the shown share of the shown base gives it.
        shown: object = item.numerator
        if shown is None and item.value is not None and item.denominator:
            shown = round(item.value * float(item.denominator))
        yield Seen(f"card {figure_id} numerator {tag}", ((numerator, d, 1),), shown, node)
        if suppressed and item.value is not None:
            yield from _shown_share(f"card {figure_id} {tag}", numerator, base, d, node, "oversigt")
    median = figures["median_days_to_start"]
    # Its base (the started families) is shown rounded; withheld, it is 0-4.
    yield Seen(
        f"card median_days_to_start base {tag}",
        (("funnel.started", d, 1),),
        median.denominator,
        node,
        interval=HIDDEN if median.display == WITHHELD else None,
    )
    if _half(median.value):
        yield Seen(
            f"card median_days_to_start ends in ,5 {tag}",
            (("funnel.started", d, 1),),
            None,
            node,
            rule="even",
        )
    cost = figures["cost_per_family_month"]
    months = month_ends(date(d.year, 1, 1), d)
    months[-1] = d
    terms = tuple((k, m, 1) for m in months for k in ACTIVE)
    # Exact spend / rounded family-months gives back the rounded family-months, no more;
    # withheld, the family-months are 0-4.
    shown_months = None if cost.denominator is None else int(cost.denominator)
    months_interval = HIDDEN if cost.display == WITHHELD else None
    if suppressed and shown_months is None and cost.display is None:
        months_interval = (0.0, 0.0)  # "no data" where 1-4 read withheld: exactly 0
    yield Seen(
        f"card family-months {tag}",
        terms,
        shown_months,
        None,
        interval=months_interval,
    )
    frame = stage_months(engine, context, starts_on)
    for row in frame.itertuples():
        yield Seen(
            f"forloeb stages {row.stage} month={row.month_end} {tag}",
            ((f"stage.{row.stage}", _day(row.month_end), 1),),
            _cell(row.display),
            node,
            page="forloeb",
        )
    for row in course_flow(engine, context).itertuples():
        for column, kind in (("started", "funnel.started"), ("ended", "stage.ended")):
            yield Seen(
                f"forloeb flow {column} month={row.month_end} {tag}",
                _flow(kind, _day(row.month_end), d, starts_on),
                _cell(getattr(row, column)),
                node,
                flow=True,
                page="forloeb",
            )
    for row in end_reasons(engine, context).itertuples():
        yield Seen(
            f"forloeb reason {row.reason} {tag}",
            ((f"reason.{row.reason}", d, 1),),
            _cell(row.families),
            node,
            page="forloeb",
        )
    due, _ = due_to_aftercare(engine, context)
    yield Seen(
        f"forloeb due to aftercare {tag}", (("due", d, 1),), _cell(due), node, page="forloeb"
    )
    funnel_rows = list(intake_funnel(engine, context).itertuples())
    for row in funnel_rows:
        yield Seen(
            f"visitation funnel {row.step} on {row.district_id} {tag}",
            ((f"funnel.{row.step}", d, 1),),
            _cell(row.families),
            str(row.district_id),
            direct=True,
            page="visitation",
        )
    # A suppressed role gets a district's rows whenever the programme has a family
    # registered on it, at any D: a row says no more than its cells, and a
    # missing one says 0 (checked against the true counts like every reading).
    present = {str(row.district_id) for row in funnel_rows}
    for place in tree.subtree(node):
        if place in present:
            continue
        yield Seen(
            f"visitation funnel rows of {place} {tag}",
            (("funnel.referred", d, 1),),
            None,
            place,
            direct=True,
            page="visitation",
            interval=(0.0, 0.0),
        )
    for row in referrals_per_month(engine, context).itertuples():
        yield Seen(
            f"visitation referrals month={row.month_end} {tag}",
            _flow("funnel.referred", _day(row.month_end), d, starts_on),
            _cell(row.referrals),
            node,
            flow=True,
            page="visitation",
        )
    outcomes = outcome_results(engine, context)
    table = outcomes.districts
    for row in table.itertuples():
        for numerator, base in (("improved", "eligible"), ("supporting", "parents")):
            if _cell(getattr(row, numerator)) is None:
                yield Seen(
                    f"effekt district table {numerator} share withheld of {row.district_id} {tag}",
                    ((numerator, d, 1),),
                    None,
                    str(row.district_id),
                    withheld_base=((base, d, 1),),
                    page="effekt",
                )
        for column, kind in (
            ("eligible", "eligible"),
            ("improved", "improved"),
            ("parents", "parents"),
            ("supporting", "supporting"),
        ):
            yield Seen(
                f"effekt district table {column} of {row.district_id} {tag}",
                ((kind, d, 1),),
                _cell(getattr(row, column)),
                str(row.district_id),
                page="effekt",
            )
        for numerator, base, share in (
            ("improved", "eligible", row.improved_share),
            ("supporting", "parents", row.supporting_share),
        ):
            if suppressed and _cell(share) is not None:
                where = f"effekt district table {numerator} share of {row.district_id} {tag}"
                yield from _shown_share(where, numerator, base, d, str(row.district_id), "effekt")
    yield from _waits(engine, context, tag)
    yield from _effekt_counts(engine, context, outcomes.transitions, tag, starts_on)
    if node is None:
        yield from _prevention(engine, context, tag)


#: Measures that count families that got somewhere by D: they never fall as D moves on.
CUMULATIVE: Final = ("funnel.", "stage.ended", "reason.")
#: The active stages, whose sum over month ends makes the family-months.
ACTIVE: Final = ("stage.intensive", "stage.aftercare")


def average_seen(value: float, step: float) -> tuple[float, float]:
    """The averages a suppressed role's shown `value` stands for.

    On the policy's grid (`rules.disclosure.average_grid`) the band of
    `average_band`; off it the value is the exact average (a float to its
    last digit, as a chart carries it to the browser).
    """
    grid = average_grid(step)
    if abs(value / grid - round(value / grid)) < TOLERANCE:
        return average_band(value, step)
    slack = TOLERANCE * max(1.0, abs(value))
    return value - slack, value + slack


def _half(value: object) -> bool:
    """A median that ends in ,5: the mean of two middle values, so its n is even."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not math.isnan(value) and abs(float(value) % 1 - 0.5) < TOLERANCE


def _shown_share(
    where: str, numerator: str, base: str, d: date, node: str | None, page: str
) -> Iterable[Seen]:
    """A share shown to a suppressed role: its numerator, and base minus it, are at least 5."""
    yield Seen(f"{where} shown", ((numerator, d, 1),), None, node, page=page, rule="not_small")
    yield Seen(
        f"{where} shown (base minus numerator)",
        ((base, d, 1), (numerator, d, -1)),
        None,
        node,
        page=page,
        rule="not_small",
    )


def _waits(engine: Engine, context: QueryContext, tag: str) -> Iterable[Seen]:
    """Visitation's waiting-time table: finished, waiting and slow families per step, the median."""
    d, node = context.as_of, context.district_id
    for row in intake_waits(engine, context).itertuples():
        for column in ("finished", "waiting", "slow"):
            yield Seen(
                f"visitation wait {row.step} {column} {tag}",
                ((f"wait.{row.step}.{column}", d, 1),),
                _cell(getattr(row, column)),
                node,
                page="visitation",
            )
        finished = ((f"wait.{row.step}.finished", d, 1),)
        if row.median_days == WITHHELD:
            yield Seen(
                f"visitation wait {row.step} median withheld {tag}",
                finished,
                None,
                node,
                page="visitation",
                interval=HIDDEN,
            )
        elif _half(row.median_days):  # the table shows one decimal
            yield Seen(
                f"visitation wait {row.step} median ends in ,5 {tag}",
                finished,
                None,
                node,
                page="visitation",
                rule="even",
            )


def _effekt_counts(
    engine: Engine, context: QueryContext, levels: pd.DataFrame, tag: str, starts_on: date
) -> Iterable[Seen]:
    """Effekt's SSP transition table and the families under each point of the course chart.

    Each point's family count, its average on the grid (`rule="average"`),
    and which points are drawn: every course month up to the programme's
    whole months by D is, so a missing one below the last drawn says 0, and
    one drawn past them (a family that started before the programme) says
    1 or more.
    """
    d, node = context.as_of, context.district_id
    for b in SSP_LEVELS:
        for a in SSP_LEVELS:
            yield Seen(
                f"effekt transition {b}->{a} {tag}",
                ((f"ssp.{b}.{a}", d, 1),),
                _cell(levels.loc[b, a]),
                node,
                page="effekt",
            )
    for measure in COURSE_MEASURES:
        series = course_month_series(engine, context, measure)
        drawn = {int(m) for m in series["course_month"]}
        for row in series.itertuples():
            terms = ((f"course.{measure}.{row.course_month}", d, 1),)
            where = f"effekt course {measure} month={row.course_month} {tag}"
            yield Seen(where, terms, _cell(row.families), node, page="effekt")
            average = row.value
            if isinstance(average, int | float) and not math.isnan(average):
                # The chart carries the average to the browser (hover, axis range).
                yield Seen(
                    f"{where} average",
                    terms,
                    float(average),
                    node,
                    page="effekt",
                    rule="average",
                    step=FAMILY_VALUE_STEP[measure],
                )
        # Every course month up to the programme's whole months by D is drawn, with or
        # without a value: a missing one below the last drawn says 0, and one drawn
        # past them is there only because a family has a value on it.
        horizon = whole_months_between(starts_on, d)
        for month in range(max(drawn, default=-1) + 1):
            if month in drawn and month <= horizon:
                continue
            yield Seen(
                f"effekt course {measure} month={month} drawn {tag}",
                ((f"course.{measure}.{month}", d, 1),),
                None,
                node,
                page="effekt",
                interval=(1.0, math.inf) if month in drawn else (0.0, 0.0),
            )


def _prevention(engine: Engine, context: QueryContext, tag: str) -> Iterable[Seen]:
    """Forebyggelse: family-months per year and in total (programme-wide), and the money on them.

    Every amount on the page is exact spend divided by (or a unit cost set
    against) a rounded family-month count: it gives back that rounded count,
    which is modelled, and nothing finer. A year of 0-4 family-months reads
    "<5" and hides the total's costs; a total hidden while no year is hidden
    is itself 0-4. Years between the first and D that the table leaves out
    had no spend and no family-months.
    """
    d = context.as_of
    case = business_case(engine, context)
    years = case.years
    if years.empty:
        return
    rows = dict(zip((int(y) for y in years["year"]), years.itertuples(), strict=True))
    first = min(rows)
    days = month_ends(date(first, 1, 1), d)[:-1]
    hidden = False
    total: list[Term] = []
    for year in range(first, d.year + 1):
        terms = [(k, m, 1) for m in days if m.year == year for k in ACTIVE]
        if year == d.year:
            terms += [(k, d, 1) for k in ACTIVE]
        total += terms
        row = rows.get(year)
        cell: object = 0
        if row is not None:
            cell = row.family_months_display or _cell(row.family_months)
            hidden |= row.family_months_display is not None
        yield Seen(
            f"forebyggelse family-months {year} {tag}",
            tuple(terms),
            cell,
            None,
            page="forebyggelse",
        )
    small_total = case.family_months_total is None and not hidden
    yield Seen(
        f"forebyggelse family-months total {tag}",
        tuple(total),
        case.family_months_total,
        None,
        page="forebyggelse",
        interval=HIDDEN if small_total and context.scope.suppressed else None,
    )


def _spread(seen: Seen, tree: Tree) -> Expr:
    """The expression of a seen number over the unknowns of its families' nodes."""
    nodes = [seen.node or NOWHERE] if seen.direct else tree.subtree(seen.node)
    expr: Expr = defaultdict(int)
    for kind, day, coefficient in seen.terms:
        for node in nodes:
            expr[(kind, node, day)] += coefficient
    return dict(expr)


def _simple_truths(seen: Seen, tree: Tree) -> tuple[str, date, str | None, bool] | None:
    """(measure, day, node, direct) when the number is one measure on one day (a stock)."""
    if len(seen.terms) != 1 or seen.terms[0][2] != 1:
        return None
    kind, day, _ = seen.terms[0]
    return kind, day, seen.node, seen.direct


def report_dates(starts_on: date, ends_on: date, latest: date | None, every: int) -> list[date]:
    """Every `every`-th date of the grid the role can be shown, and the last one.

    `rules.disclosure.report_date_grid` is every date a suppressed role can
    see (`report_date_for` moves any other day to one of them), so with
    `every` 1 the audit plays every report date there is.
    """
    grid = report_date_grid(starts_on, ends_on, latest)
    days = grid[::every]
    if grid[-1] not in days:
        days.append(grid[-1])
    return days


def collect(
    engine: Engine, programme_id: str, role: str, *, every: int = 1, dates: Sequence[date] = ()
) -> Audit:
    """The audit's equations for `role` on `programme_id` over the grid of dates and filters."""
    from data_access.queries.programmes import data_as_of

    scope = Scope(role=role, email="audit")
    info = programme_info(engine, programme_id)
    with engine.connect() as conn:
        rows = conn.execute(select(districts.c.district_id, districts.c.parent_id)).all()
    parent = {str(d): (None if p is None else str(p)) for d, p in rows}
    filters: list[str | None] = [
        None,
        *(d.district_id for d in list_districts(engine, programme_id)),
    ]
    # The districts that hold the programme's families, and every district above them.
    relevant: set[str] = set()
    for node in filters:
        while node is not None and node in parent and node not in relevant:
            relevant.add(node)
            node = parent[node]
    tree = Tree({d: p for d, p in parent.items() if d in relevant})
    grid = list(dates) or report_dates(info.starts_on, info.ends_on, data_as_of(engine), every)
    audit = Audit()
    subtree_truth: dict[tuple[str, date, str | None], int] = {}
    direct_truth: dict[Var, int] = {}
    shown: list[tuple[Seen, object]] = []
    truths: list[tuple[Seen, object]] = []
    nodes: list[str | None] = [None, *sorted(tree.parent)]
    for day in grid:
        for node in nodes:
            exact = list(
                seen_numbers(
                    engine, QueryContext(programme_id, day, node, SYSTEM), info.starts_on, tree
                )
            )
            truths += [(s, s.cell) for s in exact]
            if node in filters:
                role_seen = list(
                    seen_numbers(
                        engine, QueryContext(programme_id, day, node, scope), info.starts_on, tree
                    )
                )
                exact_cells = {s.where: s.cell for s in exact}
                for s in role_seen:
                    if not may(role, page_resource(s.page)):
                        continue  # a page the role cannot open (nor its presentation step)
                    only_shown = s.withheld_base or s.rule or s.interval  # the role's own
                    if s.where not in exact_cells and not only_shown:
                        audit.mismatches.append(f"{s.where}: no exact counterpart")
                    shown.append((s, exact_cells.get(s.where)))
    for seen, value in truths:
        simple = _simple_truths(seen, tree)
        if simple is None or not isinstance(value, int):
            continue
        kind, day, node, direct = simple
        if direct:
            direct_truth[(kind, node or NOWHERE, day)] = value
        else:
            subtree_truth[(kind, day, node)] = value
    for (kind, day, node), value in subtree_truth.items():
        children = tree.children(node)
        known = [subtree_truth.get((kind, day, c)) for c in children]
        if any(v is None for v in known):
            continue
        own = NOWHERE if node is None else node
        direct_truth.setdefault((kind, own, day), value - sum(v for v in known if v is not None))
    audit.truth = direct_truth
    suppressed = scope.suppressed
    for seen, exact_value in shown:
        expr = _spread(seen, tree)
        if seen.withheld_base is not None:
            base = _spread(replace(seen, terms=seen.withheld_base), tree)
            audit.withheld(seen.where, base, expr)
            continue
        if seen.rule == "not_small":
            audit.not_small(seen.where, expr)
            continue
        if seen.rule == "even":
            audit.even(seen.where, expr)
            continue
        if seen.rule == "average" and seen.step is not None and isinstance(seen.cell, float):
            n = audit.value(expr)
            total = None
            if isinstance(exact_value, float) and n is not None:
                total = exact_value * n
            band = average_seen(seen.cell, seen.step) if suppressed else (seen.cell, seen.cell)
            audit.average(seen.where, expr, band, step=seen.step, total=total)
            continue
        value = audit.value(expr)
        if isinstance(exact_value, int) and value is not None and value != exact_value:
            audit.mismatches.append(f"{seen.where}: model {value}, query {exact_value}")
            continue
        interval = seen.interval or shown_interval(seen.cell, suppressed)
        if seen.flow and seen.cell == SUPPRESSED:
            interval = (0.0, float(MIN_CELL - 1))
        audit.show(seen.where, expr, interval)
    _identities(audit)
    _who_lives_where(audit, tree, filters, grid[-1])
    audit.hide_small_unknowns()
    return audit


def _who_lives_where(audit: Audit, tree: Tree, filters: Sequence[str | None], last: date) -> None:
    """What the district filter's list says: where the programme's families are registered.

    It offers exactly the districts with a family registered directly on them
    (`reference.list_districts`; Bydele's districts say the same): every
    count directly on another node of the tree (a bydel whose families all
    live in its areas, the city) is 0, and a listed one has a family
    referred by the last report date. Every family has a district (a
    foreign key), so nobody is on no district.
    """
    listed = {node for node in filters if node is not None}
    empty = {node for node in tree.parent if node not in listed} | {NOWHERE}
    seen = set(audit.truth) | {var for key in audit.bounds for var, _ in key}
    for var in sorted(seen, key=_order):
        if var[1] in empty:
            audit.identity({var: 1})
    for node in sorted(listed):
        audit.relation({("funnel.referred", node, last): 1}, 1.0, math.inf)


def _identities(audit: Audit) -> None:
    """The rules' own sums and bounds, per node and day, as the attacker knows them.

    Stages add up to the referred families, end reasons to the ended ones;
    the SSP transition table adds up to the eligible families and below its
    diagonal to the improved ones; a step's finished waits are the families
    that reached the next step (the first step's exactly), its waiting ones
    the families in that stage; slow waits are at most all waits; the
    families under a course-chart point at most the started ones.
    """
    keys = {(node, day) for (_, node, day) in audit.truth}
    known = set(audit.truth)
    # The course points and end reasons of each node and day, found once.
    by_place: dict[tuple[str, str, date], list[Var]] = defaultdict(list)
    for var in sorted(known, key=_order):
        for prefix in ("course.", "reason."):
            if var[0].startswith(prefix):
                by_place[(prefix, var[1], var[2])].append(var)

    def holds(expr: Expr) -> bool:
        return all(v in known for v in expr)

    for node, day in sorted(keys, key=lambda k: (k[0], k[1])):

        def at(kind: str, node: str = node, day: date = day) -> Var:
            return (kind, node, day)

        cells = {at(f"ssp.{b}.{a}"): 1 for b in SSP_LEVELS for a in SSP_LEVELS}
        below = {at(f"ssp.{b}.{a}"): 1 for b in SSP_LEVELS for a in SSP_LEVELS if a < b}
        for part, whole in ((cells, "eligible"), (below, "improved")):
            expr = {**part, at(whole): -1}
            if holds(expr):
                audit.identity(expr)
        for expr in (
            {at("wait.referred.finished"): 1, at("funnel.investigation"): -1},
            {at("wait.referred.waiting"): 1, at("stage.referred"): -1},
            {at("wait.investigation.waiting"): 1, at("stage.investigation"): -1},
            {at("wait.approved.waiting"): 1, at("stage.approved"): -1},
        ):
            if holds(expr):
                audit.identity(expr)
        bounds: list[Expr] = [
            {at("wait.investigation.finished"): 1, at("funnel.approved"): -1},
            {at("wait.approved.finished"): 1, at("funnel.started"): -1},
            *(
                {at(f"wait.{s}.slow"): 1, at(f"wait.{s}.finished"): -1, at(f"wait.{s}.waiting"): -1}
                for s in WAIT_STEPS
            ),
            *({point: 1, at("funnel.started"): -1} for point in by_place[("course.", node, day)]),
        ]
        for expr in bounds:  # expr <= 0
            if holds(expr):
                audit.relation(expr, -math.inf, 0.0)
    # Counts of families that got somewhere by D never fall from one report date to the next.
    days: dict[tuple[str, str], list[date]] = defaultdict(list)
    for kind, node, day in sorted(known, key=_order):
        if kind.startswith(CUMULATIVE):
            days[(kind, node)].append(day)
    for (kind, node), dates in days.items():
        for before, after in itertools.pairwise(dates):
            audit.relation({(kind, node, before): 1, (kind, node, after): -1}, -math.inf, 0.0)
        stages: Expr = {(f"stage.{s}", node, day): 1 for s in STAGE_ORDER}
        if all(v in audit.truth for v in stages) and ("funnel.referred", node, day) in audit.truth:
            audit.identity({**stages, ("funnel.referred", node, day): -1})
        reasons = {var: 1 for var in by_place[("reason.", node, day)]}
        if reasons and ("stage.ended", node, day) in audit.truth:
            audit.identity({**reasons, ("stage.ended", node, day): -1})


class UnknownProgramme(ValueError):
    """`--programme` names no programme of the database (a usage error, not a finding)."""


def run(database_url: str, role: str, programme_id: str | None, every: int) -> int:
    """The command: 0 when no hidden count is pinned, 1 naming the pinned ones.

    Raises UnknownProgramme when `programme_id` is not in the database.
    """
    from data_access.db.engine import make_engine
    from data_access.queries.programmes import list_programmes

    engine = make_engine(database_url, read_only=True)
    try:
        known = [p.programme_id for p in list_programmes(engine)]
        if programme_id is not None and programme_id not in known:
            names = ", ".join(known)
            raise UnknownProgramme(f"unknown programme {programme_id!r} (known: {names})")
        programmes = [programme_id] if programme_id else known
        failed = False
        for programme in programmes:
            result = collect(engine, programme, role, every=every).solve()
            failed |= _print(result, programme, role)
    finally:
        engine.dispose()
    return 1 if failed else 0


def _print(result: AuditResult, programme: str, role: str) -> bool:
    """The audit's report on standard output; True when a hidden count is pinned."""
    pinned = result.pinned
    print(
        f"{programme}, role {role}: {result.cells} shown numbers, {result.unknowns} unknowns, "
        f"{len(result.findings)} hidden counts of 1-4, {len(pinned)} worked out"
    )
    for line in result.mismatches[:20]:
        print(f"  model check: {line}")
    for finding in pinned:
        interval = f"[{finding.low:g}, {finding.high:g}]"
        print(f"  LEAK: {finding.where} is {finding.truth}: only {interval} fits")
    narrow = sorted((f for f in result.findings if not f.pinned), key=lambda f: f.high - f.low)
    for finding in narrow[:5]:
        print(f"  narrowest: {finding.where}: [{finding.low:g}, {finding.high:g}]")
    return bool(pinned)
