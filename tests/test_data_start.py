"""`dashboard.data.start`: a page's queries run side by side and fail as before.

Pages start their independent queries together so that a page waits for its
slowest query, not for their sum. These tests pin the three things that
must hold for that: the queries really overlap, a query's error reaches the
page's own thread (where `database_guard` turns it into a message), and a
started query reads and fills the same `st.cache_data` cache as a call made
on the script's thread.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from dashboard.data import start
from tests.fixtures.scripts import SQUARE_CALLS


def test_started_queries_overlap() -> None:
    """Each query waits at a barrier for the other: run one after the other, both would time out."""
    barrier = threading.Barrier(2, timeout=10)

    def query(name: str) -> str:
        barrier.wait()
        return name

    first = start(query, "first")
    second = start(query, "second")
    assert (first.result(), second.result()) == ("first", "second")


def test_the_query_error_is_raised_by_result() -> None:
    """The database's error surfaces unchanged in the caller, not in the worker thread."""
    lost = OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    def query() -> int:
        raise lost

    pending = start(query)
    with pytest.raises(OperationalError) as raised:
        pending.result()
    assert raised.value is lost


def _page_with_started_cached_query() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from dashboard.data import start
    from tests.fixtures.scripts import SQUARE_CALLS

    @st.cache_data
    def square(n: int) -> tuple[int, bool]:
        SQUARE_CALLS.append(n)
        return n * n, get_script_run_ctx(suppress_warning=True) is not None

    value, had_context = start(square, 7).result()
    st.write(f"value={value} context={had_context}")


def test_a_started_query_shares_the_page_cache() -> None:
    """The second run is served from the cache the first run's worker thread filled."""
    SQUARE_CALLS.clear()
    app = AppTest.from_function(_page_with_started_cached_query, default_timeout=30).run()
    app.run()
    assert not app.exception
    assert [m.value for m in app.markdown] == ["value=49 context=True"]
    assert SQUARE_CALLS == [7]
