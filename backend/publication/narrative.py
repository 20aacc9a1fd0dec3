"""The sentences and table rows of the report and the press kit, in Vietnamese and English.

Pure: each function reads a view of :mod:`backend.published` (the summary of the overview, the ranking, a
profile) and returns text, with every number formatted by :mod:`backend.published.fmt` at the set's published
precision. The report (DOCX) and the kit (HTML) print the same rows, so they can never disagree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from backend.i18n import t
from backend.publication.bundle import Bundle
from backend.published import fmt
from backend.published.profile import ProfileView


def _num(bundle: Bundle, value: Any, lang: str) -> str:
    return fmt.number(value, lang, bundle.decimals)


def _signed(bundle: Bundle, value: Any, lang: str) -> str:
    return fmt.signed(value, lang, bundle.decimals)


def title(bundle: Bundle, lang: str) -> str:
    info = bundle.info
    return t(
        "publication.title",
        lang,
        index=t(f"index.{info.index_code}", lang),
        year=info.year,
        scope=t(f"scope.{info.unit_scope}", lang),
    )


def headline(bundle: Bundle, lang: str) -> str:
    """National figure, its change, how many units are ranked and above it."""
    summary = bundle.overview.summary
    info = bundle.info
    text = t(
        "publication.national",
        lang,
        year=info.year,
        value=_num(bundle, summary.national, lang),
        units=summary.n_units,
        ranked=summary.n_ranked,
        above=summary.above_average,
    )
    if summary.national_change is not None and bundle.previous is not None:
        text += " " + t(
            "publication.national_change",
            lang,
            prev=bundle.previous.info.year,
            change=_signed(bundle, summary.national_change, lang),
            before=_num(bundle, summary.previous_national, lang),
        )
    return text


def moves(bundle: Bundle, lang: str) -> str:
    """How many units rose, fell or stayed, and how many are not comparable (merged units)."""
    summary = bundle.overview.summary
    if bundle.previous is None or not summary.comparable:
        return t("publication.no_comparison", lang)
    text = t(
        "publication.moves",
        lang,
        prev=bundle.previous.info.year,
        rose=summary.rose,
        fell=summary.fell,
        unchanged=summary.unchanged,
    )
    if summary.not_comparable:
        text += " " + t("overview.not_comparable_count", lang, n=summary.not_comparable)
    return text


def group_rows(bundle: Bundle, lang: str) -> list[dict[str, str]]:
    return [
        {"group": t(f"group.{code}", lang), "count": str(count)}
        for code, count in bundle.overview.summary.groups.items()
    ]


def ranking_rows(bundle: Bundle, lang: str) -> list[dict[str, str]]:
    """The full ranking as printed: rank (``=5`` when tied), unit, score, change, rank change, group."""
    rows = []
    for line in bundle.ranking.table.to_dict("records"):
        rows.append(
            {
                "rank": fmt.rank_text(
                    line["sort_rank"], None, lang, tied=bool(line["sort_tied"]), unranked=t("rankings.not_ranked", lang)
                ),
                "code": str(line["code"]),
                "name": bundle.tables.unit_name(line["unit_id"], lang),
                "value": _num(bundle, line["value"], lang),
                "change": _signed(bundle, line["change"], lang),
                "rank_change": fmt.rank_change_arrow(line["rank_change"]) or fmt.DASH,
                "group": str(line["grp"]) if isinstance(line["grp"], str) else fmt.DASH,
            }
        )
    return rows


def component_rows(bundle: Bundle, lang: str) -> list[dict[str, str]]:
    """Each component nationally: value, maximum, % of maximum, change, leading unit."""
    summary = bundle.overview.summary
    leaders = summary.component_leaders.set_index("metric") if not summary.component_leaders.empty else None
    rows = []
    for line in summary.components.to_dict("records"):
        leader = ""
        if leaders is not None and line["metric"] in leaders.index:
            best = leaders.loc[line["metric"]]
            leader = f"{bundle.tables.unit_name(best['unit_id'], lang)} ({_num(bundle, best['value'], lang)})"
        rows.append(
            {
                "name": bundle.tables.metric(line["metric"]).label(lang),
                "value": _num(bundle, line["value"], lang),
                "max": fmt.number(line["max_value"], lang, 1),
                "pct": fmt.number(line["pct"], lang, 1),
                "change": _signed(bundle, line["change"], lang),
                "leader": leader or fmt.DASH,
            }
        )
    return rows


def unit_component_table(bundle: Bundle, lang: str) -> tuple[list[str], list[list[str]]]:
    """Units × components (the index first), in the ranking's order: header and rows."""
    tables = bundle.tables
    metrics = [tables.index, *tables.components]
    header = [t("rankings.col.name", lang), *(m.short if m.role != "index" else m.label(lang) for m in metrics)]
    rows = []
    for line in bundle.ranking.table.to_dict("records"):
        cells = [tables.unit_name(line["unit_id"], lang)]
        cells += [_num(bundle, line.get(tables.column(m)), lang) for m in metrics]
        rows.append(cells)
    return header, rows


