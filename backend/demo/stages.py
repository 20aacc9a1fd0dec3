"""The demo generator's stages for one year: SIPAS survey, PAR sociological survey, self-assessment (with writes).

Each stage draws every unit's figure for the year from its latent quality and the calibration target
(backend/demo/calibration.py, backend/demo/fit.py), simulates the microdata so that the scoring engine computes
that figure (backend/demo/simulate.py, backend/demo/assessment.py) and bulk-inserts the rows
(backend/demo/store.py). Stages of one year run in order, because a province's PAR INDEX splits into its SIPAS
points (computed from the SIPAS stage's answers), its survey points (from the PAR survey stage's answers) and
its appraisal points, which take the exact remainder.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection
from sqlmodel import Session, select

from backend.demo import details, store
from backend.demo.assessment import Leaf, ScoreSim, simulate_assessment
from backend.demo.calibration import Target, demo_targets, target_for
from backend.demo.fit import par_budget, par_survey_model, sipas_model, survey_fractions_for, unit_figures
from backend.demo.sample import UnitKey, par_plan, par_unit_counts, sipas_plan_size
from backend.demo.simulate import FormBatch, Latent, batch_figures, simulate_par, simulate_sipas
from backend.demo.spec import DEMO_LABEL, ScaleSpec, par_fieldwork, rng_for, sipas_fieldwork
from backend.frameworks.questionnaire import (
    GroupSpec,
    ItemSpec,
    par_groups,
    par_items,
    questionnaire,
    sipas_group,
    sipas_items,
)
from backend.i18n import both, t
from backend.ingest.bulk import BulkLoader
from backend.models import Unit
from backend.personal import Vault
from backend.reference.lineage import Lineage
from backend.reference.units import lineage_frame, ministries_for_year
from backend.settings import get_settings

Progress = Callable[[str], None]
SCOPES = ("province", "ministry")


class StageWriter:
    """Per-call context: the session/connection, seed, scale, targets, latent model, per-year state, counters."""

    def __init__(
        self,
        session: Session,
        conn: Connection,
        seed: int,
        spec: ScaleSpec,
        questionnaire_dir: Path,
        progress: Progress,
        load: BulkLoader,
        phones: Vault,
        lang: str = "en",
    ):
        self.session = session
        self.lang = lang  # of the progress lines
        self.conn = conn
        self.load = load
        self.phones = phones
        self.seed = seed
        self.spec = spec
        self.qdir = questionnaire_dir
        self.progress = progress
        settings = get_settings()
        self.targets = demo_targets(settings.published_dir, settings.reference_dir)
        self.used_targets: dict[str, Target] = {}
        self.rows: dict[str, int] = dict.fromkeys(store.TABLES, 0)
        self.rows_by_year: dict[int, dict[str, int]] = {}
        self.suspicious: list[dict[str, Any]] = []
        self.skipped: dict[str, list[int]] = {}
        self.answer_seconds = 0.0  # time spent inserting answers, for the progress lines
        self.latent = Latent(seed, self._predecessor_weights())
        #: per year: each province's SIPAS as computed from the demo answers; per (scope, year): appraisal targets
        self.sipas_figures: dict[int, dict[UnitKey, float]] = {}
        self.appraisal_targets: dict[tuple[str, int], dict[UnitKey, float]] = {}

    # -- latent quality through lineage ----------------------------------------------------------------------
    def _last_year(self, unit: Unit | None) -> int | None:
        if unit is None or unit.valid_to is None:
            return None
        end = unit.valid_to
        return end.year if end >= dt.date(end.year, 12, 31) else end.year - 1

    def _predecessor_weights(self) -> dict[UnitKey, list[tuple[UnitKey, float]]]:
        """Predecessors of each unit (through the one lineage module) weighted by their forms in their last
        evaluation year: SIPAS household forms for provinces, PAR survey forms for ministries."""
        lineage = Lineage.from_frame(lineage_frame(self.session))
        units = {int(u.id or 0): u for u in self.session.exec(select(Unit)).all()}
        ministry_lists: dict[int, list[UnitKey]] = {}
        out: dict[UnitKey, list[tuple[UnitKey, float]]] = {}
        for new_id in sorted(units, key=lambda i: (units[i].kind, units[i].code)):
            for old_id in sorted(lineage.predecessors(new_id), key=lambda i: (units[i].kind, units[i].code)):
                old: UnitKey = (units[old_id].kind, units[old_id].code)
                last = self._last_year(units[old_id])
                weight = 1.0
                if last is not None and last >= 2022:
                    if old[0].startswith("province"):
                        weight = float(sipas_plan_size(self.seed, self.spec, last, old))
                    else:
                        if last not in ministry_lists:
                            ministry_lists[last] = [(u.kind, u.code) for u in ministries_for_year(self.session, last)]
                        keys = ministry_lists[last]
                        if old in keys:
                            weight = float(
                                par_unit_counts(self.seed, self.spec, last, "ministry", keys)[keys.index(old)]
                            )
                out.setdefault((units[new_id].kind, units[new_id].code), []).append((old, weight))
        return out

    def figures(self, index: str, scope: str, year: int, units: Sequence[Unit]) -> np.ndarray:
        """Each unit's figure for the year: its latent quality for ``index`` mapped onto the calibration target
        (mean and SD over the ranked units; PAR INDEX ministries: ``par_ranked``)."""
        target = target_for(self.targets, index, scope, year)
        self.used_targets[f"{index}/{scope}/{year}"] = target
        quality = [self.latent.quality((u.kind, u.code), year, index) for u in units]
        ranked = [bool(u.par_ranked) or index == "SIPAS" for u in units]
        return unit_figures(quality, target, ranked)

    # -- helpers ---------------------------------------------------------------------------------------------
    def _count(self, year: int, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n
        self.rows_by_year.setdefault(year, dict.fromkeys(store.TABLES, 0))[name] += n

    def _survey(
        self, dataset_id: int, index_code: str, year: int, window: tuple[dt.date, dt.date], items: Sequence[ItemSpec]
    ) -> tuple[int, dict[str, int]]:
        name_vi, name_en = both(f"demo_data.survey.{index_code}", label=DEMO_LABEL, year=year)
        survey_id = store.insert_one(
            self.conn,
            store.SURVEY,
            {
                "dataset_id": dataset_id,
                "index_code": index_code,
                "year": year,
                "name_vi": name_vi,
                "name_en": name_en,
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
        interviewer_col = [
            interviewer_ids.get(c) if c is not None else None for c in store.nullable_values(f["interviewer_code"])
        ]
        sealed = [self.phones.seal(p) for p in store.nullable_values(f["respondent_phone"])]
        columns: dict[str, list[Any]] = {
            "survey_id": [survey_id] * len(f),
            "unit_id": unit_col,
            "interviewer_id": interviewer_col,
            "review_state": ["accepted"] * len(f),  # demo forms count as reviewed
            "phone_hash": [h for h, _ in sealed],
            "phone_encrypted": [e for _, e in sealed],
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
            "started_at",
            "finished_at",
            "facts",
        ):
            columns[name] = store.nullable_values(f[name]) if name in f else [None] * len(f)
        self._count(year, "survey_form", self.load.insert_columns(store.FORM, columns))
        ids = store.id_map(self.conn, store.FORM, "form_code", survey_id=survey_id)
        form_ids = np.array([ids[c] for c in f["form_code"].tolist()], dtype=np.int64)
        item_col = np.array([item_ids[c] for c in batch.item_codes], dtype=np.int64)
        t0 = time.perf_counter()
        names = ("form_id", "item_id", "value")
        self._count(year, "answer", self.load.insert_matrix(store.ANSWER, names, form_ids, item_col, batch.values))
        self.answer_seconds += time.perf_counter() - t0

    def _say(self, key: str, started: float, **values: Any) -> None:
        """Progress line ``demo_data.progress.<key>`` in the writer's language, with the seconds since ``started``."""
        seconds = f"{time.perf_counter() - started:.1f}"
        self.progress(t(f"demo_data.progress.{key}", self.lang, seconds=seconds, **values))

    def _basis(self, framework: str) -> str:
        """Where a figure model comes from: the framework code, or the generator's default."""
        if framework:
            return t("demo_data.progress.basis_framework", self.lang, framework=framework)
        return t("demo_data.progress.basis_default", self.lang)

    def _plan(self, year: int, survey_id: int, forms: pd.DataFrame, unit_ids: Sequence[int], by_commune: bool) -> None:
        """The fieldwork plan: the sample design's forms per unit (and commune) and respondent group."""
        columns = store.plan_columns(survey_id, forms, unit_ids, by_commune)
        self._count(year, "fieldwork_plan", self.load.insert_columns(store.PLAN, columns))

    def _insert_note(self) -> str:
        seconds, self.answer_seconds = self.answer_seconds, 0.0
        return t("demo_data.progress.answers_inserted", self.lang, seconds=f"{seconds:.1f}")

    # -- stages ----------------------------------------------------------------------------------------------
    def sipas(self, dataset_id: int, year: int, provinces: Sequence[Unit]) -> None:
        started = time.perf_counter()
        keys = [(u.kind, u.code) for u in provinces]
        items = sipas_items(self.qdir, year)
        model = sipas_model(
            store.framework_spec(self.session, "SIPAS", "province", year), year, [i.code for i in items]
        )
        figures = self.figures("SIPAS", "province", year, provinces)
        sim = simulate_sipas(self.seed, self.spec, year, keys, figures, items, model)
        forms = sim.batch.forms
        facts = questionnaire("SIPAS", year, self.qdir).facts
        forms["facts"] = details.profiles(self.seed, year, len(forms), facts)
        fast = details.fast_forms(forms, sim.suspicious)
        forms["started_at"], forms["finished_at"] = details.interview_times(
            self.seed, year, forms["collected_on"].tolist(), fast
        )
        computed = batch_figures(sim.batch, model, [sipas_group(self.qdir).code], len(keys))
        self.sipas_figures[year] = dict(zip(keys, computed.tolist(), strict=True))
        survey_id, item_ids = self._survey(dataset_id, "SIPAS", year, sipas_fieldwork(year), items)
        rows = [{"dataset_id": dataset_id, "code": code, "name": name} for code, name in sim.interviewers]
        self._count(year, "interviewer", store.insert_rows(self.conn, store.INTERVIEWER, rows))
        interviewer_ids = store.id_map(self.conn, store.INTERVIEWER, "code", dataset_id=dataset_id)
        unit_ids = [int(u.id) for u in provinces]  # type: ignore[arg-type]
        self._forms(year, survey_id, sim.batch, unit_ids, interviewer_ids, item_ids)
        self._plan(year, survey_id, forms, unit_ids, by_commune=True)
        self.suspicious.extend(sim.suspicious)
        n_forms = len(sim.batch.forms)
        invalid = int((sim.batch.forms["status"] == "invalid").sum())
        self._say(
            "sipas",
            started,
            year=year,
            provinces=len(provinces),
            forms=f"{n_forms:,}",
            invalid=f"{invalid:,}",
            answers=f"{sim.batch.values.size:,}",
            interviewers=len(sim.interviewers),
            suspicious=len(sim.suspicious),
            national=f"{np.nanmean(computed):.2f}",
            target=f"{self.used_targets[f'SIPAS/province/{year}'].mean:.2f}",
            basis=self._basis(model.framework),
            inserted=self._insert_note(),
        )

    def par_survey(self, dataset_id: int, year: int, provinces: Sequence[Unit], ministries: Sequence[Unit]) -> None:
        started = time.perf_counter()
        groups = par_groups(self.qdir)
        items = par_items(self.qdir)
        survey_id, item_ids = self._survey(dataset_id, "PAR_SURVEY", year, par_fieldwork(year), items)
        n_forms = n_answers = 0
        for scope, units in (("province", provinces), ("ministry", ministries)):
            batch = self._par_scope(year, scope, units, groups, items)
            unit_ids = [int(u.id) for u in units]  # type: ignore[arg-type]
            self._forms(year, survey_id, batch, unit_ids, {}, item_ids)
            plan = par_plan(self.seed, self.spec, year, scope, [(u.kind, u.code) for u in units], groups)
            self._plan(year, survey_id, plan, unit_ids, by_commune=False)
            n_forms += len(batch.forms)
            n_answers += batch.values.size
        self._say(
            "par_survey",
            started,
            year=year,
            forms=f"{n_forms:,}",
            answers=f"{n_answers:,}",
            inserted=self._insert_note(),
        )

    def _par_scope(
        self, year: int, scope: str, units: Sequence[Unit], groups: Sequence[GroupSpec], items: Sequence[ItemSpec]
    ) -> FormBatch:
        """One scope's survey forms, fitted to each unit's survey share; records its appraisal targets."""
        keys = [(u.kind, u.code) for u in units]
        spec = store.framework_spec(self.session, "PAR_INDEX", scope, year)
        par = self.figures("PAR_INDEX", scope, year, units)
        sipas = None
        if scope == "province" and year in self.sipas_figures:
            sipas = np.array([self.sipas_figures[year].get(k, np.nan) for k in keys])
        budget = par_budget(spec, year, par, sipas)
        share = survey_fractions_for(budget.ratio, rng_for(self.seed, "survey-share", year, scope))
        scope_groups = [g.code for g in groups if g.scope == scope]
        scope_items = [i.code for i in items if scope_groups and scope_groups[0] in i.groups]
        model = par_survey_model(spec, year, scope_items, scope_groups)
        batch = simulate_par(self.seed, self.spec, year, scope, keys, share, groups, items, model)
        computed = batch_figures(batch, model, scope_groups, len(keys))
        appraisal = budget.appraisal(np.where(np.isnan(computed), share, computed))
        points = appraisal / budget.assessed if budget.assessed > 0 else np.zeros(len(keys))
        self.appraisal_targets[(scope, year)] = dict(zip(keys, points.tolist(), strict=True))
        return batch

    def assessments(self, dataset_id: int, year: int, provinces: Sequence[Unit], ministries: Sequence[Unit]) -> None:
        started = time.perf_counter()
        n_scores = n_evidence = 0
        for scope, units in (("province", provinces), ("ministry", ministries)):
            if not units:
                continue
            framework = store.find_framework(self.session, scope, year)
            leaves = store.self_assessed_leaves(self.session, framework) if framework is not None else []
            if not leaves:
                key = "no_framework" if framework is None else "no_leaf"
                why = t(f"demo_data.progress.{key}", self.lang, framework=framework.code if framework else "")
                self.skipped.setdefault(scope, []).append(year)
                self.progress(t("demo_data.progress.skipped", self.lang, year=year, scope=scope, why=why))
                continue
            keys = [(u.kind, u.code) for u in units]
            maximum = sum(leaf.max_points for leaf in leaves)
            shares = self.appraisal_targets.get((scope, year), {})
            targets = [maximum * shares[k] if k in shares else math.nan for k in keys]
            if any(math.isnan(t) for t in targets):  # no survey stage ran: the PAR figure as share of the leaves
                par = self.figures("PAR_INDEX", scope, year, units)
                targets = [maximum * p / 100.0 if math.isnan(t) else t for t, p in zip(targets, par, strict=True)]
            sims = simulate_assessment(self.seed, year, scope, keys, targets, leaves)
            scores, evidence = self._write_scores(dataset_id, year, units, leaves, sims)
            n_scores, n_evidence = n_scores + scores, n_evidence + evidence
        self._count(year, "assessment_score", n_scores)
        self._count(year, "evidence", n_evidence)
        self._say("assessments", started, year=year, scores=f"{n_scores:,}", evidence=f"{n_evidence:,}")

    def _write_scores(
        self, dataset_id: int, year: int, units: Sequence[Unit], leaves: Sequence[Leaf], sims: Sequence[ScoreSim]
    ) -> tuple[int, int]:
        """Insert the scores and their evidence documents; returns (scores, documents) written."""
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
        n_scores = store.insert_rows(self.conn, store.SCORE, rows)
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
        n_evidence = store.insert_rows(self.conn, store.EVIDENCE, evidence)
        return n_scores, n_evidence
