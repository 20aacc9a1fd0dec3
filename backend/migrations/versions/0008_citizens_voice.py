"""citizens' voice and the PAR database (issue 11): the content editor role; online surveys, their answers and
their published aggregates; policy consultations, comments, questions and answers; topics; the PAR database
(documents, figures, links to criteria and to self-assessment evidence, units' permission to show it); the
search index of public entries; the public views; what the anonymous submission login may do

1. Role: ``content_editor`` joins the role CHECK of ``user_role``.
2. Tables: see backend/models/voice.py, consult.py and pardb.py. ``par_topic`` is filled with the areas of the
   PAR INDEX frameworks (data/frameworks/par_*_876.yaml, Quyết định 876/QĐ-BNV), SIPAS and a general topic.
3. Search index ``public_search`` (backend/search.py): public entries only, folded text; an FTS5 table on
   SQLite, a table with a generated ``tsvector`` and a GIN index on PostgreSQL.
4. Views (backend/models/public_voice.py): what the public side may see of all this (security barriers on
   PostgreSQL, except OPEN_VIEWS, whose hidden rows are withdrawn public entries). Aggregates of online
   surveys follow THE visibility rule of ``public_result_set`` (0002): ``status = 'published'`` and
   ``coalesce(publish_at, published_at)`` ≤ now.
5. ``public_grant`` rows for the views, ``par_topic`` and the search index (on SQLite with its shadow tables);
   ``SELECT par_grant_public()`` on PostgreSQL.
6. ``submission_grant``: the anonymous submission login may INSERT into the five submission tables and SELECT
   only what checking a submission needs (open surveys and their items, open consultations, topics, units,
   the hashes the rate limits and duplicate checks count). On PostgreSQL the NOLOGIN role ``par_submit`` gets
   exactly these privileges from ``par_grant_submit()`` (created here when the migrating user may create
   roles; otherwise the log says what an administrator runs); on SQLite the submission authorizer reads the
   list (backend/submission_access.py).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01 06:00:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("backend.migrations")

SUBMIT_ROLE = "par_submit"
PUBLIC_ROLE = "par_public"
OLD_ROLES = "role IN ('admin','leader','council','appraiser','analyst','data_officer','unit_officer','backcheck')"
NEW_ROLES = (
    "role IN ('admin','leader','council','appraiser','analyst','data_officer','unit_officer','backcheck',"
    "'content_editor')"
)

# code, name_vi, name_en (areas of the PAR INDEX frameworks, 876/QĐ-BNV; SIPAS; general)
TOPICS = [
    (
        "direction",
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        "Direction and management of administrative reform",
    ),
    ("institutions", "Cải cách thể chế", "Institutional reform"),
    ("procedures", "Cải cách thủ tục hành chính", "Administrative procedure reform"),
    ("apparatus", "Cải cách tổ chức bộ máy hành chính nhà nước", "Reform of the state administrative apparatus"),
    ("civil_service", "Cải cách chế độ công vụ", "Civil service reform"),
    ("public_finance", "Cải cách tài chính công", "Public finance reform"),
    ("digital", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "E-government and digital government"),
    (
        "impact",
        "Tác động của cải cách hành chính đến người dân, tổ chức",
        "Impact of reform on citizens and organisations",
    ),
    (
        "services",
        "Sự hài lòng với dịch vụ hành chính công (SIPAS)",
        "Satisfaction with public administrative services (SIPAS)",
    ),
    ("general", "Chung", "General"),
]

# the visibility rule of 0002, for the aggregates of online surveys
VISIBLE = {
    "postgresql": "status = 'published' AND coalesce(publish_at, published_at) <= CURRENT_TIMESTAMP",
    "sqlite": "status = 'published' AND julianday(coalesce(publish_at, published_at)) <= julianday('now')",
}
LATER = ("comment_summary_vi", "comment_summary_en", "response_vi", "response_en")

# view -> SELECT (every view is read through public_grant; on PostgreSQL a security barrier)
VIEWS = {
    "public_voice_survey": (
        "SELECT id, code, template, title_vi, title_en, intro_vi, intro_en, scope, unit_id, service_vi, service_en, "
        "opens_at, closes_at, status FROM voice_survey WHERE status IN ('open', 'closed')"
    ),
    "public_voice_item": (
        "SELECT id, survey_id, position, code, kind, text_vi, text_en, options, required FROM voice_item "
        "WHERE survey_id IN (SELECT id FROM public_voice_survey)"
    ),
    "public_voice_result": (
        "SELECT id, survey_id, version, status, responses, computed_at, publish_at, published_at, "
        "coalesce(publish_at, published_at) AS visible_from FROM voice_result WHERE {visible}"
    ),
    "public_voice_result_row": (
        "SELECT id, result_id, unit_id, item_code, metric, option, value, n FROM voice_result_row "
        "WHERE result_id IN (SELECT id FROM public_voice_result)"
    ),
    "public_consultation": (
        "SELECT id, code, topic_code, title_vi, title_en, summary_vi, summary_en, opens_at, closes_at, status, "
        + ", ".join(f"CASE WHEN status = 'answered' THEN {c} ELSE '' END AS {c}" for c in LATER)
        + ", CASE WHEN status = 'answered' THEN answered_at END AS answered_at "
        "FROM consultation WHERE status <> 'draft'"
    ),
    "public_consultation_document": (
        "SELECT id, consultation_id, title, url, document_id FROM consultation_document "
        "WHERE consultation_id IN (SELECT id FROM public_consultation)"
    ),
    "public_consultation_comment": (
        "SELECT id, consultation_id, text, submitted_at FROM consultation_comment "
        "WHERE moderation = 'approved' AND consultation_id IN (SELECT id FROM public_consultation)"
    ),
    "public_question": (
        "SELECT id, topic_code, text, asked_at, answer_vi, answer_en, published_at FROM question "
        "WHERE status = 'published' AND moderation = 'approved'"
    ),
    "public_par_document": (
        "SELECT id, dataset_id, kind, issuer, number, issued_on, unit_id, year, topic_code, title, summary, url, "
        "updated_at FROM par_document WHERE status = 'published'"
    ),
    "public_par_document_criterion": (
        "SELECT document_id, criterion_id FROM par_document_criterion "
        "WHERE document_id IN (SELECT id FROM par_document WHERE status = 'published')"
    ),
    "public_par_figure": (
        "SELECT id, dataset_id, unit_id, year, topic_code, code, name_vi, name_en, value, measure, document_id "
        "FROM par_figure WHERE status = 'published'"
    ),
    "public_par_evidence": (
        "SELECT l.document_id, e.id AS evidence_id, e.ref_code, e.title, e.issued_on, a.unit_id, a.year, "
        "a.criterion_id FROM par_document_evidence l "
        "JOIN evidence e ON e.id = l.evidence_id "
        "JOIN assessment_score a ON a.id = e.score_id "
        "JOIN evidence_share s ON s.unit_id = a.unit_id AND s.year = a.year "
        "JOIN par_document d ON d.id = l.document_id AND d.status = 'published'"
    ),
}
# Views whose hidden rows are no secret: PAR database entries are public as soon as they are added, and hide only
# once withdrawn (they were public before). PostgreSQL does not flatten a security-barrier view, so its indexes
# could not order or join a search of 100,000 documents; these two are plain views.
OPEN_VIEWS = ("public_par_document", "public_par_figure")
SQLITE_SEARCH = (
    "public_search",
    "public_search_data",
    "public_search_idx",
    "public_search_content",
    "public_search_docsize",
    "public_search_config",
)
PUBLIC_READ = [(view, "*") for view in VIEWS] + [("par_topic", "*")]

# (object, column or '*', privilege) for the anonymous submission login
SUBMISSION = [
    ("public_voice_survey", "*", "SELECT"),
    ("public_voice_item", "*", "SELECT"),
    ("public_consultation", "*", "SELECT"),
    ("par_topic", "*", "SELECT"),
    ("unit", "*", "SELECT"),
    *[
        ("voice_submission", column, "SELECT")
        for column in ("at", "kind", "target_id", "source_hash", "session_hash", "fingerprint")
    ],
    ("voice_response", "survey_id", "SELECT"),
    ("voice_response", "contact_hash", "SELECT"),
    *[
        (table, "*", "INSERT")
        for table in ("voice_submission", "voice_response", "voice_answer", "consultation_comment", "question")
    ],
]

GRANT_SUBMIT_FUNCTION = f"""
CREATE FUNCTION par_grant_submit() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE g record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{SUBMIT_ROLE}') THEN
        RETURN false;
    END IF;
    FOR g IN
        SELECT object_name, privilege,
               bool_or(column_name = '*') AS whole,
               string_agg(quote_ident(column_name), ', ') FILTER (WHERE column_name <> '*') AS columns
        FROM submission_grant GROUP BY object_name, privilege
    LOOP
        IF g.whole THEN
            EXECUTE format('GRANT %s ON %I TO {SUBMIT_ROLE}', g.privilege, g.object_name);
        ELSE
            EXECUTE format('GRANT %s (%s) ON %I TO {SUBMIT_ROLE}', g.privilege, g.columns, g.object_name);
        END IF;
        IF g.privilege = 'INSERT' THEN
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO {SUBMIT_ROLE}', pg_get_serial_sequence(g.object_name, 'id'));
        END IF;
    END LOOP;
    RETURN true;
