"""The attacker audit of disclosure control (kpis.md, "Disclosure control").

`python -m dashboard disclosure-audit --role viewer` plays a reader with
the role's eyes: it collects every count the role is shown on the pages,
in the presentation, the CSV downloads and the report (they all come from
the queries read here) over a grid of report dates and every district
filter, writes each shown number as a linear expression over unknown
counts, and asks a linear-programming solver (`scipy.optimize.linprog`,
HiGHS) how small and how large each hidden count of 1 to 4 can be.

The unknowns are the counts of the families registered directly on each
district or area (a district's count is the sum over its subtree, so
"parent = sum of children" is built in, and the families directly on a
district are unknowns of their own), per measure and per day. Flows
(started, ended, referred in a month) are written as the difference of two
stocks, so "differences over time" are built in too; shares give their
numerator as an interval; the stages add up to the referred families and
the end reasons to the ended ones. A shown `<5` is the interval 1-4, a
rounded count r the interval it came from (5: 5-7, else r-2 to r+2), a 0
is exactly 0. The solver relaxes the counts to real numbers, so the
interval it finds contains every integer solution: when it holds one
integer only, the hidden count is worked out and the audit fails.

What is not modelled: a "withheld" share's disjunction (the base is small
or the numerator is), medians and money.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix
from sqlalchemy import Engine, select

from data_access.db.schema import districts
from data_access.queries.context import QueryContext
from data_access.queries.courses import course_flow, due_to_aftercare, end_reasons, stage_months
from data_access.queries.figures import compute_figures
from data_access.queries.intake import intake_funnel, referrals_per_month
from data_access.queries.outcomes import outcome_results
from data_access.queries.programmes import programme_info
from data_access.queries.reference import list_districts
from data_access.rules.access import MIN_CELL, SYSTEM, Scope
from data_access.rules.calendar import month_ends
from data_access.rules.disclosure import ROUNDING_BASE, SUPPRESSED
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
#: The node of families whose district is not in the districts table.
NOWHERE: Final = ""


def shown_interval(cell: object, suppressed: bool) -> tuple[float, float] | None:
    """The values a shown cell allows for its true count; None when it tells nothing.

    `<5` is 1 to 4; a 0 is 0; for a suppressed role a count r >= 5 is
    rounded (5 came from 5-7, r from r-2 to r+2), for an exact role r itself.
    """
    if cell == SUPPRESSED:
        return 1.0, float(MIN_CELL - 1)
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
    half = ROUNDING_BASE // 2
    low = float(MIN_CELL) if value == MIN_CELL else value - half
    return low, value + half


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

    def solve(self) -> AuditResult:
        """Each target's smallest and largest value under everything shown (LP relaxation)."""
        used = {var for key in self.bounds for var, _ in key}
        used |= {var for expr in self.identities for var in expr}
        used |= {var for key in self.targets for var, _ in key}
        index = {var: i for i, var in enumerate(sorted(used, key=_order))}
        rows: list[int] = []
        cols: list[int] = []
        data: list[int] = []
        upper: list[float] = []
        for key, (low, high, _) in self.bounds.items():
            for sign, limit in ((1, high), (-1, -low)):
                row = len(upper)
                for var, coefficient in key:
                    rows.append(row)
                    cols.append(index[var])
                    data.append(sign * coefficient)
                upper.append(limit)
        a_ub = csr_matrix((data, (rows, cols)), shape=(len(upper), len(index)))
        eq_rows, eq_cols, eq_data = [], [], []
        for row, expr in enumerate(self.identities):
            for var, coefficient in expr.items():
                eq_rows.append(row)
                eq_cols.append(index[var])
                eq_data.append(coefficient)
        a_eq = csr_matrix((eq_data, (eq_rows, eq_cols)), shape=(len(self.identities), len(index)))
        findings = []
        for key, (where, truth) in sorted(self.targets.items(), key=lambda item: item[1][0]):
            objective = np.zeros(len(index))
            for var, coefficient in key:
                objective[index[var]] = coefficient
            low = _optimum(objective, a_ub, upper, a_eq)
            high = -_optimum(-objective, a_ub, upper, a_eq)
            findings.append(Finding(where, truth, low, high))
        return AuditResult(findings, len(self.bounds), len(index), list(self.mismatches))


