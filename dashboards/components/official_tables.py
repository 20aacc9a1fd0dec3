"""Tables of the official record layer (backend/published/record_layer.py): the figures as printed, every
version of a conflict, the derived / uncertain flags and the source; units without a published figure say
so. Same contract as tables.py: ``(frame, formats)``, numbers stay numbers, formatters give them as shown."""

from __future__ import annotations

from typing import Any

import pandas as pd

from backend.i18n import t
from backend.published import fmt
from backend.published.about import flag_text
from dashboards.components.tables import Formatter, rank_formatter


def flags(row: dict[str, Any], lang: str) -> str:
    """A unit's flags as shown: uncertain / derived marks, and every printed version when they disagree."""
    text = flag_text(bool(row["derived"]), bool(row["uncertain"]), lang)
    if row["conflict"]:
        versions = [fmt.number(v, lang) for v in row["scores"]] if len(row["scores"]) > 1 else []
        versions += [str(r) for r in row["ranks"]] if len(row["ranks"]) > 1 else []
        text += (" · " if text else "") + t("layer.versions", lang, versions=" / ".join(versions))
    return text


def official_list(
    layer: pd.DataFrame, lang: str, *, headers: tuple[str, str] = ("layer.col.rank", "layer.col.score")
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """The short official list beside the map: published rank, unit, published score, flags."""
    name = "name_vi" if lang == "vi" else "name_en"
    rank, score, note = t(headers[0], lang), t(headers[1], lang), t("record.flags", lang)
    frame = pd.DataFrame(
        {
            rank: layer["rank"].astype("Float64"),
            t("rankings.col.name", lang): layer[name],
            score: layer["score"].astype("float64"),
            note: [flags(r, lang) if r["has_figure"] else t("layer.no_figure", lang) for r in layer.to_dict("records")],
        }
    )
    return frame, {rank: _rank(frame[rank]), score: lambda v: fmt.number(v, lang)}


def official_table(layer: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """The official ranking: published rank, unit, published score, flags, source, note; every unit of the
    year's list (units without a published figure at the end, marked as such). Its columns have the names of
    the rankings table (the layer switch and the caption say they are the published figures)."""
    frame, formats = official_list(layer, lang, headers=("rankings.col.rank", "rankings.col.score"))
    frame[t("record.source", lang)] = layer["source_title"].fillna("")
    frame[t("record.link", lang)] = layer["link"]
    frame[t("rankings.col.note", lang)] = [
        str(n) if r else t("layer.no_figure", lang) for n, r in zip(layer["note"], layer["has_figure"], strict=False)
    ]
    return frame, formats


def official_screen(layer: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The official layer as a download: code, unit, published score(s) and rank(s) as printed, flags,
    note, source and link."""
    name = "name_vi" if lang == "vi" else "name_en"
    return pd.DataFrame(
        {
            t("rankings.col.code", lang): layer["code"],
            t("rankings.col.name", lang): layer[name],
            t("layer.col.score", lang): layer["score"],
            t("layer.col.rank", lang): layer["rank"],
            t("layer.col.versions", lang): [
                " / ".join([*(str(s) for s in sc), *(f"#{r}" for r in rk)]) if len(sc) > 1 or len(rk) > 1 else ""
                for sc, rk in zip(layer["scores"], layer["ranks"], strict=False)
            ],
            t("record.flags", lang): [flags(r, lang) for r in layer.to_dict("records")],
            t("rankings.col.note", lang): layer["note"],
            t("record.source", lang): layer["source_title"],
            t("record.link", lang): layer["link"],
        }
    )


def _rank(ranks: pd.Series) -> Formatter:
    return rank_formatter(ranks, [False] * len(ranks), fmt.DASH)


def unit_record_table(history: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """One unit's published figures over the years (profile): year, score, rank, flags, source."""
    year, score, rank = t("common.year", lang), t("layer.col.score", lang), t("layer.col.rank", lang)
    frame = pd.DataFrame(
        {
            year: history["year"].astype(int),
            score: history["score"].astype("float64"),
            rank: history["rank"].astype("Float64"),
            t("record.flags", lang): [flags(r, lang) for r in history.to_dict("records")],
            t("record.source", lang): history["source_title"],
        }
    )
    return frame, {year: str, score: lambda v: fmt.number(v, lang), rank: _rank(frame[rank])}
