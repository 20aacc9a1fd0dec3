"""Demo entries of the PAR database: generated documents and figures, labelled demo (issue 11).

Seeded (same seed, same entries). Each document is a plan, report, decision, guidance or official letter of a
province or ministry valid in its year (or of the Ministry of Home Affairs for the country as a whole), on one
reform topic, with a number in the usual form (``123/KH-UBND``), a date within its year and a one-line summary;
every unit and year also gets a few figures (share of procedures online, files handled on time …). The
dataset is ``kind='demo'``; its parameters carry the source line naming this generator, so no page can show
these entries as official. Published as generated, they are indexed for search (backend/search.py) in the
caller's transaction. Used by ``python -m backend demo-pardb``, the benchmarks and the tests.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text

from backend import search
from backend.i18n import t
from backend.models import Dataset, ParDocument, ParFigure, Topic, Unit

GENERATOR_VERSION = 1
DATASET_NAME = "demo-pardb"
CHUNK = 5_000
_DATASET = Dataset.__table__  # type: ignore[attr-defined]
_DOCUMENT = ParDocument.__table__  # type: ignore[attr-defined]
_FIGURE = ParFigure.__table__  # type: ignore[attr-defined]
_UNIT = Unit.__table__  # type: ignore[attr-defined]
_TOPIC = Topic.__table__  # type: ignore[attr-defined]

# kind -> (number symbol, title pattern): {topic} {year} {period} {unit}
KINDS: dict[str, tuple[str, str]] = {
    "plan": ("KH", "Kế hoạch {topic} năm {year}"),
    "report": ("BC", "Báo cáo kết quả {topic} {period} năm {year}"),
    "decision": ("QĐ", "Quyết định ban hành quy chế về {topic} năm {year}"),
    "guidance": ("HD", "Hướng dẫn thực hiện {topic} năm {year}"),
    "other": ("CV", "Công văn về việc đôn đốc {topic} năm {year}"),
}
PERIODS = ("quý I", "quý II", "6 tháng đầu năm", "quý III", "9 tháng", "cả năm")
# topic -> what the documents are about (Vietnamese, lower case)
TOPIC_PHRASES: dict[str, str] = {
    "direction": "công tác chỉ đạo, điều hành cải cách hành chính",
    "institutions": "xây dựng và rà soát văn bản quy phạm pháp luật",
    "procedures": "kiểm soát thủ tục hành chính, thực hiện cơ chế một cửa, một cửa liên thông",
    "apparatus": "sắp xếp tổ chức bộ máy hành chính nhà nước",
    "civil_service": "quản lý cán bộ, công chức, viên chức và chế độ công vụ",
    "public_finance": "cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập",
    "digital": "chuyển đổi số, dịch vụ công trực tuyến và chính quyền số",
    "impact": "đo lường sự hài lòng của người dân, tổ chức",
    "services": "nâng cao chất lượng phục vụ hành chính công",
    "general": "cải cách hành chính",
}
# code -> (name_vi, name_en, measure, topic, low, high, decimals)
FIGURES: dict[str, tuple[str, str, str, str, float, float, int]] = {
    "online_share": (
        "Tỷ lệ thủ tục hành chính cung cấp trực tuyến toàn trình",
        "Share of procedures fully online",
        "%",
        "digital",
        20,
        95,
        1,
    ),
    "on_time": ("Tỷ lệ hồ sơ giải quyết đúng hạn", "Share of files handled on time", "%", "procedures", 85, 100, 1),
    "digitised": ("Tỷ lệ hồ sơ được số hóa", "Share of files digitised", "%", "digital", 10, 90, 1),
    "par_documents": (
        "Số văn bản chỉ đạo, điều hành về cải cách hành chính",
        "Direction documents on reform",
        "văn bản",
        "direction",
        5,
        60,
        0,
    ),
}


@dataclass(frozen=True)
class PardbReport:
    dataset: str
    documents: int
    figures: int

    def __str__(self) -> str:
        return f"{self.dataset}: {self.documents:,} documents, {self.figures:,} figures (demo)"


def _units_by_year(connection: Connection, years: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    rows = [
        dict(r)
        for r in connection.execute(
            select(
                _UNIT.c.id,
                _UNIT.c.kind,
                _UNIT.c.code,
                _UNIT.c.name_vi,
                _UNIT.c.name_en,
                _UNIT.c.valid_from,
                _UNIT.c.valid_to,
            )
        ).mappings()
    ]
    by_year = {}
    for year in years:
        day = dt.date(year, 12, 31) if year < 2025 else dt.date(year, 7, 1)
        by_year[year] = [r for r in rows if r["valid_from"] <= day and (r["valid_to"] is None or day <= r["valid_to"])]
    return by_year


def _document(rng: random.Random, year: int, unit: dict[str, Any] | None, topics: list[str]) -> dict[str, Any]:
    kind = rng.choice(list(KINDS))
    symbol, pattern = KINDS[kind]
    topic = rng.choice(topics)
    phrase = TOPIC_PHRASES.get(topic, TOPIC_PHRASES["general"])
    if unit is None:
        issuer, suffix = "Bộ Nội vụ", "BNV"
    elif unit["kind"] == "ministry":
        issuer, suffix = unit["name_vi"], f"B{unit['code']}"
    else:
        issuer, suffix = f"Ủy ban nhân dân {unit['name_vi']}", "UBND"
    issued = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    title = pattern.format(topic=phrase, year=year, period=rng.choice(PERIODS))
    summary = f"{issuer} {'ban hành' if kind != 'report' else 'báo cáo'} về {phrase} trong năm {year}."
    return {
        "kind": kind,
        "issuer": issuer,
        "number": f"{rng.randrange(1, 3000)}/{symbol}-{suffix}",
        "issued_on": issued,
        "unit_id": unit["id"] if unit else None,
        "year": year,
        "topic_code": topic,
        "title": title,
        "summary": summary,
        "url": "",
        "status": "published",
    }


def _dataset(connection: Connection, seed: int, documents: int, years: Sequence[int]) -> int:
    request = {"version": GENERATOR_VERSION, "seed": seed, "documents": documents}
    source_vi, source_en = (t("pardb.demo_source", lang, **request) for lang in ("vi", "en"))
    request["years"] = list(years)  # type: ignore[assignment]
    parameters = json.dumps(
        {**request, "generator": "backend.demo.pardb", "source_vi": source_vi, "source_en": source_en},
        ensure_ascii=False,
    )
    values = {
        "name": DATASET_NAME,
        "kind": "demo",
        "description": f"{source_vi} / {source_en}",
        "parameters": parameters,
        "created_at": dt.datetime.now(dt.UTC),
    }
    return int(connection.execute(insert(_DATASET).values(**values)).inserted_primary_key[0])  # type: ignore[index]


def remove_pardb_demo(connection: Connection) -> int:
    """Delete the demo dataset of the PAR database, its entries and their index entries; returns documents removed."""
    found = connection.execute(select(_DATASET.c.id).where(_DATASET.c.name == DATASET_NAME)).scalar()
    if found is None:
        return 0
    ids = list(connection.execute(select(_DOCUMENT.c.id).where(_DOCUMENT.c.dataset_id == found)).scalars())
    for start in range(0, len(ids), CHUNK):
        search.remove(connection, "document", ids[start : start + CHUNK])
    connection.execute(delete(_FIGURE).where(_FIGURE.c.dataset_id == found))
    connection.execute(delete(_DOCUMENT).where(_DOCUMENT.c.dataset_id == found))
    connection.execute(delete(_DATASET).where(_DATASET.c.id == found))
    return len(ids)


def ensure_pardb_demo(connection: Connection, *, documents: int, years: Sequence[int], seed: int) -> PardbReport | None:
    """The demo entries of ``documents``, ``years`` and ``seed``, generated unless exactly these are already there
    (then None: nothing is written, as ``make run`` expects of a second run)."""
    found = connection.execute(select(_DATASET.c.parameters).where(_DATASET.c.name == DATASET_NAME)).scalar()
    if found is not None:
        stored = json.loads(found or "{}")
        wanted = {"version": GENERATOR_VERSION, "seed": seed, "documents": documents, "years": list(years)}
        if all(stored.get(key) == value for key, value in wanted.items()):
            return None
    return generate_pardb_demo(connection, documents=documents, years=years, seed=seed)


def generate_pardb_demo(connection: Connection, *, documents: int, years: Sequence[int], seed: int) -> PardbReport:
    """``documents`` demo documents spread over ``years`` and the units valid in each, plus the figures of every
    unit and year, replacing an earlier demo dataset of the PAR database (in the caller's transaction)."""
    remove_pardb_demo(connection)
    rng = random.Random(seed)
    dataset_id = _dataset(connection, seed, documents, years)
    topics = list(connection.execute(select(_TOPIC.c.code).order_by(_TOPIC.c.position)).scalars())
    names: dict[str, str] = {str(c): str(n) for c, n in connection.execute(select(_TOPIC.c.code, _TOPIC.c.name_vi))}
    units = _units_by_year(connection, years)
    by_id = {u["id"]: u for group in units.values() for u in group}
    now = dt.datetime.now(dt.UTC)
    made = 0
    while made < documents:
        batch = []
        for _ in range(min(CHUNK, documents - made)):
            year = rng.choice(list(years))
            unit = None if rng.random() < 0.05 else rng.choice(units[year])
            batch.append(
                {
                    **_document(rng, year, unit, topics),
                    "dataset_id": dataset_id,
                    "updated_at": now,
                    "updated_by": "demo",
                }
            )
        ids = _insert_documents(connection, batch)
        entries = []
        for key, row in zip(ids, batch, strict=True):
            unit = by_id.get(row["unit_id"]) if row["unit_id"] is not None else None
            parts = [row["issuer"], row["number"], row["title"], row["summary"], names.get(row["topic_code"], "")]
            parts += [unit["name_vi"], unit["name_en"]] if unit else []
            entries.append((key, search.search_text(parts)))
        search.put(connection, "document", entries)
        made += len(batch)
    figures = _figures(connection, rng, dataset_id, units, now)
    if connection.dialect.name == "postgresql":  # fresh statistics, or the planner takes the new rows for none
        connection.execute(text("ANALYZE par_document, public_search, par_figure"))
    return PardbReport(DATASET_NAME, made, figures)


def _insert_documents(connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert documents in one executemany and return their ids, in order. PostgreSQL: ids drawn from the table's
    sequence first. SQLite: the generator's transaction holds the write lock, and a table without AUTOINCREMENT
    numbers new rows from its largest id, so the ids follow it."""
    if connection.dialect.name == "postgresql":
        ids = [
            int(i)
            for i in connection.execute(
                text("SELECT nextval(pg_get_serial_sequence('par_document', 'id')) FROM generate_series(1, :n)"),
                {"n": len(rows)},
            ).scalars()
        ]
        connection.execute(insert(_DOCUMENT), [{**row, "id": key} for row, key in zip(rows, ids, strict=True)])
        return ids
    before = int(connection.execute(select(_DOCUMENT.c.id).order_by(_DOCUMENT.c.id.desc()).limit(1)).scalar() or 0)
    connection.execute(insert(_DOCUMENT), rows)
    return list(range(before + 1, before + 1 + len(rows)))


def _figures(
    connection: Connection,
    rng: random.Random,
    dataset_id: int,
    units: dict[int, list[dict[str, Any]]],
    now: dt.datetime,
) -> int:
    rows = []
    for year, group in units.items():
        for unit in group:
            for code, (name_vi, name_en, measure, topic, low, high, decimals) in FIGURES.items():
                value = round(rng.uniform(low, high), decimals)
                rows.append(
                    {
                        "dataset_id": dataset_id,
                        "unit_id": unit["id"],
                        "year": year,
                        "topic_code": topic,
                        "code": code,
                        "name_vi": name_vi,
                        "name_en": name_en,
                        "value": value,
                        "measure": measure,
                        "status": "published",
                        "updated_at": now,
                        "updated_by": "demo",
                    }
                )
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(_FIGURE), rows[start : start + CHUNK])
    return len(rows)
