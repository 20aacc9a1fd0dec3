"""Small files for the import tests, generated from the layouts (never written by hand), and a store per backend.

:func:`sipas_rows` / :func:`official_rows` give valid rows of the 2024 layouts; tests change a cell and check the
rule that fires. :func:`csv_bytes` writes rows with any separator and encoding; :func:`xlsx_bytes` writes them to
a workbook (optionally with a formula or a merged range).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.db import get_engine, migrate, session_scope
from backend.frameworks import load_all, sync_frameworks
from backend.ingest.layout import layout
from backend.reference.loader import load_reference
from backend.services.ingestion import ImportRequest, ImportSummary, import_file
from backend.settings import REPO_ROOT
from tests.factories import Staff

YEAR = 2024
ANALYST = Staff("analyst", "analyst")
COUNTED = (
    "survey_form",
    "answer",
    "import_batch",
    "quarantine_row",
    "assessment_score",
    "fieldwork_plan",
    "interviewer",
)


def sipas_rows(n: int, year: int = YEAR, start: int = 0) -> list[dict[str, str]]:
    lay = layout("sipas", year)
    rows = []
    for i in range(start, start + n):
        row = dict.fromkeys(lay.codes, "")
        row.update(
            form_code=f"F{i:05d}",
            unit="Hà Nội",
            district_code="H01",
            commune_code="X01",
            village_code=f"T{i % 3:02d}",
            interviewer=f"IV{i % 2}",
            collected_on=f"{year}-09-{1 + i % 28:02d}",
            started_at=f"{year}-09-{1 + i % 28:02d} 08:00",
            finished_at=f"{year}-09-{1 + i % 28:02d} 08:35",
            respondent_phone=f"09{i:08d}",
            gender="female" if i % 2 else "male",
            birth_year=str(1960 + i % 40),
            services_used="land civil_status",
        )
        for j, item in enumerate(lay.items):
            row[item.code] = str(1 + (i + j) % 5)
        rows.append(row)
    return rows


def official_rows(n: int, year: int = YEAR) -> list[dict[str, str]]:
    lay = layout("official", year)
    rows = []
    for i in range(n):
        ministry = i % 2 == 1
        row = dict.fromkeys(lay.codes, "")
        row.update(
            form_code=f"P{i:05d}",
            unit="Bộ Nội vụ" if ministry else "Đà Nẵng",
            respondent_group="ministry_official" if ministry else "division_head",
            collected_on=f"{year}-10-{1 + i % 28:02d}",
        )
        for j, item in enumerate(lay.items):
            if item.code.startswith("MIN." if ministry else "PRV."):
                row[item.code] = str(1 + (i + j) % 5)
        rows.append(row)
    return rows


def csv_bytes(
    rows: Sequence[dict[str, str]], *, sep: str = ",", encoding: str = "utf-8", columns: Sequence[str] | None = None
) -> bytes:
    buffer = io.StringIO()
    names = list(columns or rows[0].keys())
    writer = csv.DictWriter(buffer, fieldnames=names, delimiter=sep, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[dict[str, str]], *, formula: tuple[int, str] | None = None, merge: str | None = None
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    names = list(rows[0].keys())
    sheet.append(names)
    for row in rows:
        sheet.append([row[n] for n in names])
    if formula is not None:
        line, column = formula
        sheet.cell(row=line, column=names.index(column) + 1, value="=1+2")
    if merge is not None:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(session: Session, data: bytes, *, kind: str = "sipas", name: str = "file.csv", **options: Any) -> ImportSummary:
    actor = options.pop("actor", None) or ANALYST(session)
    request = ImportRequest(kind=kind, year=options.pop("year", YEAR), file_name=name, data=data, **options)
    return import_file(session, actor=actor, request=request)


def counts(session: Session) -> dict[str, int]:
    conn = session.connection()
    return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in COUNTED}


def rules(summary: ImportSummary) -> set[str]:
    return {p.code for p in summary.problems}


def build_store(url: str) -> Engine:
    """Migrated store with reference data and the real frameworks."""
    migrate(url)
    engine = get_engine(url)
    with session_scope(engine) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")
    with session_scope(engine) as session:
        sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
    return engine


def store_engine(request: pytest.FixtureRequest, folder: Path) -> Iterator[Engine]:
    """A built store on SQLite (a file) or PostgreSQL (a throwaway database), per ``request.param``."""
    server = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'ingest.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database()
    engine = build_store(url)
    yield engine
    engine.dispose()
    get_engine.cache_clear()
    if server is not None:
        server.drop_database(url)
