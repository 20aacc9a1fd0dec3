"""Compute an index for a year into a new, immutable result set: orchestration (ARCHITECTURE.md decisions 1, 3, 5).

Flow: the framework that applies (stored, by year) → the units of the year and the inputs read as columns
(:mod:`backend.services.inputs`) → the pure scoring functions (:mod:`backend.scoring.sipas`,
:mod:`backend.scoring.par`) and the result-row assembly (:mod:`backend.scoring.rows`) at the framework's
declared precision and tie rule → a new draft result set (:mod:`backend.services.results`). Rows of an
existing result set are never updated; computing twice on the same inputs gives identical numbers and the
same inputs hash.

Public functions: :func:`compute_index`, :func:`compute_all`, :func:`ensure_computed`; the steps
:func:`sipas_state`, :func:`sipas_computation` and :func:`par_computation` (also used by the benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session
from sqlmodel import select as orm_select

from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import NotFoundError, PermissionDenied, ValidationError
from backend.frameworks.spec import FrameworkSpec
from backend.frameworks.sync import spec_for
from backend.models import Dataset, ResultSet
from backend.reference.units import evaluation_year
from backend.scoring.par import par_replicates, score_par
from backend.scoring.rows import DEFAULT_LEVEL, par_rows, sipas_rows
from backend.scoring.sipas import SipasReplicates, SipasResult, score_sipas, sipas_replicates
from backend.services.inputs import (
    SurveyRead,
    find_dataset,
    read_assessments,
    read_survey,
    scores_digest,
    survey_digest,
    unit_scores_digests,
    year_units,
)
from backend.services.results import Computation, write_result_set

INDEXES = {"par": "PAR_INDEX", "sipas": "SIPAS", "PAR_INDEX": "PAR_INDEX", "SIPAS": "SIPAS"}
SCOPES = ("province", "ministry")
DEFAULT_SEED = 20251
LEVEL = DEFAULT_LEVEL  # bootstrap interval level


class NoInputsError(ValidationError):
    """The dataset has no inputs for this index, scope and year (nothing to compute)."""


def _parameters(
    spec: FrameworkSpec, index: str, scope: str, year: int, bootstrap: int, seed: int, design: str
) -> dict[str, Any]:
    """What every result set records: the methodology (framework, precision, tie rule) and the run."""
    return {
        **spec.parameters(),
        "index": index,
        "unit_scope": scope,
        "year": year,
        "bootstrap": bootstrap,
        "seed": seed if bootstrap else None,
        "interval_level": LEVEL if bootstrap else None,
        "bootstrap_design": design if bootstrap else None,
    }


# ==================================================================================================
# SIPAS
# ==================================================================================================


@dataclass
class SipasState:
    """SIPAS of one year scored once: shared by the SIPAS result set and the PAR INDEX leaf it feeds."""

    result: SipasResult
    units: pd.DataFrame
    replicates: SipasReplicates | None
    digest: str
    spec: FrameworkSpec
    n_forms: int


def sipas_state(session: Session, dataset: Dataset, year: int, bootstrap: int, seed: int) -> SipasState:
    """Read and score SIPAS for ``year`` (figures at the framework's ``compute_decimals``), with the
    bootstrap replicates when ``bootstrap`` > 0. NoInputsError when the dataset has no valid form."""
    spec = spec_for(session, "SIPAS", "province", year)
    assert spec.sipas is not None
    units = year_units(session, "province", year)
    read = read_survey(session.connection(), int(dataset.id or 0), "SIPAS", year)
    data = read.answers.subset_units(units.index.tolist())
    if len(data.forms) == 0:
        raise NoInputsError.of("compute.no_sipas_forms", dataset=dataset.name, year=year)
    # every unit of the year gets a row, with NaN where it has no forms
    result = score_sipas(data, spec.sipas, year, decimals=spec.precision.compute_decimals).for_units(units.index)
    reps = sipas_replicates(result, bootstrap, seed) if bootstrap > 0 and len(result.counts.units) else None
    return SipasState(result, units, reps, survey_digest(read, units), spec, data.forms.shape[0])


def sipas_computation(state: SipasState, year: int, bootstrap: int, seed: int) -> Computation:
    """The SIPAS result rows of ``year``: units (ranked on every node metric), national, regions."""
    spec, result, units = state.spec, state.result, state.units
    ranked = pd.Series(~units["code"].isin(spec.unranked_units), index=units.index)
    rows = sipas_rows(spec, units, result, ranked, state.replicates, LEVEL)
    design = "communes with replacement within provinces, then villages within communes"
    parameters = {
        **_parameters(spec, "SIPAS", "province", year, bootstrap, seed, design),
        "national_method": result.plan.national_method,
        "positive_categories": list(result.plan.positive),
        "forms": state.n_forms,
    }
    return Computation("SIPAS", "province", year, spec, rows, {"sipas": state.digest}, parameters)


# ==================================================================================================
# PAR INDEX
# ==================================================================================================


def _sipas_leaf_replicates(spec: FrameworkSpec, year: int, sipas: SipasState | None) -> np.ndarray | None:
    """Replicates (replicates × units) of the SIPAS figure that feeds the PAR INDEX SIPAS leaf."""
    if sipas is None or sipas.replicates is None:
        return None
    metric = next(
        spec.survey_mapping[leaf.code].metric
        for leaf in spec.leaves(year)
        if leaf.mode == "survey_citizens_sipas" and leaf.code in spec.survey_mapping
    )
    return sipas.replicates.units[:, :, sipas.result.plan.position(str(metric))]


def par_computation(
    session: Session,
    dataset: Dataset,
    scope: str,
    year: int,
    bootstrap: int,
    seed: int,
    sipas: SipasState | None,
    par_read: SurveyRead | None = None,
) -> Computation:
    """The PAR INDEX result rows of ``scope`` and ``year`` (SIPAS read and scored here when a leaf needs it
    and ``sipas`` is None). NoInputsError when the dataset has neither scores nor survey forms."""
    spec = spec_for(session, "PAR_INDEX", scope, year)
    units = year_units(session, scope, year)
    conn = session.connection()
    read = par_read if par_read is not None else read_survey(conn, int(dataset.id or 0), "PAR_SURVEY", year)
    scores = read_assessments(conn, int(dataset.id or 0), year, spec.code)
    scores = scores[scores["unit"].isin(units.index)]
    if scores.empty and not read.answers.forms["unit"].isin(units.index).any():
        raise NoInputsError.of("compute.no_par_inputs", dataset=dataset.name, scope=scope, year=year)
    needs_sipas = any(leaf.mode == "survey_citizens_sipas" for leaf in spec.leaves(year))
    if needs_sipas and sipas is None:
        sipas = sipas_state(session, dataset, year, bootstrap, seed)
    sipas = sipas if needs_sipas else None
    result = score_par(
        spec,
        year,
        units.index.tolist(),
        scores=scores,
        survey=read.answers,
        sipas=sipas.result.units if sipas is not None else None,
    )
    ranked = units["par_ranked"] & ~units["code"].isin(spec.unranked_units)
    reps = None
    if bootstrap > 0:
        reps = par_replicates(result, spec, year, bootstrap, seed, _sipas_leaf_replicates(spec, year, sipas))
    digests = {"par_survey": survey_digest(read, units), "assessments": scores_digest(scores, _unit_codes(units))}
    unit_digests = unit_scores_digests(scores, _unit_codes(units))
    design = "survey forms with replacement within units; SIPAS leaf from the SIPAS bootstrap"
    parameters: dict[str, Any] = {
        **_parameters(spec, "PAR_INDEX", scope, year, bootstrap, seed, design),
        "unranked_units": sorted(units.loc[~ranked, "code"].tolist()),
        "assessment_scores": len(scores),
        "survey_forms": int(result.n_forms.sum()),
    }
    if sipas is not None:
        digests["sipas"] = sipas.digest
        digests["sipas_framework"] = sipas.spec.content_hash
        parameters["sipas_framework"] = sipas.spec.parameters()
    rows = par_rows(spec, units, result, ranked, reps, LEVEL)
    return Computation("PAR_INDEX", scope, year, spec, rows, digests, parameters, unit_digests)


def _unit_codes(units: pd.DataFrame) -> pd.Series:
    return units["kind"] + ":" + units["code"]


# ==================================================================================================
# public API
# ==================================================================================================


def maker(session: Session, actor: Actor, dataset: Dataset) -> str:
    """Who computes, as recorded in ``computed_by``: a logged-in user whose current roles allow computing, or
    the system, for a demo dataset only (seeding; such sets can never be approved). No free-text names."""
    if actor.is_system:
        if dataset.kind != "demo":
            raise PermissionDenied.of("approval.system_demo_only")
        authorize(session, actor, "seed_demo")
        return actor.username
    return authorize(session, actor, "compute").username


def _correction(
    session: Session, corrects: int | None, erratum: str, comp_key: tuple[int, str, int, str]
) -> ResultSet | None:
    """The published set a new computation corrects (same dataset, index, year and scope), or None. A
    correction needs its erratum: why the published figures are corrected."""
    if corrects is None:
        return None
    old = session.get(ResultSet, corrects)
    if old is None:
        raise NotFoundError.of("errors.result_set_not_found", id=corrects)
    if old.status != "published" or (old.dataset_id, old.index_code, old.year, old.unit_scope) != comp_key:
        raise ValidationError.of("approval.correction_target", id=corrects)
    if not erratum.strip():
        raise ValidationError.of("approval.erratum_required")
    return old


def _index_code(index: str) -> str:
    code = INDEXES.get(index)
    if code is None:
        raise ValidationError.of("compute.unknown_index", index=index)
    return code


def compute_index(
    session: Session,
    *,
    index: str,
    year: int,
    scope: str = "province",
    dataset: str | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    actor: Actor,
    corrects: int | None = None,
    erratum: str = "",
) -> ResultSet:
    """Compute one index (``par`` | ``sipas``) for ``year`` and ``scope`` into a new draft result set.

    ``actor``: a logged-in user whose current roles allow computing, or the system for demo data only
    (:func:`maker`). ``bootstrap``: number of replicates (0 = no intervals). ``corrects``: the id of the
    published set this computation corrects, with ``erratum`` saying why.
    """
    code = _index_code(index)
    if scope not in SCOPES or (code == "SIPAS" and scope != "province"):
        raise ValidationError.of("compute.invalid_scope", scope=scope, index=code)
    if bootstrap < 0:
        raise ValidationError.of("compute.negative_bootstrap")
    evaluation_year(session, year)
    ds = find_dataset(session, dataset, year)
    name = maker(session, actor, ds)
    old = _correction(session, corrects, erratum, (int(ds.id or 0), code, year, scope))
    if code == "SIPAS":
        comp = sipas_computation(sipas_state(session, ds, year, bootstrap, seed), year, bootstrap, seed)
    else:
        comp = par_computation(session, ds, scope, year, bootstrap, seed, None)
    return write_result_set(session, comp, ds, name, supersedes=old, erratum=erratum.strip() if old else "")


def _all_computations(session: Session, year: int, ds: Dataset, bootstrap: int, seed: int) -> list[Computation]:
    """SIPAS, PAR provinces and PAR ministries of one year; inputs read once and shared."""
    comps: list[Computation] = []
    sipas = None
    try:
        sipas = sipas_state(session, ds, year, bootstrap, seed)
        comps.append(sipas_computation(sipas, year, bootstrap, seed))
    except (NotFoundError, NoInputsError):  # no SIPAS framework or no SIPAS data this year
        sipas = None
    par_read = read_survey(session.connection(), int(ds.id or 0), "PAR_SURVEY", year)
    for scope in SCOPES:
        try:
            comps.append(par_computation(session, ds, scope, year, bootstrap, seed, sipas, par_read))
        except (NotFoundError, NoInputsError):  # no framework or no data for this scope
            continue
    if not comps:
        raise NoInputsError.of("compute.nothing_to_compute", dataset=ds.name, year=year)
    return comps


def compute_all(
    session: Session,
    year: int,
    dataset: str | None = None,
    *,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    actor: Actor,
) -> list[ResultSet]:
    """Every index of ``year`` that has a framework and data (SIPAS; PAR INDEX provinces; PAR INDEX
    ministries), each into a new draft result set, in that order. Answers are read once; PAR provinces
    reuse the SIPAS figures. An index without framework or data is skipped (NoInputsError if all are)."""
    evaluation_year(session, year)
    ds = find_dataset(session, dataset, year)
    name = maker(session, actor, ds)
    return [write_result_set(session, comp, ds, name) for comp in _all_computations(session, year, ds, bootstrap, seed)]


def ensure_computed(
    session: Session,
    *,
    year: int,
    dataset: str | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    actor: Actor,
) -> list[ResultSet]:
    """Like :func:`compute_all`, but an index whose latest result set has the same inputs hash is not
    computed again: that result set is returned instead (used by `make run` seeding)."""
    evaluation_year(session, year)
    ds = find_dataset(session, dataset, year)
    name = maker(session, actor, ds)
    out: list[ResultSet] = []
    for comp in _all_computations(session, year, ds, bootstrap, seed):
        existing = session.exec(
            orm_select(ResultSet)
            .where(
                ResultSet.dataset_id == ds.id,
                ResultSet.index_code == comp.index_code,
                ResultSet.year == year,
                ResultSet.unit_scope == comp.scope,
                ResultSet.inputs_hash == comp.inputs_hash(ds),
            )
            .order_by(ResultSet.version.desc())  # type: ignore[attr-defined]
        ).first()
        out.append(existing if existing is not None else write_result_set(session, comp, ds, name))
    return out


__all__ = [
    "DEFAULT_SEED",
    "NoInputsError",
    "SipasState",
    "compute_all",
    "compute_index",
    "ensure_computed",
    "maker",
    "par_computation",
    "sipas_computation",
    "sipas_state",
]
