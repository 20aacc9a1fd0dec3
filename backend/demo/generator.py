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

Ground truth for later checks (the suspicious interviewers and their patterns) is stored in
``Dataset.parameters``. Same seed and parameters → the same rows (only ``dataset.created_at`` differs).
A second run with the same parameters adds nothing; with other parameters it refuses unless ``replace=True``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection
from sqlmodel import Session, select

from backend.demo import store
from backend.demo.assessment import simulate_assessment
from backend.demo.questionnaire import ItemSpec, par_groups, par_items, sipas_items
from backend.demo.simulate import (
    FormBatch,
    Latent,
    UnitKey,
    par_unit_counts,
    simulate_par,
    simulate_sipas,
    sipas_plan_size,
)
from backend.demo.spec import (
    DEMO_DATASET_NAME,
    DEMO_LABEL,
    GENERATOR_VERSION,
    ScaleSpec,
    check_seed,
    par_fieldwork,
    parse_years,
    scale_spec,
    sipas_fieldwork,
)
from backend.errors import DomainError
from backend.models import Unit
from backend.reference.units import lineage_frame, ministries_for_year, provinces_for_year
from backend.settings import get_settings

Progress = Callable[[str], None]
TABLES = ("survey", "survey_item", "interviewer", "survey_form", "answer", "assessment_score", "evidence")
DESCRIPTION = (
    "DỮ LIỆU MÔ PHỎNG (DEMO), không phải số liệu chính thức: sinh ngẫu nhiên có hạt giống bởi backend.demo. "
    "/ Synthetic DEMO data, not official figures: seeded output of backend.demo."
)


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


def _describe(request: dict[str, Any]) -> str:
    years = request.get("years") or []
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else ",".join(map(str, years))
    return f"years={span} scale={request.get('scale')} seed={request.get('seed')} version={request.get('generator_version')}"


