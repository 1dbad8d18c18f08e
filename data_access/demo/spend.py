"""Synthetic bookings (`spend.csv`) around the seed budget.

Each budget line (programme, year, department, funder, activity) is booked
month by month so that the year ends within about 13 % of its budget, some
lines under and some over, as real accounts do. Staff lines book salaries,
family lines follow the number of active families, development lines come in
lumps. The employment line carries one kombinationspakke row per family and
month at 1.723,50 kr. a week per parent on the package, plus the line's other
costs. At scale N each booking is split into N rows and each package row is
divided by N, so yearly totals stay near the budget whatever the scale.

All money is handled in whole cents (int64) and converted to kroner at the end,
so no sum is off by rounding and every amount has at most two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from data_access.demo.dates import Days, add_days, month_starts

IntArray = npt.NDArray[np.int64]

#: The kombinationspakke's price per parent and week (2009 prices, seed documents).
KOMBINATIONSPAKKE_PER_WEEK = 1723.50

SALARY, FAMILIES, LUMPY, QUARTERLY, FLAT = "salary", "families", "lumpy", "quarterly", "flat"

#: How each seed activity is spent over a year, and how many bookings a month has.
ACTIVITY_PATTERNS: dict[str, tuple[str, int]] = {
    "Lokal koordinering af interventionsteam": (SALARY, 2),
    "Beskæftigelsestilbud": (FAMILIES, 3),
    "Sociale tilbud": (FAMILIES, 6),
    "Skole-, klub m.v. tilbud": (FAMILIES, 4),
    "Mentorstøtte til barn og forældre": (FAMILIES, 2),
    "PPR-rådgivning": (SALARY, 1),
    "Udvikling af systematiske metoder og redskaber": (LUMPY, 1),
    "Efteruddannelse, videns- og erfaringsudveksling": (LUMPY, 1),
    "Evaluering og mainstreaming": (LUMPY, 1),
    "Opsøgende og koordinerende medarbejdere (10 årsværk)": (SALARY, 10),
    "Aftalen om nye udlejningsmodeller": (FLAT, 1),
    "Boligsociale projekter": (QUARTERLY, 3),
    "§ 18 midler til integrationsformål": (LUMPY, 1),
    "Ressourcecenter på ydre Nørrebro og partnerskabsaftale med frivillig forening": (
        QUARTERLY,
        2,
    ),
}
#: The budget line whose bookings include the per-family kombinationspakke rows.
KOMBINATIONSPAKKE_LINE = ("BIF", "Beskæftigelsestilbud")

CENTS_PER_KRONE = 100


@dataclass(frozen=True)
class ProgrammeActivity:
    """What the spend of one programme depends on besides its budget."""

    programme_id: str
    starts_on: np.datetime64
    ends_on: np.datetime64
    #: Per family: started_on and the day it left (NaT = not started / still active).
    started_on: Days
    left_on: Days
    #: One row per kombinationspakke: family_id, started_on, ended_on (NaT = open).
    kombinationspakker: pd.DataFrame


def _active_per_month(activity: ProgrammeActivity, firsts: Days) -> npt.NDArray[np.float64]:
    """Families active on the 15th of each month (the spend of family lines follows it)."""
    mid = add_days(firsts, 14)
    started = activity.started_on[:, None] <= mid[None, :]
    left = activity.left_on[:, None] <= mid[None, :]
    return (started & ~left).sum(axis=0).astype(float)


def _split_exact(total: IntArray, weights: npt.NDArray[np.float64]) -> IntArray:
    """Split each total (cents) by its row of weights into whole cents that sum exactly."""
    shares = weights / weights.sum(axis=1, keepdims=True)
    parts = np.floor(total[:, None] * shares).astype(np.int64)
    parts[:, -1] += total - parts.sum(axis=1)
    return parts


def _month_lengths(firsts: Days) -> IntArray:
    return ((firsts.astype("datetime64[M]") + 1).astype("datetime64[D]") - firsts).astype(np.int64)


def _last_working_day(firsts: Days) -> Days:
    """Salaries and package invoices are booked on the month's last working day."""
    return np.busday_offset(add_days(firsts, _month_lengths(firsts) - 1), 0, roll="backward")