END $$
"""
ADMIN_SQL = f"""CREATE ROLE {SUBMIT_ROLE} NOLOGIN;
CREATE ROLE par_form LOGIN PASSWORD '<a password>' IN ROLE {SUBMIT_ROLE};"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _roles(NEW_ROLES)
    _create_tables()
    op.bulk_insert(
        sa.table("par_topic", sa.column("code"), sa.column("name_vi"), sa.column("name_en"), sa.column("position")),
        [{"code": c, "name_vi": vi, "name_en": en, "position": i} for i, (c, vi, en) in enumerate(TOPICS, start=1)],
    )
    _search_index(dialect)
    for name, select in VIEWS.items():
        barrier = " WITH (security_barrier = true)" if dialect == "postgresql" and name not in OPEN_VIEWS else ""
        op.execute(f"CREATE VIEW {name}{barrier} AS " + select.format(visible=VISIBLE[dialect]))
    search = SQLITE_SEARCH if dialect == "sqlite" else ("public_search",)
    grants = sa.table("public_grant", sa.column("object_name"), sa.column("column_name"))
    op.bulk_insert(
        grants, [{"object_name": o, "column_name": c} for o, c in [*PUBLIC_READ, *((s, "*") for s in search)]]
    )
    submission = sa.table(
        "submission_grant", sa.column("object_name"), sa.column("column_name"), sa.column("privilege")
    )
    op.bulk_insert(submission, [{"object_name": o, "column_name": c, "privilege": p} for o, c, p in SUBMISSION])
    if dialect == "postgresql":
        op.execute(
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'par_grant_public') "
            "THEN PERFORM par_grant_public(); END IF; END $$"
        )
        _submit_role()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    bind = op.get_bind()
    if dialect == "postgresql":
        for role in (SUBMIT_ROLE, PUBLIC_ROLE):
            if bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                objects = {o for o, _, _ in SUBMISSION} | {o for o, _ in PUBLIC_READ} | {"public_search"}
                for name in sorted(objects):
                    op.execute(f'REVOKE ALL ON "{name}" FROM {role}')
        op.execute("DROP FUNCTION IF EXISTS par_grant_submit()")
    search = SQLITE_SEARCH if dialect == "sqlite" else ("public_search",)
    names = ", ".join(f"'{o}'" for o in [*(o for o, _ in PUBLIC_READ), *search])
    op.execute(f"DELETE FROM public_grant WHERE object_name IN ({names})")
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS public_search")
    for table in (
        "par_document_evidence",
        "voice_result_row",
        "voice_answer",
        "voice_result",
        "voice_response",
        "voice_item",
        "par_figure",
        "par_document_criterion",
        "consultation_document",
        "consultation_comment",
        "voice_survey",
        "question",
        "par_document",
        "evidence_share",
        "consultation",
        "voice_submission",
        "submission_grant",
        "par_topic",
    ):
        op.drop_table(table)
    op.execute("DELETE FROM user_role WHERE role = 'content_editor'")
    _roles(OLD_ROLES)


