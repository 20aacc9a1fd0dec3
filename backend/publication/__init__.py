"""Publication day: the annual report, the static press kit and its release at the announced minute.

* :mod:`~backend.publication.bundle`   everything of one result set a report or a kit prints, read through the
  read model (``backend/published``) with the acting user's permission checked
* :mod:`~backend.publication.charts`   charts and the map as PNG/SVG files (matplotlib, no browser, no tiles)
* :mod:`~backend.publication.report`   the yearly report: DOCX from the editable template, PDF by LibreOffice
* :mod:`~backend.publication.kit`      the press kit: HTML pages, CSV/XLSX, SDMX-CSV, a Frictionless data package,
  charts and a JSON index of every file with its SHA-256
* :mod:`~backend.publication.opendata` the open-data files of the kit (SDMX-CSV, data package)
* :mod:`~backend.publication.release`  embargo: kits are built in a private folder and moved, atomically, where
  the web server reads them once their set is visible (:func:`prepare_release`, :func:`release_due`)

Numbers are never recomputed here: they come from :class:`backend.published.tables.SetTables` and the views of
``backend/published``, formatted by :mod:`backend.published.fmt`.
"""
