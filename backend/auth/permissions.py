"""The permission table: which role may do which action. Pages only hide; services enforce.

Roles (internal app):
    admin        manages users; may run computations and demo seeding; reads the audit log
    analyst      computes result sets (makes drafts)
    appraiser    appraises self-assessments and passes a draft on as appraised
    council      the appraisal council: agrees an appraised result set
    leader       the Minister or delegate: approves an agreed result set and schedules its publication
    unit_officer a province's or ministry's officer: reads its own unit's drafts (scope = that unit)
    backcheck    back-check (phúc tra) staff: the only role that sees respondents' phone numbers
    content_editor  citizens' voice and the PAR database (issue 11): makes online surveys, consultations and
                 answers to questions, moderates citizens' texts, computes online-survey aggregates (which a
                 leader approves and publishes like any result), adds and corrects PAR database entries;
                 the only role that may read a citizen's contact detail
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
    "voice_edit": frozenset({"content_editor"}),
    "voice_moderate": frozenset({"content_editor"}),
    "voice_view_contacts": frozenset({"content_editor"}),
    "voice_view_results": frozenset({"content_editor", "leader", "admin"}),
    "pardb_edit": frozenset({"content_editor"}),
    "share_evidence": frozenset({"unit_officer"}),
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
