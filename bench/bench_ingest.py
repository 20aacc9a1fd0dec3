"""Benchmark of imports (issue 8): a full national year of survey forms, as CSV and as XLSX, into SQLite and
PostgreSQL, against a raw ``sqlite3.executemany`` of the same rows and a naive ORM insert of a sample.

1. A full-scale demo year (2024: 63 provinces) is generated into a scratch store and every SIPAS and officials'
   form is written out in the import layout (one CSV and one XLSX per survey; phones as typed, answers 1..5,
   empty for no answer), as a field team would hand them in.
2. Each file set is imported into a fresh store (reference data and frameworks only) by a child process running
   ``backend.services.ingestion.import_file`` in quarantine mode (the demo's planted forms dated after the
   fieldwork are quarantined, as they should), timing validation and loading, and reporting the child's peak
   memory. The benchmark checks the rows it loaded: forms loaded + quarantined = forms written, and the stored
   answers = loaded forms × their items.
3. The same forms and answer rows go into another fresh store with plain ``sqlite3`` ``executemany`` (one row
   per statement, one transaction), and a sample of 1,000 forms through the ORM one row at a time.
4. With PostgreSQL available (Debian's server, started throwaway as in tests/pg.py), the CSV import runs there
   too (COPY, keys validated after the load).

Run: ``.venv/bin/python bench/bench_ingest.py [--skip-xlsx] [--skip-pg]``. Not a timed test: it prints figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.personal import new_key  # noqa: E402

os.environ.setdefault("PERSONAL_DATA_KEY", new_key())  # a throwaway key for the scratch stores

YEAR = 2024
KINDS = (("sipas", "SIPAS"), ("official", "PAR_SURVEY"))


def _store(url: str) -> None:
    from backend.db import get_engine, migrate, session_scope
    from backend.frameworks import load_all, sync_frameworks
    from backend.reference.loader import load_reference

    migrate(url)
    with session_scope(get_engine(url)) as session:
        load_reference(session, ROOT / "data" / "reference")
    with session_scope(get_engine(url)) as session:
        sync_frameworks(session, load_all(ROOT / "data" / "frameworks"))


def export(url: str, folder: Path) -> dict[str, int]:
    """Write the demo year's forms as import files; returns forms per kind."""
    import numpy as np
    import pandas as pd

    from backend.db import session_scope
    from backend.ingest.layout import layout
    from backend.personal import vault
    from backend.services.quality import survey_frame

    keys = vault()
    written: dict[str, int] = {}
    with session_scope(__import__("backend.db", fromlist=["get_engine"]).get_engine(url)) as session:
        for kind, index in KINDS:
            survey_id = (
                session.connection().exec_driver_sql(f"SELECT id FROM survey WHERE index_code = '{index}'").scalar_one()
            )
            frame = survey_frame(session, int(survey_id))
            phones = dict(
                session.connection()
                .exec_driver_sql(
                    "SELECT id, phone_encrypted FROM survey_form WHERE survey_id = ?"
                    if url.startswith("sqlite")
                    else "SELECT id, phone_encrypted FROM survey_form WHERE survey_id = %s",
                    (int(survey_id),),
                )
                .all()
            )
            lay = layout(kind, YEAR)
            forms = frame.forms
            out = pd.DataFrame({"form_code": forms["form_code"], "unit": forms["name_vi"]})
            for column in ("district_code", "commune_code", "village_code", "interviewer", "respondent_group"):
                if column in lay.codes:
                    out[column] = forms[column]
            out["collected_on"] = pd.to_datetime(forms["collected_on"]).dt.strftime("%Y-%m-%d")
            for column in ("started_at", "finished_at"):
                stamp = pd.to_datetime(forms[column], utc=True)
                out[column] = (
                    stamp.dt.tz_convert("Asia/Ho_Chi_Minh").dt.strftime("%Y-%m-%d %H:%M:%S").where(stamp.notna(), "")
                )
            if "respondent_phone" in lay.codes:
                out["respondent_phone"] = [keys.decrypt(phones[f]) if phones.get(f) else "" for f in forms["form"]]
            facts = [json.loads(f) if isinstance(f, str) else {} for f in forms["facts"]]
            for fact in lay.facts:
                out[fact.code] = [str(f.get(fact.code, "")) for f in facts]
            position = {code: j for j, code in enumerate(frame.items)}
            for item in lay.items:
                column = frame.values[:, position[item.code]].astype(np.int64)
                out[item.code] = np.where(column == 0, "", column.astype(str))
            out = out.reindex(columns=lay.codes, fill_value="")
            out.to_csv(folder / f"{kind}.csv", index=False, quoting=csv.QUOTE_MINIMAL)
            _xlsx(out, folder / f"{kind}.xlsx")
            written[kind] = len(out)
    return written


