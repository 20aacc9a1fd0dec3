"""The public query path returns published, past-embargo result sets only, and their rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlmodel import Session, select

from backend.errors import NotFoundError
from backend.models import ResultSet
from backend.services import public_query as q
from tests.factories import make_result_set
from tests.factories_results import DRAFT_VALUE, EMBARGO_VALUE, HIDDEN_VALUES, WITHDRAWN_VALUE, make_results


@pytest.fixture
def made(session: Session):
    result = make_results(session)
    session.commit()
    return result


def test_only_published_past_embargo_sets_are_visible(session: Session, made) -> None:
    visible = q.visible_result_sets(session)
    assert set(visible["id"]) == set(made.published_ids.values())
    assert not set(visible["id"]) & set(made.hidden_ids)
    assert (visible["dataset_kind"] == "demo").all()
    assert 2026 not in set(visible["year"])


def test_rows_of_hidden_sets_are_not_found(session: Session, made) -> None:
    for hidden in made.hidden_ids:
        with pytest.raises(NotFoundError):
            q.result_rows(session, hidden)
    with pytest.raises(NotFoundError):
        q.result_rows(session, 999_999)
    rows = q.result_rows_many(session, [*made.hidden_ids, made.published_ids[("PAR_INDEX", "province", 2024)]])
    assert set(rows["result_set_id"]) == {made.published_ids[("PAR_INDEX", "province", 2024)]}
    assert not rows["value"].isin(HIDDEN_VALUES).any()


def test_rows_of_a_visible_set(session: Session, made) -> None:
    set_id = made.published_ids[("PAR_INDEX", "province", 2024)]
    rows = q.result_rows(session, set_id)
    units = rows[(rows["scope"] == "unit") & (rows["metric"] == "PAR_INDEX")]
    assert len(units) == 63
    assert (rows.loc[rows["scope"] == "national", "scope_code"] == "VN").all()
    assert rows["value"].dtype == "float64"
    assert str(rows["rank"].dtype) == "Int64"
    only_index = q.result_rows_many(session, [set_id], metrics=["PAR_INDEX"])
    assert set(only_index["metric"]) == {"PAR_INDEX"}


def _embargoed_correction(session: Session, made) -> ResultSet:
    """The published 2025 PAR provinces v2 whose publish_at is 30 days ahead (only the embargo hides it)."""
    sets = [session.get(ResultSet, i) for i in made.hidden_ids]
    return next(rs for rs in sets if rs is not None and rs.status == "published" and rs.year == 2025)


def test_embargo_lifts_at_publish_time(session: Session, made) -> None:
    """The store's clock lifts the embargo: once publish_at has passed, the set is visible and current."""
    correction = _embargoed_correction(session, made)
    assert correction.id not in set(q.visible_result_sets(session)["id"])
    lifted = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    correction.publish_at = lifted  # the announced minute arrives
    session.commit()
    visible = q.visible_result_sets(session)
    embargoed_v2 = [i for i in made.hidden_ids if i in set(visible["id"])]
    assert embargoed_v2 == [correction.id]  # SIPAS 2026 lifts only after 60 days
    current = q.current_result_sets(session)
    par25 = current[
        (current["index_code"] == "PAR_INDEX") & (current["unit_scope"] == "province") & (current["year"] == 2025)
    ]
    assert int(par25["version"].iloc[0]) == 2
    assert EMBARGO_VALUE in set(q.result_rows(session, correction.id)["value"])
    # ... but not a moment before
    before = lifted - dt.timedelta(microseconds=1)
    assert correction.id not in set(q.visible_result_sets(session, now=before)["id"])
    with pytest.raises(NotFoundError):
        q.result_rows(session, correction.id, now=before)
    assert q.result_rows_many(session, [correction.id], now=before).empty


