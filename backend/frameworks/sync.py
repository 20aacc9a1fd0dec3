"""Store frameworks in the Framework / Criterion tables, and find the framework for an index and year.

Idempotent: a framework row is identified by its code and the sha256 of its stored text (``content_hash``).
Loading the same files again changes nothing; a changed file becomes a new version row (the old one
stays, because result sets point at it). The text is kept in ``framework.source_text`` so the exact
methodology behind any result set can be re-read from the row alone: the file itself, or for a file that
extends another the resolved document (backend/frameworks/inherit.py), which needs no other file. The hash
is taken of that stored text, so a change to a parent file makes a new version of every file extending it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import overload

from sqlalchemy import func
from sqlmodel import Session, select

from backend.errors import NotFoundError, ValidationError
from backend.frameworks.loader import parse_framework_text
from backend.frameworks.spec import FrameworkSpec
from backend.models import Criterion, Framework


@dataclass(frozen=True)
class SyncResult:
    """What :func:`sync_frameworks` did for one file."""

    code: str
    version: str
    framework_id: int
    created: bool
    criteria: int


def _new_version(session: Session, spec: FrameworkSpec) -> str:
    taken = set(session.exec(select(Framework.version).where(Framework.code == spec.code)).all())
    if spec.version not in taken:
        return spec.version
    candidate = f"{spec.version}+{spec.content_hash[:8]}"
    n = 2
    while candidate in taken:  # pragma: no cover - needs a sha256 prefix collision
        candidate = f"{spec.version}+{spec.content_hash[:8]}.{n}"
        n += 1
    return candidate


def sync_frameworks(session: Session, specs: Iterable[FrameworkSpec]) -> list[SyncResult]:
    """Insert each framework (and its criteria) unless the same file is already stored.

    Returns one :class:`SyncResult` per spec. The caller commits (``session_scope`` does).
    """
    results: list[SyncResult] = []
    for spec in specs:
        existing = session.exec(
            select(Framework).where(Framework.code == spec.code, Framework.content_hash == spec.content_hash)
        ).first()
        if existing is not None and existing.id is not None:
            count = session.exec(
                select(func.count()).select_from(Criterion).where(Criterion.framework_id == existing.id)
            ).one()
            results.append(SyncResult(spec.code, existing.version, existing.id, False, int(count)))
            continue
        row = Framework(
            code=spec.code,
            version=_new_version(session, spec),
            index_code=spec.index_code,
            unit_scope=spec.unit_scope,
            year_from=spec.year_from,
            year_to=spec.year_to,
            status=spec.status,
            title_vi=spec.title_vi,
            title_en=spec.title_en,
            legal_basis=spec.legal_basis,
            content_hash=spec.content_hash,
            source_text=spec.source_text,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        ids: dict[str, int] = {}
        for node in spec.criteria:
            crit = Criterion(
                framework_id=row.id,
                parent_id=ids[node.parent] if node.parent else None,
                code=node.code,
                level=node.level,
                name_vi=node.name_vi,
                name_en=node.name_en,
                max_points=node.max_points,
                mode=node.mode,
                provisional=node.provisional,
                sort_order=node.sort_order,
            )
            session.add(crit)
            session.flush()
            assert crit.id is not None
            ids[node.code] = crit.id
        results.append(SyncResult(spec.code, row.version, row.id, True, len(spec.criteria)))
    return results


def spec_from_row(row: Framework) -> FrameworkSpec:
    """The spec of a stored framework, re-read from its stored text alone (no file is read), with its id
    and version."""
    spec = parse_framework_text(row.source_text, f"{row.code}@{row.version}")
    return replace(spec, framework_id=row.id, db_version=row.version)


def _choose(codes: Sequence[str], index_code: str, unit_scope: str, year: int) -> None:
    """Check that exactly one framework code applies."""
    if not codes:
        raise NotFoundError.of("fw_store.none_applies", index=index_code, scope=unit_scope, year=year)
    distinct = sorted(set(codes))
    if len(distinct) > 1:
        raise ValidationError.of(
            "fw_store.several_apply", index=index_code, scope=unit_scope, year=year, codes=", ".join(distinct)
        )


@overload
def framework_for(source: Session, index_code: str, unit_scope: str, year: int) -> Framework: ...
@overload
def framework_for(source: Iterable[FrameworkSpec], index_code: str, unit_scope: str, year: int) -> FrameworkSpec: ...


def framework_for(
    source: Session | Iterable[FrameworkSpec], index_code: str, unit_scope: str, year: int
) -> Framework | FrameworkSpec:
    """The framework that applies to ``index_code`` / ``unit_scope`` / ``year``.

    * ``source`` a session: the stored ``Framework`` row (the newest version of the one matching code);
      :func:`spec_for` / :func:`spec_from_row` give its :class:`FrameworkSpec`.
    * ``source`` an iterable of specs (e.g. :func:`load_all`): the matching :class:`FrameworkSpec`.

    Raises NotFoundError when none applies and ValidationError when several different codes do.
    """
    if isinstance(source, Session):
        rows = source.exec(
            select(Framework)
            .where(
                Framework.index_code == index_code,
                Framework.unit_scope == unit_scope,
                Framework.year_from <= year,
                Framework.year_to >= year,
            )
            .order_by(Framework.code, Framework.id)  # type: ignore[arg-type]
        ).all()
        newest: dict[str, Framework] = {}
        for row in rows:
            newest[row.code] = row  # ordered by id: the last one is the newest version
        _choose(list(newest), index_code, unit_scope, year)
        return next(iter(newest.values()))
    candidates = [s for s in source if s.index_code == index_code and s.unit_scope == unit_scope and s.covers(year)]
    _choose([c.code for c in candidates], index_code, unit_scope, year)
    return candidates[-1]


def spec_for(session: Session, index_code: str, unit_scope: str, year: int) -> FrameworkSpec:
    """The :class:`FrameworkSpec` of the stored framework that applies (with ``framework_id`` set)."""
    return spec_from_row(framework_for(session, index_code, unit_scope, year))
