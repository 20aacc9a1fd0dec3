"""Boundary sets by evaluation year, keyed by province code.

The 63-province set applies to evaluation years up to 2024 (the units in force on 31 December of the
year); the 34-province set from 2025, since the new provinces took office on 2025-07-01. Both files
include the Hoàng Sa (Paracel) islets in Đà Nẵng (code 48) and the Trường Sa (Spratly) islets in
Khánh Hòa (code 56); see geo/SOURCES.md. Because those islets are tiny at national scale, maps also
draw the labelled points in :data:`ARCHIPELAGOS`.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

GEO_DIR = Path(__file__).resolve().parent
SWITCH_DATE = dt.date(2025, 7, 1)
FILES = {63: GEO_DIR / "vn_provinces_63.geojson", 34: GEO_DIR / "vn_provinces_34.geojson"}

# Label points (lon, lat) for the two archipelagos and the province (code in each set) they belong to.
ARCHIPELAGOS: tuple[dict[str, Any], ...] = (
    {
        "name_vi": "Quần đảo Hoàng Sa (Đà Nẵng)",
        "name_en": "Hoang Sa (Paracel) Islands (Da Nang)",
        "lon": 112.0,
        "lat": 16.3,
        "province_code": "48",
    },
    {
        "name_vi": "Quần đảo Trường Sa (Khánh Hòa)",
        "name_en": "Truong Sa (Spratly) Islands (Khanh Hoa)",
        "lon": 114.3,
        "lat": 9.9,
        "province_code": "56",
    },
)


def province_count_for_year(year: int) -> int:
    """63 for evaluation years before the 2025 reform, 34 from 2025 (units in force on 31 December)."""
    return 34 if dt.date(year, 12, 31) >= SWITCH_DATE else 63


@lru_cache(maxsize=2)
def _raw(count: int) -> dict[str, Any]:
    with FILES[count].open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def boundaries(year: int) -> Any:
    """GeoDataFrame (code, name_vi, name_en, iso_3166_2, geometry) for the provinces of ``year``, indexed by code."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(_raw(province_count_for_year(year))["features"], crs="EPSG:4326")
    return frame.set_index("code", drop=False).sort_index()


@lru_cache(maxsize=8)
def _simplified(count: int, tolerance: float, precision: int) -> str:
    from shapely.geometry import mapping, shape

    features = []
    for feature in _raw(count)["features"]:
        geom = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
        props = {k: feature["properties"][k] for k in ("code", "name_vi", "name_en")}
        features.append(
            {"type": "Feature", "id": props["code"], "properties": props, "geometry": _round(mapping(geom), precision)}
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))


def _round(geometry: Any, precision: int) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), precision) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def geojson_for_year(year: int, tolerance: float = 0.01, precision: int = 3) -> dict[str, Any]:
    """A simplified FeatureCollection for the browser (feature ``id`` and ``properties.code`` = province code).

    With the defaults the 63-province collection is well under 1 MB; islets smaller than the tolerance
    are kept by ``preserve_topology`` as tiny polygons, and :data:`ARCHIPELAGOS` labels mark them.
    """
    data: dict[str, Any] = json.loads(_simplified(province_count_for_year(year), tolerance, precision))
    return data


def geojson_size_bytes(year: int, tolerance: float = 0.01, precision: int = 3) -> int:
    return len(_simplified(province_count_for_year(year), tolerance, precision).encode("utf-8"))
