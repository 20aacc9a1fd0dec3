"""The read model (backend/published) on hand-made result sets: unit tables, the comparison with last year
through the lineage, rankings on a component, the profile, trends with breaks, the overview's summary,
source lines and the published record."""

from __future__ import annotations

import pandas as pd
import pytest

from backend.published import about, sources
from backend.published.changes import compare, with_changes
from backend.published.profile import history_frame, profile_view, resolve_unit
from backend.published.sets import Catalogue, ResultSetInfo
from backend.published.tables import ranked_table
from backend.published.trends import trend_view
from backend.published.views import compare_view, map_view, overview_view, ranking_view
from tests.factories_published import KINDS, LINEAGE, SPEC, SPEC_2025, T2023, T2024, T2025, UNITS, info, tables


def test_unit_table_marks_ties_and_unranked_and_names_metrics_from_the_framework() -> None:
    units = T2024.units
    assert units["name_vi"].tolist() == ["Hà Nội", "Hà Giang", "Cao Bằng", "Đà Nẵng"]
    assert units["tied"].tolist() == [False, True, True, False]
    assert units["ranked"].tolist() == [True, True, True, False]
    assert [m.code for m in T2024.components] == ["PAR_INDEX.area.A1", "PAR_INDEX.area.A2"]
    assert T2024.metric("A2").label("vi").startswith("A2. ") and T2024.metric("A2").max_value == 60.0
    assert T2024.metric("index").role == "index" and T2024.n_ranked == 3
    assert T2024.precision.publish_decimals == 2 and T2024.grade_order[:3] == ("A", "B", "C")


def test_changes_only_for_comparable_units() -> None:
    comparison = compare(T2024, T2023, LINEAGE)
    changed = with_changes(T2024, comparison).set_index("unit_id")
    assert comparison.reason == "" and comparison.previous_year == 2023 and comparison.rank_comparable
    assert changed.loc[1, "change"] == pytest.approx(2.0)
    assert changed.loc[1, "rank_change"] == 1  # 2nd → 1st: up one place
    assert changed.loc[2, "rank_change"] == -1
    assert pd.isna(changed.loc[4, "rank_change"])  # unranked both years
    none = compare(T2024, None, LINEAGE)
    assert none.reason == "no_previous" and not none.comparable and none.changes["change"].isna().all()


def test_changes_through_the_lineage_across_the_new_list() -> None:
    comparison = compare(T2025, T2024, LINEAGE)
    changed = with_changes(T2025, comparison).set_index("unit_id")
    assert comparison.reason == "units_changed" and not comparison.rank_comparable
    assert changed.loc[10, "basis"] == "continues" and changed.loc[10, "prev_unit_id"] == 1
    assert changed.loc[10, "change"] == pytest.approx(2.0)  # Hà Nội continues: 91 → 93
    assert changed.loc[11, "basis"] == "merged" and pd.isna(changed.loc[11, "change"])
    assert changed["rank_change"].isna().all()  # 63 → 34 ranks are not comparable
    mean = with_changes(T2025, compare(T2025, T2024, LINEAGE, rule="mean")).set_index("unit_id")
    assert mean.loc[11, "change"] == pytest.approx(87.0 - 88.0) and mean.loc[11, "rule_used"] == "mean"


def test_ranking_on_a_component_uses_the_one_ranking() -> None:
    view = ranking_view(T2024, T2023, LINEAGE, "A2")
    assert view.table["code"].tolist()[:3] == ["01", "02", "03"]
    assert view.table["sort_rank"].tolist()[:3] == [1, 2, 3]
    assert pd.isna(view.table["sort_rank"].iloc[3])  # the unranked unit stays unranked
    assert not view.official_rank and not view.show_rank_change
    official = ranking_view(T2024, T2023, LINEAGE)
    assert official.show_rank_change and official.show_change and official.n_tied == 2
    tied = ranked_table(T2024, "index")
    assert tied["sort_tied"].tolist()[:3] == [False, True, True]