def _xlsx(frame: object, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(list(frame.columns))  # type: ignore[attr-defined]
    for row in frame.itertuples(index=False):  # type: ignore[attr-defined]
        sheet.append(list(row))
    book.save(path)


def child_import(url: str, folder: Path, fmt: str) -> dict[str, object]:
    """(In a child process) import both files; seconds, counts and peak memory."""
    from backend.db import get_engine, session_scope
    from backend.services.ingestion import ImportRequest, import_file
    from bench.people import stored_actor

    with session_scope(get_engine(url)) as session:  # the importing data officer, a stored user like any other
        actor = stored_actor(session, "bench_data_officer", "data_officer")
    result: dict[str, object] = {}
    total = 0.0
    for kind, _ in KINDS:
        path = folder / f"{kind}.{fmt}"
        data = path.read_bytes()
        started = time.perf_counter()
        with session_scope(get_engine(url)) as session:
            summary = import_file(
                session,
                actor=actor,
                request=ImportRequest(kind=kind, year=YEAR, file_name=path.name, data=data, mode="quarantine"),
            )
        seconds = time.perf_counter() - started
        total += seconds
        result[kind] = {"seconds": round(seconds, 2), **summary.counts(), "answers": summary.answers_loaded}
    with get_engine(url).connect() as conn:
        result["stored_forms"] = int(conn.exec_driver_sql("SELECT count(*) FROM survey_form").scalar_one())
        result["stored_answers"] = int(conn.exec_driver_sql("SELECT count(*) FROM answer").scalar_one())
    result["seconds"] = round(total, 2)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def run_child(url: str, folder: Path, fmt: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(folder), fmt],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"child import failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def raw_executemany(path: Path, forms: int, answers_per_form: list[int]) -> float:
    """Forms and answers with plain sqlite3 executemany, one row per statement, one transaction."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    dataset = conn.execute(
        "INSERT INTO dataset (name, kind, description, parameters, created_at) VALUES ('raw', 'official', '', '{}', '2026-01-01')"
    ).lastrowid
    survey = conn.execute(
        "INSERT INTO survey (dataset_id, index_code, year, name_vi, name_en) VALUES (?, 'SIPAS', 2024, 'r', 'r')",
        (dataset,),
    ).lastrowid
    n_items = max(answers_per_form)
    conn.executemany(
        "INSERT INTO survey_item (survey_id, code, text_vi, text_en, scale_min, scale_max, respondent_groups) VALUES (?, ?, '', '', 1, 5, '')",
        [(survey, f"I{i}") for i in range(n_items)],
    )
    items = [r[0] for r in conn.execute("SELECT id FROM survey_item WHERE survey_id = ? ORDER BY id", (survey,))]
    unit = conn.execute("SELECT min(id) FROM unit").fetchone()[0]
    conn.commit()
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO survey_form (survey_id, form_code, respondent_group, unit_id, collected_on, status, review_state, phone_hash, facts) VALUES (?, ?, 'household', ?, '2024-09-01', 'pending', 'received', ?, '{}')",
        [(survey, f"R{i:06d}", unit, f"{i:064d}") for i in range(forms)],
    )
    ids = [r[0] for r in conn.execute("SELECT id FROM survey_form WHERE survey_id = ? ORDER BY id", (survey,))]
    conn.executemany(
        "INSERT INTO answer (form_id, item_id, value) VALUES (?, ?, ?)",
        ((f, items[j], 1 + j % 5) for f, k in zip(ids, answers_per_form, strict=True) for j in range(k)),
    )
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def orm_sample(url: str, n_forms: int = 1000, n_items: int = 54) -> float:
    """Rows per second of a naive ORM insert: one SurveyForm and its Answer objects at a time."""
    import datetime as dt

    from backend.db import get_engine, session_scope
    from backend.models import Answer, Dataset, Survey, SurveyForm, SurveyItem

    with session_scope(get_engine(url)) as session:
        dataset = Dataset(name="orm", kind="official")
        session.add(dataset)
        session.flush()
        survey = Survey(dataset_id=dataset.id, index_code="SIPAS", year=YEAR, name_vi="o", name_en="o")  # type: ignore[arg-type]
        session.add(survey)
        session.flush()
        items = [SurveyItem(survey_id=survey.id, code=f"I{i}", text_vi="", text_en="") for i in range(n_items)]  # type: ignore[arg-type]
        session.add_all(items)
        session.flush()
        unit = session.connection().exec_driver_sql("SELECT min(id) FROM unit").scalar_one()
        started = time.perf_counter()
        for f in range(n_forms):
            form = SurveyForm(
                survey_id=survey.id,
                form_code=f"O{f}",
                respondent_group="household",
                unit_id=unit,
                collected_on=dt.date(2024, 9, 1),
                status="pending",
                review_state="received",
            )  # type: ignore[arg-type]
            session.add(form)
            session.flush()
            for j, item in enumerate(items):
                session.add(Answer(form_id=form.id, item_id=item.id, value=1 + j % 5))  # type: ignore[arg-type]
            session.flush()
        seconds = time.perf_counter() - started
    return n_forms * (1 + n_items) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("URL", "FOLDER", "FORMAT"))
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_import(args.child[0], Path(args.child[1]), args.child[2])))
        return 0

    from backend.db import get_engine, session_scope
    from backend.demo import generate_demo

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    source = f"sqlite:///{work / 'demo.db'}"
    _store(source)
    started = time.perf_counter()
    with session_scope(get_engine(source)) as session:
        generate_demo(session, years=str(YEAR), scale="full", seed=20251)
    written = export(source, work)
    sizes = {p.name: p.stat().st_size for p in sorted(work.glob("*.csv")) + sorted(work.glob("*.xlsx"))}
    print(
        f"full-scale demo {YEAR} generated and written out in {time.perf_counter() - started:.1f} s: forms {written}, files {sizes}"
    )

    results: dict[str, dict[str, object]] = {}
    for fmt in ("csv",) + (() if args.skip_xlsx else ("xlsx",)):
        target = f"sqlite:///{work / f'import_{fmt}.db'}"
        _store(target)
        results[f"sqlite-{fmt}"] = run_child(target, work, fmt)
    raw_target = work / "raw.db"
    _store(f"sqlite:///{raw_target}")
    csv_run = results["sqlite-csv"]
    forms_loaded = sum(int(csv_run[k]["loaded"]) for k, _ in KINDS)  # type: ignore[index]
    answers_loaded = int(csv_run["stored_answers"])
    per_form = [
        answers_loaded // forms_loaded + (1 if i < answers_loaded % forms_loaded else 0) for i in range(forms_loaded)
    ]
    raw_seconds = raw_executemany(raw_target, forms_loaded, per_form)
    orm_rate = orm_sample(f"sqlite:///{raw_target}")
    if not args.skip_pg:
        sys.path.insert(0, str(ROOT))
        from tests.pg import PostgresServer

        server = PostgresServer.start_or_none()
        if server is None:
            print("PostgreSQL: not available, skipped")
        else:
            try:
                url = server.create_database()
                _store(url)
                results["postgresql-csv"] = run_child(url, work, "csv")
            finally:
                server.stop()

    rows_total = forms_loaded + answers_loaded
    print(f"\nrows loaded per import: {forms_loaded:,} forms + {answers_loaded:,} answers = {rows_total:,} rows")
    failures = []
    for name, result in results.items():
        for kind, _ in KINDS:
            part = result[kind]  # type: ignore[index]
            if int(part["loaded"]) + int(part["quarantined"]) != written[kind]:  # type: ignore[index]
                failures.append(f"{name} {kind}: loaded + quarantined != written")
        if int(result["stored_forms"]) != forms_loaded or int(result["stored_answers"]) != answers_loaded:  # type: ignore[arg-type]
            failures.append(f"{name}: stored rows differ from the CSV import")
        if float(result["peak_mb"]) > 2048:  # type: ignore[arg-type]
            failures.append(f"{name}: peak memory over 2 GB")
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        print(
            f"{name:16s} {seconds:7.1f} s  {rows_total / seconds:10,.0f} rows/s  peak {result['peak_mb']} MB  {json.dumps({k: result[k] for k, _ in KINDS})}"
        )
    print(
        f"raw executemany  {raw_seconds:7.1f} s  {rows_total / raw_seconds:10,.0f} rows/s (the same number of form and answer rows)"
    )
    print(f"naive ORM        {rows_total / orm_rate:7.1f} s (extrapolated from 1,000 forms: {orm_rate:,.0f} rows/s)")
    ratio = float(csv_run["seconds"]) / raw_seconds  # type: ignore[arg-type]
    print(
        f"CSV import / raw executemany: {ratio:.2f}x (target: within 2x); CSV import under 60 s: {float(csv_run['seconds']) < 60}"
    )  # type: ignore[arg-type]
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
