"""Pure components of the public app: formatting, collation, catalogues, data shaping, summary, figures, map."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from backend.i18n import LANGS, catalogue, t
from backend.published import fmt
from backend.published.profile import history_frame, profile_view
from backend.published.trends import Break, trend_view
from backend.reference.lineage import RULES
from dashboards.components import figures, maps
from tests.factories_published import KINDS, LINEAGE, SPEC, SPEC_2025, T2023, T2024, T2025

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
        *base.joinpath("parts").glob("*.py"),
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
        ("trends.rule_name", list(RULES)),
        ("trends.rule_explain", list(RULES)),
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


# ---- figures --------------------------------------------------------------------------------------------


def test_ci_ranking_figure_data() -> None:
    table = T2024.units.assign(rank_text=["1", "=2", "=2", "–"])
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
    assert set(by_name) == {"Group A", "Group B", "No group"}  # Đà Nẵng is not ranked, so has no group
    group_b = by_name["Group B"]
    assert list(group_b.y) == ["Ha Giang", "Cao Bang"]
    assert list(group_b.error_x.array) == pytest.approx([1.0, 1.0])
    assert list(by_name["No group"].y) == ["Da Nang"]
    assert fig.layout.separators == ",."
    assert "DEMO" in fig.layout.title.text and fig.layout.title.subtitle.text == "S"
    assert fig.layout.shapes[0].x0 == pytest.approx(86.75)


def test_trend_figure_dashes_aggregates_and_breaks_lines() -> None:
    series = trend_view(
        [T2023, T2024, T2025], {1: SPEC, 2: SPEC_2025}, LINEAGE, KINDS, unit_ids=[11], rule="mean"
    ).series
    national = pd.DataFrame({"year": [2023, 2024, 2025], "value": [85.0, 86.0, 87.0]})
    breaks = [Break(2025, "units", ""), Break(2022, "method", "876")]
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
    view = profile_view(T2024, T2023, LINEAGE, "province_63:03", history_frame([T2023, T2024]))
    profile = view.components
    labels = {"unit": "Cao Bằng", "national": "N", "region": "R", "best": "B", "pct_of_max": "%"}
    fig = figures.profile_components_figure(profile, metric_labels={}, labels=labels, title="T", source="S", lang="vi")
    bars = fig.data[0]
    assert list(bars.x) == pytest.approx(list(profile["value_pct"][::-1]))
    assert [trace.name for trace in fig.data] == ["Cao Bằng", "N", "R", "B"]
    changes = view.breakdown
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


def test_short_basis() -> None:
    text = "Quyết định 876/QĐ-BNV ngày 10/11/2022 phê duyệt Đề án Xác định Chỉ số CCHC giai đoạn 2022-2030"
    assert figures.short_basis(text) == "876/QĐ-BNV"
    assert figures.short_basis("no number here") == "no number here"
