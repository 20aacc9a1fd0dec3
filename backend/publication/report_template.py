"""How the default report templates (data/report/report_vi.docx, report_en.docx) were made.

The committed .docx files are the source of the report's layout and wording: the ministry edits them in Word or
LibreOffice Writer (see data/report/README.md for the placeholders). This module only writes the first version
of each, or restores it: ``python -m backend report --write-template DIR`` (never over an existing file).

A template is a DOCX with Jinja tags (docxtpl): ``{{ name }}`` prints a value, ``{%p for … %}`` repeats a
paragraph, ``{%tr for … %}`` repeats a table row, ``{{p unit_components }}`` inserts the units × components
table built by the report (its columns depend on the method of the year).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from backend.i18n import t

RANKING_FIELDS = ("rank", "code", "name", "value", "change", "rank_change", "group")


def _table(document: DocxDocument, headers: list[str], fields: list[str], rows: str, item: str = "r") -> None:
    """A table with a header row (repeated on every page) and one Jinja row repeated over ``rows``."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    table.rows[1].cells[0].text = f"{{%tr for {item} in {rows} %}}"
    for cell, field in zip(table.rows[2].cells, fields, strict=True):
        cell.text = f"{{{{ {item}.{field} }}}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _tag(document: DocxDocument, text: str) -> None:
    document.add_paragraph(text)


def build_template(lang: str) -> DocxDocument:
    """The default template of ``lang`` (headings and column names from the catalogue)."""
    tr = lambda key, **kw: t(f"publication.{key}", lang, **kw)  # noqa: E731
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    document.add_paragraph("{{ title }}", style="Title")
    document.add_paragraph("{{ subtitle }}")
    _tag(document, "{%p if demo_note %}")
    warning = document.add_paragraph().add_run("{{ demo_note }}")
    warning.bold = True
    warning.font.color.rgb = RGBColor(0xB2, 0x18, 0x2B)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if erratum %}")
    document.add_paragraph("{{ erratum }}").runs[0].bold = True
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if provisional_note %}")
    document.add_paragraph("{{ provisional_note }}").runs[0].italic = True
    _tag(document, "{%p endif %}")

    document.add_heading(tr("section.overview"), level=1)
    document.add_paragraph("{{ headline }}")
    document.add_paragraph("{{ moves }}")
    _tag(document, "{%p if groups %}")
    document.add_heading(tr("section.groups"), level=2)
    _table(document, [tr("col.group"), tr("col.count")], ["group", "count"], "groups")
    _tag(document, "{%p endif %}")
    image = document.add_paragraph("{{ chart_ranking }}")
    image.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{{ chart_ranking_caption }}", style="Caption")

    document.add_heading(tr("section.ranking"), level=1)
    _table(
        document,
        [tr(f"col.{f}") for f in RANKING_FIELDS],
        list(RANKING_FIELDS),
        "ranking",
    )

    _tag(document, "{%p if components %}")
    document.add_heading(tr("section.components"), level=1)
    _table(
        document,
        [tr("col.component"), tr("col.national"), tr("col.max"), tr("col.pct"), tr("col.change"), tr("col.leader")],
        ["name", "value", "max", "pct", "change", "leader"],
        "components",
    )
    document.add_paragraph("{{ chart_components }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(tr("section.unit_components"), level=2)
    _tag(document, "{{p unit_components }}")
    _tag(document, "{%p endif %}")

    _tag(document, "{%p if regions %}")
    document.add_heading(tr("section.regions"), level=1)
    _table(
        document,
        [tr("col.region"), tr("col.value"), tr("col.units"), tr("col.change")],
        ["name", "value", "n", "change"],
        "regions",
    )
    document.add_paragraph("{{ chart_regions }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if map %}")
    document.add_paragraph("{{ map }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{{ map_caption }}", style="Caption")
    _tag(document, "{%p endif %}")

    document.add_heading(tr("section.movers"), level=1)
    for key in ("risers", "fallers"):
        document.add_heading(tr(f"section.{key}"), level=2)
        _tag(document, f"{{%p if {key} %}}")
        _table(
            document,
            [tr("col.name"), tr("col.value"), tr("col.change"), tr("col.rank")],
            ["name", "value", "change", "rank"],
            key,
        )
        _tag(document, "{%p else %}")
        document.add_paragraph("{{ no_movers }}")
        _tag(document, "{%p endif %}")

    document.add_heading(tr("section.profiles"), level=1)
    _tag(document, "{%p for p in profiles %}")
    document.add_paragraph("{{ p.name }}", style="Heading 3")
    document.add_paragraph("{{ p.text }}")
    _tag(document, "{%p endfor %}")

    document.add_heading(tr("section.method"), level=1)
    _tag(document, "{%p for line in method %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    document.add_paragraph("{{ source }}")
    document.add_heading(tr("section.provisional"), level=2)
    _tag(document, "{%p if provisional %}")
    _tag(document, "{%p for line in provisional %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p else %}")
    document.add_paragraph(tr("no_provisional"))
    _tag(document, "{%p endif %}")
    return document


def write_templates(folder: Path) -> list[Path]:
    """Write report_vi.docx and report_en.docx into ``folder``; an existing file is never replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ("vi", "en"):
        path = folder / f"report_{lang}.docx"
        if path.exists():
            continue
        build_template(lang).save(str(path))
        written.append(path)
    return written
