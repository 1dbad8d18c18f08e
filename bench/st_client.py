"""A Streamlit user without a browser: Streamlit's own protobuf messages over its websocket.

What a browser tab does, and nothing it draws: fetch the page (which hands
out cookies, e.g. the proxy's sticky-session cookie), open
`/_stcore/stream` with the `streamlit` subprotocol, send a `rerun_script`
BackMsg with the page and query string, and read ForwardMsgs until the run's
`script_finished`. The page's widgets arrive as deltas; their ids are kept
so a later rerun can set a widget's value the way a click would (the demo
user picker, key `demo_user`). Large elements are cached like the browser
caches them (`cached_message_hashes`, aged by `max_cached_message_age`), so
bytes per view are what a returning tab receives.

Anything a user would see as broken is recorded on the view as a problem:
an exception element, an error box, a page Streamlit cannot find, a run
that does not finish in time, or a connection that drops.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar
from urllib.parse import urlencode, urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

SUBPROTOCOL: Final = "streamlit"
#: What the browser sends in place of an XSRF token when it has none.
NO_TOKEN: Final = "PLACEHOLDER_AUTH_TOKEN"  # noqa: S105 - a placeholder, not a secret
XSRF_COOKIE: Final = "_streamlit_xsrf"
WIDGET_KINDS: Final = ("selectbox", "radio", "date_input", "checkbox", "multiselect")

#: Problem kinds a view can have (the load test counts errors by these).
EXCEPTION: Final = "exception"
ERROR_BOX: Final = "error_box"
PAGE_NOT_FOUND: Final = "page_not_found"
COMPILE_ERROR: Final = "compile_error"
TIMEOUT: Final = "timeout"
DROPPED: Final = "dropped"
CONNECT: Final = "connect"


T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own.

    Works where the calling thread already runs an event loop (a pytest
    worker that has started Playwright's sync API, for one).
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="st-client") as pool:
        return pool.submit(asyncio.run, coroutine).result()


class ConnectError(Exception):
    """The page or the websocket could not be opened."""


@dataclass(frozen=True)
class Widget:
    """A widget as the last run drew it: its id, kind, label and options."""

    id: str
    kind: str
    label: str
    options: tuple[str, ...]


@dataclass
class View:
    """One rerun as a user waits for it: from rerun sent to `script_finished`."""

    page: str
    seconds: float = 0.0
    bytes: int = 0
    messages: int = 0
    finished: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.finished and not self.problems


def widget_key(widget_id: str) -> str | None:
    """The user key of a widget id (`$$ID-<hash>-<key>`), None for a widget without one."""
    if not widget_id.startswith("$$ID-"):
        return None
    key = widget_id.split("-", 2)[2] if widget_id.count("-") >= 2 else ""
    return None if key in ("", "None") else key


def ws_url(base_url: str) -> str:
    """`http://host:port/base` -> `ws://host:port/base/_stcore/stream`."""
    parts = urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme)
    if scheme is None:
        raise ValueError(f"not an http(s) URL: {base_url}")
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


def _cookies_from(headers: list[str]) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for header in headers:
        name, _, rest = header.partition("=")
        if name.strip():
            cookies[name.strip()] = rest.split(";", 1)[0].strip()
    return cookies


def fetch_page(url: str, cookies: dict[str, str], timeout: float) -> dict[str, str]:
    """GET `url` as a browser opens the page; the cookies it sets, merged into `cookies`."""
    request = urllib.request.Request(url)  # noqa: S310 - the load test's own target
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            reply.read()
            return {**cookies, **_cookies_from(reply.headers.get_all("Set-Cookie") or [])}
    except (urllib.error.URLError, OSError) as error:
        raise ConnectError(f"GET {url}: {error}") from error


class Session:
    """One simulated browser tab: a websocket session that reruns pages on request."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        timezone: str = "Europe/Copenhagen",
        locale: str = "da-DK",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.timezone = timezone
        self.locale = locale
        self.cookies: dict[str, str] = {}
        self.session_id = ""
        #: url path -> page script hash, for the pages the navigation offers (hidden ones left out).
        self.pages: dict[str, str] = {}
        self.widgets: dict[str, Widget] = {}
        self.connections = 0
        self._ws: ClientConnection | None = None
        self._widget_values: dict[str, WidgetState] = {}
        self._cache: dict[str, int] = {}
        self._cache_age = 2
        self._runs = 0

    @property
    def connected(self) -> bool:
        return self._ws is not None

    async def connect(self, page: str = "", query: str = "") -> None:
        """Open the page over HTTP (cookies), then the websocket; reuses the session id."""
        url = f"{self.base_url}/{page}" + (f"?{query}" if query else "")
        self.cookies = await asyncio.to_thread(fetch_page, url, self.cookies, self.timeout)
        protocols = [SUBPROTOCOL, self.cookies.get(XSRF_COOKIE) or NO_TOKEN]
        if self.session_id:
            protocols.append(self.session_id)
        headers = {"Origin": self.base_url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self._ws = await connect(
                ws_url(self.base_url),
                subprotocols=protocols,  # type: ignore[arg-type]
                additional_headers=headers,
                open_timeout=self.timeout,
                # A browser never pings; it answers the server's pings (the library does).
                ping_interval=None,
                max_size=None,
                compression=None,
            )
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as error:
            raise ConnectError(f"websocket {ws_url(self.base_url)}: {error}") from error
        self.connections += 1

    async def close(self) -> None:
        if self._ws is not None:
            ws, self._ws = self._ws, None
            await ws.close()

    def choose(self, key: str, option: str) -> None:
        """Set the selectbox or radio with user key `key` to `option`, as a click would."""
        widget = self.widgets.get(key)
        if widget is None:
            raise KeyError(f"no widget with key {key!r} on the page")
        if option not in widget.options:
            raise ValueError(f"{option!r} is not an option of {key!r}")
        self._widget_values[widget.id] = WidgetState(id=widget.id, string_value=option)

    def chosen(self, key: str) -> str | None:
        """The value this tab has set for the widget with user key `key`, if any."""
        widget = self.widgets.get(key)
        state = self._widget_values.get(widget.id) if widget is not None else None
        return state.string_value if state is not None else None

    async def view(self, page: str, query: dict[str, str] | str = "") -> View:
        """Rerun `page` with `query`; returns when the run has finished (or failed)."""
        if isinstance(query, dict):
            query = urlencode({k: v for k, v in query.items() if v})
        result = View(page=page)
        if self._ws is None:
            result.problems.append((DROPPED, "not connected"))
            return result
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.page_name = page
        state.page_script_hash = self.pages.get(page, "")
        state.widget_states.widgets.extend(self._widget_values.values())
        state.cached_message_hashes.extend(self._cache)
        state.context_info.timezone = self.timezone
        state.context_info.locale = self.locale
        state.context_info.url = f"{self.base_url}/{page}" + (f"?{query}" if query else "")
        started = time.monotonic()
        try:
            await self._ws.send(message.SerializeToString())
            await asyncio.wait_for(self._collect(result), self.timeout)
        except TimeoutError:
            result.problems.append((TIMEOUT, f"{page}: no script_finished in {self.timeout:g} s"))
        except ConnectionClosed as error:
            self._ws = None
            result.problems.append((DROPPED, f"{page}: {error}"))
        result.seconds = time.monotonic() - started
        return result

    async def _collect(self, result: View) -> None:
        """Read ForwardMsgs until the run this rerun started has finished."""
        assert self._ws is not None
        seen_start = False
        navigation_page = ""
        drawn: dict[str, Widget] = {}
        while True:
            data = await self._ws.recv(decode=False)
            result.bytes += len(data)
            result.messages += 1
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if msg.metadata.cacheable and msg.hash:
                self._cache[msg.hash] = 0
            if kind == "ref_hash":
                self._cache[msg.ref_hash] = 0
            elif kind == "new_session":
                seen_start = True
                drawn = {}
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self._cache_age = msg.new_session.config.max_cached_message_age or self._cache_age
            elif kind == "navigation":
                nav = msg.navigation
                by_hash = {p.page_script_hash: p.url_pathname for p in nav.app_pages}
                self.pages = {
                    p.url_pathname: p.page_script_hash for p in nav.app_pages if not p.is_hidden
                }
                navigation_page = by_hash.get(nav.page_script_hash, navigation_page)
            elif kind == "delta":
                self._delta(msg, result, drawn)
            elif kind == "page_not_found":
                result.problems.append((PAGE_NOT_FOUND, msg.page_not_found.page_name))
            elif kind == "session_event" and msg.session_event.HasField(
                "script_compilation_exception"
            ):
                error = msg.session_event.script_compilation_exception
                result.problems.append((EXCEPTION, f"{error.type}: {error.message}"[:300]))
            elif kind == "script_finished" and seen_start:
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.switch_page / st.rerun: the next run follows
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    result.problems.append((COMPILE_ERROR, result.page))
                self._finish_run(drawn)
                result.finished = True
                result.page = navigation_page or result.page
                return

    def _delta(self, msg: ForwardMsg, result: View, drawn: dict[str, Widget]) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            error = element.exception
            label = "warning" if error.is_warning else "error"
            result.problems.append((EXCEPTION, f"{label} {error.type}: {error.message}"[:300]))
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            result.problems.append((ERROR_BOX, element.alert.body[:300]))
        elif kind in WIDGET_KINDS:
            proto = getattr(element, kind)
            key = widget_key(proto.id)
            if key is not None:
                options = tuple(getattr(proto, "options", ()))
                drawn[key] = Widget(proto.id, kind, proto.label, options)

    def _finish_run(self, drawn: dict[str, Widget]) -> None:
        """After a full run: the widgets it drew, and the browser's cache aged by one run."""
        self.widgets = drawn
        live = {widget.id for widget in drawn.values()}
        self._widget_values = {k: v for k, v in self._widget_values.items() if k in live}
        self._runs += 1
        self._cache = {h: age + 1 for h, age in self._cache.items() if age + 1 <= self._cache_age}
