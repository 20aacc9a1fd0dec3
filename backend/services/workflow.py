"""The life of a result set: draft → appraised → agreed → approved → published (→ withdrawn).

Every step is taken by a user whose role allows it (:mod:`backend.auth.permissions`), is recorded in
the audit log with its reason, and never changes the numbers. Approval follows maker ≠ checker: the
leader who approves may not be the person who computed, appraised or agreed that result set.
Publication sets ``publish_at`` (embargo): the public app shows a published set only from that time.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, col, select

from backend.audit import record
from backend.auth.permissions import Actor, require
from backend.errors import DomainError, NotFoundError, ValidationError
from backend.i18n import both
from backend.models import AuditLog, Dataset, ResultSet

# action -> (permission, allowed from-statuses, to-status)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "appraise": ("appraise", ("draft",), "appraised"),
    "agree": ("agree", ("appraised",), "agreed"),
    "approve": ("approve", ("agreed",), "approved"),
    "publish": ("publish", ("approved",), "published"),
    "withdraw": ("withdraw", ("published",), "withdrawn"),
}


def _load(session: Session, result_set_id: int) -> ResultSet:
    found = session.get(ResultSet, result_set_id)
    if found is None:
        raise NotFoundError(f"Không tìm thấy bộ kết quả {result_set_id}.", f"Result set {result_set_id} not found.")
    return found


def _people_involved(session: Session, result_set: ResultSet) -> set[str]:
    entries = session.exec(
        select(AuditLog).where(
            AuditLog.entity == "result_set",
            AuditLog.entity_id == str(result_set.id),
            col(AuditLog.action).in_(["appraise", "agree"]),
        )
    ).all()
    return {result_set.computed_by} | {e.actor for e in entries}


def transition(
    session: Session,
    *,
    actor: Actor,
    result_set_id: int,
    action: str,
    reason: str = "",
    publish_at: dt.datetime | None = None,
) -> ResultSet:
    """Move a result set one step; raises a clear DomainError when the step is not allowed."""
    if action not in TRANSITIONS:
        raise ValidationError(f"Thao tác không hợp lệ: {action}.", f"Unknown action: {action}.")
    permission, sources, target = TRANSITIONS[action]
    require(actor, permission)
    result_set = _load(session, result_set_id)
    if result_set.status not in sources:
        now_vi, now_en = both(f"workflow.status.{result_set.status}")
        raise DomainError(
            f"Không thể '{action}' bộ kết quả đang ở trạng thái '{now_vi}'.",
            f"Cannot '{action}' a result set whose status is '{now_en}'.",
        )
    if action == "approve" and actor.username in _people_involved(session, result_set):
        raise DomainError(
            "Người phê duyệt phải khác người đã tính toán, thẩm định hoặc thống nhất kết quả.",
            "The approver must differ from whoever computed, appraised or agreed the results (maker ≠ checker).",
        )
    if action == "withdraw" and not reason.strip():
        raise ValidationError("Cần nêu lý do thu hồi.", "A reason is required to withdraw published results.")
    detail: dict[str, object] = {"from": result_set.status, "to": target, "reason": reason}
    now = dt.datetime.now(dt.UTC)
    if action == "publish":
        when = _as_utc(publish_at) if publish_at else now
        result_set.publish_at = when
        result_set.published_at = now
        detail["publish_at"] = when.isoformat()
    result_set.status = target
    session.add(result_set)
    record(
        session, actor=actor.username, action=action, entity="result_set", entity_id=str(result_set.id), detail=detail
    )
    session.flush()
    return result_set


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """Times are stored as aware UTC; a naive time is taken to be UTC."""
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def publish_demo(session: Session, result_set_id: int, *, publish_at: dt.datetime | None = None) -> ResultSet:
    """Publish a result set of a DEMO dataset in one step, as the system (used by `make run` seeding).

    Refuses anything that is not demo data: official results go through the full workflow.
    """
    result_set = _load(session, result_set_id)
    dataset = session.get(Dataset, result_set.dataset_id)
    if dataset is None or dataset.kind != "demo":
        raise DomainError(
            "Chỉ dữ liệu minh họa mới được công bố tự động.",
            "Only demo data may be published automatically; official results need the approval workflow.",
        )
    require(Actor.system(), "seed_demo")
    now = dt.datetime.now(dt.UTC)
    previous = result_set.status
    result_set.status = "published"
    result_set.publish_at = _as_utc(publish_at) if publish_at else now
    result_set.published_at = now
    session.add(result_set)
    record(
        session,
        actor="system",
        action="publish_demo",
        entity="result_set",
        entity_id=str(result_set.id),
        detail={
            "from": previous,
            "to": "published",
            "publish_at": result_set.publish_at.isoformat(),
            "dataset": dataset.name,
        },
    )
    session.flush()
    return result_set


def history(session: Session, result_set_id: int) -> list[dict[str, object]]:
    """The audit entries of one result set, oldest first."""
    entries = session.exec(
        select(AuditLog)
        .where(AuditLog.entity == "result_set", AuditLog.entity_id == str(result_set_id))
        .order_by(col(AuditLog.id))
    ).all()
    return [{"at": e.at, "actor": e.actor, "action": e.action, **json.loads(e.detail)} for e in entries]
