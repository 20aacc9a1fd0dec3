"""Templates of each import kind, generated from its layout (so from the questionnaire and framework files):

* **CSV**: the header row (UTF-8 with a byte-order mark, so spreadsheet programs read Vietnamese correctly);
* **XLSX**: a ``data`` sheet with the header and dropdown validation on every column with a list of allowed
  values (units of the year, choices, the answer scale with its don't-know code) and range validation on
  numbers and dates; a ``giai_thich`` (explanation) sheet describing each column in both languages, whether it
  is required and what it allows; the lists themselves on a hidden ``lists`` sheet;
* **XLSForm** (survey kinds): ``survey``, ``choices`` and ``settings`` sheets in both languages, the standard
  ODK Collect, KoboToolbox and ODK Central read, with the questionnaire's skip logic as ``relevant``
  expressions and its ranges as constraints. The CSV those tools export from it imports as is.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from backend.i18n import bilingual, both, t
from backend.ingest.layout import Column, Layout

EXPLANATION_SHEET = "giai_thich"
LISTS_SHEET = "lists"


def xlsform_languages() -> tuple[str, str]:
    """The XLSForm names of the two languages (``label::<name>`` columns, ``default_language``): each language
    named in itself, with its code, "Tiếng Việt (vi)" and "English (en)"."""
    vi, en = (f"{t('ingest.template.language', lang)} ({lang})" for lang in ("vi", "en"))
    return vi, en


def csv_template(layout: Layout) -> bytes:
    """The header row as CSV (UTF-8 with BOM)."""
    return ("\ufeff" + ",".join(layout.codes) + "\r\n").encode("utf-8")


def _allowed(column: Column, units: Sequence[str], lang: str) -> str:
    if column.type == "unit":
        return t("ingest.template.unit_values", lang)
    if column.choices:
        return ", ".join(f"{c.code} = {c.vi if lang == 'vi' else c.en}" for c in column.choices)
    if column.minimum is not None and column.maximum is not None:
        low, high = (int(v) if float(v).is_integer() else v for v in (column.minimum, column.maximum))
        return f"{low} … {high}"
    return {
        "date": "YYYY-MM-DD / DD/MM/YYYY",
        "datetime": "YYYY-MM-DD HH:MM",
        "phone": "0xxxxxxxxx",
    }.get(column.type, "")


def explanation_rows(layout: Layout, units: Sequence[str]) -> list[list[str]]:
    """One row per column: code, labels, type, required, allowed values, notes (both languages)."""
    name_vi, name_en = both("ingest.template.head.name")
    values_vi, values_en = both("ingest.template.head.values")
    head = [
        bilingual("ingest.template.head.column"),
        f"{name_vi} (vi)",
        f"{name_en} (en)",
        bilingual("ingest.template.head.type"),
        bilingual("ingest.template.head.required"),
        f"{values_vi} (vi)",
        f"{values_en} (en)",
        bilingual("ingest.template.head.note"),
    ]
    required = {True: bilingual("ingest.template.required_yes"), False: bilingual("ingest.template.required_no")}
    rows = [head]
    for c in layout.columns:
        rows.append(
            [
                c.code,
                c.vi,
                c.en,
                c.type,
                required[c.required],
                _allowed(c, units, "vi"),
                _allowed(c, units, "en"),
                " / ".join(x for x in (c.note_vi, c.note_en) if x),
            ]
        )
    return rows


def xlsx_template(layout: Layout, units: Sequence[str], rows: int = 2000) -> bytes:
    """The XLSX template (see the module docstring); dropdowns cover the first ``rows`` data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    data = book.active
    assert data is not None
    data.title = "data"
    data.append(layout.codes)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for cell in data[1]:
        cell.font, cell.fill = bold, fill
    data.freeze_panes = "A2"
    explanation = book.create_sheet(EXPLANATION_SHEET)
    for row in explanation_rows(layout, units):
        explanation.append(row)
    for cell in explanation[1]:
        cell.font = bold
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    for position, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(position)
        target = f"{letter}2:{letter}{rows + 1}"
        values = _list_values(column, layout, units)
        data.column_dimensions[letter].width = max(10, min(40, len(column.code) + 4))
        if values:
            list_column += 1
            lists_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.code)
            for i, value in enumerate(values, start=2):
                lists.cell(row=i, column=list_column, value=value)
            source = f"{quote_sheetname(LISTS_SHEET)}!${lists_letter}$2:${lists_letter}${len(values) + 1}"
            check = DataValidation(type="list", formula1=source, allow_blank=not column.required)
        elif column.type in ("integer", "number") and column.minimum is not None and column.maximum is not None:
            kind = "whole" if column.type == "integer" else "decimal"
            check = DataValidation(
                type=kind, operator="between", formula1=str(column.minimum), formula2=str(column.maximum)
            )
        else:
            continue
        check.error = f"{column.vi} / {column.en}: {_allowed(column, units, 'vi')}"
        check.errorTitle = column.code
        check.showErrorMessage = True
        data.add_data_validation(check)
        check.add(target)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _list_values(column: Column, layout: Layout, units: Sequence[str]) -> list[str]:
    if column.type == "unit":
        return list(units)
    if column.type == "answer" and layout.survey is not None:
        low, high = layout.survey.scale
        return [str(v) for v in range(low, high + 1)] + [str(layout.survey.dont_know)]
    if column.type == "choice":
        return [c.code for c in column.choices]
    return []


# --- XLSForm -------------------------------------------------------------------------------------------------
def _labels(vi: str, en: str) -> dict[str, str]:
    name_vi, name_en = xlsform_languages()
    return {f"label::{name_vi}": vi, f"label::{name_en}": en}


