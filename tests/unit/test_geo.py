"""The geo loader gives 63 provinces before the reform and 34 after, small enough for the browser."""

from __future__ import annotations

from shapely.geometry import Point, shape

from geo.loader import ARCHIPELAGOS, boundaries, geojson_for_year, geojson_size_bytes, province_count_for_year


def test_boundary_set_by_year() -> None:
    assert province_count_for_year(2024) == 63 and province_count_for_year(2025) == 34
    assert len(boundaries(2024)) == 63
    b34 = boundaries(2025)
    assert len(b34) == 34 and b34.loc["79", "name_vi"] == "TP. Hồ Chí Minh"


def test_simplified_geojson_is_small_and_keyed_by_code() -> None:
    for year in (2024, 2025):
        assert geojson_size_bytes(year) < 1_000_000
        data = geojson_for_year(year)
        assert all(f["id"] == f["properties"]["code"] for f in data["features"])


def test_archipelagos_belong_to_da_nang_and_khanh_hoa() -> None:
    for year in (2024, 2025):
        features = {f["id"]: shape(f["geometry"]) for f in geojson_for_year(year)["features"]}
        for arch in ARCHIPELAGOS:
            province = features[arch["province_code"]]
            # the islets of the archipelago lie within 1.5 degrees of its label point
            assert province.distance(Point(arch["lon"], arch["lat"])) < 1.5
        assert features["48"].bounds[2] > 111.5  # Hoàng Sa islets east of 111.5°E
        assert features["56"].bounds[2] > 114.0  # Trường Sa islets east of 114°E
