"""Finished page parts (dashboards/render_cache.py): what every visitor of a result set sees, drawn once per
set and replayed; one module per page, imported once per process. Pages (dashboards/app_pages/) keep the
visitor's widgets and call these."""
