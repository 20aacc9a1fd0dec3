"""One test per validation rule of an import, each with a small bad file, on SQLite and PostgreSQL (issue 8,
points 2, 3 and 10). Every test runs in its own transaction, rolled back at the end; all-or-nothing means the
store is unchanged after a refused file."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.errors import ValidationError
from tests.ingest_helpers import counts, csv_bytes, official_rows, rules, run, sipas_rows, store_engine, xlsx_bytes


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from store_engine(request, tmp_path_factory.mktemp("rules"))


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


def _one(db: Session, rows: list[dict[str, str]], rule: str, column: str | None = None, **options: object) -> None:
    """The file is refused (nothing written) with ``rule`` on ``column``, line and bilingual message given."""
    before = counts(db)
    summary = run(db, csv_bytes(rows), **options)  # type: ignore[arg-type]
    hits = [p for p in summary.problems if p.code == rule and (column is None or p.column == column)]
    assert hits, (rule, [(p.code, p.column) for p in summary.problems])
    assert hits[0].line >= 1 and hits[0].message("vi") != hits[0].message("en")
    assert "{" not in hits[0].message("vi") and "{" not in hits[0].message("en")
    assert counts(db) == before and not summary.loaded


def test_a_clean_file_loads_every_row(db: Session) -> None:
    summary = run(db, csv_bytes(sipas_rows(6)))
    assert not summary.problems and summary.rows_loaded == 6 and summary.answers_loaded == 6 * 54
    row = (
        db.connection()
        .execute(text("SELECT status, review_state, phone_hash, phone_encrypted, facts FROM survey_form LIMIT 1"))
        .one()
    )
    assert row[0] == "pending" and row[1] == "received"  # waits for review before it counts
    assert len(row[2]) == 64 and row[3].startswith("v1:")
    # no number of the file in the stored copy (the copy is random base64: "09" alone may well appear in it)
    assert not any(f"09{i:08d}" in row[3] or f"{i:08d}" in row[3] for i in range(6))
    assert "services_used" in row[4]


def test_required(db: Session) -> None:
    rows = sipas_rows(3)
    rows[1]["commune_code"] = ""
    _one(db, rows, "required", "commune_code")


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("collected_on", "32/13/2024", "type"),
        ("started_at", "morning", "type"),
        ("birth_year", "nineteen", "type"),
        ("birth_year", "1980.5", "integer"),
        ("birth_year", "1890", "range"),
        ("POL.P1.C1", "7", "answer_range"),
        ("POL.P1.C1", "x", "type"),
        ("gender", "robot", "choice"),
        ("services_used", "land teleport", "choice"),
        ("services_used", "none land", "exclusive"),
        ("respondent_phone", "12345", "type"),
    ],
)
def test_cell_rules(db: Session, column: str, value: str, rule: str) -> None:
    rows = sipas_rows(3)
    rows[2][column] = value
    _one(db, rows, rule, column)


def test_phone_never_shown_in_a_problem(db: Session) -> None:
    rows = sipas_rows(2)
    rows[0]["respondent_phone"] = "0912-34"
    summary = run(db, csv_bytes(rows))
    problem = next(p for p in summary.problems if p.column == "respondent_phone")
    assert "0912" not in problem.value and "0912" not in summary.error_frame().to_csv()


def test_duration(db: Session) -> None:
    rows = sipas_rows(2)
    rows[0]["finished_at"] = rows[0]["started_at"].replace("08:00", "07:00")
    _one(db, rows, "duration", "finished_at")


def test_unknown_unit_with_the_closest_name(db: Session) -> None:
    rows = sipas_rows(2)
    rows[1]["unit"] = "Ha Noii"
    summary = run(db, csv_bytes(rows))
    problem = next(p for p in summary.problems if p.code == "unit")
    assert problem.params["suggestion"] == "Hà Nội" and "Hà Nội" in problem.message("en")


def test_names_and_codes_through_the_normaliser(db: Session) -> None:
    rows = sipas_rows(3)
    rows[0]["unit"], rows[1]["unit"], rows[2]["unit"] = "TP. Hà Nội", "ha noi", "01"
    assert run(db, csv_bytes(rows)).rows_loaded == 3


def test_skip_logic_of_the_service_items(db: Session) -> None:
    rows = sipas_rows(2)
    rows[0]["services_used"] = "none"
    _one(db, rows, "skip", "SRV.E1.C1")
    for row in rows:
        if row["services_used"] == "none":
            row.update({k: "" for k in row if k.startswith("SRV.")})
    assert run(db, csv_bytes(rows)).rows_loaded == 2


def test_skip_logic_of_the_respondent_groups(db: Session) -> None:
    rows = official_rows(2)
    rows[0]["MIN.A1.Q1"] = "4"  # a province group answering a ministry item
    _one(db, rows, "skip", "MIN.A1.Q1", kind="official")


def test_date_outside_fieldwork(db: Session) -> None:
    rows = sipas_rows(2)
    rows[1]["collected_on"] = "2024-12-25"
    _one(db, rows, "fieldwork", "collected_on")


def test_duplicate_form_code_in_the_file(db: Session) -> None:
    rows = sipas_rows(3)
    rows[2]["form_code"] = rows[0]["form_code"]
    _one(db, rows, "duplicate_form", "form_code")


def test_same_form_against_the_store_is_a_duplicate_other_content_a_conflict(db: Session) -> None:
    rows = sipas_rows(3)
    assert run(db, csv_bytes(rows), name="a.csv").rows_loaded == 3
    again = run(db, csv_bytes(rows) + b"\r\n", name="b.csv")  # other bytes, same rows
    assert again.rows_duplicate == 3 and again.rows_loaded == 0 and not again.problems
    rows[1]["POL.P2.C2"] = "1" if rows[1]["POL.P2.C2"] != "1" else "2"
    _one(db, rows, "conflict_form", "form_code")


def test_same_respondent_in_the_file_and_against_the_store(db: Session) -> None:
    rows = sipas_rows(3)
    rows[2]["respondent_phone"] = "+84 " + rows[0]["respondent_phone"][1:]  # the same number written otherwise
    _one(db, rows, "same_respondent", "respondent_phone")
    assert run(db, csv_bytes(sipas_rows(2))).rows_loaded == 2
    other = sipas_rows(1, start=50)
    other[0]["respondent_phone"] = sipas_rows(1)[0]["respondent_phone"]
    _one(db, other, "same_respondent", "respondent_phone")


def test_missing_and_renamed_columns_suggest_the_mapping(db: Session) -> None:
    rows = sipas_rows(2)
    for row in rows:
        row["collection_date"] = row.pop("collected_on")
    summary = run(db, csv_bytes(rows))
    missing = next(p for p in summary.problems if p.code == "missing_column")
    unknown = next(p for p in summary.problems if p.code == "unknown_column")
    assert missing.column == "collected_on" and missing.params["suggestion"] == "collection_date"
    assert unknown.column == "collection_date" and unknown.params["suggestion"] == "collected_on"


def test_labels_are_accepted_as_column_names(db: Session) -> None:
    rows = [{("Mã phiếu" if k == "form_code" else k): v for k, v in r.items()} for r in sipas_rows(2)]
    assert run(db, csv_bytes(rows)).rows_loaded == 2


@pytest.mark.parametrize(("data", "key"), [(b"", "ingest.read.empty"), (b"form_code,unit\r\n", "ingest.read.no_rows")])
def test_empty_files(db: Session, data: bytes, key: str) -> None:
    from backend.i18n import both

    with pytest.raises(ValidationError) as err:
        run(db, data)
    assert err.value.vi == both(key)[0]


def test_formula_and_merged_cells_in_xlsx(db: Session) -> None:
    rows = sipas_rows(4)
    summary = run(db, xlsx_bytes(rows, formula=(3, "POL.P1.C1"), merge="B4:B5"), name="f.xlsx")
    assert {"formula", "merged"} <= rules(summary) and not summary.loaded
    formula = next(p for p in summary.problems if p.code == "formula")
    assert formula.line == 3 and formula.column == "POL.P1.C1"


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters with their circumflex/breve/horn, tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "windows-1258"])
def test_encodings_that_are_read(db: Session, encoding: str) -> None:
    rows = sipas_rows(3)
    rows[1]["unit"] = "Thành phố Hồ Chí Minh"
    rows[2]["unit"] = "Đà Nẵng"
    text_data = csv_bytes(rows).decode("utf-8")
    if encoding == "windows-1258":
        data = _cp1258(text_data)
    elif encoding == "utf-16-le":
        data = text_data.encode("utf-16-le")  # no byte-order mark
    elif encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + text_data.encode("utf-16-be")
    else:
        data = text_data.encode(encoding)
    summary = run(db, data)
    assert summary.rows_loaded == 3, [p.message("en") for p in summary.problems]
    names = {
        r[0]
        for r in db.connection().execute(text("SELECT u.name_vi FROM survey_form f JOIN unit u ON u.id = f.unit_id"))
    }
    assert names == {"Hà Nội", "Hồ Chí Minh", "Đà Nẵng"} or {"Hà Nội", "Đà Nẵng"} <= names


TCVN3 = dict(
    zip(
        "àáảãạđươôêâăộốồíếệịớờủúễỉỏìùấầậĐ",
        bytes(
            [
                0xB5,
                0xB8,
                0xB6,
                0xB7,
                0xB9,
                0xAE,
                0xAD,
                0xAC,
                0xAB,
                0xAA,
                0xA9,
                0xA8,
                0xE9,
                0xE8,
                0xE5,
                0xDD,
                0xD5,
                0xD6,
                0xDE,
                0xED,
                0xEA,
                0xF1,
                0xF3,
                0xD4,
                0xD8,
                0xE1,
                0xD7,
                0xEF,
                0xCA,
                0xC7,
                0xCB,
                0xA7,
            ]
        ),
        strict=True,
    )
)


@pytest.mark.parametrize("legacy", ["TCVN3", "VNI"])
def test_legacy_vietnamese_encodings_are_refused_with_what_to_convert(db: Session, legacy: str) -> None:
    text_data = "form_code,unit,commune_code\r\nF1,Hà Nội,Phường Đống Đa\r\nF2,Thành phố Hồ Chí Minh,Xã Tân Phú\r\nF3,Đà Nẵng,Phường Hải Châu\r\n"
    if legacy == "TCVN3":
        data = bytes(
            TCVN3[c] if c in TCVN3 else ord(c) for c in text_data.replace("ẵ", "ạ").replace("Đ", "đ").replace("ố", "ố")
        )
    else:
        data = "form_code,unit\r\nF1,Haø Noäi\r\nF2,Thaønh phoá Hoà Chí Minh\r\nF3,Ñaø Naüng\r\n".encode("cp1252")
    before = counts(db)
    with pytest.raises(ValidationError) as err:
        run(db, data)
    assert legacy in err.value.vi and legacy in err.value.en and "UniKey" in err.value.hint_en
    assert counts(db) == before


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_separator_is_detected(db: Session, sep: str) -> None:
    summary = run(db, csv_bytes(sipas_rows(3), sep=sep))
    assert summary.separator == sep and summary.rows_loaded == 3


def test_decimal_comma_in_a_semicolon_file(db: Session) -> None:
    from backend.services.reports import template_layout

    criterion = next(c for c in template_layout("self_assessment", 2024).criteria if c.max_points >= 0.5)
    rows = [
        {
            "unit": "Hà Nội",
            "criterion": criterion.code,
            "self_score": "0,5",
            "self_comment": "Đã thực hiện",
            "evidence_ref": "12/QĐ-UBND",
            "evidence_title": "Quyết định",
            "evidence_issued_on": "15/03/2024",
        }
    ]
    summary = run(db, csv_bytes(rows, sep=";"), kind="self_assessment")
    assert summary.separator == ";" and summary.decimal == ","
    assert summary.rows_loaded == 1, [p.message("en") for p in summary.problems]
    score = (
        db.connection().execute(text("SELECT self_score FROM assessment_score WHERE batch_id IS NOT NULL")).scalar_one()
    )
    assert score == pytest.approx(0.5)


def test_self_assessment_rules(db: Session) -> None:
    from backend.services.reports import template_layout

    criteria = template_layout("self_assessment", 2024).criteria
    top = criteria[0]
    rows = [
        {"unit": "Hà Nội", "criterion": top.code, "self_score": str(top.max_points + 1)},
        {"unit": "Hà Nội", "criterion": "NO.SUCH", "self_score": "0"},
        {"unit": "Huế", "criterion": top.code, "self_score": "0"},
        {"unit": "Huế", "criterion": top.code, "self_score": "0"},
    ]
    summary = run(db, csv_bytes(rows), kind="self_assessment")
    assert {"score_max", "choice", "duplicate_key"} <= rules(summary) and not summary.loaded
    good = [{"unit": "Hà Nội", "criterion": top.code, "self_score": "0"}]
    assert run(db, csv_bytes(good), kind="self_assessment").rows_loaded == 1
    changed = [{"unit": "Hà Nội", "criterion": top.code, "self_score": str(min(top.max_points, 0.25))}]
    assert "conflict_key" in rules(run(db, csv_bytes(changed), kind="self_assessment", name="2.csv"))


def test_limits_refuse_quickly(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.settings import get_settings

    data = csv_bytes(sipas_rows(20))
    for setting, value, key in (
        ("INGEST_MAX_BYTES", str(len(data) - 1), "ingest.limit.bytes"),
        ("INGEST_MAX_ROWS", "10", "ingest.limit.rows"),
        ("INGEST_MAX_COLUMNS", "20", "ingest.limit.columns"),
    ):
        monkeypatch.setenv(setting, value)
        get_settings.cache_clear()
        with pytest.raises(ValidationError) as err:
            run(db, data)
        from backend.i18n import both

        assert err.value.en[:12] == both(key)[1][:12]
        monkeypatch.delenv(setting)
        get_settings.cache_clear()


def test_file_name_is_only_a_label(db: Session, tmp_path: Path) -> None:
    summary = run(db, csv_bytes(sipas_rows(1)), name="../../etc/passwd")
    stored = (
        db.connection()
        .execute(text("SELECT file_name FROM import_batch WHERE id = :i"), {"i": summary.batch_id})
        .scalar_one()
    )
    assert stored == "passwd"
