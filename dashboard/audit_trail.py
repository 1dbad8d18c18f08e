"""Writing the access log from the app: views of person-level rows, downloads and reports.

One place builds a log row from the page's user and filters, so every way
data leaves the app carries the same context (who, role, page, programme,
report date, district filter, what was shown). A file is handed out only
after its row is written: `logged_data` wraps a download's data callable so
that a failed log write raises, and Streamlit then sends no file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dashboard.filters import Filters
from data_access.appstate import access_log as audit
from data_access.appstate.migrate import audit_url
from data_access.rules.access import Scope


def record(
    user: Scope,
    filters: Filters,
    page_key: str,
    *,
    action: str = audit.VIEW,
    family_ids: Sequence[str] = (),
    file: str | None = None,
) -> None:
    """Append one log row for `user` on `page_key` with the page's filters; raises on failure."""
    audit.record_access(
        audit_url(),
        email=user.email,
        role=user.role,
        page=page_key,
        family_ids=[str(f) for f in family_ids if str(f)],
        action=action,
        programme_id=filters.programme_id,
        report_date=filters.as_of,
        district_id=filters.district_id,
        file=file,
    )


def logged_data(
    data: Callable[[], bytes],
    user: Scope,
    filters: Filters,
    page_key: str,
    file: str,
    *,
    action: str = audit.DOWNLOAD,
    family_ids: Sequence[str] = (),
) -> Callable[[], bytes]:
    """A download callable that builds the file, logs it, and only then returns it.

    Everything it needs is captured now: Streamlit runs the callable on
    click, outside the page's script run.
    """

    def build() -> bytes:
        content = data()
        record(user, filters, page_key, action=action, family_ids=family_ids, file=file)
        return content

    return build
