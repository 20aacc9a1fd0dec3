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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from backend.demo import store
from backend.demo.source import demo_description, demo_source
from backend.demo.spec import DEMO_DATASET_NAME, GENERATOR_VERSION, ScaleSpec, check_seed, parse_years, scale_spec
from backend.demo.stages import Progress, StageWriter
from backend.demo.store import TABLES
from backend.errors import DomainError
from backend.i18n import bilingual, t
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

    def text(self, lang: str = "en") -> str:
        """What was done, with the rows per table, then one line per warning, in ``lang``."""
        state = "present" if self.already_present else ("replaced" if self.replaced else "generated")
        counts = ", ".join(f"{table} {self.rows.get(table, 0):,}" for table in TABLES)
        years = f"{self.years[0]}-{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        text = t(
            "demo_data.report.line",
            lang,
            name=self.dataset_name,
            id=self.dataset_id,
            years=years,
            scale=self.scale,
            seed=self.seed,
            state=t(f"demo_data.report.{state}", lang),
            seconds=f"{self.seconds:.1f}",
            counts=counts,
        )
        return text + "".join("\n" + t("demo_data.report.warning", lang, warning=w) for w in self.warnings)

    def __str__(self) -> str:
        return self.text()


#: What each simulated field problem of the ground truth is (stored with the dataset, for the back-check tests).
_PATTERN_DESCRIPTIONS = {
    "straight_lining": "every form of the interviewer has the same answer on every item",
    "many_per_day": "all forms of the interviewer collected on one day",
    "outside_fieldwork": "forms dated after the survey's fieldwork_end",
    "same_phone_prefix": "all respondent phones share their first 7 characters (stored hashed and encrypted)",
    "near_duplicates": "answers differ in at most 2 items from one template; phones differ in the last 2 digits",
}


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
    lang: str = "en",
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

    ``progress`` receives the progress lines and the report's warnings are written in ``lang`` (backend/i18n).
    """
    started = time.perf_counter()
    say: Progress = progress or (lambda _msg: None)
    year_list = parse_years(years if isinstance(years, str) else list(years))
    spec = scale_spec(scale)
    seed = check_seed(seed)
    request = _request(year_list, spec.name, seed)
    session, conn, own_session = _open(target)
    try:
        options = _Options(replace, delete_results, upgrade, say, questionnaire_dir, lang)
        report = _generate(session, conn, request, spec, options)
    finally:
        if own_session:
            session.close()
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Options:
    """How :func:`generate_demo` was asked to treat an existing demo dataset, and how it reports."""

    replace: bool
    delete_results: bool
    upgrade: bool
    say: Progress
    questionnaire_dir: Path | None
    lang: str


def _generate(
    session: Session, conn: Connection, request: dict[str, Any], spec: ScaleSpec, options: _Options
) -> DemoReport:
    years: list[int] = request["years"]
    seed: int = request["seed"]
    report = DemoReport(dataset_id=0, dataset_name=DEMO_DATASET_NAME, years=years, scale=spec.name, seed=seed)
    existing = store.find_dataset(conn, DEMO_DATASET_NAME)
    if existing is not None:
        report.dataset_id = int(existing["id"])
        if _reuse(session, conn, existing, request, report, options):
            return report
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
    writer = _write_years(session, conn, dataset_id, request, spec, options)
    report.rows = writer.rows
    report.rows_by_year = writer.rows_by_year
    report.suspicious_interviewers = writer.suspicious
    report.warnings = [
        t("demo_data.skipped_warning", options.lang, scope=scope, years=", ".join(map(str, skipped)))
        for scope, skipped in sorted(writer.skipped.items())
    ]
    conn.execute(
        store.DATASET.update()
        .where(store.DATASET.c.id == dataset_id)
        .values(parameters=json.dumps(_parameters(request, writer, report), ensure_ascii=False, sort_keys=True))
    )
    return report


def _reuse(
    session: Session,
    conn: Connection,
    existing: Mapping[str, Any],
    request: dict[str, Any],
    report: DemoReport,
    options: _Options,
) -> bool:
    """Decide about the stored demo dataset: True when it already is the requested one (``report`` filled in);
    False after deleting its rows for a regeneration; DomainError when it may not be replaced."""
    if existing["kind"] != "demo":
        raise DomainError.of("demo_data.not_demo", name=DEMO_DATASET_NAME)
    try:
        stored = json.loads(existing["parameters"] or "{}")
    except json.JSONDecodeError:
        stored = {}
    replace, delete_results, say, lang = options.replace, options.delete_results, options.say, options.lang
    if _same_request(stored, request) and not replace:
        _already_present(session, stored, request, report, options)
        return True
    if options.upgrade and _outdated(stored, request):
        say(t("demo_data.progress.upgrade", lang, old=stored.get("generator_version"), new=GENERATOR_VERSION))
        replace = delete_results = True
    if not replace:
        raise DomainError.of("demo_data.other_parameters", stored=_describe(stored), requested=_describe(request))
    n_sets = store.count_result_sets(conn, report.dataset_id)
    if n_sets and not delete_results:
        raise DomainError.of("demo_data.results_block", n=n_sets)
    started = time.perf_counter()
    report.deleted = store.delete_dataset_rows(conn, report.dataset_id, delete_results=delete_results)
    report.replaced = True
    deleted = ", ".join(f"{k} {v:,}" for k, v in report.deleted.items())
    say(t("demo_data.progress.replaced", lang, deleted=deleted, seconds=f"{time.perf_counter() - started:.1f}"))
    return False


def _already_present(
    session: Session, stored: dict[str, Any], request: dict[str, Any], report: DemoReport, options: _Options
) -> None:
    """The report of a demo dataset that is already there, with a warning when frameworks loaded since then
    would now give it self-assessment scores."""
    report.already_present = True
    report.rows = {table: int(stored.get("counts", {}).get(table, 0)) for table in TABLES}
    report.suspicious_interviewers = list(stored.get("ground_truth", {}).get("suspicious_interviewers", []))
    report.warnings = list(stored.get("warnings", []))
    say, lang = options.say, options.lang
    say(t("demo_data.progress.present", lang, name=DEMO_DATASET_NAME, id=report.dataset_id, request=_describe(request)))
    now_available = [
        f"{scope} {year}"
        for scope, skipped in sorted(stored.get("assessment_skipped", {}).items())
        for year in skipped
        if (fw := store.find_framework(session, scope, year)) is not None and store.self_assessed_leaves(session, fw)
    ]
    if now_available:
        note = t("demo_data.frameworks_now_loaded", lang, where=", ".join(now_available))
        report.warnings.append(note)
        say(t("demo_data.progress.note", lang, note=note))


def _write_years(
    session: Session, conn: Connection, dataset_id: int, request: dict[str, Any], spec: ScaleSpec, options: _Options
) -> StageWriter:
    """Every requested year's surveys and self-assessment, through one :class:`StageWriter`."""
    qdir = options.questionnaire_dir or get_settings().data_dir / "questionnaires"
    expected = len(request["years"]) * spec.par_forms_total * 25  # order of magnitude of answer rows (loader)
    with bulk_loading(conn, [store.FORM, store.ANSWER], expected) as load:
        writer = StageWriter(session, conn, request["seed"], spec, qdir, options.say, load, vault(), options.lang)
        for year in request["years"]:
            started = time.perf_counter()
            provinces = provinces_for_year(session, year)
            ministries = ministries_for_year(session, year)
            writer.sipas(dataset_id, year, provinces)
            writer.par_survey(dataset_id, year, provinces, ministries)
            writer.assessments(dataset_id, year, provinces, ministries)
            rows = f"{sum(writer.rows_by_year.get(year, {}).values()):,}"
            options.say(
                t(
                    "demo_data.progress.year_done",
                    options.lang,
                    year=year,
                    rows=rows,
                    seconds=f"{time.perf_counter() - started:.1f}",
                )
            )
    return writer


def _parameters(request: dict[str, Any], writer: StageWriter, report: DemoReport) -> dict[str, Any]:
    """What the dataset records: the request, the demo label and source line, the calibration targets used,
    the row counts, the ground truth for back-check tests, the warnings and the skipped self-assessments."""
    source_vi, source_en = demo_source(request)
    return {
        **request,
        "label": bilingual("demo_data.label"),
        "source_vi": source_vi,
        "source_en": source_en,
        "calibration": {key: target.as_dict() for key, target in sorted(writer.used_targets.items())},
        "counts": writer.rows,
        "counts_by_year": {str(y): c for y, c in writer.rows_by_year.items()},
        "ground_truth": {
            "suspicious_interviewers": writer.suspicious,
            "suspicious_patterns": _PATTERN_DESCRIPTIONS,
        },
        "warnings": report.warnings,
        "assessment_skipped": writer.skipped,
    }