def _kombinationspakke_rows(
    activity: ProgrammeActivity, scale: int
) -> tuple[pd.DataFrame, dict[int, int]]:
    """One row per family and month on the package: days on it x weekly price / 7 / scale."""
    packages = activity.kombinationspakker
    if packages.empty:
        return pd.DataFrame(), {}
    begin = packages["started_on"].to_numpy("datetime64[D]")
    finish = packages["ended_on"].to_numpy("datetime64[D]")
    finish = np.where(np.isnat(finish), activity.ends_on, finish)
    first_month = begin.astype("datetime64[M]")
    months = (finish.astype("datetime64[M]") - first_month).astype(np.int64) + 1
    row = np.repeat(np.arange(len(packages)), months)
    month = first_month[row] + (np.arange(len(row)) - np.repeat(np.cumsum(months) - months, months))
    month_first = month.astype("datetime64[D]")
    next_first = (month + 1).astype("datetime64[D]")
    days = (np.minimum(next_first, finish[row] + 1) - np.maximum(month_first, begin[row])).astype(
        np.int64
    )
    frame = pd.DataFrame(
        {
            "family_id": packages["family_id"].to_numpy(object)[row],
            "month": month_first,
            "days": days,
        }
    )
    per_family = frame.groupby(["family_id", "month"], sort=True, as_index=False)["days"].sum()
    cents = np.rint(
        per_family["days"].to_numpy() * KOMBINATIONSPAKKE_PER_WEEK * CENTS_PER_KRONE / 7 / scale
    ).astype(np.int64)
    booked = _last_working_day(per_family["month"].to_numpy("datetime64[D]"))
    rows = pd.DataFrame(
        {"booked_on": booked, "cents": cents, "family_id": per_family["family_id"].to_numpy(object)}
    )
    years = booked.astype("datetime64[Y]").astype(np.int64) + 1970
    per_year = pd.Series(cents).groupby(years).sum()
    return rows, dict(zip(per_year.index.tolist(), per_year.tolist(), strict=True))


def _line_year(
    rng: np.random.Generator,
    pattern: str,
    per_month: int,
    firsts: Days,
    total: int,
    active: npt.NDArray[np.float64],
) -> tuple[Days, IntArray]:
    """One budget line's bookings in one year: dates and amounts (cents) summing to `total`."""
    n = len(firsts)
    if pattern == FAMILIES:
        weights = active + 0.15 * max(active.mean(), 1.0)
    elif pattern == LUMPY:
        weights = np.zeros(n)
        lumps = rng.choice(n, size=min(n, int(rng.integers(3, 6))), replace=False)
        weights[lumps] = rng.random(len(lumps)) + 0.5
    elif pattern == QUARTERLY:
        weights = np.where(np.arange(n) % 3 == 2, 1.0, 0.0)
        if weights.sum() == 0:
            weights[-1] = 1.0
    else:
        weights = np.ones(n)
    monthly = _split_exact(np.array([total]), weights[None, :])[0]
    months = np.flatnonzero(monthly != 0)
    counts = np.full(len(months), per_month)
    month = np.repeat(months, counts)
    shares = rng.random((len(months), per_month)) + (2.0 if pattern == SALARY else 0.3)
    amounts = _split_exact(monthly[months], shares).reshape(-1)
    if pattern == SALARY:
        booked = _last_working_day(firsts[month])
    else:
        offset = np.floor(rng.random(len(month)) * (_month_lengths(firsts)[month] - 3))
        booked = np.busday_offset(
            add_days(firsts[month], offset.astype(np.int64)), 0, roll="forward"
        )
    return booked, amounts


