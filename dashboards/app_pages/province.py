"""Province profile: score, rank out of N, components against national, region and best, history, and the
year-on-year change by component. The province is in the URL (``unit=province_63:01``)."""

from dashboards.profile_view import render

render("province")
