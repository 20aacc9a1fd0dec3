"""Import safety on SQLite and PostgreSQL (issue 8, points 1, 3, 5, 9 and 10): idempotency, quarantine and
correction, all-or-nothing under a failure injected halfway and under SIGKILL, rollback of a batch, review states,
template round trips, the XLSForm (validated with pyxform) and the ODK/Kobo export layout, the bulk loader's
deferred key check."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.db import session_scope
from backend.errors import DomainError
from backend.models import ResultSet
from backend.services.batches import quarantine_frame, rollback_batch
from backend.services.exports import csv_bytes as export_csv
from backend.services.inputs import read_survey
from backend.services.reports import template_file
from backend.services.review import accept_clean, review_forms
from backend.settings import REPO_ROOT
from tests.ingest_helpers import ANALYST, YEAR, counts, csv_bytes, official_rows, run, sipas_rows, store_engine

pytestmark = pytest.mark.xdist_group("ingest-flow")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from store_engine(request, tmp_path_factory.mktemp("flow"))


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


def _survey_id(db: Session) -> int:
    return int(db.connection().execute(text("SELECT max(id) FROM survey WHERE index_code = 'SIPAS'")).scalar_one())


def test_reimporting_the_same_file_changes_nothing_and_says_so(db: Session) -> None:
    data = csv_bytes(sipas_rows(5))
    first = run(db, data)
    after = counts(db)
    second = run(db, data, name="renamed.csv")
    assert first.batch_id is not None and second.already_batch == first.batch_id and not second.loaded
    assert counts(db) == after
    batch = (
        db.connection()
        .execute(text("SELECT file_name, sha256, size_bytes, imported_by, rows_read, rows_loaded FROM import_batch"))
        .one()
    )
    assert batch[0] == "file.csv" and len(batch[1]) == 64 and batch[2] == len(data) and batch[3] == "analyst"
    assert (batch[4], batch[5]) == (5, 5)


def test_quarantine_keeps_bad_rows_until_a_corrected_file_imports_them(db: Session) -> None:
    rows = sipas_rows(4)
    rows[1]["POL.P1.C1"], rows[3]["unit"] = "8", "Nowhere"
    summary = run(db, csv_bytes(rows), mode="quarantine")
    assert (summary.rows_loaded, summary.rows_quarantined) == (2, 2)
    frame = quarantine_frame(db, actor=ANALYST(db))
    assert len(frame) == 2 and frame["_errors_en"].str.len().min() > 0
    assert frame["respondent_phone"].str.startswith("v1:").all()  # never the plain number
    frame.loc[frame["form_code"] == rows[1]["form_code"], "POL.P1.C1"] = "4"
    frame.loc[frame["form_code"] == rows[3]["form_code"], "unit"] = "Hà Nội"
    fixed = run(db, export_csv(frame.astype(str)), name="fixed.csv")
    assert fixed.rows_loaded == 2 and not fixed.problems, [p.message("en") for p in fixed.problems]
    assert quarantine_frame(db, actor=ANALYST(db)).empty
    phones = db.connection().execute(text("SELECT count(DISTINCT phone_hash) FROM survey_form")).scalar_one()
    assert phones == 4


def test_all_or_nothing_under_a_failure_injected_halfway(engine: Engine) -> None:
    with Session(engine) as session:
        before = counts(session)

    def explode(fraction: float, stage: str) -> None:
        if stage == "quarantine":  # forms and answers are written, the batch is not finished
            raise RuntimeError("injected")

    from backend.services.ingestion import ImportRequest, import_file

    request = ImportRequest(kind="sipas", year=YEAR, file_name="x.csv", data=csv_bytes(sipas_rows(30, start=900)))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        import_file(session, actor=ANALYST(session), request=request, progress=explode)
    with Session(engine) as session:
        assert counts(session) == before


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from backend.db import session_scope
from backend.services.ingestion import ImportRequest, import_file
from tests.ingest_helpers import ANALYST, csv_bytes, sipas_rows
marker = Path(sys.argv[1])
def pause(fraction, stage):
    if stage == "quarantine":
        marker.write_text("written, not committed")
        time.sleep(120)
request = ImportRequest(kind="sipas", year=2024, file_name="k.csv", data=csv_bytes(sipas_rows(400, start=5000)))
with session_scope() as session:
    import_file(session, actor=ANALYST(session), request=request, progress=pause)
"""


def test_a_process_killed_mid_import_leaves_the_store_as_it_was(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        before = counts(session)
    marker = tmp_path / "marker"
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False), "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(marker)], env=env, cwd=REPO_ROOT)
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert process.poll() is None, "the import process ended before the pause"
            assert time.time() < deadline
            time.sleep(0.2)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    engine.dispose()
    with Session(engine) as session:
        assert counts(session) == before


