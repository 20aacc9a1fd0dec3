"""The read model of published results: what the public app, the leaders' panel previews, the press kit and
the annual report show, each as a ready, typed view for a result-set id.

* :mod:`~backend.published.store`    reading through the public query path (published, past embargo only)
* :mod:`~backend.published.sets`     :class:`ResultSetInfo` (one visible set), :class:`Catalogue`
* :mod:`~backend.published.tables`   :class:`SetTables` (units × metrics, national, regions, metric names)
* :mod:`~backend.published.changes`  the comparison with last year through the lineage
* :mod:`~backend.published.views`    overview (the standard summary), map, rankings, compare
* :mod:`~backend.published.profile`  the province / ministry profile
* :mod:`~backend.published.trends`   series over the years with method and unit breaks
* :mod:`~backend.published.about`    methodology and the published record
* :mod:`~backend.published.sources`  source lines, download metadata, whole-year sheets
* :mod:`~backend.published.fmt`      numbers, dates and names in Vietnamese and English

Everything but :mod:`store` is pure (no I/O), so the dashboards' adapter caches the inputs per result-set id
and composes the views.
"""
