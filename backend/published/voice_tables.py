"""Ready tables of citizens' voice and the PAR database for the public pages and their downloads: frames of the
read model in, frames with the reader's column names and values out. Pure (no store, no Streamlit).

Texts that citizens typed never pass through here: they are shown as plain text by the pages."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from backend.i18n import t
from backend.published import fmt
from backend.published.voice import SurveyForm, pick

NATIONAL = "__all__"


def unit_names(units: pd.DataFrame, lang: str) -> dict[int, str]:
    """unit id → name in the reader's language."""
    column = "name_vi" if lang == "vi" else "name_en"
    return dict(zip(units["unit_id"].astype(int), units[column], strict=False))


def results_table(rows: pd.DataFrame, form: SurveyForm, units: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per province (all provinces first) and figure: question, measure, value, answers. A figure from
    too few answers shows no value."""
    names = unit_names(units, lang)
    items = {i.code: i for i in form.items}
    records = []
    ordered = rows.assign(_all=rows["unit_id"].isna()).sort_values(["_all", "unit_id"], ascending=[False, True])
    for row in ordered.to_dict("records"):
        item = items.get(str(row["item_code"]))
        if item is None:
            continue
        if row["metric"] == "option":
            measure = t(
                "voice.results.measure.option",
                lang,
                option=item.option_labels(lang).get(str(row["option"]), row["option"]),
            )
        else:
            measure = t(f"voice.results.measure.{row['metric']}", lang)
        unit = row["unit_id"]
        records.append(
            {
                t("voice.results.col.province", lang): t("voice.results.all_provinces", lang)
                if pd.isna(unit)
                else names.get(int(unit), str(unit)),
                t("voice.results.col.question", lang): item.text(lang),
                t("voice.results.col.measure", lang): measure,
                t("voice.results.col.value", lang): row["value"],
                t("voice.results.col.n", lang): int(row["n"]),
            }
        )
    columns = [t(f"voice.results.col.{c}", lang) for c in ("province", "question", "measure", "value", "n")]
    return pd.DataFrame.from_records(records, columns=columns)


def documents_table(documents: pd.DataFrame, units: pd.DataFrame, topics: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Search results: date, number, title, issuer, unit, year, topic, kind, demo flag, link."""
    names = unit_names(units, lang)
    topic_names: Mapping[str, str] = dict(
        zip(topics["code"], topics["name_vi" if lang == "vi" else "name_en"], strict=False)
    )
    col = lambda key: t(f"pardb.col.{key}", lang)  # noqa: E731
    return pd.DataFrame(
        {
            col("issued_on"): [fmt.date_text(d, lang) for d in documents["issued_on"]],
            col("number"): documents["number"],
            col("title"): documents["title"],
            col("issuer"): documents["issuer"],
            col("unit"): [
                t("pardb.national", lang) if pd.isna(u) else names.get(int(u), str(u)) for u in documents["unit_id"]
            ],
            col("year"): documents["year"].astype(int),
            col("topic"): [topic_names.get(c, c) for c in documents["topic_code"]],
            col("kind"): [t(f"pardb.kind.{k}", lang) for k in documents["kind"]],
            col("demo"): [t("pardb.demo_mark", lang) if k == "demo" else "" for k in documents["dataset_kind"]],
            col("link"): documents["url"].where(documents["url"].astype(bool), None),
        }
    )


def criteria_table(criteria: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The PAR criteria of a document: code and name."""
    name = criteria["name_vi" if lang == "vi" else "name_en"]
    return pd.DataFrame({t("pardb.col.code", lang): criteria["code"], t("pardb.col.criterion", lang): name})


def evidence_table(evidence: pd.DataFrame, names: Mapping[int, str], lang: str) -> pd.DataFrame:
    """Self-assessment evidence citing a document: number, title, unit, year."""
    return pd.DataFrame(
        {
            t("pardb.col.number", lang): evidence["ref_code"],
            t("pardb.col.title", lang): evidence["title"],
            t("pardb.col.unit", lang): [names.get(int(u), "") for u in evidence["unit_id"]],
            t("pardb.col.year", lang): evidence["year"],
        }
    )


def figures_table(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Figures of one unit as indicator × year (indicator name with its measure, one column per year)."""
    if figures.empty:
        return pd.DataFrame(columns=[t("pardb.col.indicator", lang)])
    label = [
        f"{pick(vi, en, lang)} ({measure})" if measure else pick(vi, en, lang)
        for vi, en, measure in zip(figures["name_vi"], figures["name_en"], figures["measure"], strict=True)
    ]
    wide = figures.assign(indicator=label).pivot_table(
        index="indicator", columns="year", values="value", aggfunc="first"
    )
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index().rename(columns={"indicator": t("pardb.col.indicator", lang)})


def questions_by_topic(questions: pd.DataFrame, topics: pd.DataFrame, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """Published questions grouped by topic, topics in their order, each group in the order given."""
    groups = []
    for topic in topics.to_dict("records"):
        mine = questions[questions["topic_code"] == topic["code"]]
        if not mine.empty:
            groups.append((pick(topic["name_vi"], topic["name_en"], lang), mine.reset_index(drop=True)))
    return groups