def test_rollback_while_no_approved_result_set_depends_on_the_batch(db: Session) -> None:
    summary = run(db, csv_bytes(sipas_rows(3, start=300)))
    assert summary.batch_id is not None
    dataset_id = (
        db.connection()
        .execute(text("SELECT dataset_id FROM import_batch WHERE id = :i"), {"i": summary.batch_id})
        .scalar_one()
    )
    framework_id = db.connection().execute(text("SELECT min(id) FROM framework")).scalar_one()
    approved = ResultSet(
        dataset_id=dataset_id,
        index_code="SIPAS",
        year=YEAR,
        unit_scope="province",
        version=1,
        status="approved",
        framework_id=framework_id,
        framework_version="1",
        inputs_hash="x",
        computed_at=dt.datetime.now(dt.UTC),
        computed_by="t",
    )
    db.add(approved)
    db.flush()
    with pytest.raises(DomainError) as err:
        rollback_batch(db, actor=ANALYST(db), batch_id=summary.batch_id, reason="wrong file")
    assert str(approved.id) in err.value.en
    approved.status = "withdrawn"
    db.add(approved)
    db.flush()
    with pytest.raises(DomainError):
        rollback_batch(db, actor=ANALYST(db), batch_id=summary.batch_id, reason=" ")
    deleted = rollback_batch(db, actor=ANALYST(db), batch_id=summary.batch_id, reason="wrong file")
    assert deleted["survey_form"] == 3 and deleted["answer"] == 3 * 54
    state = (
        db.connection()
        .execute(
            text("SELECT status, rolled_back_by, rollback_reason FROM import_batch WHERE id = :i"),
            {"i": summary.batch_id},
        )
        .one()
    )
    assert tuple(state) == ("rolled_back", "analyst", "wrong file")
    assert run(db, csv_bytes(sipas_rows(3, start=300))).rows_loaded == 3  # the same file may come again


def test_review_states_and_only_accepted_forms_count(db: Session) -> None:
    run(db, csv_bytes(sipas_rows(6, start=600)))
    survey_id = _survey_id(db)
    dataset_id = (
        db.connection().execute(text("SELECT dataset_id FROM survey WHERE id = :i"), {"i": survey_id}).scalar_one()
    )
    assert read_survey(db.connection(), dataset_id, "SIPAS", YEAR).n_forms == 0  # received forms do not count
    codes = [f"F{i:05d}" for i in range(600, 606)]
    with pytest.raises(DomainError):
        review_forms(db, actor=ANALYST(db), survey_id=survey_id, form_codes=codes[:2], action="reject")
    assert (
        review_forms(
            db, actor=ANALYST(db), survey_id=survey_id, form_codes=codes[:2], action="reject", comment="re-ask P3"
        )
        == 2
    )
    assert accept_clean(db, actor=ANALYST(db), survey_id=survey_id) == 4
    assert read_survey(db.connection(), dataset_id, "SIPAS", YEAR).n_forms == 4  # rejected never count
    corrected = sipas_rows(2, start=600)
    corrected[0]["POL.P3.C1"] = "1" if corrected[0]["POL.P3.C1"] != "1" else "2"
    corrected[1]["POL.P3.C2"] = "1" if corrected[1]["POL.P3.C2"] != "1" else "2"
    again = run(db, csv_bytes(corrected), name="corrected.csv")
    assert again.rows_loaded == 2 and not again.problems, (again.counts(), [p.message("en") for p in again.problems])
    states = dict(
        db.connection()
        .execute(text("SELECT form_code, review_state FROM survey_form WHERE form_code IN ('F00600', 'F00601')"))
        .all()
    )
    assert set(states.values()) == {"corrected"}
    assert review_forms(db, actor=ANALYST(db), survey_id=survey_id, form_codes=codes[:2], action="accept") == 2
    assert read_survey(db.connection(), dataset_id, "SIPAS", YEAR).n_forms == 6
    steps = db.connection().execute(text("SELECT count(*) FROM form_review")).scalar_one()
    assert steps == 2 + 4 + 2 + 2
    assert (
        review_forms(db, actor=ANALYST(db), survey_id=survey_id, form_codes=codes[:1], action="reject", comment="again")
        == 1
    )
    with pytest.raises(IntegrityError):  # the store itself refuses a rejected form that counts
        db.connection().execute(text("UPDATE survey_form SET status = 'valid' WHERE review_state = 'rejected'"))