def xlsform_sheets(layout: Layout, units: Sequence[tuple[str, str, str]]) -> dict[str, list[dict[str, str]]]:
    """The survey, choices and settings rows of the XLSForm of a survey layout (``units``: code, vi, en)."""
    survey = layout.survey
    if survey is None:
        raise ValueError("XLSForm exists for the survey kinds only")
    rows: list[dict[str, str]] = [{"type": "start", "name": "started_at"}, {"type": "end", "name": "finished_at"}]
    choices: list[dict[str, str]] = [{"list_name": "unit", "name": c, **_labels(vi, en)} for c, vi, en in units]
    low, high = survey.scale
    dont_know = bilingual("ingest.template.dont_know")
    for v in [*range(low, high + 1), survey.dont_know]:
        label = str(v) if v != survey.dont_know else dont_know
        choices.append({"list_name": "scale", "name": str(v), **_labels(label, label)})
    rows.append({"type": "begin_group", "name": "identification", **_labels(*both("ingest.template.group.form"))})
    start, end = survey.fieldwork
    for column in layout.columns:
        if column.role != "form" or column.code in ("started_at", "finished_at"):
            continue
        rows.append(_form_row(column, choices, start.isoformat(), end.isoformat()))
    rows.append({"type": "end_group", "name": "identification"})
    if layout.facts:
        rows.append({"type": "begin_group", "name": "profile", **_labels(*both("ingest.template.group.respondent"))})
        for column in layout.facts:
            rows.append(_fact_row(column, choices))
        rows.append({"type": "end_group", "name": "profile"})
    for name, vi, en, items, relevant in _item_groups(layout):
        rows.append({"type": "begin_group", "name": name, **_labels(vi, en), "relevant": relevant})
        for item in items:
            rows.append({"type": "select_one scale", "name": item.code, **_labels(item.vi, item.en), "required": "yes"})
        rows.append({"type": "end_group", "name": name})
    version = f"{layout.year}01"
    settings = [
        {
            "form_title": f"{survey.index_code} {layout.year}",
            "form_id": f"{survey.index_code.lower()}_{layout.year}",
            "version": version,
            "default_language": xlsform_languages()[0],
        }
    ]
    return {"survey": rows, "choices": choices, "settings": settings}


def _form_row(column: Column, choices: list[dict[str, str]], start: str, end: str) -> dict[str, str]:
    row = {"name": column.code, **_labels(column.vi, column.en), "required": "yes" if column.required else ""}
    if column.code == "form_code":
        return {"type": "calculate", "name": column.code, "calculation": "once(uuid())"}
    if column.type == "unit":
        row["type"] = "select_one unit"
    elif column.type == "choice":
        list_name = column.code
        choices.extend({"list_name": list_name, "name": c.code, **_labels(c.vi, c.en)} for c in column.choices)
        row["type"] = f"select_one {list_name}"
    elif column.type == "date":
        row.update(type="date", default="today()", constraint=f". >= date('{start}') and . <= date('{end}')")
    elif column.type == "phone":
        row.update(type="text", appearance="numbers", constraint="regex(., '^0[0-9]{9,10}$')")
    else:
        row["type"] = "text"
    return row


def _fact_row(column: Column, choices: list[dict[str, str]]) -> dict[str, str]:
    row = {"name": column.code, **_labels(column.vi, column.en), "required": "yes" if column.required else ""}
    if column.type in ("choice", "multi"):
        choices.extend({"list_name": column.code, "name": c.code, **_labels(c.vi, c.en)} for c in column.choices)
        row["type"] = ("select_one " if column.type == "choice" else "select_multiple ") + column.code
        if column.exclusive:
            row["constraint"] = f"not(selected(., '{column.exclusive}') and count-selected(.) > 1)"
    else:
        row["type"] = "integer"
        if column.minimum is not None and column.maximum is not None:
            row["constraint"] = f". >= {int(column.minimum)} and . <= {int(column.maximum)}"
    return row


def _item_groups(layout: Layout) -> list[tuple[str, str, str, list[Column], str]]:
    """Item groups with the questionnaire's skip logic as ``relevant`` expressions."""
    survey = layout.survey
    assert survey is not None
    items = layout.items
    if survey.index_code == "SIPAS":
        groups = []
        for name, prefix, (vi, en) in (
            ("policy", "POL.", both("ingest.template.group.policy")),
            ("service", "SRV.", both("ingest.template.group.service")),
            ("overall", "OVERALL", both("ingest.template.group.overall")),
        ):
            relevant = " and ".join(
                f"not(selected(${{{rule.field}}}, '{rule.unless}'))"
                for rule in survey.skips
                if prefix.startswith(rule.prefix)
            )
            groups.append((name, vi, en, [i for i in items if i.code.startswith(prefix)], relevant))
        return groups
    out = []
    for scope, prefix, (vi, en) in (
        ("province", "PRV.", both("ingest.template.group.province_items")),
        ("ministry", "MIN.", both("ingest.template.group.ministry_items")),
    ):
        codes = [g.code for g in survey.groups if g.scope == scope]
        relevant = " or ".join(f"${{respondent_group}} = '{c}'" for c in codes)
        out.append((f"{scope}_items", vi, en, [i for i in items if i.code.startswith(prefix)], relevant))
    return out


def xlsform_template(layout: Layout, units: Sequence[tuple[str, str, str]]) -> bytes:
    """The XLSForm workbook (survey, choices, settings)."""
    from openpyxl import Workbook

    sheets = xlsform_sheets(layout, units)
    book = Workbook()
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet(name)
        assert sheet is not None
        sheet.title = name
        first = False
        header: list[str] = []
        for row in rows:
            for key in row:
                if key not in header:
                    header.append(key)
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(key, "") for key in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
