"""The programme's change theory as shown: each box with its measure at the report date.

The application to the ministry draws the pilot's change theory (drawing 1:
activities -> results -> short-, medium- and long-term effects). Kept as
rows per programme (optional bundle file `change_theory.csv`, see README) it
can be loaded like the rest of the data, so the ten-area programme gets its
own chain, and each box can carry the measure that follows it. Boxes without
a measure are shown as "ikke målt" rather than left out: the group should
see what the data cannot tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, select

from data_access.db.schema import assessments, change_theory, districts, families, indicators
from data_access.queries.context import QueryContext
from data_access.queries.figures import compute_figures
from data_access.queries.programmes import programme_info
from data_access.rules.change_theory import LEVELS
from data_access.rules.disclosure import WITHHELD, shown_average
from data_access.rules.measures import FAMILY_VALUE_STEP
from data_access.rules.stages import family_filter, is_active


@dataclass(frozen=True)
class Box:
    """One box of the chain with its measure's value at the report date.

    value: the measure's value (a share 0..1 for ssp_falling and
    self_supporting_parents, percent 0..100 for school_attendance, the
    indicator's own unit for indicators), None when not measured or not
    shown; display says why ("withheld" for a small base). city: for an
    indicator, the city's value beside the families' districts.
    """

    box_id: str
    level: str
    label: str
    measure: str | None
    parent_box_id: str | None
    target: float | None
    value: float | None = None
    display: str | None = None
    city: float | None = None


def change_theory_boxes(engine: Engine, context: QueryContext) -> list[Box]:
    """The programme's boxes in level then sort order, each measured on D for the scope.

    The chain is the programme's, so its measures are programme-wide: the
    context's district filter does not apply.
    """
    context = context.in_district(None)
    programme_id = context.programme_id
    query = (
        select(change_theory)
        .where(change_theory.c.programme_id == programme_id)
        .order_by(change_theory.c.sort, change_theory.c.box_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    if not rows:
        return []
    info = programme_info(engine, programme_id)
    figures = compute_figures(engine, context)
    boxes = []
    for row in rows:
        measure = row["measure"]
        target = row["target"]
        value: float | None = None
        display: str | None = None
        city: float | None = None
        if measure == "ssp_falling":
            item = figures["improved_share"]
            value, display = item.value, item.display
            target = target if target is not None else info.target_improved_share
        elif measure == "self_supporting_parents":
            item = figures["self_supporting_parents"]
            value, display = item.value, item.display
        elif measure == "school_attendance":
            value, display = school_attendance(engine, context)
        elif measure is not None and measure.startswith("indicator:"):
            value, city = district_indicator(engine, context, measure.split(":", 1)[1])
        boxes.append(
            Box(
                box_id=row["box_id"],
                level=row["level"],
                label=row["label"],
                measure=measure,
                parent_box_id=row["parent_box_id"],
                target=target,
                value=value,
                display=display,
                city=city,
            )
        )
    order = {level: i for i, level in enumerate(LEVELS)}
    return sorted(boxes, key=lambda b: order.get(b.level, len(LEVELS)))


def school_attendance(engine: Engine, context: QueryContext) -> tuple[float | None, str | None]:
    """Mean of the children's latest `school_attendance` (percent) on or before `as_of`.

    Children of families that have started by `as_of` and not ended; a base
    of 0-4 children is withheld from a suppressed scope like any share, and
    a larger one gets the mean on `rules.disclosure.shown_average`'s grid.
    """
    latest = (
        select(
            assessments.c.member_id,
            assessments.c.value,
            func.row_number()
            .over(
                partition_by=assessments.c.member_id,
                order_by=assessments.c.assessed_on.desc(),
            )
            .label("rank"),
        )
        .join(families, families.c.family_id == assessments.c.family_id)
        .where(
            *family_filter(context.programme_id, context.as_of),
            is_active(context.as_of),
            assessments.c.measure == "school_attendance",
            assessments.c.assessed_on <= context.as_of,
            assessments.c.member_id.is_not(None),
        )
        .subquery()
    )
    query = select(func.sum(latest.c.value), func.count()).where(latest.c.rank == 1)
    with engine.connect() as conn:
        total, children = conn.execute(query).one()
    step = FAMILY_VALUE_STEP["school_attendance"]
    value, display = shown_average(total, children, context.scope, step)
    if display == WITHHELD:
        return None, WITHHELD
    return value, None


def district_indicator(
    engine: Engine, context: QueryContext, indicator: str
) -> tuple[float | None, float | None]:
    """(families' districts, city) values of `indicator`: latest on or before `as_of`.

    The families' districts are those where the programme's families live
    (kind other than `city`), averaged; the city is the district of kind
    `city`. Indicators describe areas, not families, so no disclosure rule
    applies.
    """
    newest = (
        select(indicators.c.district_id, func.max(indicators.c.measured_on).label("measured_on"))
        .where(indicators.c.indicator == indicator, indicators.c.measured_on <= context.as_of)
        .group_by(indicators.c.district_id)
        .subquery("newest")
    )
    with engine.connect() as conn:
        homes = set(
            conn.execute(
                select(families.c.district_id)
                .where(families.c.programme_id == context.programme_id)
                .distinct()
            ).scalars()
        )
        cities = set(
            conn.execute(
                select(districts.c.district_id).where(districts.c.kind == "city")
            ).scalars()
        )
        # One row per district: its value on its newest date (unique per district and date).
        rows = conn.execute(
            select(indicators.c.district_id, indicators.c.measured_on, indicators.c.value)
            .join(
                newest,
                and_(
                    newest.c.district_id == indicators.c.district_id,
                    newest.c.measured_on == indicators.c.measured_on,
                ),
            )
            .where(indicators.c.indicator == indicator)
        ).all()
    latest: dict[str, float] = {}
    for district_id, _, value in rows:
        latest[str(district_id)] = float(value)
    home_values = [latest[d] for d in sorted(homes - cities) if d in latest]
    city_values = [latest[d] for d in sorted(cities) if d in latest]
    home = sum(home_values) / len(home_values) if home_values else None
    city = city_values[0] if city_values else None
    return home, city
