"""A Streamlit client that speaks the app's own websocket protocol (no browser): one page view = connect to
``/_stcore/stream``, send the ``rerun_script`` message a browser sends when it opens a URL, read every
ForwardMsg until ``script_finished``, and keep what a check needs (element types, error texts, the size of
the map component).

A browser does the same for the script run (the server's work); what it adds (drawing, static files, the
components' iframes) is not the server's. Used by bench_views.py (CPU per page view) and bench_crowd.py
(simultaneous visitors). Works against any base URL: one Streamlit process or nginx in front of several.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED_OK = "FINISHED_SUCCESSFULLY"


@dataclass
class View:
    """What one page view received."""

    page: str
    seconds: float = 0.0
    finished: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    component_bytes: int = 0
    messages: int = 0
    layer: str = "results"  # the layer the page showed ("official" when its URL written back says so)

    @property
    def ok(self) -> bool:
        return self.finished == FINISHED_OK and not self.errors and not self.exceptions


def stream_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url.rstrip("/"))
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urllib.parse.urlunsplit((scheme, parts.netloc, parts.path + "/_stcore/stream", "", ""))


def rerun_message(page: str, params: dict[str, str], base_url: str) -> bytes:
    """The BackMsg a browser sends when it opens ``{base_url}/{page}?{params}``."""
    query = urllib.parse.urlencode(params)
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = "" if page == "overview" else page
    state.context_info.url = f"{base_url.rstrip('/')}/{'' if page == 'overview' else page}" + (
        f"?{query}" if query else ""
    )
    state.context_info.timezone = "Asia/Ho_Chi_Minh"
    state.context_info.timezone_offset = -420
    state.context_info.locale = "vi-VN"
    return msg.SerializeToString()


def _record(view: View, msg: ForwardMsg) -> None:
    kind = msg.WhichOneof("type")
    if kind == "page_info_changed":
        query = urllib.parse.parse_qs(msg.page_info_changed.query_string)
        view.layer = query.get("layer", [view.layer])[0]
        return
    if kind == "script_finished":
        view.finished = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
        return
    if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    field_name = element.WhichOneof("type")
    if field_name is None:
        return
    name = element.DESCRIPTOR.fields_by_name[field_name].message_type.name
    view.counts[name] = view.counts.get(name, 0) + 1
    if name == "Exception":
        view.exceptions.append(element.exception.message[:300])
    elif name == "Alert" and element.alert.format == element.alert.ERROR:
        view.errors.append(element.alert.body[:300])
    elif name == "ComponentInstance":
        view.component_bytes = max(view.component_bytes, element.component_instance.ByteSize())


async def view_page(base_url: str, page: str, params: dict[str, str], *, timeout: float = 120.0) -> View:
    """One page view over the websocket; ``seconds`` runs from the connection to ``script_finished``."""
    from websockets.asyncio.client import connect

    view = View(page)
    started = time.perf_counter()
    async with connect(
        stream_url(base_url),
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=timeout,  # type: ignore[list-item]
    ) as socket:
        await socket.send(rerun_message(page, params, base_url))
        async with asyncio.timeout(timeout):
            while True:
                data = await socket.recv()
                msg = ForwardMsg()
                msg.ParseFromString(data if isinstance(data, bytes) else data.encode())
                view.messages += 1
                _record(view, msg)
                # a run that ends early for a rerun (st.rerun, st.switch_page) is followed by the real one
                if view.finished and view.finished != "FINISHED_EARLY_FOR_RERUN":
                    break
    view.seconds = time.perf_counter() - started
    return view


def view_sync(base_url: str, page: str, params: dict[str, str], *, timeout: float = 120.0) -> View:
    return asyncio.run(view_page(base_url, page, params, timeout=timeout))


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    import os
    from pathlib import Path

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