def test_a_later_now_lifts_no_embargo(session: Session, made) -> None:
    """``now`` can only look back: the store's clock decides what has passed its embargo."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    correction = _embargoed_correction(session, made)
    assert set(q.visible_result_sets(session, now=later)["id"]) == set(made.published_ids.values())
    with pytest.raises(NotFoundError):
        q.result_rows(session, correction.id, now=later)
    assert q.result_rows_many(session, made.hidden_ids, now=later).empty


def test_status_rules(session: Session, made) -> None:
    far_future = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    visible = set(q.visible_result_sets(session, now=far_future)["id"])
    statuses = {rs.id: rs.status for rs in session.exec(select(ResultSet)).all()}
    assert all(statuses[i] == "published" for i in visible)
    assert {i for i, s in statuses.items() if s in ("draft", "approved", "withdrawn")}.isdisjoint(visible)


def test_published_without_any_time_is_not_visible(session: Session, made) -> None:
    """Rows written as such (a public set itself never changes: migration 0005's triggers)."""
    rs = make_result_set(session, status="published", publish_at=None, published_at=None)
    session.commit()
    assert rs.id not in set(q.visible_result_sets(session)["id"])
    legacy = make_result_set(  # legacy rows: published_at alone
        session, status="published", publish_at=None, published_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    )
    session.commit()
    assert legacy.id in set(q.visible_result_sets(session)["id"])


def test_naive_now_is_refused(session: Session, made) -> None:
    with pytest.raises(ValueError):
        q.visible_result_sets(session, now=dt.datetime(2030, 1, 1))


def test_choose_current_prefers_official_then_newest() -> None:
    base = {
        "index_code": "SIPAS",
        "unit_scope": "province",
        "year": 2024,
        "published_at": pd.Timestamp("2025-04-06", tz="UTC"),
        "publish_at": pd.Timestamp("2025-04-06", tz="UTC"),
    }
    sets = pd.DataFrame(
        [
            {**base, "id": 1, "version": 1, "dataset_kind": "demo"},
            {**base, "id": 2, "version": 3, "dataset_kind": "demo"},
            {**base, "id": 3, "version": 1, "dataset_kind": "official"},
            {**base, "id": 4, "version": 1, "dataset_kind": "demo", "year": 2023},
        ]
    )
    chosen = q.choose_current(sets)
    assert dict(zip(chosen["year"], chosen["id"], strict=True)) == {2023: 4, 2024: 3}
    assert q.choose_current(sets[sets["dataset_kind"] == "demo"]).set_index("year").loc[2024, "id"] == 2


def test_reference_and_methodology_frames(session: Session, made) -> None:
    units = q.units_frame(session)
    assert {"province_63", "province_34", "ministry"} <= set(units["kind"])
    assert (units["scope_code"] == units["kind"] + ":" + units["code"]).all()
    assert len(q.regions_frame(session).query("scheme == 'gso6'")) == 6
    lineage = q.lineage_frame(session)
    assert {"merged_into", "continues"} <= set(lineage["relation"])
    frameworks = q.frameworks_frame(session)
    assert "provisional" in set(frameworks["status"])
    criteria = q.criteria_frame(session, [made.framework_ids["par_p_876"]])
    assert criteria["max_points"].sum() == pytest.approx(100.0)
    assert set(q.evaluation_years(session)["province_kind"]) == {"province_63", "province_34"}


def test_published_record_keeps_flags(session: Session) -> None:
    from backend.ingest.published import load_published
    from backend.settings import REPO_ROOT

    load_published(session, REPO_ROOT / "data" / "published", REPO_ROOT / "data" / "reference")
    session.commit()
    record = q.published_figures(session)
    assert len(record) > 300
    assert record["is_derived"].any() and record["is_uncertain"].any()
    assert record["source"].str.len().min() > 0
    assert set(q.published_figures(session, year=2023)["year"]) == {2023}
    assert q.published_figures(session, metric_prefix="SIPAS")["metric"].str.startswith("SIPAS").all()


def test_distinctive_values_do_not_occur_in_published_sets(session: Session, made) -> None:
    """Guard for the page-level embargo tests: the hidden values never occur in visible data by chance."""
    rows = q.result_rows_many(session, made.published_ids.values())
    for value in (DRAFT_VALUE, EMBARGO_VALUE, WITHDRAWN_VALUE):
        assert not (rows[["value", "ci_low", "ci_high"]].round(2) == value).any().any()


def test_provisional_items_of_the_real_frameworks(store_url: str) -> None:
    """The methodology page lists every unverified element with the value used and its bases."""
    from backend.db import get_engine, session_scope
    from backend.frameworks import load_all, sync_frameworks
    from backend.services.public_query import provisional_items
    from backend.settings import REPO_ROOT

    with session_scope(get_engine(store_url)) as session:
        sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
    with session_scope(get_engine(store_url)) as session:
        items = provisional_items(session)
    province_876 = items[items["path"] == "criteria.A6.max_points"]
    assert "12.75" in set(province_876["value"])  # areas 6 and 7 share the confirmed 25.5
    assumed = province_876[province_876["from_working_assumption"]]
    assert not assumed.empty and assumed["assumption_basis_en"].str.len().gt(0).all()
    assert items["basis_vi"].str.len().gt(0).all() and items["basis_en"].str.len().gt(0).all()
    # confirmed maxima are never listed as provisional
    assert not ((items["path"] == "criteria.A3.max_points") & (items["value"] == "13.0")).any()
