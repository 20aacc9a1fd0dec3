"""the yearly cycle: assessments with deadlines and evidence files, optimistic locking and immutability of
result sets, corrections, a bounded audit log with a recorded head, the login throttle

1. ``assessment`` (one unit's self-assessment of a year: state, lock version, deadlines, who moved it on);
   ``assessment_score`` gains the preliminary appraisal, the unit's explanation and who entered the self
   score; ``evidence`` gains the stored file (random name, SHA-256, size, kind read from the content), its
   stage (self-assessment or explanation) and who uploaded it.
2. ``result_set`` gains ``lock_version`` (every transition is a compare-and-set on status and lock version)
   and ``erratum_changes`` (what a correction changed); the status ``returned``. Triggers keep the figures
   and provenance of every result set, and every field of a published one, unchanged (before its
   publication time a published set may be rescheduled or withdrawn; once public, only withdrawn — its
   figures, times and erratum stay as they were); rows never change; an approved or published official
   set and its rows cannot be deleted. The public views are recreated with ``erratum_changes``.
3. ``audit_log`` gains ``reason``, ``before_ref``, ``after_ref``; inserts longer than the bounds of
   backend/models/audit.py are refused; ``audit_head`` records the newest entry and the number of entries
   (set here from the existing log) and may only move forward.
4. ``login_throttle``: failed logins per account and per address (lockout with a growing delay).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUS = "status IN ('draft','appraised','agreed','approved','published','withdrawn')"
NEW_STATUS = "status IN ('draft','appraised','agreed','approved','published','withdrawn','returned')"

# the public views of 0002 (same columns and visibility rule), here with erratum_changes
RESULT_SET_COLUMNS = (
    "id, dataset_id, index_code, year, unit_scope, version, status, framework_id, framework_version, "
    "inputs_hash, computed_at, publish_at, published_at, supersedes_id, erratum"
)
RESULT_ROW_COLUMNS = (
    "r.id, r.result_set_id, r.scope, r.scope_code, r.unit_id, r.metric, r.value, r.max_value, "
    "r.ci_low, r.ci_high, r.rank, r.rank_low, r.rank_high, r.grp, r.n"
)
VISIBLE = {
    "postgresql": "status = 'published' AND coalesce(publish_at, published_at) <= CURRENT_TIMESTAMP",
    "sqlite": "status = 'published' AND julianday(coalesce(publish_at, published_at)) <= julianday('now')",
}

# bounds of backend/models/audit.py (ACTOR_MAX, REASON_MAX, DETAIL_MAX, REF_MAX)
AUDIT_BOUNDS = (
    "length(actor) <= 64 AND length(reason) <= 2000 AND length(detail) <= 8000 AND length(entity_id) <= 64 "
    "AND length(before_ref) <= 64 AND length(after_ref) <= 64"
)
# what never changes on a result set, whatever its status
PROVENANCE = (
    "dataset_id",
    "index_code",
    "year",
    "unit_scope",
    "version",
    "framework_id",
    "framework_version",
    "inputs_hash",
    "computed_at",
    "computed_by",
    "parameters",
    "supersedes_id",
)
#: what a public set keeps when it is withdrawn (its status is the only thing that may still change)
PUBLIC_FIXED = ("publish_at", "published_at", "erratum")
MSG_PROVENANCE = "the figures and provenance of a result set never change: compute a new version"
MSG_PUBLISHED = "a published result set is immutable: publish a correction as a new version"
MSG_KEEP = "an approved or published official result set and its rows are kept"
MSG_ROWS = "result rows never change: compute a new version"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS public_result_row")
    op.execute("DROP VIEW IF EXISTS public_result_set")
    _result_set(dialect, NEW_STATUS, add=True)
    _views(dialect, with_changes=True)
    _audit(dialect)
    _throttle()
    _assessments()
    _guards(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_guards(dialect)
    op.drop_table("login_throttle")
    _drop_assessments()
    _drop_audit(dialect)
    op.execute("DROP VIEW IF EXISTS public_result_row")
    op.execute("DROP VIEW IF EXISTS public_result_set")
    op.execute("UPDATE result_set SET status = 'withdrawn' WHERE status = 'returned'")
    _result_set(dialect, OLD_STATUS, add=False)
    _views(dialect, with_changes=False)


# ---- result sets and the public views ------------------------------------------------------------------


def _result_set(dialect: str, status_check: str, *, add: bool) -> None:
    with op.batch_alter_table("result_set") as batch:
        batch.drop_constraint("ck_result_status", type_="check")
        batch.create_check_constraint("ck_result_status", status_check)
        if add:
            batch.add_column(sa.Column("erratum_changes", sa.Text(), server_default="", nullable=False))
            batch.add_column(sa.Column("lock_version", sa.Integer(), server_default="0", nullable=False))
        else:
            batch.drop_column("lock_version")
            batch.drop_column("erratum_changes")


def _views(dialect: str, *, with_changes: bool) -> None:
    barrier = " WITH (security_barrier = true)" if dialect == "postgresql" else ""
    columns = RESULT_SET_COLUMNS + (", erratum_changes" if with_changes else "")
    op.execute(
        f"CREATE VIEW public_result_set{barrier} AS SELECT {columns}, "
        f"coalesce(publish_at, published_at) AS visible_from FROM result_set WHERE {VISIBLE[dialect]}"
    )
    op.execute(
        f"CREATE VIEW public_result_row{barrier} AS SELECT {RESULT_ROW_COLUMNS} FROM result_row r "
        "WHERE r.result_set_id IN (SELECT id FROM public_result_set)"
    )
    if dialect == "postgresql":  # the views are new objects: grant them to par_public again (0002)
        op.execute("SELECT par_grant_public()")


# ---- audit ------------------------------------------------------------------------------------------------


def _audit(dialect: str) -> None:
    op.add_column("audit_log", sa.Column("reason", sa.Text(), server_default="", nullable=False))
    op.add_column("audit_log", sa.Column("before_ref", sa.String(length=64), server_default="", nullable=False))
    op.add_column("audit_log", sa.Column("after_ref", sa.String(length=64), server_default="", nullable=False))
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    bind = op.get_bind()
    count, last_id = bind.execute(sa.text("SELECT count(*), coalesce(max(id), 0) FROM audit_log")).one()
    last_hash = bind.execute(sa.text("SELECT hash FROM audit_log WHERE id = :i"), {"i": last_id}).scalar() or ""
    op.bulk_insert(head, [{"id": 1, "entries": int(count), "last_id": int(last_id), "last_hash": last_hash}])
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_log_bounds BEFORE INSERT ON audit_log "
            f"WHEN NOT ({_new(AUDIT_BOUNDS)}) BEGIN SELECT RAISE(ABORT, 'audit entry too long'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
            "BEGIN SELECT RAISE(ABORT, 'audit_head is kept'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head "
            "WHEN NEW.entries < OLD.entries OR NEW.last_id < OLD.last_id OR NEW.id <> OLD.id "
            "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END"
        )
    else:
        op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT ck_audit_log_bounds CHECK ({AUDIT_BOUNDS}) NOT VALID")
        op.execute(
            "CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'DELETE' OR NEW.entries < OLD.entries OR NEW.last_id < OLD.last_id OR NEW.id <> OLD.id "
            "THEN RAISE EXCEPTION 'audit_head only moves forward'; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head "
            "FOR EACH ROW EXECUTE FUNCTION audit_head_forward()"
        )


def _drop_audit(dialect: str) -> None:
    if dialect == "sqlite":
        for name in ("audit_log_bounds", "audit_head_no_delete", "audit_head_forward"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_head_forward ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS audit_head_forward()")
        op.execute("ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS ck_audit_log_bounds")
    op.drop_table("audit_head")
    for name in ("after_ref", "before_ref", "reason"):
        op.drop_column("audit_log", name)  # SQLite ≥ 3.35: a plain DROP COLUMN keeps the append-only triggers


def _new(condition: str) -> str:
    """``condition`` on the row being inserted (SQLite triggers name it NEW)."""
    for name in ("actor", "reason", "detail", "entity_id", "before_ref", "after_ref"):
        condition = condition.replace(f"length({name})", f"length(NEW.{name})")
    return condition


# ---- login throttle ---------------------------------------------------------------------------------------


def _throttle() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('account','address')", name="ck_login_throttle_kind"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )


# ---- assessments ------------------------------------------------------------------------------------------


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["app_user.id"], name=f"fk_{table}_{column}_app_user")


def _assessments() -> None:
    people = ("opened_by_id", "submitted_by_id", "preliminary_by_id", "explained_by_id", "final_by_id")
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("submit_deadline", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("explain_deadline", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("preliminary_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("explained_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("final_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in people),
        sa.CheckConstraint(
            "status IN ('draft','submitted','preliminary','explained','final')", name="ck_assessment_status"
        ),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_assessment_dataset_id_dataset")),
        sa.ForeignKeyConstraint(["year"], ["evaluation_year.year"], name=op.f("fk_assessment_year_evaluation_year")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_assessment_unit_id_unit")),
        sa.ForeignKeyConstraint(["framework_id"], ["framework.id"], name=op.f("fk_assessment_framework_id_framework")),
        *(_user_fk("assessment", name) for name in people),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint("dataset_id", "year", "unit_id", name="uq_assessment_unit_year"),
    )
    with op.batch_alter_table("assessment") as batch:
        batch.create_index(batch.f("ix_assessment_dataset_id"), ["dataset_id"], unique=False)
        batch.create_index(batch.f("ix_assessment_unit_id"), ["unit_id"], unique=False)
    with op.batch_alter_table("assessment_score") as batch:
        batch.add_column(sa.Column("self_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("preliminary_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("preliminary_reason", sa.String(), server_default="", nullable=False))
        batch.add_column(sa.Column("preliminary_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("preliminary_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("explanation", sa.String(), server_default="", nullable=False))
        batch.add_column(sa.Column("explained_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        for name in ("self_by_id", "preliminary_by_id"):
            batch.create_foreign_key(f"fk_assessment_score_{name}_app_user", "app_user", [name], ["id"])
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(
            sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=16), server_default="self", nullable=False)
        )
        batch.add_column(sa.Column("original_name", sa.String(), server_default="", nullable=False))
        batch.add_column(sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column("size_bytes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("file_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
        batch.add_column(sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("uploaded_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_evidence_uploaded_by_id_app_user", "app_user", ["uploaded_by_id"], ["id"])
        batch.create_check_constraint("ck_evidence_stage", "stage IN ('self','explanation')")


def _drop_assessments() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint("ck_evidence_stage", type_="check")
        batch.drop_constraint("fk_evidence_uploaded_by_id_app_user", type_="foreignkey")
        for name in (
            "uploaded_by_id",
            "uploaded_at",
            "file_kind",
            "size_bytes",
            "sha256",
            "stored_name",
            "original_name",
            "stage",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("assessment_score") as batch:
        for name in ("self_by_id", "preliminary_by_id"):
            batch.drop_constraint(f"fk_assessment_score_{name}_app_user", type_="foreignkey")
        for name in (
            "explained_at",
            "explanation",
            "preliminary_by_id",
            "preliminary_at",
            "preliminary_reason",
            "preliminary_score",
            "self_by_id",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index(batch.f("ix_assessment_unit_id"))
        batch.drop_index(batch.f("ix_assessment_dataset_id"))
    op.drop_table("assessment")


# ---- immutability of result sets --------------------------------------------------------------------------


def _changed(columns: Sequence[str]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _guards(dialect: str) -> None:
    official = "EXISTS (SELECT 1 FROM dataset d WHERE d.id = {ds} AND d.kind = 'official')"
    kept_set = f"OLD.status IN ('approved','published') AND {official.format(ds='OLD.dataset_id')}"
    kept_row = (
        "EXISTS (SELECT 1 FROM result_set s JOIN dataset d ON d.id = s.dataset_id WHERE s.id = OLD.result_set_id "
        "AND d.kind = 'official' AND s.status IN ('approved','published'))"
    )
    if dialect == "sqlite":
        public = "julianday(coalesce(OLD.publish_at, OLD.published_at)) <= julianday('now')"
        published = (
            "OLD.status = 'published' AND (NEW.status NOT IN ('published','withdrawn') "
            f"OR ({public} AND (NEW.status = 'published' OR {_changed(PUBLIC_FIXED)})))"
        )
        statements = {
            "result_set_provenance": ("BEFORE UPDATE ON result_set", _changed(PROVENANCE), MSG_PROVENANCE),
            "result_set_published": ("BEFORE UPDATE ON result_set", published, MSG_PUBLISHED),
            "result_set_kept": ("BEFORE DELETE ON result_set", kept_set, MSG_KEEP),
            "result_row_immutable": ("BEFORE UPDATE ON result_row", "1", MSG_ROWS),
            "result_row_kept": ("BEFORE DELETE ON result_row", kept_row, MSG_KEEP),
        }
        for name, (when, condition, message) in statements.items():
            op.execute(f"CREATE TRIGGER {name} {when} WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    old = ", ".join(f"OLD.{c}" for c in PROVENANCE)
    new = ", ".join(f"NEW.{c}" for c in PROVENANCE)
    op.execute(
        "CREATE FUNCTION result_set_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN IF {kept_set} THEN RAISE EXCEPTION '{MSG_KEEP}'; END IF; RETURN OLD; END IF; "
        f"IF ROW({new}) IS DISTINCT FROM ROW({old}) THEN RAISE EXCEPTION '{MSG_PROVENANCE}'; END IF; "
        "IF OLD.status = 'published' AND (NEW.status NOT IN ('published','withdrawn') OR "
        "(coalesce(OLD.publish_at, OLD.published_at) <= CURRENT_TIMESTAMP AND (NEW.status = 'published' OR "
        f"ROW({', '.join('NEW.' + c for c in PUBLIC_FIXED)}) IS DISTINCT FROM "
        f"ROW({', '.join('OLD.' + c for c in PUBLIC_FIXED)})))) THEN RAISE EXCEPTION '{MSG_PUBLISHED}'; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER result_set_guard BEFORE UPDATE OR DELETE ON result_set "
        "FOR EACH ROW EXECUTE FUNCTION result_set_guard()"
    )
    op.execute(
        "CREATE FUNCTION result_row_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '{MSG_ROWS}'; END IF; "
        f"IF {kept_row} THEN RAISE EXCEPTION '{MSG_KEEP}'; END IF; RETURN OLD; END $$"
    )
    op.execute(
        "CREATE TRIGGER result_row_guard BEFORE UPDATE OR DELETE ON result_row "
        "FOR EACH ROW EXECUTE FUNCTION result_row_guard()"
    )


def _drop_guards(dialect: str) -> None:
    if dialect == "sqlite":
        for name in (
            "result_set_provenance",
            "result_set_published",
            "result_set_kept",
            "result_row_immutable",
            "result_row_kept",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute("DROP TRIGGER IF EXISTS result_row_guard ON result_row")
    op.execute("DROP FUNCTION IF EXISTS result_row_guard()")
    op.execute("DROP TRIGGER IF EXISTS result_set_guard ON result_set")
    op.execute("DROP FUNCTION IF EXISTS result_set_guard()")
