"""Leaflet controls added to the province map (dashboards/components/maps.py): keyboard and touch access to
every province, and zoom buttons in the reader's language. Rendered by folium into the map's own script."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template


class Access(MacroElement):  # type: ignore[misc]
    """Keyboard and touch access to every province of a GeoJSON layer (see the module docstring)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var group = {{ this._parent.get_name() }};
          var armed = null;
          var apply = function () { group.eachLayer(access); };
          // the layer's shapes exist once it is on the map (folium adds it after its children's scripts)
          if (group._map) { apply(); } else { group.once('add', apply); }
          function access(layer) {
            var el = layer.getElement ? layer.getElement() : null;
            if (!el) { return; }
            var props = (layer.feature || {}).properties || {};
            var centre = function () { return layer.getBounds().getCenter(); };
            el.setAttribute('tabindex', '0');
            el.setAttribute('role', 'button');
            el.setAttribute('aria-label', props.aria || props.label || '');
            el.addEventListener('keydown', function (e) {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                layer.fire('click', {latlng: centre()}, true);
              }
            });
            el.addEventListener('focus', function () { layer.openTooltip(centre()); });
            el.addEventListener('blur', function () { layer.closeTooltip(); });
            el.addEventListener('click', function (e) {
              if (e.pointerType !== 'touch') { return; }
              if (armed !== layer) {
                e.stopPropagation();
                armed = layer;
                layer.openTooltip(centre());
              }
            }, true);
          }
        })();
        {% endmacro %}
        """
    )


class Zoom(MacroElement):  # type: ignore[misc]
    """Leaflet's zoom buttons with their titles (and accessible names) in the reader's language."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.zoom({position: 'topleft', zoomInTitle: {{ this.zoom_in|tojson }},
                        zoomOutTitle: {{ this.zoom_out|tojson }}}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom_in: str, zoom_out: str) -> None:
        super().__init__()
        self.zoom_in, self.zoom_out = zoom_in, zoom_out
