"""AppTest of every public page in both languages, URL state, language switch and page behaviour."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.public_helpers import APP, RESULT_PAGES, dataframes, page_text, run_page

HEADERS = {  # page -> (Vietnamese, English) fragment of the page header, year 2024, PAR INDEX
    "overview": ("Chỉ số CCHC (PAR INDEX) năm 2024", "PAR INDEX 2024"),
    "map": ("Bản đồ Chỉ số CCHC (PAR INDEX) năm 2024 (63 tỉnh", "Map of PAR INDEX 2024 (63 provinces)"),
    "rankings": ("Xếp hạng Chỉ số CCHC (PAR INDEX) năm 2024", "PAR INDEX 2024 rankings"),
    "trends": ("Xu hướng Chỉ số CCHC (PAR INDEX)", "PAR INDEX trends"),
    "province": ("Hà Nội: Chỉ số CCHC (PAR INDEX) năm 2024", "Ha Noi: PAR INDEX 2024"),
    "ministry": (": Chỉ số CCHC (PAR INDEX) năm 2024", ": PAR INDEX 2024"),
    "compare": ("So sánh Chỉ số CCHC (PAR INDEX) năm 2024", "Compare PAR INDEX 2024"),
    "methodology": ("Phương pháp và nguồn số liệu", "Methodology and data sources"),
    "record": ("Số liệu đã công bố", "Published record"),
}
#: the pages of results and of their methodology (citizens' pages: tests/app/test_voice_pages.py)
RESULTS_AND_ABOUT = list(HEADERS)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", RESULTS_AND_ABOUT)
def test_every_page_renders_in_both_languages(public_store, page: str, lang: str) -> None:
    at = run_page(page, lang=lang, year="2024", index="par")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    headers = [h.value for h in at.title]  # the page title is the page's one h1 (issue 10, point 10)
    assert len(headers) == 1, headers
    expected = HEADERS[page][0 if lang == "vi" else 1]
    assert any(expected in h for h in headers), headers
    text = page_text(at)
    banners = [w.value for w in at.warning if "DEMO" in w.value]
    if page in RESULT_PAGES:
        assert banners, "demo data must carry the demo banner"
        assert ("DỮ LIỆU MINH HỌA" if lang == "vi" else "DEMO DATA") in banners[0]
    else:
        assert not banners
    if page == "record":
        assert "DEMO" not in text and "MINH HỌA" not in text  # official figures never carry the demo label
    # the other language's page header never leaks in
    assert not any(
        HEADERS[page][1 if lang == "vi" else 0] in h for h in headers if HEADERS[page][0] != HEADERS[page][1]
    )


@pytest.mark.parametrize("lang,pattern", [("vi", r"^\d{2},\d{2}$"), ("en", r"^\d{2}\.\d{2}$")])
def test_numbers_use_the_language_format(public_store, lang: str, pattern: str) -> None:
    at = run_page("overview", lang=lang, year="2024")
    national = at.metric[0]
    assert re.match(pattern, national.value), national.value
    assert re.match(r"^[+−]\d+[,.]\d{2} ", national.delta or ""), national.delta


def test_url_state_is_read_and_written(public_store) -> None:
    at = run_page("rankings", lang="en", index="sipas", year="2024")
    assert not at.exception
    assert any("SIPAS (satisfaction index) 2024 rankings" in h.value for h in at.title)
    params = dict(at.query_params)
    assert params["lang"] == ["en"] or params["lang"] == "en"
    flat = {k: (v[0] if isinstance(v, list) else v) for k, v in params.items()}
    assert flat["index"] == "sipas" and flat["year"] == "2024" and flat["scope"] == "province"


def test_invalid_url_values_fall_back_to_defaults(public_store) -> None:
    at = run_page("overview", lang="xx", year="1999", index="nope", scope="moon")
    assert not at.exception and not at.error
    flat = {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert flat["lang"] == "vi" and flat["index"] == "par" and flat["year"] == "2025" and flat["scope"] == "province"


def test_language_switch(public_store) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any("Chỉ số CCHC (PAR INDEX) năm 2025" in h.value for h in at.title)
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert any("PAR INDEX 2025: Provinces" in h.value for h in at.title)
    flat = {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert flat["lang"] == "en"


def test_year_choices_are_published_years_only(public_store) -> None:
    at = run_page("overview", index="sipas")
    years = at.selectbox(key="year").options
    assert years == ["2025", "2024", "2023"]  # SIPAS 2026 is embargoed
    at = run_page("overview", index="par")
    assert at.selectbox(key="year").options == ["2025", "2024", "2023", "2022", "2021"]


def test_map_counts_63_then_34_provinces(public_store) -> None:
    for year, count in (("2024", 63), ("2025", 34)):
        at = run_page("map", year=year, layer="results")  # 2024 opens on the official layer (issue 10, point 5)
        assert not at.exception
        captions = " ".join(c.value for c in at.caption)
        assert f"{count} tỉnh, thành phố theo danh sách đơn vị hành chính của năm {year}" in captions
        assert "Hoàng Sa" in captions and "Trường Sa" in captions
        assert len(at.selectbox(key="map_profile_choice").options) == count
        # the ranking table beside the map
        beside = next(df.value for df in at.dataframe if list(df.value.columns) == ["rank", "name", "value"])
        assert len(beside) == count
        ranked = beside.dropna(subset=["rank"])
        assert ranked["rank"].is_monotonic_increasing and ranked["value"].is_monotonic_decreasing


def test_map_payload_is_small_and_offline(public_store) -> None:
    at = run_page("map", year="2024")
    text = page_text(at)
    assert "app/static/vendor/leaflet/leaflet.js" in text
    assert "cdn.jsdelivr" not in text and "tile.openstreetmap" not in text
    component = [p for p in text.split("\n") if "json_args" in p]
    assert component and max(len(line) for line in component) < 1_000_000


def test_rankings_show_ties_unranked_and_changes(public_store) -> None:
    at = run_page("rankings", year="2024", scope="ministry", lang="en")
    assert not at.exception
    table = dataframes(at)[0]
    assert table["Rank"].isna().sum() == 2  # Government Inspectorate and CEMA: assessed, not ranked
    ranks = table["Rank"].dropna()
    tied = ranks[ranks.duplicated()]
    assert len(tied) == 1  # the factory's tie
    text = page_text(at)
    assert "not ranked" in text and f"={int(tied.iloc[0])}" in text  # shown as "=7", kept numeric
    assert "Rank change" in table.columns and "95% low" in table.columns
    markdown = " ".join(m.value for m in at.markdown)
    assert "2 not ranked" in markdown


def test_rankings_2025_provinces_are_not_compared_unit_by_unit(public_store) -> None:
    at = run_page("rankings", year="2025", lang="en")
    assert any("new list of units" in i.value for i in at.info)
    assert "Rank change" not in dataframes(at)[0].columns


def test_rankings_rank_by_a_component(public_store) -> None:
    at = run_page("rankings", year="2024", by="A3")
    table = dataframes(at)[0]
    column = next(c for c in table.columns if str(c).startswith("A3."))
    # ordered by the value as printed (2 decimals): units that print the same share a rank (issue 7, point 7)
    values = [round(v + 1e-9, 2) for v in table[column].tolist()]
    assert values == sorted(values, reverse=True)
    assert any("không phải thứ hạng chính thức" in c.value for c in at.caption)


def test_profile_follows_a_unit_across_the_merger(public_store) -> None:
    at = run_page("province", year="2025", unit="province_63:15", lang="vi")
    assert not at.exception
    assert any("Yên Bái" in i.value and "Lào Cai" in i.value for i in at.info)
    assert any(h.value.startswith("Lào Cai:") for h in at.title)
    history = dataframes(at)[-1]
    assert history["Đơn vị"].str.contains("tiền thân").any()  # predecessors' history shown as such


def test_profile_change_breakdown(public_store) -> None:
    at = run_page("province", year="2024", unit="province_63:01", lang="en")
    assert any("The total is the sum of the area points" in c.value for c in at.caption)
    metrics = {m.label: m for m in at.metric}
    assert re.match(r"^=?\d+/63$", metrics["Rank"].value)


def test_ministry_profile_unranked_unit(public_store) -> None:
    at = run_page("ministry", year="2024", unit="ministry:GI", lang="en")
    assert any("assessed but not ranked" in i.value for i in at.info)


def test_trends_rules_are_labelled(public_store) -> None:
    at = run_page("trends", year="2025", units="province_34:08", rule="weighted", lang="en")
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "weighted by their number of valid survey forms" in captions
    assert "2025: the list of units changed" in captions
    assert "2022: the method changed" in captions
    table = dataframes(at)[0]
    assert (table["Tuyen Quang *"] == "*").sum() == 4  # 2021-2024 aggregated from Hà Giang + Tuyên Quang
    at = run_page("trends", year="2025", units="province_34:08", rule="not_comparable", lang="en")
    table = dataframes(at)[0]
    assert table["Tuyen Quang"].notna().sum() == 1


def test_compare_small_multiples(public_store) -> None:
    at = run_page("compare", year="2024", units="province_63:01~province_63:79", lang="en")
    table = dataframes(at)[0]
    assert list(table.columns[1:3]) == ["Ha Noi", "Ho Chi Minh City"]
    assert table["Component"].iloc[0] == "PAR INDEX"


def test_published_record_flags(public_store) -> None:
    at = run_page("record", lang="en", ryear="2023")
    table = dataframes(at)[0]
    assert set(table["Year"]) == {2023}
    assert table["Flags"].str.contains("derived").any() or table["Flags"].str.contains("uncertain").any()
    assert table["Source"].str.len().min() > 0


def test_methodology_lists_frameworks_and_provisional(public_store) -> None:
    at = run_page("methodology", lang="en")
    frames = dataframes(at)
    assert any("Legal basis" in f.columns and f["Legal basis"].str.contains("876/QĐ-BNV").any() for f in frames)
    assert any("Provisional methods" in w.value for w in at.warning)
    # factory frameworks carry no file text, so each says it records no unverified element
    assert any("No unverified element" in c.value for c in at.caption)
    versions = next(f for f in frames if "Result id" in f.columns)
    assert len(versions) == 11 and set(versions["Data"]) == {"demo (synthetic)"}


def test_no_results_published_yet(public_store, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from backend.db import get_engine, migrate
    from backend.settings import get_settings

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate(url)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    at = run_page("overview")
    assert not at.exception
    assert any("No results" in i.value or "Chưa có kết quả" in i.value for i in at.info)
    at = run_page("methodology")
    assert not at.exception


def test_unreadable_store_shows_a_message_not_a_traceback(
    public_store, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from backend.db import get_engine
    from backend.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'nothing.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    at = run_page("overview", lang="en")
    assert not at.exception
    assert at.error and "cannot be read" in at.error[0].value


def test_tables_keep_numbers_numeric(public_store) -> None:
    at = run_page("rankings", year="2024")
    table = dataframes(at)[0]
    assert pd.api.types.is_float_dtype(table["Điểm"])  # sortable as numbers, shown as 84,38
    assert "84,38" not in table.columns


def test_profile_2025_compares_an_unchanged_province_with_itself(public_store) -> None:
    at = run_page("province", year="2025", unit="province_34:01", lang="en")
    assert not at.exception
    assert any("computed against Ha Noi in 2024" in c.value for c in at.caption)
    metrics = {m.label: m for m in at.metric}
    assert metrics["PAR INDEX"].delta and "vs 2024" in metrics["PAR INDEX"].delta
    assert re.match(r"^=?\d+/34$", metrics["Rank"].value) and not metrics["Rank"].delta
    at = run_page("province", year="2025", unit="province_34:08", lang="en")
    assert any("formed from several provinces" in c.value for c in at.caption)


def test_demo_sources_name_the_generator_and_an_unpublished_ranking_says_so(public_store) -> None:
    at = run_page("rankings", year="2024", scope="ministry", lang="en")
    captions = " ".join(c.value for c in at.caption)
    assert "Not figures of the Ministry of Home Affairs" in captions
    # the ministry announced PAR INDEX 2024 for provinces only: a 2024 ministry ranking was never published
    assert "The ministry published no PAR INDEX 2024 for Ministries and agencies" in captions
    at = run_page("rankings", year="2024", scope="province", lang="en")
    assert "published no" not in " ".join(c.value for c in at.caption)
