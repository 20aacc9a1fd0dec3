"""The annual report of one approved result set: a DOCX from the ministry's editable template, and its PDF.

* :func:`report_context` fills the template's placeholders (data/report/README.md) from a
  :class:`~backend.publication.bundle.Bundle`: every number is a row of the read model, formatted by
  :mod:`backend.published.fmt` through :mod:`~backend.publication.narrative`;
* :func:`render_docx` renders ``data/report/report_<lang>.docx`` with docxtpl (charts as images);
* :func:`docx_to_pdf` converts with LibreOffice headless (Debian's ``libreoffice-writer-nogui``), each call with
  its own profile folder so that two conversions can run at once;
* :func:`draft_report` does all three for the chosen languages, for an actor allowed to ``draft_report``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from backend.auth.permissions import Actor
from backend.errors import DomainError
from backend.i18n import t
from backend.publication import charts, narrative
from backend.publication.bundle import Bundle, load_bundle
from backend.published import fmt, sources
from backend.settings import get_settings

#: seconds LibreOffice may take for one conversion
PDF_TIMEOUT = 240


@dataclass(frozen=True)
class ReportFiles:
    docx: dict[str, Path]
    pdf: dict[str, Path]


def template_path(lang: str) -> Path:
    return get_settings().data_dir / "report" / f"report_{lang}.docx"


def file_stem(bundle: Bundle, lang: str) -> str:
    info = bundle.info
    return f"{info.index_code.lower()}_{info.year}_{info.unit_scope}_v{info.version}_report_{lang}"


def report_context(bundle: Bundle, lang: str) -> dict[str, Any]:
    """The values of the template's placeholders (text only; images and the subdocument are added by
    :func:`render_docx`)."""
    info = bundle.info
    summary = bundle.overview.summary
    tr = lambda key, **kw: t(f"publication.{key}", lang, **kw)  # noqa: E731
    return {
        "title": narrative.title(bundle, lang),
        "subtitle": tr(
            "subtitle",
            version=info.version,
            id=info.id,
            status=t(f"workflow.status.{bundle.status}", lang),
            date=fmt.date_text(info.public_since, lang) if info.public_since else tr("not_scheduled"),
        ),
        "demo_note": t("demo.mark", lang) + ". " + info.dataset_source(lang) if info.is_demo else "",
        "erratum": t("common.erratum", lang, text=info.erratum) if info.erratum else "",
        "provisional_note": t("common.provisional_method", lang) if info.is_provisional else "",
        "headline": narrative.headline(bundle, lang),
        "moves": narrative.moves(bundle, lang),
        "groups": narrative.group_rows(bundle, lang),
        "ranking": narrative.ranking_rows(bundle, lang),
        "components": narrative.component_rows(bundle, lang),
        "regions": narrative.region_rows(bundle, lang),
        "risers": narrative.mover_rows(bundle, summary.risers, lang),
        "fallers": narrative.mover_rows(bundle, summary.fallers, lang),
        "no_movers": narrative.moves(bundle, lang) if not summary.comparable else tr("none"),
        "profiles": [
            {
                "name": bundle.tables.unit_name(view.unit["unit_id"], lang),
                "text": narrative.profile_paragraph(bundle, view, lang),
            }
            for view in bundle.profiles()
        ],
        "method": narrative.method_lines(bundle, lang),
        "provisional": narrative.provisional_rows(bundle, lang),
        "source": sources.source_line(info, lang),
        "chart_ranking_caption": tr("chart.ranking_caption", title=narrative.title(bundle, lang)),
        "map_caption": t("map.islands", lang),
    }


def render_docx(bundle: Bundle, lang: str, template: Path | None = None) -> bytes:
    """The report of ``bundle`` in ``lang`` as DOCX bytes, from the template (default: the data folder's)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    source = template or template_path(lang)
    if not source.exists():
        raise DomainError.of("publication.template_missing", path=str(source))
    document = DocxTemplate(str(source))
    context = report_context(bundle, lang)

    def image(data: bytes | None, width: float = 160) -> Any:
        return InlineImage(document, io.BytesIO(data), width=Mm(width)) if data else ""

    context["chart_ranking"] = image(charts.ranking_chart(bundle, lang))
    context["chart_components"] = image(charts.components_chart(bundle, lang))
    context["chart_regions"] = image(charts.regions_chart(bundle, lang))
    context["map"] = image(charts.map_figure(bundle, lang, "png"), 120)
    context["unit_components"] = _unit_components(document, bundle, lang)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _unit_components(document: Any, bundle: Bundle, lang: str) -> Any:
    """The units × components table (its columns depend on the year's method) as a subdocument."""
    from docx.shared import Pt

    header, rows = narrative.unit_component_table(bundle, lang)
    sub = document.new_subdoc()
    table = sub.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
    return sub


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless; raises a bilingual error when it is missing or fails."""
    binary = soffice()
    if binary is None:
        raise DomainError.of("publication.pdf_no_office")
    with tempfile.TemporaryDirectory(prefix="par-lo-") as profile:
        command = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DomainError.of("publication.pdf_failed", detail=f"timeout after {PDF_TIMEOUT} s") from exc
    pdf = out_dir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise DomainError.of("publication.pdf_failed", detail=(done.stderr or done.stdout).strip()[:300])
    return pdf


def draft_report(
    session: Session,
    result_set_id: int,
    out_dir: Path,
    *,
    actor: Actor,
    langs: tuple[str, ...] = ("vi", "en"),
    pdf: bool = True,
) -> ReportFiles:
    """The report of an approved (or published) set in each language, as DOCX and (``pdf``) PDF files."""
    bundle = load_bundle(session, result_set_id, actor=actor, action="draft_report")
    out_dir.mkdir(parents=True, exist_ok=True)
    docx_files, pdf_files = {}, {}
    for lang in langs:
        path = out_dir / f"{file_stem(bundle, lang)}.docx"
        path.write_bytes(render_docx(bundle, lang))
        docx_files[lang] = path
        if pdf:
            pdf_files[lang] = docx_to_pdf(path, out_dir)
    return ReportFiles(docx_files, pdf_files)
