"""Reference data in the store: units with validity periods, lineage, regions, evaluation years."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from backend.models import EvaluationYear, Region, Unit, UnitLineage
from backend.reference.lineage import Lineage
from backend.reference.loader import load_reference
from backend.reference.units import lineage_frame, ministries_for_year, provinces_for_year
from backend.settings import REPO_ROOT


def _count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_counts_and_idempotence(session: Session) -> None:
    before = {m.__name__: _count(session, m) for m in (Unit, UnitLineage, Region, EvaluationYear)}
    assert before == {"Unit": 125, "UnitLineage": 92, "Region": 12, "EvaluationYear": 19}
    load_reference(session, REPO_ROOT / "data" / "reference")
    after = {m.__name__: _count(session, m) for m in (Unit, UnitLineage, Region, EvaluationYear)}
    assert after == before


def test_provinces_by_year(session: Session) -> None:
    assert len(provinces_for_year(session, 2024)) == 63
    assert len(provinces_for_year(session, 2025)) == 34
    assert {u.kind for u in provinces_for_year(session, 2025)} == {"province_34"}
    assert session.get(EvaluationYear, 2025).province_kind == "province_34"  # type: ignore[union-attr]


def test_ministries_2022_2024_and_2025(session: Session) -> None:
    for year in (2022, 2023, 2024):
        assessed = ministries_for_year(session, year)
        assert len(assessed) == 19
        assert sum(u.par_ranked for u in assessed) == 17
        assert {u.code for u in assessed if not u.par_ranked} == {"GI", "CEMA"}
    units_2025 = ministries_for_year(session, 2025)
    assert len(units_2025) == 14
    assert len(ministries_for_year(session, 2025, assessed_only=False)) == 17


def test_every_old_province_has_exactly_one_2025_successor(session: Session) -> None:
    lineage = Lineage.from_frame(lineage_frame(session))
    kinds = {u.id: u for u in session.exec(select(Unit)).all()}
    olds = session.exec(select(Unit).where(Unit.kind == "province_63")).all()
    for old in olds:
        new = [u for u in lineage.successors(old.id or 0) if kinds[u].kind == "province_34"]
        assert len(new) == 1, old.name_vi
    hcm = session.exec(select(Unit).where(Unit.kind == "province_34", Unit.code == "79")).one()
    names = {kinds[u].name_vi for u in lineage.predecessors(hcm.id or 0)}
    assert names == {"TP. Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}


def test_ministry_mergers(session: Session) -> None:
    lineage = Lineage.from_frame(lineage_frame(session))
    code = {u.id: u.code for u in session.exec(select(Unit)).all()}
    mae = session.exec(select(Unit).where(Unit.kind == "ministry", Unit.code == "MAE")).one()
    assert {code[u] for u in lineage.predecessors(mae.id or 0)} == {"MARD", "MONRE"}
    mpi = session.exec(select(Unit).where(Unit.kind == "ministry", Unit.code == "MPI")).one()
    assert [code[u] for u in lineage.successors(mpi.id or 0)] == ["MOF_2025"]
    assert mpi.valid_to == dt.date(2025, 2, 28)
    assert not mpi.valid_on(dt.date(2025, 3, 1))
