"""Public app of PAR INDEX and SIPAS (press, provinces, citizens): published results only.

Run from the repository root:  streamlit run dashboards/public_app.py

This entry file is the frame of every page: it reads the URL-bound controls (language, index, year), builds
the view context, the navigation (st.navigation over dashboards/app_pages/), the page's own title and language
(dashboards/components/page_head.py) and the demo banner, then runs the chosen page. Only result sets that are
published and past their embargo reach this app (see backend/services/public_query.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from backend.errors import DomainError  # noqa: E402
from backend.i18n import LANGS, t  # noqa: E402
from backend.published.sets import INDEXES  # noqa: E402
from dashboards import data_access as da  # noqa: E402
from dashboards.components.page_head import head_html  # noqa: E402
from dashboards.components.widgets import demo_banner, url_choice  # noqa: E402
from dashboards.context import INDEX_PARAM, build_context, set_context  # noqa: E402

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"  # local: no icon fetched from a CDN
# url path -> (file, title key, icon, shows result sets)
PAGES: dict[str, tuple[str, str, str, bool]] = {
    "overview": ("overview.py", "nav.overview", ":material/dashboard:", True),
    "map": ("map.py", "nav.map", ":material/map:", True),
    "rankings": ("rankings.py", "nav.rankings", ":material/format_list_numbered:", True),
    "trends": ("trends.py", "nav.trends", ":material/show_chart:", True),
    "province": ("province.py", "nav.province", ":material/location_city:", True),
    "ministry": ("ministry.py", "nav.ministry", ":material/account_balance:", True),
    "compare": ("compare.py", "nav.compare", ":material/compare_arrows:", True),
    "methodology": ("methodology.py", "nav.methodology", ":material/menu_book:", False),
    "record": ("record.py", "nav.record", ":material/verified:", False),
    "survey": ("survey.py", "voice.nav.survey", ":material/rate_review:", False),
    "survey_results": ("survey_results.py", "voice.nav.results", ":material/insights:", False),
    "consultations": ("consultations.py", "voice.nav.consultations", ":material/forum:", False),
    "questions": ("questions.py", "voice.nav.questions", ":material/contact_support:", False),
    "par_database": ("par_database.py", "voice.nav.pardb", ":material/library_books:", False),
}
SECTIONS = {
    "nav.section.results": ("overview", "map", "rankings", "trends"),
    "nav.section.units": ("province", "ministry", "compare"),
    "nav.section.about": ("methodology", "record"),
    "voice.nav.section": ("survey", "survey_results", "consultations", "questions", "par_database"),
}


def page_objects(lang: str) -> dict[str, st.Page]:
    return {
        url: st.Page(PAGES_DIR / file, title=t(title, lang), icon=icon, url_path=url, default=url == "overview")
        for url, (file, title, icon, _) in PAGES.items()
    }


def page_title(current: str, lang: str, index_code: str, year: int, with_year: bool) -> str:
    """The browser tab's title, distinct per page: "Bản đồ · Chỉ số CCHC (PAR INDEX) 2024 · PAR INDEX – SIPAS"."""
    parts = [t(PAGES[current][1], lang)]
    if with_year:
        parts.append(f"{t(f'index.{index_code}', lang)} {year}")
    return " · ".join([*parts, t("app.title", lang)])


def main() -> None:
    st.set_page_config(page_title="PAR INDEX · SIPAS", page_icon=str(FAVICON), layout="wide")
    sidebar = st.sidebar
    lang = (
        url_choice(
            "Ngôn ngữ / Language",
            list(LANGS),
            key="lang",
            default="vi",
            format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
            widget="segmented",
            container=sidebar,
        )
        or "vi"
    )

    pages = page_objects(lang)
    navigation = st.navigation(
        {t(section, lang): [pages[url] for url in urls] for section, urls in SECTIONS.items()}, position="top"
    )
    current = next((url for url, page in pages.items() if page.url_path == navigation.url_path), "overview")
    st.html(head_html(lang, map_title=t("map.frame_title", lang)), unsafe_allow_javascript=True)

    db = da.store_key()
    try:
        catalogue = da.catalogue(db)
    except DomainError as exc:
        st.error(exc.message(lang))
        st.stop()
    except Exception:  # the store is unreachable or not migrated: say so, never show a traceback
        st.error(t("error.store", lang))
        st.stop()

    present = catalogue.indexes() or list(INDEXES)
    by_param = {INDEX_PARAM[code]: code for code in present}
    index_param = url_choice(
        t("control.index", lang),
        list(by_param),
        key="index",
        default=INDEX_PARAM[present[0]],
        format_func=lambda p: t(f"index.{by_param[p]}", lang),
        widget="segmented",
        container=sidebar,
    )
    index_code = by_param.get(index_param or "", present[0])
    years = catalogue.years(index_code)
    year_text = url_choice(
        t("control.year", lang),
        [str(y) for y in years],
        key="year",
        default=str(years[0]) if years else None,
        container=sidebar,
        help=t("control.year_help", lang),
    )
    year = int(year_text) if year_text else 0
    pinned = st.query_params.get("set")
    ctx = build_context(lang, index_code, year, db, catalogue, int(pinned) if pinned and pinned.isdigit() else None)
    set_context(ctx)
    st.set_page_config(page_title=page_title(current, lang, index_code, year, PAGES[current][3] and bool(years)))

    with sidebar:
        st.divider()
        st.caption(t("app.about", lang))
        st.page_link(pages["methodology"], label=t("app.how_to_cite", lang), icon=":material/format_quote:")

    shows_results = PAGES[current][3]
    banner = st.empty()
    if shows_results and (catalogue.empty or not years):
        st.info(t("app.no_results", lang))
        st.stop()
    demo_years = sorted({s.year for s in catalogue.current if s.index_code == index_code and s.is_demo})
    try:
        navigation.run()
    except DomainError as exc:
        st.error(exc.message(lang))
        st.stop()
    finally:
        if shows_results and demo_years:
            # after the page ran: a page showing only the official record says the demo is elsewhere
            body = "demo.body_official" if ctx.official_only else "demo.body"
            with banner.container():
                demo_banner(t("demo.title", lang), t(body, lang, years=", ".join(map(str, demo_years))))


main()
