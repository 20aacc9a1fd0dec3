"""The map component in two steps, so the expensive one is done once per result set.

``streamlit_folium.st_folium`` renders the folium map to Leaflet script and HTML (templating the boundaries,
styles and tooltips: most of the map page's CPU) and then shows the component, on every run of every
visitor. :func:`prepare` does the first step only (pure: a folium map in, the component's arguments out);
pages keep its result in a finished-part cache; :func:`show` does the second (the per-visitor widget, which
returns what was clicked). The steps are streamlit_folium's own (0.27, pinned in requirements.txt).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium
import streamlit_folium as sf


@dataclass(frozen=True)
class PreparedMap:
    """Everything the component needs from the map (what st_folium computes before showing it)."""

    script: str
    header: str
    html: str
    map_id: str
    defaults: dict[str, Any]
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def prepare(fmap: folium.Map, returned_objects: tuple[str, ...] = ("last_active_drawing",)) -> PreparedMap:
    """Render the folium map once into the component's arguments (see module docstring)."""
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css: list[str] = []
    js: list[str] = []
    for element in _walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    bounds = fmap.get_bounds()
    defaults = {
        "last_active_drawing": None,
        "bounds": {
            "_southWest": {"lat": bounds[0][0], "lng": bounds[0][1]},
            "_northEast": {"lat": bounds[1][0], "lng": bounds[1][1]},
        },
        "zoom": fmap.options.get("zoom"),
    }
    return PreparedMap(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(fmap),
        defaults={k: v for k, v in defaults.items() if k in returned_objects},
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
    )


def _walk(element: Any) -> Any:
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def show(
    prepared: PreparedMap,
    *,
    key: str,
    height: int = 640,
    returned_objects: tuple[str, ...] = ("last_active_drawing",),
) -> Any:
    """The map component for this visitor (a widget: what the visitor clicked comes back)."""
    hash_key = sf.generate_js_hash(prepared.script, key, False)
    return sf._component_func(
        script=prepared.script,
        header=prepared.header,
        html=prepared.html,
        id=prepared.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=prepared.defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(prepared.css_links),
        js_links=list(prepared.js_links),
        wrap_longitude=False,
    )
