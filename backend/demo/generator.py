"""The demo generator: a seeded synthetic national dataset for PAR INDEX and SIPAS, labelled demo everywhere.

:func:`generate_demo` writes, for each requested evaluation year, inside the caller's transaction:

* one ``SIPAS`` survey with its items and interviewers and ~580 household forms per province at full scale
  (3 districts x 2 communes x 3 villages before 2025; from 2025 the 34 provinces, communes and villages only,
  ``district_code`` NULL), with answers (:mod:`backend.demo.simulate`);
* one ``PAR_SURVEY`` survey: ~50,000 electronic forms of officials at full scale, rating provinces (PRV.* items)
  and ministries (MIN.* items);
* one self-assessment score per assessed unit and self-assessed leaf criterion of the year's PAR INDEX framework,
  with BNV's appraisal and evidence (:mod:`backend.demo.assessment`); a year or scope without a framework is
  skipped with a warning.

Every year's figures are calibrated to the published record (backend/demo/calibration.py: mean, spread and range
per index, scope and year; backend/demo/fit.py: how the microdata are fitted so that the scoring engine computes
them). Ground truth for later checks (the suspicious interviewers and their patterns), the calibration targets
used and the bilingual source line of the figures (``source_vi`` / ``source_en``, see
:func:`backend.demo.source.source_text`) are stored in ``Dataset.parameters``. Same seed and parameters → the same rows (only ``dataset.created_at`` differs).
A second run with the same parameters adds nothing; with other parameters it refuses unless ``replace=True``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from backend.demo import store
from backend.demo.source import demo_description, demo_source
from backend.demo.spec import DEMO_DATASET_NAME, GENERATOR_VERSION, ScaleSpec, check_seed, parse_years, scale_spec
from backend.demo.stages import TABLES, Progress, StageWriter
from backend.errors import DomainError
from backend.ingest.bulk import bulk_loading
from backend.personal import vault
from backend.reference.units import ministries_for_year, provinces_for_year
from backend.settings import get_settings


@dataclass
class DemoReport:
    """What a call did: the dataset, whether it was already there, rows per table and year, time, warnings."""

    dataset_id: int
    dataset_name: str
    years: list[int]
    scale: str
    seed: int
    already_present: bool = False
    replaced: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    rows_by_year: dict[int, dict[str, int]] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    suspicious_interviewers: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        what = "already present" if self.already_present else ("replaced" if self.replaced else "generated")
        counts = ", ".join(f"{t} {self.rows.get(t, 0):,}" for t in TABLES)
        years = f"{self.years[0]}-{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        text = (
            f"demo dataset '{self.dataset_name}' (id {self.dataset_id}, years {years}, scale {self.scale}, "
            f"seed {self.seed}) {what} in {self.seconds:.1f} s: {counts}"
        )
        return text + "".join(f"\nwarning: {w}" for w in self.warnings)


def _request(years: Sequence[int], scale: str, seed: int) -> dict[str, Any]:
    return {"generator_version": GENERATOR_VERSION, "years": list(years), "scale": scale, "seed": seed}


def _same_request(stored: dict[str, Any], request: dict[str, Any]) -> bool:
    return all(stored.get(k) == v for k, v in request.items())


def _outdated(stored: dict[str, Any], request: dict[str, Any]) -> bool:
    """The stored demo differs from ``request`` only by its generator version."""
    same = all(stored.get(k) == v for k, v in request.items() if k != "generator_version")
    return same and stored.get("generator_version") != request["generator_version"]


def _describe(request: dict[str, Any]) -> str:
    years = request.get("years") or []
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else ",".join(map(str, years))
    return f"years={span} scale={request.get('scale')} seed={request.get('seed')} version={request.get('generator_version')}"


def _open(target: Session | Connection) -> tuple[Session, Connection, bool]:
    if isinstance(target, Session):
        return target, target.connection(), False
    return Session(bind=target), target, True


def generate_demo(
    target: Session | Connection,
    *,
    years: str | Sequence[int] = "2022-2025",
    scale: str = "small",
    seed: int = 20251,
    replace: bool = False,
    delete_results: bool = False,
    upgrade: bool = False,
    progress: Progress | None = None,
    questionnaire_dir: Path | None = None,
) -> DemoReport:
    """Generate (or find) the labelled demo dataset in the store behind ``target``.

    ``target`` is a Session or a Connection; all rows are written in its current transaction and nothing is
    committed here (the caller commits, e.g. through :func:`backend.db.session_scope`), so a failure changes nothing.
    Reference data must be loaded; frameworks are optional (without them self-assessment is skipped with a warning).

    * Same parameters (years, scale, seed, generator version) as the stored demo dataset → nothing is written,
      the report says ``already_present``.
    * Other parameters → :class:`DomainError` unless ``replace``; with ``replace`` the previous demo rows are deleted
      first (also with the same parameters: a forced regeneration, e.g. after frameworks were loaded). Result sets
      computed from the dataset block that unless ``delete_results`` deletes them as well.
    * ``upgrade`` (what `make run` seeding asks for): a stored demo with the same years, scale and seed made by
      another generator version is replaced, with its (demo) result sets, as if ``replace`` and
      ``delete_results`` were given; other differences still need ``replace``.
    """
    started = time.perf_counter()
    say: Progress = progress or (lambda _msg: None)
    year_list = parse_years(years if isinstance(years, str) else list(years))
    spec = scale_spec(scale)
    seed = check_seed(seed)
    request = _request(year_list, spec.name, seed)
    session, conn, own_session = _open(target)
    try:
        report = _generate(session, conn, request, spec, replace, delete_results, upgrade, say, questionnaire_dir)
    finally:
        if own_session:
            session.close()
    report.seconds = time.perf_counter() - started
    return report


def _generate(
    session: Session,
    conn: Connection,
    request: dict[str, Any],
    spec: ScaleSpec,
    replace: bool,
    delete_results: bool,
    upgrade: bool,
    say: Progress,
    questionnaire_dir: Path | None,
) -> DemoReport:
    years: list[int] = request["years"]
    seed: int = request["seed"]
    report = DemoReport(dataset_id=0, dataset_name=DEMO_DATASET_NAME, years=years, scale=spec.name, seed=seed)
    existing = store.find_dataset(conn, DEMO_DATASET_NAME)
    if existing is not None:
        report.dataset_id = int(existing["id"])
        if existing["kind"] != "demo":
            raise DomainError(
                f"Đã có bộ dữ liệu tên '{DEMO_DATASET_NAME}' nhưng không phải dữ liệu mô phỏng.",
                f"A dataset named '{DEMO_DATASET_NAME}' exists but is not demo data.",
                hint_vi="Không thể ghi dữ liệu mô phỏng vào bộ dữ liệu chính thức.",
                hint_en="Demo data is never written into an official dataset.",
            )
        try:
            stored = json.loads(existing["parameters"] or "{}")
        except json.JSONDecodeError:
            stored = {}
        if _same_request(stored, request) and not replace:
            report.already_present = True
            report.rows = {t: int(stored.get("counts", {}).get(t, 0)) for t in TABLES}
            report.suspicious_interviewers = list(stored.get("ground_truth", {}).get("suspicious_interviewers", []))
            report.warnings = list(stored.get("warnings", []))
            say(
                f"[demo] already present: dataset '{DEMO_DATASET_NAME}' (id {report.dataset_id}) with {_describe(request)}"
            )
            now_available = [
                f"{scope} {year}"
                for scope, skipped in sorted(stored.get("assessment_skipped", {}).items())
                for year in skipped
                if (fw := store.find_framework(session, scope, year)) is not None
                and store.self_assessed_leaves(session, fw)
            ]
            if now_available:
                note = (
                    f"frameworks are now loaded for {', '.join(now_available)} but the demo has no self-assessment "
                    "scores there: run demo again with --replace to add them"
                )
                report.warnings.append(note)
                say(f"[demo] note: {note}")
            return report
        if upgrade and _outdated(stored, request):
            say(
                f"[demo] generator version {stored.get('generator_version')} → {GENERATOR_VERSION}: "
                "regenerating the demo dataset and deleting its result sets"
            )
            replace = delete_results = True
        if not replace:
            raise DomainError(
                f"Dữ liệu mô phỏng đã có với tham số khác ({_describe(stored)}); yêu cầu: {_describe(request)}.",
                f"Demo data already exists with other parameters ({_describe(stored)}); requested: {_describe(request)}.",
                hint_vi="Thêm --replace để xóa dữ liệu mô phỏng cũ và sinh lại.",
                hint_en="Add --replace to delete the old demo data and generate it again.",
            )
        n_sets = store.count_result_sets(conn, report.dataset_id)
        if n_sets and not delete_results:
            raise DomainError(
                f"Có {n_sets} bộ kết quả được tính từ dữ liệu mô phỏng cũ; không thể thay thế.",
                f"{n_sets} result set(s) were computed from the old demo data; it cannot be replaced.",
                hint_vi="Thêm --delete-results để xóa cả các bộ kết quả đó.",
                hint_en="Add --delete-results to delete those result sets too.",
            )
        t0 = time.perf_counter()
        report.deleted = store.delete_dataset_rows(conn, report.dataset_id, delete_results=delete_results)
        report.replaced = True
        say(
            f"[demo] replaced: deleted previous demo rows ({', '.join(f'{k} {v:,}' for k, v in report.deleted.items())}) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        dataset_id = report.dataset_id
        conn.execute(
            store.DATASET.update()
            .where(store.DATASET.c.id == dataset_id)
            .values(
                parameters=json.dumps(request),
                description=demo_description(request),
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    else:
        dataset_id = store.insert_one(
            conn,
            store.DATASET,
            {
                "name": DEMO_DATASET_NAME,
                "kind": "demo",
                "description": demo_description(request),
                "parameters": json.dumps(request),
                "created_at": dt.datetime.now(dt.UTC),
            },
        )
        report.dataset_id = dataset_id

    qdir = questionnaire_dir or get_settings().data_dir / "questionnaires"
    expected = len(years) * spec.par_forms_total * 25  # the order of magnitude of answer rows, for the loader
    with bulk_loading(conn, [store.FORM, store.ANSWER], expected) as load:
        writer = StageWriter(session, conn, seed, spec, qdir, say, load, vault())
        for year in years:
            t0 = time.perf_counter()
            provinces = provinces_for_year(session, year)
            ministries = ministries_for_year(session, year)
            writer.sipas(dataset_id, year, provinces)
            writer.par_survey(dataset_id, year, provinces, ministries)
            writer.assessments(dataset_id, year, provinces, ministries)
            counts = writer.rows_by_year.get(year, {})
            say(f"[demo] {year} done: {sum(counts.values()):,} rows in {time.perf_counter() - t0:.1f} s")

    report.rows = writer.rows
    report.rows_by_year = writer.rows_by_year
    report.suspicious_interviewers = writer.suspicious
    report.warnings = [
        f"self-assessment scores skipped for {scope} in {', '.join(map(str, skipped))}: no PAR_INDEX framework with "
        "self-assessed leaves (load them with `python -m backend load-frameworks`, then run demo again with --replace)"
        for scope, skipped in sorted(writer.skipped.items())
    ]
    source_vi, source_en = demo_source(request)
    parameters = {
        **request,
        "label": "DEMO: synthetic data, not official figures / dữ liệu mô phỏng, không phải số liệu chính thức",
        "source_vi": source_vi,
        "source_en": source_en,
        "calibration": {key: target.as_dict() for key, target in sorted(writer.used_targets.items())},
        "counts": writer.rows,
        "counts_by_year": {str(y): c for y, c in writer.rows_by_year.items()},
        "ground_truth": {
            "suspicious_interviewers": writer.suspicious,
            "suspicious_patterns": {
                "straight_lining": "every form of the interviewer has the same answer on every item",
                "many_per_day": "all forms of the interviewer collected on one day",
                "outside_fieldwork": "forms dated after the survey's fieldwork_end",
                "same_phone_prefix": "all respondent phones share their first 7 characters (stored hashed and encrypted)",
                "near_duplicates": "answers differ in at most 2 items from one template; phones differ in the last 2 digits",
            },
        },
        "warnings": report.warnings,
        "assessment_skipped": writer.skipped,
    }
    conn.execute(
        store.DATASET.update()
        .where(store.DATASET.c.id == dataset_id)
        .values(parameters=json.dumps(parameters, ensure_ascii=False, sort_keys=True))
    )
    return report
