"""What every benchmark asserts about what it timed: a timing of something that did not happen is worse than
no timing. Each check raises :class:`BenchFailure` with what was expected and what was seen; the scripts
let it end the run with exit status 1 (``make bench`` stops there).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: what each public page must show when it rendered for real (element counts in the AppTest tree)
PAGE_EXPECTS: dict[str, dict[str, int]] = {
    "overview": {"Metric": 4, "Dataframe": 2, "PlotlyChart": 1},
    "map": {"ComponentInstance": 1, "Dataframe": 1},
    "rankings": {"Dataframe": 1, "PlotlyChart": 1},
    "trends": {"PlotlyChart": 1, "Dataframe": 1},
    "province": {"Metric": 2, "Dataframe": 2, "PlotlyChart": 1},
    "ministry": {"Metric": 2, "Dataframe": 2},
    "compare": {"Dataframe": 1, "PlotlyChart": 2},
    "methodology": {"Dataframe": 1},
    "record": {"Dataframe": 1},
}
#: what the map and the rankings show in their "official, as published" layer (the published record)
OFFICIAL_EXPECTS: dict[str, dict[str, int]] = {
    "map": {"ComponentInstance": 1, "Dataframe": 1},
    "rankings": {"Dataframe": 1},
}
#: a map message smaller than this has no boundaries in it
MIN_MAP_BYTES = 20_000


class BenchFailure(RuntimeError):
    """The benchmark did not measure what it says (an error page, missing rows, an empty map…)."""


def element_counts(at: Any) -> dict[str, int]:
    """Element types (proto names) in an AppTest tree and how many of each."""
    counts: dict[str, int] = {}

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            name = proto.DESCRIPTOR.name
            counts[name] = counts.get(name, 0) + 1
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return counts


def component_bytes(at: Any) -> int:
    """Size of the largest custom component message (the Leaflet map) in an AppTest tree."""
    sizes: list[int] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and proto.DESCRIPTOR.name == "ComponentInstance":
            sizes.append(proto.ByteSize())
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return max(sizes, default=0)


def check_page(at: Any, page: str) -> None:
    """The page rendered (in an AppTest): no exception, no st.error, a heading, and the elements it must show."""
    layer = at.query_params.get("layer")
    check_rendered(
        page,
        element_counts(at),
        errors=[e.value for e in at.error],
        exceptions=[e.value for e in at.exception],
        map_bytes=component_bytes(at),
        layer=(layer[0] if isinstance(layer, list) else layer) or "results",
    )


def check_view(view: Any) -> None:
    """The page rendered (one view over the websocket, ``bench.st_client.View``): the script finished and the
    page passes the same checks as :func:`check_page`."""
    if view.finished != "FINISHED_SUCCESSFULLY":
        raise BenchFailure(f"{view.page}: the script did not finish ({view.finished or 'no script_finished'})")
    check_rendered(
        view.page,
        view.counts,
        errors=view.errors,
        exceptions=view.exceptions,
        map_bytes=view.component_bytes,
        layer=view.layer,
    )


def check_rendered(
    page: str,
    counts: Mapping[str, int],
    *,
    errors: list[str],
    exceptions: list[str],
    map_bytes: int,
    layer: str = "results",
) -> None:
    """What every rendered public page passes, however it was fetched (AppTest tree or websocket messages);
    ``layer``: the layer the page showed (the official record has no interval chart)."""
    if exceptions:
        raise BenchFailure(f"{page}: exception on the page: {exceptions[0][:300]}")
    if errors:
        raise BenchFailure(f"{page}: the page shows an error: {errors[0][:300]}")
    if not counts.get("Heading"):
        raise BenchFailure(f"{page}: no heading was drawn")
    expects = OFFICIAL_EXPECTS.get(page) if layer == "official" else None
    expects = expects or PAGE_EXPECTS.get(page, {})
    missing = {k: (v, counts.get(k, 0)) for k, v in expects.items() if counts.get(k, 0) < v}
    if missing:
        detail = ", ".join(f"{k}: expected ≥ {want}, saw {seen}" for k, (want, seen) in missing.items())
        raise BenchFailure(f"{page}: the page did not render what it must show ({detail})")
    if page == "map" and map_bytes < MIN_MAP_BYTES:
        raise BenchFailure(f"map: the map message has {map_bytes} bytes, no boundaries in it")


def check_counts(counts: Mapping[str, int], minimums: Mapping[str, int], what: str) -> None:
    """Every table got at least the rows it must have."""
    short = {k: (v, counts.get(k, 0)) for k, v in minimums.items() if counts.get(k, 0) < v}
    if short:
        detail = ", ".join(f"{k}: expected ≥ {want:,}, got {got:,}" for k, (want, got) in short.items())
        raise BenchFailure(f"{what}: rows missing ({detail})")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BenchFailure(message)
