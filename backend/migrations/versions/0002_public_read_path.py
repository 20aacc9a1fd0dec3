"""wider text columns; views of published results, the public grant list and the par_public role

1. Lengths. PostgreSQL enforces VARCHAR(n), SQLite does not, so a value longer than its declared length
   loaded on SQLite and failed on PostgreSQL ("Trung bình 17 bộ, cơ quan ngang bộ", 34 characters, in
   published_figure.scope_code). Every column whose value comes from a file, a person or a composition
   of other columns, without a validator bounding it, becomes unbounded text (VARCHAR without a length,
   which PostgreSQL treats exactly as TEXT). Kept bounded: enumerations guarded by a CHECK constraint or
   a validator (kind, status, index_code, unit_scope, scope, relation, role, level, mode, scheme,
   province_kind), SHA-256 hex digests (64), ISO 3166-2 codes (8), e-mail (254, RFC 5321), audit action
   and entity names (code constants) and audit entity ids (numbers).
2. Views. ``public_result_set`` and ``public_result_row`` show published result sets past their embargo
   and their rows, nothing else. Their WHERE clause is THE visibility rule of the public side:
   ``status = 'published'`` and ``coalesce(publish_at, published_at) <= now`` (publish_at ≤ now, or no
   publish_at and published_at ≤ now; a set with neither time is never visible). ``visible_from`` is
   that coalesced time. On PostgreSQL they are security-barrier views.
3. ``public_grant``: the list of what the public side may read (views, reference and methodology tables,
   the published record, four columns of dataset). SQLite's public authorizer reads it
   (backend/public_access.py); on PostgreSQL ``par_grant_public()`` grants SELECT on exactly these
   objects to the NOLOGIN role ``par_public``. The role is created here when the migrating user may
   create roles; otherwise the log says what an administrator runs (also in the README).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 06:00:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("backend.migrations")

PUBLIC_ROLE = "par_public"

# table -> (column, length before this revision, nullable)
WIDENED: dict[str, list[tuple[str, int, bool]]] = {
    "app_user": [("username", 64, False)],  # typed by an administrator, not validated
    "audit_log": [("actor", 64, False)],  # the username typed at a failed login
    "dataset": [("name", 128, False)],  # official datasets are named after their source
    "unit": [("code", 16, False), ("unit_type", 32, False), ("region_code", 16, True), ("region_code_nq306", 16, True)],
    "region": [("code", 16, False)],
    "framework": [("code", 64, False), ("version", 32, False)],  # from the methodology files
    "criterion": [("code", 64, False)],
    "survey_item": [("code", 64, False)],
    "interviewer": [("code", 32, False)],
    "survey_form": [
        ("form_code", 48, False),
        ("respondent_group", 32, False),
        ("district_code", 32, True),
        ("commune_code", 32, True),
        ("village_code", 32, True),
        ("invalid_reason", 64, True),
        ("respondent_phone", 20, True),
    ],
    "evidence": [("ref_code", 64, False)],  # document numbers as written on the document
    "published_figure": [
        ("source_file", 64, False),
        ("metric", 96, False),
        ("unit_type", 16, False),  # as written in the file, not validated
        ("scope_code", 32, True),  # aggregate names such as "Trung bình 17 bộ, cơ quan ngang bộ"
    ],
    "result_set": [("framework_version", 32, False), ("computed_by", 64, False)],
    "result_row": [
        ("scope_code", 32, False),  # "<unit kind>:<unit code>" is up to 16 + 1 + 16 characters
        ("metric", 64, False),  # built from criterion codes
        ("grp", 8, True),  # grade codes come from the framework file
    ],
    "user_role": [("scope", 32, False)],  # "<unit kind>:<unit code>"
}

# what the public side may read: (object, column or '*' for every column)
PUBLIC_READ = [
    ("public_result_set", "*"),
    ("public_result_row", "*"),
    ("unit", "*"),
    ("unit_lineage", "*"),
    ("region", "*"),
    ("evaluation_year", "*"),
    ("framework", "*"),
    ("criterion", "*"),
    ("published_figure", "*"),
    ("dataset", "id"),
    ("dataset", "name"),
    ("dataset", "kind"),
    ("dataset", "parameters"),  # demo datasets name their generator there (the source line of demo figures)
]

RESULT_SET_COLUMNS = (
    "id, dataset_id, index_code, year, unit_scope, version, status, framework_id, framework_version, "
    "inputs_hash, computed_at, publish_at, published_at, supersedes_id, erratum"
)
RESULT_ROW_COLUMNS = (
    "r.id, r.result_set_id, r.scope, r.scope_code, r.unit_id, r.metric, r.value, r.max_value, "
    "r.ci_low, r.ci_high, r.rank, r.rank_low, r.rank_high, r.grp, r.n"
)
# the one visibility rule of the public side (see the module docstring)
VISIBLE = {
    "postgresql": "status = 'published' AND coalesce(publish_at, published_at) <= CURRENT_TIMESTAMP",
    "sqlite": "status = 'published' AND julianday(coalesce(publish_at, published_at)) <= julianday('now')",
}

GRANT_FUNCTION = f"""
CREATE FUNCTION par_grant_public() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE g record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PUBLIC_ROLE}') THEN
        RETURN false;
    END IF;
    FOR g IN
        SELECT object_name,
               bool_or(column_name = '*') AS whole,
               string_agg(quote_ident(column_name), ', ') FILTER (WHERE column_name <> '*') AS columns
        FROM public_grant GROUP BY object_name
    LOOP
        IF g.whole THEN
            EXECUTE format('GRANT SELECT ON %I TO {PUBLIC_ROLE}', g.object_name);
        ELSE
            EXECUTE format('GRANT SELECT (%s) ON %I TO {PUBLIC_ROLE}', g.columns, g.object_name);
        END IF;
    END LOOP;
    RETURN true;