def _roles(condition: str) -> None:
    with op.batch_alter_table("user_role") as batch:
        batch.drop_constraint("ck_user_role", type_="check")
        batch.create_check_constraint("ck_user_role", condition)


def _search_index(dialect: str) -> None:
    """The index of public entries (backend/search.py): FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE public_search USING fts5(search_text, tokenize = 'unicode61')")
        return
    op.execute(
        "CREATE TABLE public_search (key bigint PRIMARY KEY, kind smallint NOT NULL, ref_id integer NOT NULL, "
        "search_text text NOT NULL, "
        "search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED)"
    )
    op.execute("CREATE INDEX ix_public_search_vector ON public_search USING gin (search_vector)")
    op.execute("CREATE INDEX ix_public_search_ref ON public_search (ref_id, kind)")


def _submit_role() -> None:
    """Create par_submit if it is missing and the migrating user may create roles, then grant it the list.
    When neither the role exists nor may be created, say what an administrator runs."""
    bind = op.get_bind()
    op.execute(GRANT_SUBMIT_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION par_grant_submit() FROM PUBLIC")
    exists = bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": SUBMIT_ROLE}).first()
    may_create = bind.execute(
        sa.text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not exists and may_create:
        op.execute(f"DO $$ BEGIN CREATE ROLE {SUBMIT_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    if not bind.execute(sa.text("SELECT par_grant_submit()")).scalar():
        log.warning(
            "The role %s does not exist and this user may not create roles, so citizens' forms have no "
            "submission login yet. A PostgreSQL administrator runs:\n%s\nthen the store's owner runs "
            "`python -m backend grant-submit` (see README, Running on PostgreSQL).",
            SUBMIT_ROLE,
            ADMIN_SQL,
        )


def _create_tables() -> None:
    op.create_table(
        "par_topic",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_par_topic")),
    )
    op.create_table(
        "submission_grant",
        sa.Column("object_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("column_name", sqlmodel.sql.sqltypes.AutoString(), server_default="*", nullable=False),
        sa.Column("privilege", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.CheckConstraint("privilege IN ('SELECT','INSERT')", name="ck_submission_grant_privilege"),
        sa.PrimaryKeyConstraint("object_name", "column_name", "privilege", name=op.f("pk_submission_grant")),
    )
    op.create_table(
        "voice_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("source_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("session_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('survey','comment','question')", name="ck_voice_submission_kind"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_submission")),
        sa.UniqueConstraint("token", name="uq_voice_submission_token"),
    )
    op.create_index("ix_voice_submission_session", "voice_submission", ["session_hash", "at"], unique=False)
    op.create_index("ix_voice_submission_source", "voice_submission", ["source_hash", "at"], unique=False)
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("topic_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("title_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opens_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closes_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("comment_summary_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("comment_summary_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("response_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("response_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft','open','closed','answered')", name="ck_consultation_status"),
        sa.ForeignKeyConstraint(["topic_code"], ["par_topic.code"], name=op.f("fk_consultation_topic_code_par_topic")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
        sa.UniqueConstraint("code", name="uq_consultation_code"),
    )
    op.create_table(
        "evidence_share",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("allowed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("allowed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_evidence_share_unit_id_unit")),
        sa.PrimaryKeyConstraint("unit_id", "year", name=op.f("pk_evidence_share")),
    )
    op.create_table(
        "par_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("topic_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint("kind IN ('plan','report','decision','guidance','other')", name="ck_par_document_kind"),
        sa.CheckConstraint("status IN ('published','withdrawn')", name="ck_par_document_status"),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_par_document_dataset_id_dataset")),
        sa.ForeignKeyConstraint(["topic_code"], ["par_topic.code"], name=op.f("fk_par_document_topic_code_par_topic")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_par_document_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_document")),
    )
    op.create_index("ix_par_document_browse", "par_document", ["status", "year", "issued_on", "id"], unique=False)
    op.create_index("ix_par_document_recent", "par_document", ["status", "issued_on", "id"], unique=False)
    op.create_index(op.f("ix_par_document_dataset_id"), "par_document", ["dataset_id"], unique=False)
    op.create_index(op.f("ix_par_document_topic_code"), "par_document", ["topic_code"], unique=False)
    op.create_index(op.f("ix_par_document_unit_id"), "par_document", ["unit_id"], unique=False)
    op.create_index(op.f("ix_par_document_year"), "par_document", ["year"], unique=False)
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("topic_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("asked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("contact_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("contact_encrypted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("moderation", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("moderated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("moderated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("answer_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answer_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("moderation IN ('pending','approved','rejected')", name="ck_question_moderation"),
        sa.CheckConstraint("status IN ('asked','answered','published')", name="ck_question_status"),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["voice_submission.id"], name=op.f("fk_question_submission_id_voice_submission")
        ),
        sa.ForeignKeyConstraint(["topic_code"], ["par_topic.code"], name=op.f("fk_question_topic_code_par_topic")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
    )
    op.create_index(op.f("ix_question_topic_code"), "question", ["topic_code"], unique=False)
    op.create_table(
        "voice_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("intro_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("intro_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("service_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("service_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opens_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closes_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("scope <> 'province' OR unit_id IS NOT NULL", name="ck_voice_survey_unit"),
        sa.CheckConstraint("scope IN ('province','service')", name="ck_voice_survey_scope"),
        sa.CheckConstraint("status IN ('draft','open','closed')", name="ck_voice_survey_status"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_voice_survey_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_survey")),
        sa.UniqueConstraint("code", name="uq_voice_survey_code"),
    )
    op.create_table(
        "consultation_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("contact_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("contact_encrypted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("moderation", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("moderated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("moderated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "moderation IN ('pending','approved','rejected')", name="ck_consultation_comment_moderation"
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_consultation_comment_consultation_id_consultation")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["voice_submission.id"],
            name=op.f("fk_consultation_comment_submission_id_voice_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment")),
    )
    op.create_index(
        op.f("ix_consultation_comment_consultation_id"), "consultation_comment", ["consultation_id"], unique=False
    )
    op.create_table(
        "consultation_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_consultation_document_consultation_id_consultation")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["par_document.id"], name=op.f("fk_consultation_document_document_id_par_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_document")),
    )
    op.create_index(
        op.f("ix_consultation_document_consultation_id"), "consultation_document", ["consultation_id"], unique=False
    )
    op.create_table(
        "par_document_criterion",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criterion.id"], name=op.f("fk_par_document_criterion_criterion_id_criterion")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["par_document.id"], name=op.f("fk_par_document_criterion_document_id_par_document")
        ),
        sa.PrimaryKeyConstraint("document_id", "criterion_id", name=op.f("pk_par_document_criterion")),
    )
    op.create_index(
        op.f("ix_par_document_criterion_criterion_id"), "par_document_criterion", ["criterion_id"], unique=False
    )
    op.create_table(
        "par_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("topic_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint("status IN ('published','withdrawn')", name="ck_par_figure_status"),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_par_figure_dataset_id_dataset")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["par_document.id"], name=op.f("fk_par_figure_document_id_par_document")
        ),
        sa.ForeignKeyConstraint(["topic_code"], ["par_topic.code"], name=op.f("fk_par_figure_topic_code_par_topic")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_par_figure_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_figure")),
        sa.UniqueConstraint("dataset_id", "unit_id", "year", "code", name="uq_par_figure"),
    )
    op.create_index(op.f("ix_par_figure_dataset_id"), "par_figure", ["dataset_id"], unique=False)
    op.create_index(op.f("ix_par_figure_unit_id"), "par_figure", ["unit_id"], unique=False)
    op.create_table(
        "voice_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("text_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("options", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('rating','choice','text')", name="ck_voice_item_kind"),
        sa.ForeignKeyConstraint(["survey_id"], ["voice_survey.id"], name=op.f("fk_voice_item_survey_id_voice_survey")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_item")),
        sa.UniqueConstraint("survey_id", "code", name="uq_voice_item_code"),
    )
    op.create_index(op.f("ix_voice_item_survey_id"), "voice_item", ["survey_id"], unique=False)
    op.create_table(
        "voice_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("contact_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("contact_encrypted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.CheckConstraint("status IN ('counted','excluded')", name="ck_voice_response_status"),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["voice_submission.id"], name=op.f("fk_voice_response_submission_id_voice_submission")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["voice_survey.id"], name=op.f("fk_voice_response_survey_id_voice_survey")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_voice_response_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_response")),
    )
    op.create_index("ix_voice_response_contact", "voice_response", ["survey_id", "contact_hash"], unique=False)
    op.create_index(op.f("ix_voice_response_survey_id"), "voice_response", ["survey_id"], unique=False)
    op.create_table(
        "voice_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("inputs_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("computed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("publish_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('draft','approved','published','withdrawn')", name="ck_voice_result_status"),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["voice_survey.id"], name=op.f("fk_voice_result_survey_id_voice_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_result")),
        sa.UniqueConstraint("survey_id", "version", name="uq_voice_result_version"),
    )
    op.create_index(op.f("ix_voice_result_survey_id"), "voice_result", ["survey_id"], unique=False)
    op.create_table(
        "voice_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("choice", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("moderation", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("moderated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("moderated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "moderation IS NULL OR moderation IN ('pending','approved','rejected')", name="ck_voice_answer_moderation"
        ),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_voice_answer_rating"),
        sa.ForeignKeyConstraint(["item_id"], ["voice_item.id"], name=op.f("fk_voice_answer_item_id_voice_item")),
        sa.ForeignKeyConstraint(
            ["response_id"], ["voice_response.id"], name=op.f("fk_voice_answer_response_id_voice_response")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_answer")),
        sa.UniqueConstraint("response_id", "item_id", name="uq_voice_answer"),
    )
    op.create_index(op.f("ix_voice_answer_response_id"), "voice_answer", ["response_id"], unique=False)
    op.create_table(
        "voice_result_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("item_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("option", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.CheckConstraint("metric IN ('mean','share_high','option')", name="ck_voice_result_row_metric"),
        sa.ForeignKeyConstraint(
            ["result_id"], ["voice_result.id"], name=op.f("fk_voice_result_row_result_id_voice_result")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_voice_result_row_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_result_row")),
        sa.UniqueConstraint("result_id", "unit_id", "item_code", "metric", "option", name="uq_voice_result_row"),
    )
    op.create_index(op.f("ix_voice_result_row_result_id"), "voice_result_row", ["result_id"], unique=False)
    op.create_table(
        "par_document_evidence",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["par_document.id"], name=op.f("fk_par_document_evidence_document_id_par_document")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_par_document_evidence_evidence_id_evidence")
        ),
        sa.PrimaryKeyConstraint("document_id", "evidence_id", name=op.f("pk_par_document_evidence")),
    )
    op.create_index(
        op.f("ix_par_document_evidence_evidence_id"), "par_document_evidence", ["evidence_id"], unique=False
    )