def test_map_view_ranks_the_shown_metric() -> None:
    view = map_view(T2024, T2023, LINEAGE, "A1")
    table = view.table.set_index("code")
    assert table.loc["01", "rank"] == 1 and table.loc["03", "rank"] == 2 and view.n_ranked == 3
    assert table["change"].isna().all() and not view.has_groups  # a component: no change, no groups
    index = map_view(T2024, T2023, LINEAGE)
    assert index.has_groups and index.table.set_index("code").loc["01", "change"] == pytest.approx(2.0)


def test_profile_components_strengths_and_breakdown() -> None:
    history = history_frame([T2023, T2024])
    view = profile_view(T2024, T2023, LINEAGE, "province_63:03", history)
    a1 = view.components.set_index("metric").loc["PAR_INDEX.area.A1"]
    assert a1["value_pct"] == pytest.approx(90.0)  # 36 / 40
    assert a1["national"] == pytest.approx((37 + 35 + 36 + 30) / 4)
    assert a1["region"] == pytest.approx((35 + 36) / 2)  # TDMNPB: units 2 and 3
    assert a1["best"] == pytest.approx(37.0) and a1["best_unit_id"] == 1 and a1["rank"] == 2
    assert (view.strengths["gap_national"] > 0).all() and (view.weaknesses["gap_national"] < 0).all()
    assert view.breakdown["change"].sum() == pytest.approx(88.0 - 85.0) and view.additive
    assert view.history["year"].tolist() == [2024, 2023] and set(view.history["role"]) == {"own"}


def test_profile_follows_a_unit_across_the_merger() -> None:
    chosen, mapped = resolve_unit(T2025, "province_63:02", UNITS, LINEAGE)
    assert chosen == "province_34:08" and mapped == 2
    history = history_frame([T2023, T2024, T2025])
    view = profile_view(T2025, T2024, LINEAGE, chosen, history, mapped)
    assert view.mapped_from == 2 and set(view.predecessors) == {2, 3}
    assert set(view.history.loc[view.history["role"] == "predecessor", "unit_id"]) == {2, 3}
    assert view.breakdown.empty and not view.additive  # merged: no one-to-one change
    hanoi = profile_view(T2025, T2024, LINEAGE, "province_34:01", history)
    assert hanoi.breakdown["change"].sum() == pytest.approx(2.0)
    assert resolve_unit(T2025, "province_63:99", UNITS, LINEAGE) == (None, None)


def test_trend_rules_and_breaks() -> None:
    sets = [T2023, T2024, T2025]
    specs = {1: SPEC, 2: SPEC_2025}
    not_comparable = trend_view(sets, specs, LINEAGE, KINDS, unit_ids=[11])
    assert not_comparable.series["year"].tolist() == [2025]
    mean = trend_view(sets, specs, LINEAGE, KINDS, unit_ids=[11], rule="mean").series.set_index("year")
    assert mean.loc[2023, "value"] == pytest.approx((89.5 + 85.0) / 2) and mean.loc[2023, "source"] == "aggregate"
    weighted = trend_view(sets, specs, LINEAGE, KINDS, unit_ids=[11], rule="weighted").series.set_index("year")
    assert weighted.loc[2024, "value"] == pytest.approx((88 * 200 + 88 * 300) / 500)
    view = trend_view(sets, specs, LINEAGE, KINDS, unit_ids=[1])
    assert [(b.year, b.kind) for b in view.breaks] == [(2025, "method"), (2025, "units")]
    assert view.continued == {1: ((10, "continues"),)}
    assert view.national["year"].tolist() == [2023, 2024, 2025]


def test_method_breaks_come_from_the_framework_file() -> None:
    years = {b.year: b.label for b in SPEC.method_breaks}
    assert years.get(2022, "").startswith("876")
    earlier = tables(info(9, 2021, code="PAR_PROVINCE_876"), T2023.rows)
    view = trend_view([earlier, T2023], {1: SPEC}, LINEAGE, KINDS)
    assert (2022, "method") in [(b.year, b.kind) for b in view.breaks]


