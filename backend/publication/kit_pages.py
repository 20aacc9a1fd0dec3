"""The HTML pages of a press kit (Jinja2 templates in backend/publication/templates/), in both languages.

Every page: ``lang`` set, one ``h1``, its own title, tables with captions and header cells, images with text
alternatives and the same figures in a table, the source line and how to cite in the footer; no script, no
web font, nothing fetched from another host, so the kit works offline and from any static host.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from backend.i18n import t
from backend.publication import narrative
from backend.publication.bundle import Bundle
from backend.published import fmt, sources
from backend.services.exports import ExportMetadata

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}

_TEXT_KEYS = (
    "section_top",
    "section_movers",
    "section_risers",
    "section_fallers",
    "section_regions",
    "section_components",
    "section_method",
    "section_provisional",
    "section_groups",
    "section_unit_components",
    "col_group",
    "col_count",
    "col_rank",
    "col_code",
    "col_name",
    "col_value",
    "col_change",
    "col_rank_change",
    "col_component",
    "col_national",
    "col_max",
    "col_pct",
    "col_leader",
    "col_region",
    "col_units",
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["j2", "html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def texts(lang: str) -> dict[str, str]:
    """Labels of the pages: the report's section and column names, and the kit's own."""
    out = {key: t("publication." + key.replace("_", ".", 1), lang) for key in _TEXT_KEYS}
    for key in (
        "ranking_note",
        "map_png",
        "map_table",
        "profile_components",
        "history",
        "back_ranking",
        "downloads_intro",
        "integrity",
        "integrity_body",
        "col_region_avg",
        "col_best",
        "col_year",
        "skip",
        "nav_label",
        "nav_overview",
        "nav_ranking",
        "nav_map",
        "nav_downloads",
        "brand",
        "unit_components_legend",
    ):
        out[key] = t(f"publication.kit.{key}", lang)
    for key in ("ranking_alt", "components_alt", "regions_alt", "map_alt"):
        out[key] = t(f"publication.chart.{key}", lang)
    return out


def common(bundle: Bundle, lang: str, metadata: ExportMetadata, page: str, depth: int) -> dict[str, Any]:
    """What every page of one language shows: navigation, the demo mark, the erratum, source and citation."""
    info = bundle.info
    up = "../" * depth
    other = "en" if lang == "vi" else "vi"
    labels = texts(lang)
    superseded = None
    if bundle.superseded is not None:
        superseded = {
            "href": f"{up}../../v{bundle.superseded.version}/{lang}/index.html",
            "label": t("publication.kit.superseded", lang, version=bundle.superseded.version),
        }
    return {
        "lang": lang,
        "page": page,
        "root": up + "../",
        "base": up,
        "has_map": info.unit_scope == "province",
        "L": labels,
        "T": labels,
        "alternate": {"lang": other, "label": LANG_NAMES[other], "href": f"{up}../{other}/{_page_path(page)}"},
        "demo": {"title": t("demo.title", lang), "body": t("demo.body", lang, years=info.year)}
        if info.is_demo
        else None,
        "erratum": t("common.erratum", lang, text=info.erratum) if info.erratum else "",
        "superseded": superseded,
        "provisional_note": t("common.provisional_method", lang) if info.is_provisional else "",
        "source": sources.source_line(info, lang),
        "citation": metadata.citation(lang),
    }


def _page_path(page: str) -> str:
    return page if page.startswith("units/") else f"{page}.html" if page != "overview" else "index.html"


def render(template: str, **context: Any) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


def _with_links(rows: list[dict[str, str]], bundle: Bundle) -> list[dict[str, str]]:
    return [{**row, "href": f"units/{row['code']}.html"} for row in rows]


def overview_page(bundle: Bundle, lang: str, metadata: ExportMetadata) -> bytes:
    summary = bundle.overview.summary
    title = narrative.title(bundle, lang)
    top = narrative.ranking_rows(bundle, lang)[: max(len(summary.top), 5)]
    return render(
        "overview.html.j2",
        **common(bundle, lang, metadata, "overview", 0),
        page_title=title,
        title=title,
        headline=narrative.headline(bundle, lang),
        moves=narrative.moves(bundle, lang),
        ranking_caption=t("publication.chart.ranking_caption", lang, title=title),
        groups=narrative.group_rows(bundle, lang),
        top=_with_links(top, bundle),
        risers=narrative.mover_rows(bundle, summary.risers, lang),
        fallers=narrative.mover_rows(bundle, summary.fallers, lang),
        regions=narrative.region_rows(bundle, lang),
        components=narrative.component_rows(bundle, lang),
        method=narrative.method_lines(bundle, lang),
        provisional=narrative.provisional_rows(bundle, lang),
    )


def ranking_page(bundle: Bundle, lang: str, metadata: ExportMetadata) -> bytes:
    title = t(
        "rankings.title",
        lang,
        index=t(f"index.{bundle.info.index_code}", lang),
        year=bundle.info.year,
        scope=t(f"scope.{bundle.info.unit_scope}", lang),
    )
    header, rows = narrative.unit_component_table(bundle, lang)
    legend = "; ".join(f"{m.short}: {m.label(lang)}" for m in bundle.tables.components)
    return render(
        "ranking.html.j2",
        **common(bundle, lang, metadata, "ranking", 0),
        page_title=title,
        title=title,
        ranking=_with_links(narrative.ranking_rows(bundle, lang), bundle),
        unit_components={"header": header, "rows": rows, "legend": legend} if bundle.tables.components else None,
    )


def map_page(bundle: Bundle, lang: str, metadata: ExportMetadata) -> bytes:
    title = t(
        "map.title",
        lang,
        index=t(f"index.{bundle.info.index_code}", lang),
        year=bundle.info.year,
        n=len(bundle.map.table),
    )
    provinces = [
        {
            "code": str(line["code"]),
            "name": bundle.tables.unit_name(line["unit_id"], lang),
            "value": fmt.number(line["value"], lang, bundle.decimals),
            "rank": fmt.rank_text(line["rank"], bundle.map.n_ranked, lang, tied=bool(line["tied"])),
            "group": str(line["grp"]) if isinstance(line["grp"], str) else fmt.DASH,
            "href": f"units/{line['code']}.html",
        }
        for line in bundle.map.table.sort_values("code").to_dict("records")
    ]
    return render(
        "map.html.j2",
        **common(bundle, lang, metadata, "map", 0),
        page_title=title,
        title=title,
        islands=t("map.islands", lang),
        provinces=provinces,
    )


def unit_page(bundle: Bundle, scope_code: str, lang: str, metadata: ExportMetadata) -> tuple[str, bytes]:
    """The page of one unit: its paragraph, its components against the nation, region and best, its history."""
    view = bundle.profile(scope_code)
    name = bundle.tables.unit_name(view.unit["unit_id"], lang)
    title = t("profile.title", lang, name=name, index=t(f"index.{bundle.info.index_code}", lang), year=bundle.info.year)
    number = lambda v: fmt.number(v, lang, bundle.decimals)  # noqa: E731
    components = [
        {
            "name": bundle.tables.metric(line["metric"]).label(lang),
            "value": number(line["value"]),
            "national": number(line["national"]),
            "region": number(line["region"]),
            "best": number(line["best"]),
            "rank": fmt.rank_text(line["rank"], line["n_ranked"], lang),
        }
        for line in view.components.to_dict("records")
    ]
    history = [
        {
            "year": str(line["year"]),
            "name": bundle.tables.unit_name(line["unit_id"], lang),
            "value": number(line["value"]),
            "rank": fmt.rank_text(line["rank"], line["n_ranked"], lang),
        }
        for line in view.history.to_dict("records")
        if not pd.isna(line["value"])
    ]
    code = str(view.unit["code"])
    page = f"units/{code}.html"
    return page, render(
        "unit.html.j2",
        **common(bundle, lang, metadata, page, 1),
        page_title=title,
        title=title,
        paragraph=narrative.profile_paragraph(bundle, view, lang),
        components=components,
        history=history,
    )


def downloads_page(bundle: Bundle, lang: str, metadata: ExportMetadata, files: list[dict[str, str]]) -> bytes:
    title = t("publication.kit.downloads_title", lang, title=narrative.title(bundle, lang))
    return render(
        "downloads.html.j2",
        **common(bundle, lang, metadata, "downloads", 0),
        page_title=title,
        title=title,
        files=files,
    )


def landing_page(bundle: Bundle) -> bytes:
    demo = t("demo.mark", "vi") + " / " + t("demo.mark", "en") if bundle.info.is_demo else ""
    return render(
        "landing.html.j2", title_vi=narrative.title(bundle, "vi"), title_en=narrative.title(bundle, "en"), demo=demo
    )