@pytest.mark.parametrize("kind", ["sipas", "official", "self_assessment", "plan"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_round_trip(db: Session, kind: str, fmt: str) -> None:
    from openpyxl import load_workbook

    from backend.services.reports import template_layout

    _, data = template_file(db, kind, YEAR, fmt)
    lay = template_layout(kind, YEAR)
    if kind == "sipas":
        rows = sipas_rows(3, start=700)
    elif kind == "official":
        rows = official_rows(4)
    elif kind == "self_assessment":
        rows = [
            {
                "unit": "Hà Nội",
                "criterion": c.code,
                "self_score": "0",
                "self_comment": "",
                "evidence_ref": "",
                "evidence_title": "",
                "evidence_issued_on": "",
            }
            for c in lay.criteria[:3]
        ]
    else:
        rows = [
            {
                "unit": "Hà Nội",
                "survey": "SIPAS",
                "commune_code": "X01",
                "respondent_group": "household",
                "planned_forms": "30",
            }
        ]
    if fmt == "csv":
        header = data.decode("utf-8-sig").splitlines()[0].split(",")
        assert header == lay.codes
        filled = data + csv_bytes(rows, columns=header)[len(",".join(header)) + 2 :]
    else:
        book = load_workbook(io.BytesIO(data))
        sheet = book["data"]
        header = [c.value for c in sheet[1]]
        assert header == lay.codes and "giai_thich" in book.sheetnames
        assert sheet.data_validations.dataValidation, "dropdowns on the data sheet"
        for row in rows:
            sheet.append([row.get(code, "") for code in header])
        out = io.BytesIO()
        book.save(out)
        filled = out.getvalue()
    summary = run(db, filled, kind=kind, name=f"t.{fmt}")
    assert summary.rows_loaded == len(rows), [p.message("en") for p in summary.problems]


@pytest.mark.parametrize(("kind", "sep"), [("sipas", "/"), ("sipas", "-"), ("official", "/")])
def test_xlsform_is_valid_and_its_odk_export_imports_as_is(db: Session, kind: str, sep: str) -> None:
    from pyxform.xls2xform import convert

    _, data = template_file(db, kind, YEAR, "xlsform")
    warnings: list[str] = []
    result = convert(xlsform=io.BytesIO(data), warnings=warnings, validate=shutil.which("java") is not None)
    assert ("<h:html" in result.xform and "selected(" in result.xform) or kind == "official"
    assert "relevant" in result.xform
    if kind != "sipas":
        return
    # the CSV KoboToolbox exports from this form: group prefixes, split select_multiple, submission metadata
    rows = sipas_rows(3, start=800)
    groups = {
        "identification": [
            "unit",
            "district_code",
            "commune_code",
            "village_code",
            "interviewer",
            "collected_on",
            "respondent_phone",
            "form_code",
        ],
        "profile": ["gender", "birth_year", "services_used"],
    }
    exported = []
    for i, row in enumerate(rows):
        out: dict[str, str] = {
            "start": row["started_at"].replace(" ", "T") + ":00.000+07:00",
            "end": row["finished_at"].replace(" ", "T") + ":00.000+07:00",
        }
        for group, names in groups.items():
            for name in names:
                out[f"{group}/{name}"] = row[name]
        for choice in ("civil_status", "land", "business", "construction", "social", "other", "none"):
            out[f"profile/services_used/{choice}"] = "1" if choice in row["services_used"].split() else "0"
        for code, value in row.items():
            if code.startswith(("POL.", "SRV.")):
                out[("policy/" if code.startswith("POL.") else "service/") + code] = value
            elif code == "OVERALL":
                out["overall/OVERALL"] = value
        out.update(
            {
                "meta/instanceID": f"uuid:{i}",
                "_id": str(100 + i),
                "_uuid": f"u-{i}",
                "_submission_time": "2024-09-30T10:00:00",
                "_index": str(i + 1),
                "_status": "submitted_via_web",
                "__version__": "v1",
            }
        )
        exported.append(out)
    summary = run(db, csv_bytes(exported), name="export.csv")
    assert summary.rows_loaded == 3, [p.message("en") for p in summary.problems]
    stored = db.connection().execute(text("SELECT started_at FROM survey_form WHERE form_code = 'F00800'")).scalar_one()
    assert "01:00" in str(stored)  # 08:00 in Vietnam is 01:00 UTC


def test_the_bulk_loader_validates_keys_after_a_large_load(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: a load above the threshold drops and re-adds the foreign keys in the transaction; a broken
    key makes the whole load fail. SQLite: keys are enforced by the store itself. Nothing stays either way."""
    import numpy as np

    from backend.ingest import bulk
    from backend.ingest.store import ANSWER, FORM

    monkeypatch.setattr(bulk, "DEFER_KEYS_MIN_ROWS", 1)
    with Session(engine) as session:
        before = counts(session)
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        conn = session.connection()
        item = conn.execute(text("SELECT min(id) FROM survey_item")).scalar()
        with bulk.bulk_loading(conn, [FORM, ANSWER], 10) as load:
            load.insert_matrix(
                ANSWER, ("form_id", "item_id", "value"), np.array([10**9]), np.array([item or 1]), np.array([[3]])
            )
    with Session(engine) as session:
        assert counts(session) == before
