"""The dashboard's "today" is Copenhagen's calendar day, not the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from data_access.rules.calendar import local_today


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Winter, UTC+1: 23.30 UTC is already 00.30 the next day in Copenhagen.
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), date(2026, 11, 24)),
        (datetime(2026, 11, 23, 22, 59, tzinfo=UTC), date(2026, 11, 23)),
        # Summer, UTC+2: the day turns at 22.00 UTC.
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 22, 0, tzinfo=UTC), date(2026, 7, 1)),
    ],
)
def test_local_today_is_the_copenhagen_day(moment: datetime, expected: date) -> None:
    assert local_today(moment) == expected


def test_local_today_without_a_moment_reads_the_clock() -> None:
    before = datetime.now(UTC)
    day = local_today()
    after = datetime.now(UTC)
    assert day in {local_today(before), local_today(after)}