def test_overview_summary() -> None:
    view = overview_view(T2024, T2023, LINEAGE)
    s = view.summary
    assert s.national == pytest.approx(86.75) and s.national_change == pytest.approx(86.75 - 85.625)
    assert s.n_ranked == 3 and s.above_average == 3
    assert (s.rose, s.fell, s.unchanged) == (3, 1, 0)
    assert s.groups == {"A": 1, "B": 2, "C": 0} or s.groups["A"] == 1
    assert s.top["unit_id"].tolist()[0] == 1
    assert s.bottom["unit_id"].tolist() == [1, 2, 3]  # three ranked units: all three
    assert s.fallers["unit_id"].tolist() == [2]
    comp = s.components.set_index("metric")
    assert comp.loc["PAR_INDEX.area.A1", "pct"] == pytest.approx(comp.loc["PAR_INDEX.area.A1", "value"] / 40 * 100)
    new_list = overview_view(T2025, T2024, LINEAGE).summary
    assert new_list.national_change is not None  # the national average still has a change
    assert new_list.not_comparable == 1 and new_list.rose == 1


def test_rose_and_fell_decided_at_the_published_precision() -> None:
    base = T2024.rows.copy()
    base.loc[(base["unit_id"] == 1) & (base["metric"] == "PAR_INDEX"), "value"] = 89.0 + 0.004
    nearly = tables(info(5, 2024), base)
    s = overview_view(nearly, T2023, LINEAGE).summary
    assert s.unchanged == 1  # +0.004 prints +0.00


def test_compare_view() -> None:
    view = compare_view(T2024, ["province_63:03", "province_63:01"])
    assert view.units["unit_id"].tolist() == [3, 1]
    assert view.side["metric"].tolist()[0] == "PAR_INDEX" and view.side[3].iloc[0] == pytest.approx(88.0)
    pct = view.percent.set_index(["unit_id", "metric"])["pct"]
    assert pct[(3, "PAR_INDEX.area.A1")] == pytest.approx(90.0)


def test_catalogue_prefers_official_then_newest() -> None:
    demo, official = info(1, 2024), info(2, 2024, kind="official")
    newer = ResultSetInfo.from_record({**official.__dict__, "id": 3, "version": 2, "dataset_parameters": "{}"})
    cat = Catalogue.from_sets([demo, official, newer, info(4, 2023)])
    assert cat.get("PAR_INDEX", "province", 2024).id == 3
    assert cat.years("PAR_INDEX") == [2024, 2023] and cat.previous(newer).id == 4
    assert cat.by_id(1) is not None and not cat.is_current(1)


def test_source_lines_name_the_generator_for_demo_data() -> None:
    demo = sources.source_line(T2024.info, "en")
    assert demo.startswith("Source: generator X") and "Ministry of Home Affairs" in demo  # "Not figures of …"
    official = sources.source_line(info(7, 2024, kind="official"), "vi")
    assert official.startswith("Nguồn: Bộ Nội vụ")
    flagged = sources.source_line(T2024.info, "en", unpublished_by_ministry=True)
    assert "published no" in flagged
    meta = sources.export_metadata([T2024.info], "Title", "en", url="http://x")
    assert meta.is_demo and meta.result_set_ids == "2" and "generator X" in meta.source


def test_never_published_and_record_flags() -> None:
    record = pd.DataFrame(
        {
            "figure_id": [1, 2],
            "year": [2024, 2023],
            "metric": ["PAR_INDEX", "PAR_INDEX"],
            "unit_type": ["province", "ministry"],
            "unit_name": ["Hà Nội", "Bộ Tư pháp"],
            "score": [90.0, 89.95],
            "rank": [1, 1],
            "source": ["[derived] a source https://example.org/x", "b"],
            "note": ["derived", ""],
            "is_derived": [True, False],
            "is_uncertain": [False, False],
        }
    )
    assert about.never_published("PAR_INDEX", "ministry", 2024, record)
    assert not about.never_published("PAR_INDEX", "province", 2024, record)
    assert not about.never_published("PAR_INDEX", "ministry", 2025, record)  # nothing announced yet
    view = about.record_view(record, "en", year=2024)
    assert view.figures["link"].tolist() == ["https://example.org/x"] and view.n_derived == 1
    assert "derived" in view.figures["flags"].iloc[0] and view.figures["source_title"].iloc[0] == "a source"