def region_rows(bundle: Bundle, lang: str) -> list[dict[str, str]]:
    regions = bundle.overview.summary.regions
    rows = []
    for line in regions.sort_values("value", ascending=False).to_dict("records"):
        rows.append(
            {
                "name": bundle.tables.region_name(line["region_code"], lang) or str(line["region_code"]),
                "value": _num(bundle, line["value"], lang),
                "n": fmt.integer(line["n"], lang),
                "change": _signed(bundle, line["change"], lang),
            }
        )
    return rows


def mover_rows(bundle: Bundle, frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    return [
        {
            "name": bundle.tables.unit_name(line["unit_id"], lang),
            "value": _num(bundle, line["value"], lang),
            "change": _signed(bundle, line["change"], lang),
            "rank": fmt.rank_text(line["rank"], bundle.overview.summary.n_ranked, lang, tied=bool(line.get("tied"))),
        }
        for line in frame.to_dict("records")
    ]


def profile_paragraph(bundle: Bundle, view: ProfileView, lang: str) -> str:
    """One paragraph on a unit: score, rank, group, against the nation, change, strengths and weaknesses."""
    unit = view.unit
    name = bundle.tables.unit_name(unit["unit_id"], lang)
    parts = [t("publication.profile.score", lang, name=name, value=_num(bundle, unit["value"], lang))]
    if pd.notna(unit["rank"]):
        parts.append(
            t(
                "publication.profile.rank",
                lang,
                rank=fmt.rank_text(unit["rank"], bundle.tables.n_ranked, lang, tied=bool(unit["tied"])),
            )
        )
    else:
        parts.append(t("publication.profile.unranked", lang))
    if isinstance(unit.get("grp"), str):
        parts.append(t("publication.profile.group", lang, group=unit["grp"]))
    text = "; ".join(parts)
    national = bundle.tables.national.get(bundle.info.index_code)
    if national is not None and pd.notna(unit["value"]):
        text += ". " + t(
            "publication.profile.vs_national", lang, gap=_signed(bundle, float(unit["value"]) - national, lang)
        )
    if bundle.previous is not None and pd.notna(unit.get("change")):
        text += ". " + t(
            "publication.profile.change",
            lang,
            prev=bundle.previous.info.year,
            change=_signed(bundle, unit["change"], lang),
        )
    strong = _component_names(bundle, view.strengths, lang)
    weak = _component_names(bundle, view.weaknesses, lang)
    if strong:
        text += ". " + t("publication.profile.strengths", lang, names=strong)
    if weak:
        text += ". " + t("publication.profile.weaknesses", lang, names=weak)
    return text + "."


def _component_names(bundle: Bundle, frame: pd.DataFrame, lang: str) -> str:
    return "; ".join(bundle.tables.metric(m).label(lang) for m in frame["metric"]) if not frame.empty else ""


def provisional_rows(bundle: Bundle, lang: str) -> list[str]:
    """The unverified parts of the set's method, named (path, value used, why it is unverified)."""
    lines = []
    for item in bundle.provisional.to_dict("records"):
        basis = item["basis_vi" if lang == "vi" else "basis_en"]
        lines.append(f"{item['path']} = {item['value']}: {basis}")
    return lines


def method_lines(bundle: Bundle, lang: str) -> list[str]:
    """What the set is: method, legal basis, method status, dataset, version, computed and published."""
    info = bundle.info
    lines = [
        t("publication.method.framework", lang, title=info.framework_title(lang), version=info.framework_version),
        t("publication.method.status", lang, status=t(f"framework.status.{info.framework_status}", lang)),
        t("publication.method.dataset", lang, name=info.dataset_name, kind=t(f"dataset.{info.dataset_kind}", lang)),
        t("publication.method.version", lang, id=info.id, version=info.version, hash=info.inputs_hash[:16]),
    ]
    if info.legal_basis:
        lines.insert(1, t("publication.method.legal", lang, basis=info.legal_basis))
    if info.public_since is not None:
        lines.append(t("publication.method.published", lang, date=fmt.date_text(info.public_since, lang)))
    if info.erratum:
        lines.append(t("common.erratum", lang, text=info.erratum))
    return lines
