"""Files the data-in pages and commands hand out: import templates and error reports (issue 8, points 1-2).

Error reports are CSV or XLSX through the one export module (backend/services/exports.py: formulas neutralised,
a metadata sheet): one row per problem with the line, column, value (phone numbers masked), rule code and the
message in Vietnamese and English. Templates are generated from the layout of the kind and year
(backend/ingest/templates.py), with the year's units for the dropdowns.
"""

from __future__ import annotations

from sqlmodel import Session

from backend.frameworks import load_all
from backend.frameworks.sync import framework_for
from backend.i18n import bilingual
from backend.ingest import templates
from backend.ingest.layout import Layout, layout, normal_kind
from backend.ingest.store import unit_kinds
from backend.reference.units import units_valid_on
from backend.services.exports import ExportMetadata, csv_bytes, xlsx_bytes
from backend.services.ingestion import ImportSummary
from backend.settings import get_settings

FORMATS = ("csv", "xlsx", "xlsform")


def error_report(summary: ImportSummary, fmt: str = "csv") -> bytes:
    """Every problem of an import as CSV or XLSX."""
    frame = summary.error_frame()
    if fmt == "csv":
        return csv_bytes(frame)
    meta = ExportMetadata(
        title=f"{bilingual('ingest.report.title')}: {summary.file_name}",
        year=str(summary.year),
        notes=[f"kind {summary.kind}", f"SHA-256 {summary.sha256}", f"rows read {summary.rows_read}"],
    )
    return xlsx_bytes({"errors": frame}, meta)


def template_layout(kind: str, year: int, scope: str = "province") -> Layout:
    kind = normal_kind(kind)
    if kind == "self_assessment":
        spec = framework_for(load_all(get_settings().frameworks_dir), "PAR_INDEX", scope, year)
        return layout(kind, year, framework=spec, scope=scope)
    return layout(kind, year)


def _units(session: Session, lay: Layout) -> list[tuple[str, str, str]]:
    kinds, on = unit_kinds(session, lay.kind, lay.year, lay.scope or "province")
    units = [u for kind in kinds for u in units_valid_on(session, kind, on)]
    return [(u.code if lay.kind != "official" else f"{u.kind}:{u.code}", u.name_vi, u.name_en) for u in units]


def template_file(session: Session, kind: str, year: int, fmt: str, scope: str = "province") -> tuple[str, bytes]:
    """(suggested file name, bytes) of the template of ``kind`` for ``year`` in ``fmt`` (csv, xlsx, xlsform)."""
    lay = template_layout(kind, year, scope)
    units = _units(session, lay)
    stem = f"{lay.kind}_{year}" + (f"_{scope}" if lay.kind == "self_assessment" else "")
    if fmt == "csv":
        return f"{stem}.csv", templates.csv_template(lay)
    if fmt == "xlsx":
        return f"{stem}.xlsx", templates.xlsx_template(lay, [name for _, name, _ in units])
    if fmt == "xlsform":
        return f"{stem}_xlsform.xlsx", templates.xlsform_template(lay, units)
    raise ValueError(f"unknown template format {fmt!r}")