class _Writer:
    """Per-call context: the session/connection, seed, scale, item lists, latent model and counters."""

    def __init__(
        self,
        session: Session,
        conn: Connection,
        seed: int,
        spec: ScaleSpec,
        questionnaire_dir: Path,
        progress: Progress,
    ):
        self.session = session
        self.conn = conn
        self.seed = seed
        self.spec = spec
        self.qdir = questionnaire_dir
        self.progress = progress
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.rows_by_year: dict[int, dict[str, int]] = {}
        self.suspicious: list[dict[str, Any]] = []
        self.skipped: dict[str, list[int]] = {}
        self.answer_seconds = 0.0  # time spent inserting answers, for the progress lines
        self.latent = Latent(seed, self._predecessor_weights())

    # -- latent quality through lineage ----------------------------------------------------------------------
    def _last_year(self, unit: Unit | None) -> int | None:
        if unit is None or unit.valid_to is None:
            return None
        end = unit.valid_to
        return end.year if end >= dt.date(end.year, 12, 31) else end.year - 1

    def _predecessor_weights(self) -> dict[UnitKey, list[tuple[UnitKey, float]]]:
        """Predecessors of each unit (merged_into, continues, renamed; not split_part) weighted by their forms in
        their last evaluation year: SIPAS household forms for provinces, PAR survey forms for ministries."""
        links = lineage_frame(self.session)
        units = {(u.kind, u.code): u for u in self.session.exec(select(Unit)).all()}
        ministry_lists: dict[int, list[UnitKey]] = {}
        out: dict[UnitKey, list[tuple[UnitKey, float]]] = {}
        rows = links[(links["relation"] != "split_part") & (links["old_unit_id"] != links["new_unit_id"])]
        for rec in rows.sort_values(["new_kind", "new_code", "old_kind", "old_code"]).itertuples(index=False):
            old: UnitKey = (str(rec.old_kind), str(rec.old_code))
            new: UnitKey = (str(rec.new_kind), str(rec.new_code))
            last = self._last_year(units.get(old))
            weight = 1.0
            if last is not None and last >= 2022:
                if old[0].startswith("province"):
                    weight = float(sipas_plan_size(self.seed, self.spec, last, old))
                else:
                    if last not in ministry_lists:
                        ministry_lists[last] = [(u.kind, u.code) for u in ministries_for_year(self.session, last)]
                    keys = ministry_lists[last]
                    if old in keys:
                        weight = float(par_unit_counts(self.seed, self.spec, last, "ministry", keys)[keys.index(old)])
            out.setdefault(new, []).append((old, weight))
        return out

    # -- helpers ---------------------------------------------------------------------------------------------
    def _count(self, year: int, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n
        self.rows_by_year.setdefault(year, dict.fromkeys(TABLES, 0))[name] += n

    def _survey(
        self, dataset_id: int, index_code: str, year: int, window: tuple[dt.date, dt.date], items: Sequence[ItemSpec]
    ) -> tuple[int, dict[str, int]]:
        names = {
            "SIPAS": (f"Khảo sát hộ gia đình SIPAS {year}", f"SIPAS household survey {year}"),
            "PAR_SURVEY": (f"Điều tra xã hội học Chỉ số CCHC {year}", f"PAR INDEX sociological survey {year}"),
        }[index_code]
        survey_id = store.insert_one(
            self.conn,
            store.SURVEY,
            {
                "dataset_id": dataset_id,
                "index_code": index_code,
                "year": year,
                "name_vi": f"{DEMO_LABEL} {names[0]} (dữ liệu mô phỏng)",
                "name_en": f"{DEMO_LABEL} {names[1]} (synthetic data)",
                "fieldwork_start": window[0],
                "fieldwork_end": window[1],
            },
        )
        self._count(year, "survey", 1)
        rows = [
            {
                "survey_id": survey_id,
                "code": it.code,
                "text_vi": it.text_vi,
                "text_en": it.text_en,
                "scale_min": 1,
                "scale_max": 5,
                "respondent_groups": ",".join(it.groups),
            }
            for it in items
        ]
        self._count(year, "survey_item", store.insert_rows(self.conn, store.ITEM, rows))
        return survey_id, store.id_map(self.conn, store.ITEM, "code", survey_id=survey_id)

    def _forms(
        self,
        year: int,
        survey_id: int,
        batch: FormBatch,
        unit_ids: Sequence[int],
        interviewer_ids: dict[str, int],
        item_ids: dict[str, int],
    ) -> None:
        f = batch.forms
        unit_col = [unit_ids[u] for u in f["unit"].tolist()]
        interviewer_col = [interviewer_ids.get(c) if c is not None else None for c in _nullable(f["interviewer_code"])]
        columns: dict[str, list[Any]] = {
            "survey_id": [survey_id] * len(f),
            "unit_id": unit_col,
            "interviewer_id": interviewer_col,
        }
        for name in (
            "form_code",
            "respondent_group",
            "district_code",
            "commune_code",
            "village_code",
            "collected_on",
            "status",
            "invalid_reason",
            "respondent_phone",
        ):
            columns[name] = _nullable(f[name])
        self._count(year, "survey_form", store.insert_columns(self.conn, store.FORM, columns))
        ids = store.id_map(self.conn, store.FORM, "form_code", survey_id=survey_id)
        form_ids = np.array([ids[c] for c in f["form_code"].tolist()], dtype=np.int64)
        item_col = np.array([item_ids[c] for c in batch.item_codes], dtype=np.int64)
        t0 = time.perf_counter()
        self._count(year, "answer", store.insert_answers(self.conn, form_ids, item_col, batch.values))
        self.answer_seconds += time.perf_counter() - t0

    # -- stages ----------------------------------------------------------------------------------------------
    def _insert_note(self) -> str:
        seconds, self.answer_seconds = self.answer_seconds, 0.0
        return f"answers inserted in {seconds:.1f} s"

    def sipas(self, dataset_id: int, year: int, provinces: Sequence[Unit]) -> None:
        started = time.perf_counter()
        keys = [(u.kind, u.code) for u in provinces]
        quality = [self.latent.quality(k, year) for k in keys]
        items = sipas_items(self.qdir, year)
        sim = simulate_sipas(self.seed, self.spec, year, keys, quality, items)
        survey_id, item_ids = self._survey(dataset_id, "SIPAS", year, sipas_fieldwork(year), items)
        rows = [{"dataset_id": dataset_id, "code": code, "name": name} for code, name in sim.interviewers]
        self._count(year, "interviewer", store.insert_rows(self.conn, store.INTERVIEWER, rows))
        interviewer_ids = store.id_map(self.conn, store.INTERVIEWER, "code", dataset_id=dataset_id)
        self._forms(year, survey_id, sim.batch, [int(u.id) for u in provinces], interviewer_ids, item_ids)  # type: ignore[arg-type]
        self.suspicious.extend(sim.suspicious)
        n_forms = len(sim.batch.forms)
        invalid = int((sim.batch.forms["status"] == "invalid").sum())
        self.progress(
            f"[demo] {year} SIPAS: {len(provinces)} provinces, {n_forms:,} forms ({invalid:,} invalid), "
            f"{sim.batch.values.size:,} answers, {len(sim.interviewers)} interviewers "
            f"({len(sim.suspicious)} suspicious) in {time.perf_counter() - started:.1f} s ({self._insert_note()})"
        )

    def par_survey(self, dataset_id: int, year: int, provinces: Sequence[Unit], ministries: Sequence[Unit]) -> None:
        started = time.perf_counter()
        groups = par_groups(self.qdir)
        items = par_items(self.qdir)
        survey_id, item_ids = self._survey(dataset_id, "PAR_SURVEY", year, par_fieldwork(year), items)
        n_forms = n_answers = 0
        for scope, units in (("province", provinces), ("ministry", ministries)):
            keys = [(u.kind, u.code) for u in units]
            quality = [self.latent.quality(k, year) for k in keys]
            batch = simulate_par(self.seed, self.spec, year, scope, keys, quality, groups, items)
            self._forms(year, survey_id, batch, [int(u.id) for u in units], {}, item_ids)  # type: ignore[arg-type]
            n_forms += len(batch.forms)
            n_answers += batch.values.size
        self.progress(
            f"[demo] {year} PAR survey: {n_forms:,} forms, {n_answers:,} answers "
            f"in {time.perf_counter() - started:.1f} s ({self._insert_note()})"
        )

    def assessments(self, dataset_id: int, year: int, provinces: Sequence[Unit], ministries: Sequence[Unit]) -> None:
        started = time.perf_counter()
        n_scores = n_evidence = 0
        for scope, units in (("province", provinces), ("ministry", ministries)):
            if not units:
                continue
            framework = store.find_framework(self.session, scope, year)
            leaves = store.self_assessed_leaves(self.session, framework) if framework is not None else []
            if not leaves:
                why = (
                    "no PAR_INDEX framework"
                    if framework is None
                    else f"framework {framework.code} has no self-assessed leaf"
                )
                self.skipped.setdefault(scope, []).append(year)
                self.progress(f"[demo] warning: {year} {scope} self-assessment skipped: {why}")
                continue
            keys = [(u.kind, u.code) for u in units]
            quality = [self.latent.quality(k, year) for k in keys]
            sims = simulate_assessment(self.seed, year, scope, keys, quality, leaves)
            unit_ids = [int(u.id) for u in units]  # type: ignore[arg-type]
            rows = [
                {
                    "dataset_id": dataset_id,
                    "year": year,
                    "unit_id": unit_ids[s.unit],
                    "criterion_id": leaves[s.leaf].criterion_id,
                    "self_score": s.self_score,
                    "self_comment": s.self_comment,
                    "appraisal_score": s.appraisal_score,
                    "appraisal_comment": s.appraisal_comment,
                    "appraised_at": s.appraised_at,
                }
                for s in sims
            ]
            n_scores += store.insert_rows(self.conn, store.SCORE, rows)
            criterion_ids = {leaf.criterion_id for leaf in leaves}
            stmt = store.SCORE.select().with_only_columns(
                store.SCORE.c.unit_id, store.SCORE.c.criterion_id, store.SCORE.c.id
            )
            stmt = stmt.where(store.SCORE.c.dataset_id == dataset_id, store.SCORE.c.year == year)
            score_ids = {(u, c): i for u, c, i in self.conn.execute(stmt).all() if c in criterion_ids}
            evidence = [
                {
                    "score_id": score_ids[(unit_ids[s.unit], leaves[s.leaf].criterion_id)],
                    "ref_code": e.ref_code,
                    "title": e.title,
                    "issued_on": e.issued_on,
                    "location": e.location,
                }
                for s in sims
                for e in s.evidence
            ]
            n_evidence += store.insert_rows(self.conn, store.EVIDENCE, evidence)
        self._count(year, "assessment_score", n_scores)
        self._count(year, "evidence", n_evidence)
        self.progress(
            f"[demo] {year} self-assessment: {n_scores:,} scores, {n_evidence:,} evidence documents "
            f"in {time.perf_counter() - started:.1f} s"
        )


def _nullable(column: pd.Series) -> list[Any]:
    """Values of a column with every missing marker (None, NaN, pd.NA) as None: pandas may store a column of
    strings and None as a string dtype whose missing value is NaN, which PostgreSQL would store as the text 'NaN'."""
    return [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v for v in column.tolist()]


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
    """
    started = time.perf_counter()
    say: Progress = progress or (lambda _msg: None)
    year_list = parse_years(years if isinstance(years, str) else list(years))
    spec = scale_spec(scale)
    seed = check_seed(seed)
    request = _request(year_list, spec.name, seed)
    session, conn, own_session = _open(target)
    try:
        report = _generate(session, conn, request, spec, replace, delete_results, say, questionnaire_dir)
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
            .values(parameters=json.dumps(request), description=DESCRIPTION, created_at=dt.datetime.now(dt.UTC))
        )
    else:
        dataset_id = store.insert_one(
            conn,
            store.DATASET,
            {
                "name": DEMO_DATASET_NAME,
                "kind": "demo",
                "description": DESCRIPTION,
                "parameters": json.dumps(request),
                "created_at": dt.datetime.now(dt.UTC),
            },
        )
        report.dataset_id = dataset_id

    writer = _Writer(session, conn, seed, spec, questionnaire_dir or get_settings().data_dir / "questionnaires", say)
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
    parameters = {
        **request,
        "label": "DEMO: synthetic data, not official figures / dữ liệu mô phỏng, không phải số liệu chính thức",
        "counts": writer.rows,
        "counts_by_year": {str(y): c for y, c in writer.rows_by_year.items()},
        "ground_truth": {
            "suspicious_interviewers": writer.suspicious,
            "suspicious_patterns": {
                "straight_lining": "every form of the interviewer has the same answer on every item",
                "many_per_day": "all forms of the interviewer collected on one day",
                "outside_fieldwork": "forms dated after the survey's fieldwork_end",
                "same_phone_prefix": "all respondent phones share their first 7 characters",
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
