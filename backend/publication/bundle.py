"""Everything of one result set that the annual report and the press kit print, read once.

Rules (one home for both products):

* only a set that the leader has approved, or that is scheduled or published, gives a report or a kit
  (:data:`RELEASABLE`); drafts and withdrawn sets are refused with a bilingual message;
* the acting user must hold the permission of the product (``draft_report`` or ``prepare_release`` in
  :data:`backend.auth.permissions.PERMISSIONS`);
* the set's own tables come from :func:`backend.services.results.stored_tables` (it may not be public yet);
  the comparison year, the lineage and the history come through the public query path
  (:mod:`backend.published.store`), exactly as the public app reads them;
* every figure is a view of :mod:`backend.published` (overview → :class:`~backend.scoring.summary.YearSummary`,
  ranking, profiles), never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from sqlmodel import Session

from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError, NotFoundError
from backend.models import ResultSet
from backend.published import profile, store, views
from backend.published.profile import ProfileView
from backend.published.sets import Catalogue, ResultSetInfo
from backend.published.tables import SetTables
from backend.reference.lineage import Lineage
from backend.services.results import stored_tables

#: statuses of a set from which a report or a kit may be made (approved by the leader, or further on)
RELEASABLE = ("approved", "scheduled", "published")


@dataclass(frozen=True)
class Bundle:
    """One set with its comparison year, the lineage and the series of its index and scope."""

    tables: SetTables
    previous: SetTables | None
    lineage: Lineage
    units: pd.DataFrame  # the unit reference table (every unit, both names)
    series: tuple[SetTables, ...]  # visible sets of the same index and scope (and this one), oldest first
    status: str
    superseded: ResultSetInfo | None  # the version this one corrects, if it is visible
    provisional: pd.DataFrame  # the unverified elements of the set's method (path, value, basis_vi/en …)

    @property
    def info(self) -> ResultSetInfo:
        return self.tables.info

    @property
    def decimals(self) -> int:
        return self.tables.precision.publish_decimals

    @cached_property
    def overview(self) -> views.OverviewView:
        return views.overview_view(self.tables, self.previous, self.lineage)

    @cached_property
    def ranking(self) -> views.RankingView:
        return views.ranking_view(self.tables, self.previous, self.lineage)

    @cached_property
    def map(self) -> views.MapView:
        return views.map_view(self.tables, self.previous, self.lineage)

    @cached_property
    def history(self) -> pd.DataFrame:
        return profile.history_frame(list(self.series))

    @cached_property
    def _profiles(self) -> dict[str, ProfileView]:
        return {}

    def profile(self, scope_code: str) -> ProfileView:
        """The unit's profile (the same view for both languages: computed once per unit)."""
        if scope_code not in self._profiles:
            self._profiles[scope_code] = profile.profile_view(
                self.tables, self.previous, self.lineage, scope_code, self.history
            )
        return self._profiles[scope_code]

    def profiles(self) -> Iterator[ProfileView]:
        """The profile of every unit of the set, in the ranking's order."""
        for scope_code in self.tables.units["scope_code"]:
            yield self.profile(str(scope_code))


def check_releasable(session: Session, result_set_id: int) -> ResultSet:
    """The stored set, if a report or a kit may be made from it (see :data:`RELEASABLE`)."""
    found = session.get(ResultSet, result_set_id)
    if found is None:
        raise NotFoundError.of("errors.result_set_not_found", id=result_set_id)
    if found.status not in RELEASABLE:
        raise DomainError.of("publication.not_releasable", id=result_set_id, status=found.status)
    return found


def load_bundle(session: Session, result_set_id: int, *, actor: Actor, action: str) -> Bundle:
    """The bundle of an approved (or scheduled, or published) set, for an actor allowed to do ``action``."""
    actor = authorize(session, actor, action)
    stored = check_releasable(session, result_set_id)
    tables = stored_tables(session, result_set_id)
    catalogue = store.catalogue(session)
    unit_table = store.units(session)
    region_table = store.regions(session)
    specs: dict[int, object] = {}

    def read(info: ResultSetInfo) -> SetTables:
        if info.id == tables.info.id:
            return tables
        if info.framework_id not in specs:
            specs.update(store.framework_specs(session, [info.framework_id]))
        return store.set_tables(session, info, unit_table, specs[info.framework_id], region_table)  # type: ignore[arg-type]

    previous_info = catalogue.previous(tables.info)
    series_infos = [
        s for s in catalogue.series(tables.info.index_code, tables.info.unit_scope) if s.year != tables.info.year
    ]
    series = sorted([*(read(s) for s in series_infos), tables], key=lambda t: t.info.year)
    return Bundle(
        tables=tables,
        previous=read(previous_info) if previous_info is not None else None,
        lineage=store.lineage(session),
        units=unit_table,
        series=tuple(series),
        status=stored.status,
        superseded=_superseded(catalogue, tables.info),
        provisional=_provisional(session, tables.info.framework_id),
    )


def _superseded(catalogue: Catalogue, info: ResultSetInfo) -> ResultSetInfo | None:
    return catalogue.by_id(info.supersedes_id) if info.supersedes_id is not None else None


def _provisional(session: Session, framework_id: int) -> pd.DataFrame:
    items = store.provisional_items(session)
    return items[items["framework_id"] == framework_id].reset_index(drop=True)
