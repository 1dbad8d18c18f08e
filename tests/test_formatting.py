"""Danish and English formats exactly as kpis.md writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dashboard import formatting


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (31_866_667, "da", "31.866.667 kr."),
        (31_866_667, "en", "DKK 31,866,667"),
        (3_000_000.4, "da", "3.000.000 kr."),
        (0, "da", "0 kr."),
        # A correction reads with the minus sign, as a variance does.
        (-59_000, "da", "−59.000 kr."),
        (-59_000, "en", "−DKK 59,000"),
        # Rounded to no kroner at all, it has no sign.
        (-0.4, "da", "0 kr."),
        (None, "da", "–"),
    ],
)
def test_money(amount: float | None, lang: str, expected: str) -> None:
    assert formatting.money(amount, lang) == expected


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (2_500, "da", "+2.500 kr."),
        (-1_000, "da", "−1.000 kr."),
        (-1_000, "en", "−DKK 1,000"),
        (0.3, "da", "±0 kr."),
        (None, "da", "–"),
    ],
)
def test_signed_money(amount: float | None, lang: str, expected: str) -> None:
    assert formatting.signed_money(amount, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(0.615, "da", "61,5 %"), (0.615, "en", "61.5%"), (1.0, "da", "100,0 %"), (None, "en", "–")],
)
def test_share(value: float | None, lang: str, expected: str) -> None:
    assert formatting.share(value, lang) == expected


def test_shares_of_a_column_read_like_single_shares() -> None:
    # A repeated value, a missing one (None and NaN from pandas) and a new one.
    values = [0.615, None, float("nan"), 0.615, 1.0]
    assert formatting.shares(values, "da") == ["61,5 %", "–", "–", "61,5 %", "100,0 %"]


def test_dates_read_as_users_write_them() -> None:
    assert formatting.long_date(date(2011, 6, 30), "da") == "30. juni 2011"
    assert formatting.long_date(date(2011, 6, 30), "en") == "30 June 2011"
    assert formatting.short_date(date(2011, 6, 3), "da") == "03.06.2011"
    # Stored in UTC, shown in Copenhagen time: +2 h in summer time, +1 h in winter.
    assert formatting.timestamp(datetime(2031, 10, 3, 14, 5), "da") == "3. oktober 2031 kl. 16.05"
    winter = datetime(2031, 1, 3, 23, 30, tzinfo=UTC)
    assert formatting.timestamp(winter, "da") == "4. januar 2031 kl. 00.30"
    assert formatting.timestamp(winter, "en") == "4 January 2031 at 00:30"


def test_suppressed_count_shows_as_less_than_five() -> None:
    assert formatting.count(None, "<5") == "<5"
    assert formatting.count(1234, None, "da") == "1.234"
    assert formatting.count(1234, None, "en") == "1,234"


def test_a_log_time_is_written_to_the_second_as_it_is() -> None:
    # Copenhagen wall time stays as it is: no conversion, Danish points, English colons.
    moment = datetime(2026, 12, 7, 9, 5, 3)
    assert formatting.log_time(moment, "da") == "07.12.2026 09.05.03"
    assert formatting.log_time(moment, "en") == "07/12/2026 09:05:03"
    assert formatting.log_time(None, "da") == "–"
    # The grid's own formats write the same shapes (momentJS: DD day, HH hour, ss second).
    assert formatting.grid_formats("da") == ("DD.MM.YYYY", "DD.MM.YYYY HH.mm.ss")
    assert formatting.short_date(date(2026, 12, 7), "da") == "07.12.2026"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_date_picker_writes_a_date_as_the_tables_do(lang: str) -> None:
    """The English sidebar said `30.06.2011` beside `31/03/2011` in every change below it."""
    day = date(2011, 6, 30)
    picker = formatting.date_input_format(lang)
    written = picker.replace("DD", f"{day.day:02}").replace("MM", f"{day.month:02}")
    assert written.replace("YYYY", str(day.year)) == formatting.short_date(day, lang)
