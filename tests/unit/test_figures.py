"""Pure components of the public app: formatting, collation, catalogues, data shaping, summary, figures, map."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from backend.i18n import LANGS, catalogue, t
from dashboards.components import figures, fmt, maps, model
from dashboards.components.summary import standard_summary

ROOT = Path(__file__).resolve().parents[2]


# ---- formatting and collation ---------------------------------------------------------------------------


def test_numbers_follow_the_language() -> None:
    assert fmt.number(84.378, "vi") == "84,38"
    assert fmt.number(84.378, "en") == "84.38"
    assert fmt.number(1234.5, "vi") == "1.234,50"
    assert fmt.number(1234.5, "en") == "1,234.50"
    assert fmt.number(None, "vi") == fmt.DASH
    assert fmt.number(float("nan"), "en") == fmt.DASH
    assert fmt.number(pd.NA, "en") == fmt.DASH
    assert fmt.signed(1.32, "vi") == "+1,32"
    assert fmt.signed(-0.4, "en") == "−0.40"
    assert fmt.signed(0.001, "en") == "0.00"
    assert fmt.integer(63, "vi") == "63"


def test_ranks_and_arrows() -> None:
    assert fmt.rank_text(5, 63, "vi") == "5/63"
    assert fmt.rank_text(5, 63, "vi", tied=True) == "=5/63"
    assert fmt.rank_text(None, 63, "vi", unranked="không xếp hạng") == "không xếp hạng"
    assert fmt.rank_change_arrow(3) == "▲ 3"
    assert fmt.rank_change_arrow(-2) == "▼ 2"
    assert fmt.rank_change_arrow(0) == "= 0"
    assert fmt.rank_change_arrow(pd.NA) == ""


def test_dates_in_vietnam_time() -> None:
    when = dt.datetime(2025, 4, 6, 2, 0, tzinfo=dt.UTC)
    assert fmt.date_text(when, "vi") == "06/04/2025 09:00"
    assert fmt.date_text(dt.date(2025, 4, 6), "en") == "6 Apr 2025"


def test_vietnamese_collation() -> None:
    names = [
        "Yên Bái",
        "Đà Nẵng",
        "Điện Biên",
        "An Giang",
        "Bắc Giang",
        "Bạc Liêu",
        "Bà Rịa - Vũng Tàu",
        "Cà Mau",
        "Ấp",
        "Âu",
    ]
    assert fmt.sort_names(names, "vi") == [
        "An Giang",
        "Ấp",
        "Âu",
        "Bà Rịa - Vũng Tàu",
        "Bạc Liêu",
        "Bắc Giang",
        "Cà Mau",
        "Đà Nẵng",
        "Điện Biên",
        "Yên Bái",
    ]
    assert sorted(names)[-1] != "Yên Bái"  # what raw code-point order would do wrong
    # tones are a secondary difference: "Ma" < "Mà" < "Mả" < "Mã" < "Má" < "Mạ" < "Mai"
    assert fmt.sort_names(["Mai", "Mạ", "Má", "Mã", "Mả", "Mà", "Ma"], "vi") == [
        "Ma",
        "Mà",
        "Mả",
        "Mã",
        "Má",
        "Mạ",
        "Mai",
    ]
    frame = pd.DataFrame({"n": ["Đồng Nai", "Cần Thơ", "Hà Nội"]})
    assert frame.sort_values("n", key=fmt.name_key("vi"))["n"].tolist() == ["Cần Thơ", "Đồng Nai", "Hà Nội"]


# ---- message catalogues -------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi) == set(en)
    for key in vi:
        assert _placeholders(vi[key]) == _placeholders(en[key]), key
        assert vi[key].strip() and en[key].strip(), key


def test_every_literal_key_used_in_the_app_exists() -> None:
    base = ROOT / "dashboards"
    sources = [
        base / "public_app.py",
        base / "views.py",
        base / "context.py",
        base / "profile_view.py",
        *base.joinpath("app_pages").glob("*.py"),
        *base.joinpath("components").glob("*.py"),
    ]
    used: set[str] = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+(?:\.[A-Za-z0-9_]+)+)\"", text))
    assert used, "no keys found: the scan is broken"
    missing = sorted(k for k in used if k not in catalogue("vi"))
    assert not missing


@pytest.mark.parametrize(
    "prefix,members",
    [
        ("index", ["PAR_INDEX", "SIPAS"]),
        ("scope", ["province", "ministry"]),
        ("group", ["A", "B", "C", "other", "none"]),
        ("framework.status", ["official", "provisional"]),
        ("dataset", ["demo", "official"]),
        ("trends.rule_name", list(model.MERGE_RULES)),
        ("trends.rule_explain", list(model.MERGE_RULES)),
        ("trends.rule_label", ["mean", "weighted", "mean_fallback"]),
        ("map.colour", ["group", "quantile"]),
        ("overview.section", ["top", "bottom", "risers", "fallers"]),
        ("profile.choose", ["province", "ministry"]),
        ("method.about", ["PAR_INDEX", "SIPAS"]),
        ("record.type", ["province", "ministry", "region", "aggregate"]),
        ("nav", ["overview", "map", "rankings", "trends", "province", "ministry", "compare", "methodology", "record"]),
    ],
)
def test_dynamic_keys_exist(prefix: str, members: list[str]) -> None:
    for lang in LANGS:
        for member in members:
            assert f"{prefix}.{member}" in catalogue(lang), (lang, prefix, member)


def test_t_formats_and_falls_back() -> None:
    assert t("overview.vs_year", "en", year=2023) == "vs 2023"
    assert t("overview.vs_year", "vi", year=2023) == "so với 2023"
    assert t("no.such.key", "en") == "no.such.key"
    assert t("overview.vs_year", "xx", year=1) == "so với 1"  # unknown language: Vietnamese


# ---- data shaping ---------------------------------------------------------------------------------------


def _units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [1, 2, 3, 4, 10, 11],
            "kind": ["province_63"] * 4 + ["province_34"] * 2,
            "code": ["01", "02", "03", "04", "01", "02"],
            "name_vi": ["Hà Nội", "Hà Giang", "Cao Bằng", "Đà Nẵng", "Hà Nội", "Tuyên Quang"],
            "name_en": ["Ha Noi", "Ha Giang", "Cao Bang", "Da Nang", "Ha Noi", "Tuyen Quang"],
            "region_code": ["DBSH", "TDMNPB", "TDMNPB", "BTB", "DBSH", "TDMNPB"],
            "par_ranked": [True, True, True, False, True, True],
            "valid_from": [dt.date(2008, 8, 1)] * 4 + [dt.date(2025, 7, 1)] * 2,
            "valid_to": [dt.date(2025, 6, 30)] * 4 + [None, None],
        }
    )


def _rows(
    set_id: int, values: dict[int, tuple[float, float, float]], ranks: dict[int, int | None], kind="province_63"
) -> pd.DataFrame:
    """Rows of a PAR-like set: index = A1 + A2 (max 40 + 60)."""
    units = _units().set_index("unit_id")
    records = []
    for unit_id, (index, a1, a2) in values.items():
        for metric, value, max_value in (
            ("PAR_INDEX", index, 100.0),
            ("PAR_INDEX.area.A1", a1, 40.0),
            ("PAR_INDEX.area.A2", a2, 60.0),
        ):
            records.append(
                {
                    "result_set_id": set_id,
                    "scope": "unit",
                    "scope_code": f"{kind}:{units.loc[unit_id, 'code']}",
                    "unit_id": unit_id,
                    "metric": metric,
                    "value": value,
                    "max_value": max_value,
                    "ci_low": index - 1 if metric == "PAR_INDEX" else None,
                    "ci_high": index + 1 if metric == "PAR_INDEX" else None,
                    "rank": ranks.get(unit_id) if metric == "PAR_INDEX" else None,
                    "rank_low": None,
                    "rank_high": None,
                    "grp": ("A" if index >= 90 else "B") if metric == "PAR_INDEX" else None,
                    "n": 100 * unit_id,
                }
            )
    frame = pd.DataFrame(records)
    for metric, group in frame.groupby("metric"):
        records.append(
            {
                "result_set_id": set_id,
                "scope": "national",
                "scope_code": "VN",
                "metric": metric,
                "value": group["value"].mean(),
                "max_value": group["max_value"].iloc[0],
            }
        )
        for region, sub in group.assign(region=group["unit_id"].map(units["region_code"])).groupby("region"):
            records.append(
                {
                    "result_set_id": set_id,
                    "scope": "region",
                    "scope_code": region,
                    "metric": metric,
                    "value": sub["value"].mean(),
                    "max_value": sub["max_value"].iloc[0],
                }
            )
    out = pd.DataFrame(records)
    out["rank"] = out["rank"].astype("Int64")
    out["unit_id"] = out["unit_id"].astype("Int64")
    return out


ROWS_2024 = _rows(
    1,
    {1: (91.0, 37.0, 54.0), 2: (88.0, 35.0, 53.0), 3: (88.0, 36.0, 52.0), 4: (80.0, 30.0, 50.0)},
    {1: 1, 2: 2, 3: 2, 4: None},
)
ROWS_2023 = _rows(
    0,
    {1: (89.0, 36.0, 53.0), 2: (89.5, 35.5, 54.0), 3: (85.0, 35.0, 50.0), 4: (79.0, 30.0, 49.0)},
    {1: 2, 2: 1, 3: 3, 4: None},
)


def test_unit_table_marks_ties_and_unranked() -> None:
    table = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    assert table["name_vi"].tolist() == ["Hà Nội", "Hà Giang", "Cao Bằng", "Đà Nẵng"]
    assert table["tied"].tolist() == [False, True, True, False]
    assert table["ranked"].tolist() == [True, True, True, False]
    assert {"PAR_INDEX.area.A1", "PAR_INDEX.area.A2"} <= set(table.columns)
    assert model.ranked_count(table) == 3


def test_components_and_labels() -> None:
    main, detail = model.component_metrics(
        ["PAR_INDEX", "PAR_INDEX.area.A10", "PAR_INDEX.area.A2", "PAR_INDEX.block.survey", "SIPAS"], "PAR_INDEX"
    )
    assert main == ["PAR_INDEX.area.A2", "PAR_INDEX.area.A10"]
    assert detail == ["PAR_INDEX.block.survey"]
    assert model.component_metrics(["SIPAS", "SIPAS.policy", "SIPAS.services", "SIPAS.policy.P1"], "SIPAS") == (
        ["SIPAS.policy", "SIPAS.services"],
        ["SIPAS.policy.P1"],
    )
    criteria = pd.DataFrame({"code": ["A2"], "name_vi": ["Thể chế"], "name_en": ["Institutions"]})
    labels = model.metric_labels(["PAR_INDEX.area.A2", "PAR_INDEX.block.x"], criteria, "en", {"PAR_INDEX.block.x": "X"})
    assert labels == {"PAR_INDEX.area.A2": "A2. Institutions", "PAR_INDEX.block.x": "X"}


def test_changes_only_for_comparable_units() -> None:
    cur = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    prev = model.unit_table(ROWS_2023, _units(), "PAR_INDEX")
    changed = model.with_changes(cur, prev, True).set_index("unit_id")
    assert changed.loc[1, "change"] == pytest.approx(2.0)
    assert changed.loc[1, "rank_change"] == 1  # 2nd → 1st: up one place
    assert changed.loc[2, "rank_change"] == -1
    assert pd.isna(changed.loc[4, "rank_change"])  # unranked both years
    not_comparable = model.with_changes(cur, prev, False)
    assert not_comparable["change"].isna().all()


def test_rank_by_component_computes_competition_ranks() -> None:
    table = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    ranked = model.rank_by(table, "PAR_INDEX.area.A2")
    assert ranked["code"].tolist()[:3] == ["01", "02", "03"]
    assert ranked["sort_rank"].tolist()[:3] == [1, 2, 3]
    assert pd.isna(ranked["sort_rank"].iloc[3])  # the unranked unit stays unranked


def test_profile_components_and_strengths() -> None:
    table = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    profile = model.profile_components(
        ROWS_2024, table, 3, ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"], "PAR_INDEX"
    ).set_index("metric")
    a1 = profile.loc["PAR_INDEX.area.A1"]
    assert a1["value_pct"] == pytest.approx(90.0)  # 36 / 40
    assert a1["national"] == pytest.approx((37 + 35 + 36 + 30) / 4)
    assert a1["region"] == pytest.approx((35 + 36) / 2)  # TDMNPB: units 2 and 3
    assert a1["best"] == pytest.approx(37.0) and a1["best_unit_id"] == 1
    assert a1["rank"] == 2
    strengths, weaknesses = model.strengths_weaknesses(profile.reset_index(), "PAR_INDEX")
    assert set(strengths["metric"]) | set(weaknesses["metric"]) <= {"PAR_INDEX.area.A1", "PAR_INDEX.area.A2"}
    assert (strengths["gap_national"] > 0).all() and (weaknesses["gap_national"] < 0).all()


def test_change_breakdown_is_additive_for_par() -> None:
    changes = model.component_changes(
        ROWS_2024, ROWS_2023, "province_63:03", ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"]
    )
    assert changes["change"].sum() == pytest.approx(88.0 - 85.0)
    assert model.is_additive(ROWS_2024, "province_63:03", "PAR_INDEX", ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"])
    assert not model.is_additive(ROWS_2024, "province_63:03", "PAR_INDEX", ["PAR_INDEX.area.A1"])


LINEAGE = pd.DataFrame(
    {
        "old_unit_id": [1, 2, 3, 4],
        "new_unit_id": [10, 11, 11, 4],
        "relation": ["continues", "merged_into", "merged_into", "renamed"],
        "effective": [dt.date(2025, 7, 1)] * 3 + [dt.date(2025, 1, 1)],
        "old_kind": ["province_63"] * 4,
        "new_kind": ["province_34", "province_34", "province_34", "province_63"],
    }
)


def _history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024, 2025],
            "unit_id": [2, 3, 2, 3, 11],
            "value": [80.0, 90.0, 82.0, 86.0, 88.0],
            "n": [100, 300, 100, pd.NA, 500],
            "rank": [5, 1, 4, 2, 1],
            "n_ranked": [63, 63, 63, 63, 34],
        }
    )


def test_trend_rules_across_the_merger() -> None:
    history = _history()
    not_comparable = model.unit_series(history, [11], LINEAGE, "not_comparable")
    assert not_comparable["year"].tolist() == [2025]
    mean = model.unit_series(history, [11], LINEAGE, "mean").set_index("year")
    assert mean.loc[2023, "value"] == pytest.approx(85.0)
    assert mean.loc[2023, "source"] == "aggregate" and mean.loc[2025, "source"] == "own"
    assert set(mean.loc[2023, "members"]) == {2, 3}
    weighted = model.unit_series(history, [11], LINEAGE, "weighted").set_index("year")
    assert weighted.loc[2023, "value"] == pytest.approx((80 * 100 + 90 * 300) / 400)
    assert weighted.loc[2023, "rule_used"] == "weighted"
    assert weighted.loc[2024, "rule_used"] == "mean_fallback"  # a form count is missing
    assert weighted.loc[2024, "value"] == pytest.approx(84.0)
    with pytest.raises(ValueError):
        model.unit_series(history, [11], LINEAGE, "median")


def test_breaks_from_frameworks_and_mergers() -> None:
    sets = pd.DataFrame(
        {
            "index_code": ["PAR_INDEX"] * 4,
            "unit_scope": ["province"] * 4,
            "year": [2021, 2022, 2024, 2025],
            "framework_code": ["P1149", "P876", "P876", "P876"],
            "legal_basis": ["1149/QĐ-BNV", "876/QĐ-BNV", "876/QĐ-BNV", "876/QĐ-BNV"],
        }
    )
    breaks = model.breaks_for(sets, LINEAGE, _units(), "PAR_INDEX", "province")
    assert [(b.year, b.kind) for b in breaks] == [(2022, "method"), (2025, "units")]
    assert breaks[0].label == "876/QĐ-BNV"


def test_summary_statistics() -> None:
    cur = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    prev = model.unit_table(ROWS_2023, _units(), "PAR_INDEX")
    comps = ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"]
    summary = standard_summary(
        cur, ROWS_2024, "PAR_INDEX", comps, prev, ROWS_2023, comparable=True, top_n=1, bottom_n=1
    )
    assert summary.national == pytest.approx(86.75)
    assert summary.national_change == pytest.approx(86.75 - 85.625)
    assert summary.above_average == 3
    assert (summary.rose, summary.fell, summary.unchanged) == (3, 1, 0)
    assert summary.groups == {"A": 1, "B": 3, "C": 0}
    assert summary.top["unit_id"].tolist() == [1]
    assert summary.bottom["unit_id"].tolist() == [2, 3]  # tied last ranked place: both shown
    assert summary.risers["unit_id"].iloc[0] == 1 or summary.risers["change"].iloc[0] == pytest.approx(3.0)
    assert summary.fallers["unit_id"].tolist() == [2]
    assert set(summary.regions["region_code"]) == {"DBSH", "TDMNPB", "BTB"}
    comp = summary.components.set_index("metric")
    assert comp.loc["PAR_INDEX.area.A1", "pct"] == pytest.approx(comp.loc["PAR_INDEX.area.A1", "value"] / 40 * 100)
    not_comparable = standard_summary(cur, ROWS_2024, "PAR_INDEX", comps, prev, ROWS_2023, comparable=False)
    assert not not_comparable.comparable and not_comparable.risers.empty
    assert not_comparable.national_change is not None  # the national average still has a change


# ---- figures --------------------------------------------------------------------------------------------


def test_ci_ranking_figure_data() -> None:
    table = model.unit_table(ROWS_2024, _units(), "PAR_INDEX").assign(rank_text=["1", "=2", "=2", "–"])
    labels = {
        "score": "Score",
        "ci": "CI",
        "rank": "Rank",
        "national": "National",
        "group": "Group",
        "group_none": "No group",
    }
    fig = figures.ci_ranking_figure(
        table,
        names=table["name_en"].tolist(),
        national=86.75,
        labels=labels,
        title="T",
        source="S",
        lang="vi",
        demo_label="DEMO",
    )
    by_name = {trace.name: trace for trace in fig.data}
    assert set(by_name) == {"Group A", "Group B"}
    group_b = by_name["Group B"]
    assert list(group_b.y) == ["Ha Giang", "Cao Bang", "Da Nang"]
    assert list(group_b.error_x.array) == pytest.approx([1.0, 1.0, 1.0])
    assert fig.layout.separators == ",."
    assert "DEMO" in fig.layout.title.text and fig.layout.title.subtitle.text == "S"
    assert fig.layout.shapes[0].x0 == pytest.approx(86.75)


def test_trend_figure_dashes_aggregates_and_breaks_lines() -> None:
    series = model.unit_series(_history(), [11], LINEAGE, "mean")
    national = pd.DataFrame({"year": [2023, 2024, 2025], "value": [85.0, 86.0, 87.0]})
    breaks = [model.Break(2025, "units", ""), model.Break(2022, "method", "876")]
    labels = {"national": "N", "break_units": "merged", "break_method": "method", "rule.mean": "mean of predecessors"}
    fig = figures.trend_figure(
        national, series, names={11: "Tuyên Quang"}, breaks=breaks, labels=labels, title="T", source="S", lang="en"
    )
    traces = {trace.name: trace for trace in fig.data}
    assert list(traces["N"].x) == [2023, 2024, None, 2025]  # no line through the merger
    agg = traces["Tuyên Quang – mean of predecessors"]
    assert agg.line.dash == "dash" and list(agg.x) == [2023, 2024]
    assert list(traces["Tuyên Quang"].x) == [2025]
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [2021.5, 2024.5]
    assert list(fig.layout.xaxis.range) == pytest.approx([2021.4, 2025.6])  # the data and its breaks, no further
    assert fig.layout.separators == ".,"


def test_profile_and_change_figures() -> None:
    table = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    comps = ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"]
    profile = model.profile_components(ROWS_2024, table, 3, comps, "PAR_INDEX")
    labels = {"unit": "Cao Bằng", "national": "N", "region": "R", "best": "B", "pct_of_max": "%"}
    fig = figures.profile_components_figure(profile, metric_labels={}, labels=labels, title="T", source="S", lang="vi")
    bars = fig.data[0]
    assert list(bars.x) == pytest.approx(list(profile["value_pct"][::-1]))
    assert [trace.name for trace in fig.data] == ["Cao Bằng", "N", "R", "B"]
    changes = model.component_changes(ROWS_2024, ROWS_2023, "province_63:03", comps)
    waterfall = figures.change_breakdown_figure(
        changes,
        total_change=3.0,
        additive=True,
        metric_labels={},
        labels={"total": "Total", "change": "Δ"},
        title="T",
        source="S",
        lang="vi",
    )
    assert waterfall.data[0].type == "waterfall"
    assert list(waterfall.data[0].measure) == ["relative", "relative", "total"]
    bars = figures.change_breakdown_figure(
        changes,
        total_change=3.0,
        additive=False,
        metric_labels={},
        labels={"total": "Total", "change": "Δ"},
        title="T",
        source="S",
        lang="vi",
    )
    assert bars.data[0].type == "bar" and list(bars.data[0].x) == pytest.approx([1.0, 2.0])


def test_small_multiples_one_panel_per_metric() -> None:
    data = pd.DataFrame({"unit_id": [1, 2, 1, 2], "metric": ["A", "A", "B", "B"], "pct": [90.0, 80.0, 70.0, 60.0]})
    fig = figures.small_multiples_figure(
        data,
        unit_names={1: "X", 2: "Y"},
        metric_labels={"A": "Area A", "B": "Area B"},
        national={"A": 85.0},
        labels={"national_line": "dotted: national"},
        title="T",
        source="S",
        lang="en",
    )
    bars = [trace for trace in fig.data if trace.type == "bar"]
    assert len(bars) == 4
    assert [a.text for a in fig.layout.annotations][:2] == ["Area A", "Area B"]
    assert sum(1 for trace in bars if trace.showlegend) == 2


def test_region_and_group_figures() -> None:
    regions = pd.DataFrame({"region_code": ["A", "B"], "value": [88.0, 86.0], "change": [1.0, -0.5]})
    fig = figures.region_figure(
        regions,
        names=["Region A", "Region B"],
        national=87.0,
        labels={"change": "Δ", "national": "N"},
        title="T",
        source="S",
        lang="vi",
    )
    assert list(fig.data[0].x) == [88.0, 86.0]
    groups = figures.group_count_figure(
        {"A": 7, "B": 56, "C": 0},
        labels={"group_A": "A", "group_B": "B", "group_C": "C"},
        title="T",
        source="S",
        lang="vi",
    )
    assert list(groups.data[0].y) == [7, 56, 0]


def test_plotly_config_downloads_png() -> None:
    config = figures.plotly_config("par_2024")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "par_2024", "scale": 2}
    assert config["displaylogo"] is False


# ---- map ------------------------------------------------------------------------------------------------

LABELS = {"group_A": "A", "group_B": "B", "group_C": "C", "group_other": "other", "no_data": "no data"}


def test_classify_by_group_and_no_data() -> None:
    data = pd.DataFrame(
        {"code": ["01", "02", "03", "04"], "value": [91.0, 85.0, None, 75.0], "grp": ["A", "B", None, None]}
    )
    colours, legend = maps.classify(data, "group", labels=LABELS, number=str)
    assert colours == {"01": maps.GROUP_FILL["A"], "02": maps.GROUP_FILL["B"], "04": maps.OTHER_FILL}
    assert "03" not in colours
    assert [item.label for item in legend] == ["A", "B", "other", "no data"]
    assert legend[-1].no_data and legend[-1].colour == maps.NO_DATA_FILL
    assert maps.NO_DATA_FILL not in set(maps.GROUP_FILL.values()) | set(maps.QUANTILE_FILL)


def test_classify_by_quantile() -> None:
    data = pd.DataFrame(
        {"code": [f"{i:02d}" for i in range(10)], "value": [float(v) for v in range(80, 90)], "grp": [None] * 10}
    )
    colours, legend = maps.classify(data, "quantile", labels=LABELS, number=lambda v: f"{v:.1f}")
    assert len(legend) == 5 and not any(item.no_data for item in legend)
    assert colours["00"] == maps.QUANTILE_FILL[0] and colours["09"] == maps.QUANTILE_FILL[-1]
    assert legend[0].label == "80.0 – 81.8"


@pytest.mark.parametrize("year,count", [(2024, 63), (2025, 34)])
def test_province_map_offline_with_archipelagos(year: int, count: int) -> None:
    from geo.loader import ARCHIPELAGOS, geojson_for_year

    geojson = geojson_for_year(year)
    before = json.dumps(geojson, sort_keys=True)
    assert len(geojson["features"]) == count
    assert len(before.encode("utf-8")) < 1_000_000
    codes = [f["properties"]["code"] for f in geojson["features"]]
    colours = {code: "#123456" for code in codes[1:]}
    tooltips = {code: {"label": f"P{code}", "score": "1"} for code in codes}
    fmap = maps.province_map(
        geojson,
        colours,
        tooltips,
        tooltip_fields=["label", "score"],
        tooltip_aliases=["P", "S"],
        archipelagos=ARCHIPELAGOS,
        lang="vi",
    )
    html = fmap.get_root().render()
    assert json.dumps(geojson, sort_keys=True) == before  # the shared GeoJSON is not modified
    assert "tile" not in html.lower() or "tileLayer" not in html
    assert "Quần đảo Hoàng Sa (Đà Nẵng)" in html and "Quần đảo Trường Sa (Khánh Hòa)" in html
    assert f"prov prov-nodata prov-{codes[0]}" in html and f"prov prov-{codes[1]}" in html
    assert [src for _, src in fmap.default_js] == [maps.LOCAL_JS[0][1]]
    assert not any(src.startswith("http") for _, src in fmap.default_js + fmap.default_css)


def test_legend_html_lists_items() -> None:
    html = maps.legend_html([maps.LegendItem("#fff", "Không có dữ liệu", no_data=True)], "Chú giải")
    assert "Không có dữ liệu" in html and "dashed" in html


def test_scoring_engine_summary_agrees_with_the_public_summary() -> None:
    """The adapter over backend.scoring.summary gives the same unit-level statistics on comparable years."""
    from dashboards.components.summary import scoring_summary

    cur = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    prev = model.unit_table(ROWS_2023, _units(), "PAR_INDEX")
    comps = ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"]
    own = standard_summary(cur, ROWS_2024, "PAR_INDEX", comps, prev, ROWS_2023, comparable=True)
    engine = scoring_summary(cur, ROWS_2024, "PAR_INDEX", comps, prev, ROWS_2023, comparable=True, lineage=LINEAGE)
    assert engine.national == own.national  # the published national row
    assert engine.groups["A"] == own.groups["A"]
    assert engine.fallers["unit_id"].tolist() == own.fallers["unit_id"].tolist()
    assert engine.n_ranked == 3  # the engine counts ranked units only
    assert engine.top["change"].iloc[0] == pytest.approx(2.0)


def test_ci_ranking_figure_with_missing_groups() -> None:
    """Ministries have no groups: NaN in ``grp`` must give one "no group" trace, not a crash."""
    table = pd.DataFrame(
        {
            "value": [90.0, 85.0],
            "ci_low": [89.0, float("nan")],
            "ci_high": [91.0, float("nan")],
            "grp": pd.array([None, None], dtype="str"),
            "rank_text": ["1", "2"],
        }
    )
    labels = {"score": "S", "ci": "CI", "rank": "R", "national": "N", "group": "G", "group_none": "No group"}
    fig = figures.ci_ranking_figure(
        table, names=["a", "b"], national=None, labels=labels, title="T", source="S", lang="en"
    )
    assert [trace.name for trace in fig.data] == ["No group"]
    assert fig.data[0].error_x.array[0] == pytest.approx(1.0)


def test_metric_labels_for_criteria_codes() -> None:
    criteria = pd.DataFrame(
        {
            "code": ["A1", "A1.APP", "C2"],
            "name_vi": ["Chỉ đạo", "Thẩm định", "Nội dung 2"],
            "name_en": ["Direction", "Appraisal", "Content 2"],
        }
    )
    labels = model.metric_labels(
        ["PAR_INDEX.criterion.A1.APP", "PAR_INDEX.area.A1", "SIPAS.policy.content.C2"], criteria, "en"
    )
    assert labels == {
        "PAR_INDEX.criterion.A1.APP": "A1.APP. Appraisal",
        "PAR_INDEX.area.A1": "A1. Direction",
        "SIPAS.policy.content.C2": "C2. Content 2",
    }


def test_changes_through_the_lineage_across_the_new_list() -> None:
    prev = model.unit_table(ROWS_2024, _units(), "PAR_INDEX")
    rows_2025 = _rows(2, {10: (93.0, 38.0, 55.0), 11: (87.0, 35.0, 52.0)}, {10: 1, 11: 2}, kind="province_34")
    cur = model.unit_table(rows_2025, _units(), "PAR_INDEX")
    changed = model.with_changes(cur, prev, True, LINEAGE).set_index("unit_id")
    assert changed.loc[10, "basis"] == "lineage" and changed.loc[10, "prev_unit_id"] == 1
    assert changed.loc[10, "change"] == pytest.approx(2.0)  # Hà Nội continues: 91 → 93
    assert changed.loc[11, "basis"] == "merged" and pd.isna(changed.loc[11, "change"])
    assert changed["rank_change"].isna().all()  # 63 → 34 ranks are not comparable
    without_lineage = model.with_changes(cur, prev, True)
    assert without_lineage["change"].isna().all()
    changes = model.component_changes(rows_2025, ROWS_2024, "province_34:01", ["PAR_INDEX.area.A1"], "province_63:01")
    assert changes["change"].iloc[0] == pytest.approx(1.0)


def test_short_basis() -> None:
    text = "Quyết định 876/QĐ-BNV ngày 10/11/2022 phê duyệt Đề án Xác định Chỉ số CCHC giai đoạn 2022-2030"
    assert figures.short_basis(text) == "876/QĐ-BNV"
    assert figures.short_basis("no number here") == "no number here"
