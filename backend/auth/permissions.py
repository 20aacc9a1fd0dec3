"""The permission table: which role may do which action. Pages only hide; services enforce.

Roles (internal app):
    admin        manages users; may run computations and demo seeding; reads the audit log
    analyst      computes result sets (makes drafts)
    appraiser    appraises self-assessments and passes a draft on as appraised
    council      the appraisal council: agrees an appraised result set
    leader       the Minister or delegate: approves an agreed result set and schedules its publication
    unit_officer a province's or ministry's officer: reads its own unit's drafts (scope = that unit)
    data_officer imports survey files, reviews forms, draws back-check samples
    backcheck    back-check (phúc tra) staff: the only role that sees respondents' phone numbers (contact lists)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.errors import PermissionDenied
from backend.i18n import both

PERMISSIONS: dict[str, frozenset[str]] = {
    "compute": frozenset({"analyst", "admin"}),
    "view_drafts": frozenset({"analyst", "appraiser", "council", "leader", "admin"}),
    "view_own_unit_drafts": frozenset({"unit_officer"}),
    "appraise": frozenset({"appraiser"}),
    "agree": frozenset({"council"}),
    "approve": frozenset({"leader"}),
    "publish": frozenset({"leader"}),
    "withdraw": frozenset({"leader", "admin"}),
    "view_phones": frozenset({"backcheck"}),
    "manage_users": frozenset({"admin"}),
    "view_audit": frozenset({"admin", "leader"}),
    "seed_demo": frozenset({"admin", "system"}),
    # data in (issue 8): imports, review, quality, back-checks, fieldwork progress
    "ingest": frozenset({"analyst", "data_officer"}),
    "rollback_batch": frozenset({"analyst", "data_officer"}),
    "review_forms": frozenset({"analyst", "data_officer"}),
    "view_quality": frozenset({"analyst", "data_officer"}),
    "draw_backcheck": frozenset({"analyst", "data_officer"}),
    "import_backcheck": frozenset({"backcheck", "data_officer"}),
    "view_backchecks": frozenset({"analyst", "data_officer", "backcheck"}),
    "invalidate_forms": frozenset({"analyst"}),
    "view_fieldwork": frozenset({"analyst", "data_officer", "leader", "admin"}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (with roles and optional unit scopes) or the system (seeding only)."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    scopes: frozenset[str] = field(default_factory=lambda: frozenset({"*"}))

    @classmethod
    def system(cls) -> Actor:
        return cls(username="system", roles=frozenset({"system"}))

    def can(self, action: str) -> bool:
        return bool(self.roles & PERMISSIONS.get(action, frozenset()))


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied unless ``actor`` holds a role allowed to do ``action``."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")
    if not actor.can(action):
        vi, en = both(f"auth.action.{action}")
        raise PermissionDenied(
            f"Người dùng {actor.username} không có quyền {vi}.",
            f"User {actor.username} is not allowed to {en}.",
            hint_vi="Liên hệ quản trị viên nếu cần cấp quyền.",
            hint_en="Ask an administrator for the role if you need it.",
        )