def generate_spend(
    rng: np.random.Generator,
    budget: pd.DataFrame,
    activities: dict[str, ProgrammeActivity],
    scale: int,
) -> pd.DataFrame:
    """All bookings of every budget line, without spend ids (the caller numbers them)."""
    lines = budget.reset_index(drop=True)
    # Half the lines end a little under budget, half a little over.
    direction = np.where(np.arange(len(lines)) % 2 == 0, -1.0, 1.0)
    rng.shuffle(direction)
    factors = 1.0 + direction * (0.02 + 0.11 * rng.random(len(lines)))
    generic: list[pd.DataFrame] = []
    packages: list[pd.DataFrame] = []
    kombi_done: set[str] = set()
    for index, line in enumerate(lines.to_dict("records")):
        programme = activities[str(line["programme_id"])]
        year = int(line["year"])
        first = max(np.datetime64(f"{year}-01-01", "D"), programme.starts_on)
        last = min(np.datetime64(f"{year}-12-31", "D"), programme.ends_on)
        if first > last:
            continue
        firsts = month_starts(first, last)
        target = round(float(line["amount_dkk"]) * float(factors[index]) * CENTS_PER_KRONE)
        pattern, per_month = ACTIVITY_PATTERNS.get(str(line["activity"]), (FLAT, 1))
        keys = {
            "programme_id": line["programme_id"],
            "department_id": line["department_id"],
            "funder_id": line["funder_id"],
            "activity": line["activity"],
        }
        if (line["department_id"], line["activity"]) == KOMBINATIONSPAKKE_LINE:
            rows, per_year = _kombinationspakke_rows(programme, scale)
            if programme.programme_id not in kombi_done and not rows.empty:
                kombi_done.add(programme.programme_id)
                packages.append(rows.assign(**keys))
            # The line's other costs fill what the packages leave; at least a tenth.
            target = max(target - per_year.get(year, 0), target // 10)
        booked, amounts = _line_year(
            rng, pattern, per_month, firsts, target, _active_per_month(programme, firsts)
        )
        generic.append(
            pd.DataFrame({"booked_on": booked, "cents": amounts, "family_id": None}).assign(**keys)
        )
    bookings = _with_corrections(rng, pd.concat(generic, ignore_index=True))
    frame = pd.concat([_split_scale(rng, bookings, scale), *packages], ignore_index=True)
    frame["amount_dkk"] = frame.pop("cents").to_numpy() / CENTS_PER_KRONE
    order = [frame["booked_on"].to_numpy("datetime64[D]").astype(np.int64)]
    for column in ("programme_id", "department_id", "activity", "family_id"):
        order.append(pd.factorize(frame[column], sort=True, use_na_sentinel=True)[0])
    return frame.take(np.lexsort(order[::-1])).reset_index(drop=True)


def _with_corrections(rng: np.random.Generator, bookings: pd.DataFrame) -> pd.DataFrame:
    """Three corrections per programme: a booking was too high, reversed later that year.

    The original row is raised by the correction, so line totals are unchanged.
    """
    bookings = bookings.reset_index(drop=True)
    booked = bookings["booked_on"].to_numpy("datetime64[D]")
    year_end = (booked.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    cents = bookings["cents"].to_numpy(np.int64).copy()
    programme = pd.factorize(bookings["programme_id"], sort=True)[0]
    corrections = []
    for code in range(programme.max() + 1):
        rows = np.flatnonzero((programme == code) & ((year_end - booked).astype(np.int64) > 40))
        for row in rng.choice(rows, size=min(3, len(rows)), replace=False):
            correction = int(cents[row] * (0.1 + 0.2 * rng.random()))
            cents[row] += correction
            later = np.busday_offset(add_days(booked[row : row + 1], 30), 0, roll="forward")
            corrections.append(bookings.iloc[[row]].assign(booked_on=later, cents=-correction))
    bookings["cents"] = cents
    return pd.concat([bookings, *corrections], ignore_index=True)


def _split_scale(rng: np.random.Generator, bookings: pd.DataFrame, scale: int) -> pd.DataFrame:
    """At scale N every booking becomes N rows on the same day with the same total."""
    if scale == 1:
        return bookings
    cents = bookings["cents"].to_numpy(np.int64)
    parts = _split_exact(cents, rng.random((len(bookings), scale)) + 0.5).reshape(-1)
    expanded = bookings.loc[bookings.index.repeat(scale)].reset_index(drop=True)
    expanded["cents"] = parts
    return expanded