END $$
"""

ADMIN_SQL = f"""CREATE ROLE {PUBLIC_ROLE} NOLOGIN;
CREATE ROLE par_web LOGIN PASSWORD '<a password>' IN ROLE {PUBLIC_ROLE};"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for name, length, nullable in columns:
                batch.alter_column(name, type_=sa.String(), existing_type=sa.String(length), existing_nullable=nullable)
    if dialect == "sqlite":
        _sqlite_audit_triggers()  # rebuilding audit_log dropped them
    op.execute(
        f"CREATE VIEW public_result_set{_barrier(dialect)} AS SELECT {RESULT_SET_COLUMNS}, "
        f"coalesce(publish_at, published_at) AS visible_from FROM result_set WHERE {VISIBLE[dialect]}"
    )
    op.execute(
        f"CREATE VIEW public_result_row{_barrier(dialect)} AS SELECT {RESULT_ROW_COLUMNS} FROM result_row r "
        "WHERE r.result_set_id IN (SELECT id FROM public_result_set)"
    )
    grants = op.create_table(
        "public_grant",
        sa.Column("object_name", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), server_default="*", nullable=False),
        sa.PrimaryKeyConstraint("object_name", "column_name", name=op.f("pk_public_grant")),
    )
    op.bulk_insert(grants, [{"object_name": o, "column_name": c} for o, c in PUBLIC_READ])
    if dialect == "postgresql":
        _postgresql_role()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _refuse_loss()
    if dialect == "postgresql":
        _postgresql_revoke()
        op.execute("DROP FUNCTION IF EXISTS par_grant_public()")
    op.drop_table("public_grant")
    op.execute("DROP VIEW IF EXISTS public_result_row")
    op.execute("DROP VIEW IF EXISTS public_result_set")
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for name, length, nullable in columns:
                batch.alter_column(name, type_=sa.String(length), existing_type=sa.String(), existing_nullable=nullable)
    if dialect == "sqlite":
        _sqlite_audit_triggers()


def _barrier(dialect: str) -> str:
    """PostgreSQL: a security barrier, so no function of a caller's query sees a row the view hides."""
    return " WITH (security_barrier = true)" if dialect == "postgresql" else ""


def _sqlite_audit_triggers() -> None:
    """The append-only triggers of 0001 (SQLite drops a table's triggers when batch mode rebuilds it)."""
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb.lower()}")
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def _postgresql_role() -> None:
    """Create par_public if it is missing and the migrating user may create roles, then grant it the
    public list. When neither the role exists nor may be created, say what an administrator runs."""
    bind = op.get_bind()
    op.execute(GRANT_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION par_grant_public() FROM PUBLIC")
    exists = bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": PUBLIC_ROLE}).first()
    may_create = bind.execute(
        sa.text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not exists and may_create:
        op.execute(f"DO $$ BEGIN CREATE ROLE {PUBLIC_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    if not bind.execute(sa.text("SELECT par_grant_public()")).scalar():
        log.warning(
            "The role %s does not exist and this user may not create roles, so the public app has no "
            "read-only login yet. A PostgreSQL administrator runs:\n%s\nthen the store's owner runs "
            "`python -m backend grant-public` (see README, Running on PostgreSQL).",
            PUBLIC_ROLE,
            ADMIN_SQL,
        )


def _postgresql_revoke() -> None:
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": PUBLIC_ROLE}).first():
        return
    tables = bind.execute(sa.text("SELECT DISTINCT object_name FROM public_grant")).scalars().all()
    for table in tables:
        op.execute(f'REVOKE ALL ON "{table}" FROM {PUBLIC_ROLE}')


def _refuse_loss() -> None:
    """The schema of 0001 cannot hold longer values: refuse (naming the columns) rather than cut them."""
    bind = op.get_bind()
    too_long = []
    for table, columns in WIDENED.items():
        for name, length, _ in columns:
            count = bind.execute(sa.text(f'SELECT count(*) FROM "{table}" WHERE length("{name}") > {length}')).scalar()
            if count:
                too_long.append(f"{table}.{name}: {count} values longer than {length}")
    if too_long:
        raise RuntimeError(
            "Cannot downgrade below 0002: these values do not fit the older schema (nothing was changed): "
            + "; ".join(too_long)
        )