def _optimum(
    objective: np.ndarray, a_ub: csr_matrix, b_ub: Sequence[float], a_eq: csr_matrix
) -> float:
    """min objective . x over x >= 0 and the constraints; -inf when unbounded."""
    result = linprog(
        objective,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=np.array(b_ub) if a_ub.shape[0] else None,
        A_eq=a_eq if a_eq.shape[0] else None,
        b_eq=np.zeros(a_eq.shape[0]) if a_eq.shape[0] else None,
        bounds=(0, None),
        method="highs",
    )
    if result.status == 3:
        return -math.inf
    if result.status != 0:
        raise RuntimeError(f"the audit's equations cannot be solved: {result.message}")
    return float(result.fun)


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
        # The numerator as shown, or as the shown share of the shown base gives it.
        shown: object = item.numerator
        if shown is None and item.value is not None and item.denominator:
            shown = round(item.value * float(item.denominator))
        yield Seen(f"card {figure_id} numerator {tag}", ((numerator, d, 1),), shown, node)
    cost = figures["cost_per_family_month"]
    months = month_ends(date(d.year, 1, 1), d)
    months[-1] = d
    terms = tuple((k, m, 1) for m in months for k in ("stage.intensive", "stage.aftercare"))
    shown_months = None if cost.denominator is None else int(cost.denominator)
    yield Seen(f"card family-months {tag}", terms, shown_months, None)
    frame = stage_months(engine, context, starts_on)
    for row in frame.itertuples():
        yield Seen(
            f"forloeb stages {row.stage} month={row.month_end} {tag}",
            ((f"stage.{row.stage}", _day(row.month_end), 1),),
            _cell(row.display),
            node,
        )
    for row in course_flow(engine, context).itertuples():
        for column, kind in (("started", "funnel.started"), ("ended", "stage.ended")):
            yield Seen(
                f"forloeb flow {column} month={row.month_end} {tag}",
                _flow(kind, _day(row.month_end), d, starts_on),
                _cell(getattr(row, column)),
                node,
                flow=True,
            )
    for row in end_reasons(engine, context).itertuples():
        yield Seen(
            f"forloeb reason {row.reason} {tag}",
            ((f"reason.{row.reason}", d, 1),),
            _cell(row.families),
            node,
        )
    due, _ = due_to_aftercare(engine, context)
    yield Seen(f"forloeb due to aftercare {tag}", (("due", d, 1),), _cell(due), node)
    for row in intake_funnel(engine, context).itertuples():
        yield Seen(
            f"visitation funnel {row.step} on {row.district_id} {tag}",
            ((f"funnel.{row.step}", d, 1),),
            _cell(row.families),
            str(row.district_id),
            direct=True,
        )
    for row in referrals_per_month(engine, context).itertuples():
        yield Seen(
            f"visitation referrals month={row.month_end} {tag}",
            _flow("funnel.referred", _day(row.month_end), d, starts_on),
            _cell(row.referrals),
            node,
            flow=True,
        )
    table = outcome_results(engine, context).districts
    for row in table.itertuples():
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
    """Every `every`-th month end of the programme up to its data, and the last data day."""
    last = min(ends_on, latest) if latest else ends_on
    days = month_ends(starts_on, last)[::every]
    if last not in days:
        days.append(last)
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
                    if s.where not in exact_cells:
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
        value = audit.value(expr)
        if isinstance(exact_value, int) and value is not None and value != exact_value:
            audit.mismatches.append(f"{seen.where}: model {value}, query {exact_value}")
            continue
        interval = shown_interval(seen.cell, suppressed)
        if seen.flow and seen.cell == SUPPRESSED:
            interval = (0.0, float(MIN_CELL - 1))
        audit.show(seen.where, expr, interval)
    _identities(audit)
    audit.hide_small_unknowns()
    return audit


def _identities(audit: Audit) -> None:
    """The rules' own sums: stages = referred families, end reasons = ended families."""
    keys = {(node, day) for (_, node, day) in audit.truth}
    for node, day in sorted(keys, key=lambda k: (k[0], k[1])):
        stages: Expr = {(f"stage.{s}", node, day): 1 for s in STAGE_ORDER}
        if all(v in audit.truth for v in stages) and ("funnel.referred", node, day) in audit.truth:
            audit.identity({**stages, ("funnel.referred", node, day): -1})
        reasons = {
            (k, node, day): 1
            for (k, n, d) in audit.truth
            if k.startswith("reason.") and n == node and d == day
        }
        if reasons and ("stage.ended", node, day) in audit.truth:
            audit.identity({**reasons, ("stage.ended", node, day): -1})


def run(database_url: str, role: str, programme_id: str | None, every: int) -> int:
    """The command: 0 when no hidden count is pinned, 1 naming the pinned ones."""
    from data_access.db.engine import make_engine
    from data_access.queries.programmes import list_programmes

    engine = make_engine(database_url, read_only=True)
    try:
        programmes = (
            [programme_id] if programme_id else [p.programme_id for p in list_programmes(engine)]
        )
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
