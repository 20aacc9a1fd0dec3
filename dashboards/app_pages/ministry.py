"""Ministry profile: the same view for ministries and ministry-level agencies (``unit=ministry:MOJ``)."""

from dashboards.profile_view import render

render("ministry")
