"""The permission table: which role may do which action. The ONE source of who may do what.

Pages only hide what a role cannot use; services enforce, through :func:`backend.auth.access.authorize`,
which reads the acting user's *current* roles and unit scopes from the store on every action and checks
them against this table.

Roles (internal app):
    admin         manages users and roles; reads and exports the audit log; may run demo seeding
    analyst       computes result sets (makes drafts and corrections)
    data_officer  brings survey data in (issue 8): imports survey files, reviews forms, draws back-check
                  samples, follows fieldwork progress
    appraiser     opens the yearly self-assessment round; appraises units (preliminary and final) and
                  passes a computed result set on as appraised
    council       the council secretary: records the appraisal council's agreement of a result set
    leader        the Minister or delegate: approves, schedules and publishes; returns with a reason
    unit_officer  a province's or ministry's officer, scoped to that unit (``<unit kind>:<code>``): scores
                  its own unit, explains adjustments, previews its own result between approval and publication
    backcheck     back-check (phúc tra) staff: the only role that sees respondents' phone numbers (contact
                  lists); imports the back-check answers
    content_editor  citizens' voice and the PAR database (issue 11): makes online surveys, consultations and
                  answers to questions, moderates citizens' texts, computes online-survey aggregates (which a
                  leader approves and publishes like any result), adds and corrects PAR database entries;
                  the only role that may read a citizen's contact detail
    system        not a person: demo seeding and the server's own jobs (the release at the minute; reports and
                  press kits from the command line; the demo's simulated back-check round, scored against the planted
                  interviewers); never logs in; its result sets can never be approved

Actions in :data:`UNIT_SCOPED` are checked against the unit too: a unit officer may do them for the units of
its grants only. Every other grant of a national role has scope ``*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.errors import PermissionDenied
from backend.i18n import t

PERMISSIONS: dict[str, frozenset[str]] = {
    # accounts and the audit log
    "manage_users": frozenset({"admin"}),
    "view_audit": frozenset({"admin", "leader"}),
    "export_audit": frozenset({"admin"}),
    # the yearly self-assessment: units score themselves and explain; BNV appraises
    "open_round": frozenset({"appraiser", "admin"}),
    "self_assess": frozenset({"unit_officer"}),
    "explain": frozenset({"unit_officer"}),
    "view_assessments": frozenset({"appraiser", "council", "leader", "analyst", "admin"}),
    "appraise_unit": frozenset({"appraiser"}),
    # computing and the result-set workflow
    "compute": frozenset({"analyst", "admin"}),
    "view_drafts": frozenset({"analyst", "appraiser", "council", "leader", "admin"}),
    "preview_own_unit": frozenset({"unit_officer"}),
    "export_results": frozenset({"analyst", "appraiser", "council", "leader", "admin"}),
    "appraise": frozenset({"appraiser"}),
    "agree": frozenset({"council"}),
    "approve": frozenset({"leader"}),
    "schedule": frozenset({"leader"}),
    "publish": frozenset({"leader"}),
    "return": frozenset({"appraiser", "council", "leader"}),
    "withdraw": frozenset({"leader"}),
    # survey data
    "view_phones": frozenset({"backcheck"}),
    # demo data
    "seed_demo": frozenset({"admin", "system"}),
    # publication day (backend/publication): drafting the annual report of an approved set, and building
    # the press kit privately and releasing it at the set's publication time
    "draft_report": frozenset({"analyst", "leader", "admin", "system"}),
    "prepare_release": frozenset({"leader", "admin", "system"}),
    # citizens' voice and the PAR database (issue 11)
    "voice_edit": frozenset({"content_editor"}),
    "voice_moderate": frozenset({"content_editor"}),
    "voice_view_contacts": frozenset({"content_editor"}),
    "voice_view_results": frozenset({"content_editor", "leader", "admin"}),
    "pardb_edit": frozenset({"content_editor"}),
    "share_evidence": frozenset({"unit_officer"}),
    # data in (issue 8): imports, review, quality, back-checks, fieldwork progress
    "ingest": frozenset({"analyst", "data_officer"}),
    "rollback_batch": frozenset({"analyst", "data_officer"}),
    "review_forms": frozenset({"analyst", "data_officer"}),
    "view_quality": frozenset({"analyst", "data_officer", "system"}),
    "draw_backcheck": frozenset({"analyst", "data_officer", "system"}),
    "import_backcheck": frozenset({"backcheck", "data_officer", "system"}),
    "view_backchecks": frozenset({"analyst", "data_officer", "backcheck", "system"}),
    "invalidate_forms": frozenset({"analyst"}),
    "view_fieldwork": frozenset({"analyst", "data_officer", "leader", "admin"}),
}

#: actions checked against a unit as well: a grant with scope ``*`` covers every unit, a unit officer's grant
#: covers its own unit only
UNIT_SCOPED = frozenset(
    {"self_assess", "explain", "preview_own_unit", "view_assessments", "appraise_unit", "share_evidence"}
)
ALL_UNITS = "*"
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user with the roles and unit scopes it holds (``grants``: (role, scope) pairs), or the
    system (demo seeding only). An Actor held by a page is only an identity: services re-read the grants from
    the store on every action (:func:`backend.auth.access.authorize`)."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    scopes: frozenset[str] = field(default_factory=lambda: frozenset({ALL_UNITS}))
    grants: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def system(cls) -> Actor:
        return cls(username=SYSTEM, roles=frozenset({SYSTEM}))

    @property
    def is_system(self) -> bool:
        return self.username == SYSTEM and self.roles == frozenset({SYSTEM}) and self.user_id is None

    def _grants(self) -> frozenset[tuple[str, str]]:
        return self.grants or frozenset((role, scope) for role in self.roles for scope in self.scopes)

    def can(self, action: str) -> bool:
        """Some role of the actor may do ``action`` (for some unit, if the action is unit-scoped)."""
        return bool(self.roles & PERMISSIONS.get(action, frozenset()))

    def can_for(self, action: str, unit: str) -> bool:
        """The actor may do ``action`` for the unit ``unit`` (``<unit kind>:<code>``)."""
        allowed = PERMISSIONS.get(action, frozenset())
        return any(role in allowed and scope in (ALL_UNITS, unit) for role, scope in self._grants())

    def units(self, action: str) -> frozenset[str] | None:
        """The units the actor may do ``action`` for: None = every unit, else the unit codes of its grants."""
        allowed = PERMISSIONS.get(action, frozenset())
        scopes = {scope for role, scope in self._grants() if role in allowed}
        return None if ALL_UNITS in scopes else frozenset(scopes)


def action_label(action: str, lang: str) -> str:
    return t(f"auth.action.{action}", lang)


def denied(actor: Actor, action: str, unit: str | None = None) -> PermissionDenied:
    """The bilingual refusal of ``action`` (for ``unit``) to ``actor``, carrying its audit event."""
    key = "access.denied_unit" if unit else "access.denied"
    values = {"user": actor.username, "unit": unit or ""}
    error = PermissionDenied(
        t(key, "vi", action=action_label(action, "vi"), **values),
        t(key, "en", action=action_label(action, "en"), **values),
        hint_vi=t("access.denied_hint", "vi"),
        hint_en=t("access.denied_hint", "en"),
    )
    return error.audited(
        actor=actor.username,
        action="refused",
        entity="permission",
        entity_id=action,
        detail={"action": action, "unit": unit, "roles": sorted(actor.roles)},
    )


def require(actor: Actor, action: str, unit: str | None = None) -> None:
    """Raise PermissionDenied unless ``actor``'s roles (as given) allow ``action`` (for ``unit``).

    A pure check of the table; services use :func:`backend.auth.access.authorize`, which first re-reads the
    actor's grants from the store."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")
    allowed = actor.can_for(action, unit) if unit and action in UNIT_SCOPED else actor.can(action)
    if not allowed:
        raise denied(actor, action, unit)


__all__ = ["ALL_UNITS", "PERMISSIONS", "UNIT_SCOPED", "Actor", "action_label", "denied", "require"]
