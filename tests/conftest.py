"""Registers the fixtures package: every shared fixture and helper lives in tests/fixtures/.

PostgreSQL runs when `TEST_POSTGRES_URL` is set (make test and .ci/run set
it); each test gets its own schema there (tests/fixtures/backends.py).
"""

#: Fixture modules; test modules import helpers from tests.fixtures, never from each other.
pytest_plugins = (
    "tests.fixtures.backends",
    "tests.fixtures.bundles",
    "tests.fixtures.results",
    "tests.fixtures.login",
)
