"""The demo's quality checks against its truth (issue 8, point 6): the generator plants suspicious interviewers and
keeps which in the dataset's parameters; the checks (high-frequency and back-checks) never read that. Here a
back-check sample of a demo survey is drawn, the calls are simulated (backend/demo/backcheck.py) and imported
like real outcomes, and both kinds of flags are scored against the truth: planted interviewers flagged, honest
ones flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session

from backend.auth.permissions import Actor
from backend.demo.backcheck import score, simulate_outcomes, truth
from backend.errors import DomainError
from backend.models import Dataset, Survey
from backend.services import backchecks
from backend.services.quality import survey_quality, valid_rate

#: the system acts for the demo's simulated back-check staff and analyst (demo datasets only)
DEMO_ACTOR = Actor.system()


@dataclass
class DemoScore:
    survey_id: int
    sample_id: int
    high_frequency: dict[str, int]
    backcheck: dict[str, int]
    combined: dict[str, int]
    flags: pd.DataFrame
    backcheck_flags: pd.DataFrame
    valid_rates: pd.DataFrame


def demo_backcheck(session: Session, survey_id: int, seed: int) -> int:
    """Draw a back-check sample of a demo survey and import simulated outcomes; returns the sample id."""
    survey = session.get(Survey, survey_id)
    dataset = session.get(Dataset, survey.dataset_id) if survey else None
    if dataset is None or dataset.kind != "demo":
        raise DomainError.of("ingest.backcheck.demo_only")
    sample_id = backchecks.draw(session, actor=DEMO_ACTOR, survey_id=survey_id, seed=seed)
    cases, frame = backchecks._cases(session, sample_id)
    cases = cases.assign(row=pd.Index(frame.forms["form"]).get_indexer(cases["form"]))
    cases["facts"] = frame.forms.set_index("form").loc[cases["form"], "facts"].to_numpy()
    data = simulate_outcomes(cases, list(frame.items), frame.values, truth(dataset.parameters), seed)
    result = backchecks.import_outcomes(
        session, actor=DEMO_ACTOR, sample_id=sample_id, file_name="demo_backcheck.csv", data=data
    )
    if result.problems:  # pragma: no cover - the simulation writes the layout it imports
        raise DomainError.of("ingest.backcheck.demo_failed", problems=len(result.problems))
    return sample_id


def score_demo(session: Session, survey_id: int, seed: int = 1) -> DemoScore:
    """High-frequency and back-check flags of a demo survey scored against the planted interviewers."""
    survey = session.get(Survey, survey_id)
    dataset = session.get(Dataset, survey.dataset_id) if survey else None
    if dataset is None or dataset.kind != "demo":
        raise DomainError.of("ingest.backcheck.demo_only")
    planted = {k: v for k, v in truth(dataset.parameters).items() if k.split("-IV")[-1].startswith(str(survey.year))}  # type: ignore[union-attr]
    frame, report = survey_quality(session, actor=DEMO_ACTOR, survey_id=survey_id)
    interviewers = set(frame.forms["interviewer"].dropna().astype(str))
    sample_id = demo_backcheck(session, survey_id, seed)
    checked = backchecks.report(session, actor=DEMO_ACTOR, sample_id=sample_id)
    hf = report.flagged("interviewer")
    back = set(checked.flagged.index.astype(str))
    return DemoScore(
        survey_id,
        sample_id,
        score(planted, hf, interviewers),
        score(planted, back, interviewers),
        score(planted, hf | back, interviewers),
        report.flags,
        checked.flagged,
        valid_rate(frame.forms),
    )


def describe(result: DemoScore) -> dict[str, Any]:
    return {"high_frequency": result.high_frequency, "backcheck": result.backcheck, "combined": result.combined}
