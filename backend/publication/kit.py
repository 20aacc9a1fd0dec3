"""The static press kit of one result set: HTML pages, charts, open data and an index of every file.

Layout of one kit (its folder is the stable path ``releases/[demo/]{index}/{year}/{scope}/v{version}/``, see
:func:`release_path`; a correction is the next version beside it, carrying the erratum and a link back)::

    index.html                 bilingual landing page
    style.css
    vi/ en/                    index.html (overview), ranking.html, map.html (provinces), downloads.html,
                               units/<code>.html (one page per unit)
    charts/                    ranking_<lang>.png, components_<lang>.png, regions_<lang>.png,
                               map_<lang>.svg and .png (provinces)
    data/                      <stem>.csv (one line per unit), <stem>_rows.csv (every row), <stem>_sdmx.csv,
                               <stem>_metadata_<lang>.csv, <stem>_<lang>.xlsx, sdmx_structure.md, datapackage.json
    ERRATUM.txt                (corrections only)
    index.json                 every other file with its size and SHA-256, and what the set is

The same set always gives the same bytes (the metadata's "generated at" is the set's publication time), so a
rebuilt kit has the same index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from backend.i18n import t
from backend.publication import charts, kit_pages, narrative, opendata
from backend.publication.bundle import Bundle
from backend.published import sources
from backend.services.exports import ExportMetadata, csv_bytes, xlsx_bytes
from backend.settings import get_settings

LANGS = ("vi", "en")
SLUGS = {"PAR_INDEX": "par-index", "SIPAS": "sipas"}


def release_path(bundle: Bundle) -> str:
    """The kit's path under the releases root: ``[demo/]{index}/{year}/{scope}/v{version}`` (demo sets apart, so
    a demo version never takes the place of an official one)."""
    info = bundle.info
    slug = SLUGS.get(info.index_code, info.index_code.lower())
    prefix = "demo/" if info.is_demo else ""
    return f"{prefix}{slug}/{info.year}/{info.unit_scope}/v{info.version}"


def stem(bundle: Bundle) -> str:
    info = bundle.info
    return f"{SLUGS.get(info.index_code, info.index_code.lower()).replace('-', '_')}_{info.year}_{info.unit_scope}_v{info.version}"


def metadata(bundle: Bundle, lang: str, url: str) -> ExportMetadata:
    """The download metadata of the kit (the public app's, with the kit's stable link); generated at the set's
    publication time so that the kit is reproducible."""
    info = bundle.info
    meta = sources.export_metadata([info], narrative.title(bundle, lang), lang, url=url)
    meta.generated_at = info.public_since or info.computed_at or dt.datetime(info.year + 1, 1, 1, tzinfo=dt.UTC)
    return meta


def _files(bundle: Bundle, base_url: str) -> dict[str, bytes]:
    """Every file of the kit but index.json: path → bytes."""
    info = bundle.info
    name = stem(bundle)
    url = f"{base_url.rstrip('/')}/releases/{release_path(bundle)}/" if base_url else ""
    metas = {lang: metadata(bundle, lang, url) for lang in LANGS}
    (_, wide), (_, long) = opendata.sheets(bundle.tables, bundle.units)
    sdmx = opendata.sdmx_frame(bundle.tables)
    out: dict[str, bytes] = {
        "style.css": (kit_pages.TEMPLATES / "style.css").read_bytes(),
        "index.html": kit_pages.landing_page(bundle),
        f"data/{name}.csv": csv_bytes(wide),
        f"data/{name}_rows.csv": csv_bytes(long),
        f"data/{name}_sdmx.csv": csv_bytes(sdmx),
        "data/sdmx_structure.md": (opendata.__doc__ or "").split("**SDMX-CSV**", 1)[1].encode("utf-8"),
    }
    resources = [
        (f"{name}.csv", wide, t("publication.kit.file_units", "en")),
        (f"{name}_rows.csv", long, t("publication.kit.file_rows", "en")),
        (f"{name}_sdmx.csv", sdmx, t("publication.kit.file_sdmx", "en")),
    ]
    settings = get_settings()
    licence = {"name": settings.open_data_licence, "title": settings.open_data_licence_title}
    out["data/datapackage.json"] = opendata.dumps(
        opendata.datapackage(name.replace("_", "-"), metas["en"], resources, licence)
    )
    for lang in LANGS:
        out[f"data/{name}_metadata_{lang}.csv"] = csv_bytes(metas[lang].frame(lang))
        workbook = xlsx_bytes([("units", wide), ("all_rows", long)], metas[lang], lang)
        out[f"data/{name}_{lang}.xlsx"] = stable_zip(workbook, metas[lang].generated_at)
        out[f"charts/ranking_{lang}.png"] = charts.ranking_chart(bundle, lang)
        for key, chart in (("components", charts.components_chart), ("regions", charts.regions_chart)):
            data = chart(bundle, lang)
            if data is not None:
                out[f"charts/{key}_{lang}.png"] = data
        svg = charts.map_figure(bundle, lang, "svg")
        if svg is not None:
            out[f"charts/map_{lang}.svg"] = svg
            out[f"charts/map_{lang}.png"] = charts.map_figure(bundle, lang, "png") or b""
    if info.erratum:
        out["ERRATUM.txt"] = (
            t("common.erratum", "vi", text=info.erratum) + "\n" + t("common.erratum", "en", text=info.erratum) + "\n"
        ).encode("utf-8")
    for lang in LANGS:
        _pages(bundle, lang, metas[lang], out)
    return out


def stable_zip(data: bytes, when: dt.datetime) -> bytes:
    """An XLSX (a zip) with every entry dated ``when`` and the workbook's created/modified times set to it, so
    that the same set gives the same bytes."""
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content)
            entry = zipfile.ZipInfo(item.filename, date_time=when.astimezone(dt.UTC).timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return buffer.getvalue()


def _pages(bundle: Bundle, lang: str, meta: ExportMetadata, out: dict[str, bytes]) -> None:
    out[f"{lang}/index.html"] = kit_pages.overview_page(bundle, lang, meta)
    out[f"{lang}/ranking.html"] = kit_pages.ranking_page(bundle, lang, meta)
    if bundle.info.unit_scope == "province":
        out[f"{lang}/map.html"] = kit_pages.map_page(bundle, lang, meta)
    for scope_code in bundle.tables.units["scope_code"]:
        page, html = kit_pages.unit_page(bundle, str(scope_code), lang, meta)
        out[f"{lang}/{page}"] = html
    listed = [
        {"path": path, "label": _label(path, lang)}
        for path in sorted(out)
        if path.startswith(("data/", "charts/")) or path == "ERRATUM.txt"
    ]
    out[f"{lang}/downloads.html"] = kit_pages.downloads_page(bundle, lang, meta, listed)


def _label(path: str, lang: str) -> str:
    name = path.rsplit("/", 1)[-1]
    for suffix, key in (
        ("_sdmx.csv", "file_sdmx"),
        ("_rows.csv", "file_rows"),
        ("datapackage.json", "file_datapackage"),
        ("sdmx_structure.md", "file_structure"),
        (".xlsx", "file_xlsx"),
        (".svg", "file_map"),
        (".png", "file_chart"),
        ("ERRATUM.txt", "file_erratum"),
    ):
        if name.endswith(suffix):
            return t(f"publication.kit.{key}", lang) + f": {name}"
    if "_metadata_" in name:
        return t("publication.kit.file_metadata", lang) + f": {name}"
    return t("publication.kit.file_units", lang) + f": {name}"


def index_document(bundle: Bundle, files: dict[str, bytes], path: str) -> dict[str, Any]:
    """What the kit is and every file in it with its size and SHA-256."""
    info = bundle.info
    return {
        "result_set_id": info.id,
        "index": info.index_code,
        "year": info.year,
        "unit_scope": info.unit_scope,
        "version": info.version,
        "dataset_kind": info.dataset_kind,
        "path": f"/releases/{path}/",
        "public_since": info.public_since.isoformat() if info.public_since else None,
        "supersedes": None
        if bundle.superseded is None
        else {"result_set_id": bundle.superseded.id, "version": bundle.superseded.version},
        "erratum": info.erratum or None,
        "files": [
            {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        ],
    }


def write_kit(bundle: Bundle, folder: Path, *, base_url: str = "") -> dict[str, Any]:
    """Write the kit of ``bundle`` into ``folder`` (created; must be empty or new); returns its index."""
    folder.mkdir(parents=True, exist_ok=True)
    files = _files(bundle, base_url)
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    document = index_document(bundle, files, release_path(bundle))
    (folder / "index.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document
