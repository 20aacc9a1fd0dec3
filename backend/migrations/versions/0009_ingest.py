"""data in (issue 8): import batches, quarantine, form review states, phones as hash + encrypted copy,
interview times and profile facts, back-checks, fieldwork plan

1. ``import_batch``, ``quarantine_row``, ``form_review``, ``backcheck_sample``, ``backcheck_case``,
   ``backcheck_answer``, ``fieldwork_plan`` (none of them readable by the public side).
2. ``survey_form``: ``review_state`` (received / accepted / rejected / corrected; CHECK: only an accepted form
   can be valid), ``review_comment``, ``started_at``, ``finished_at``, ``facts``, ``batch_id``; the plain
   ``respondent_phone`` is replaced by ``phone_hash`` (HMAC-SHA-256) and ``phone_encrypted`` (AES-GCM).
   Existing phones are converted with the configured personal-data key (backend/personal.py); a store with
   phones and no key refuses the upgrade with what to set. Existing forms: valid and invalid ones count as
   accepted (they were reviewed), pending ones as received.
3. ``assessment_score.batch_id``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 08:00:00
"""

import contextlib
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(column: str, table: str, own: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], name=op.f(f"fk_{own}_{column}_{table}"))


def _create_tables() -> None:
    op.create_table(
        "import_batch",
        _id(),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("kind", TEXT(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("file_name", TEXT(), nullable=False),
        sa.Column("sha256", TEXT(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("mode", TEXT(length=16), nullable=False),
        sa.Column("imported_by", TEXT(), nullable=False),
        sa.Column("imported_at", WHEN(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_loaded", sa.Integer(), nullable=False),
        sa.Column("rows_quarantined", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("rolled_back_by", TEXT(), nullable=True),
        sa.Column("rolled_back_at", WHEN(), nullable=True),
        sa.Column("rollback_reason", TEXT(), nullable=True),
        sa.CheckConstraint("kind IN ('sipas','official','self_assessment','plan')", name="ck_import_batch_kind"),
        sa.CheckConstraint("mode IN ('all_or_nothing','quarantine')", name="ck_import_batch_mode"),
        sa.CheckConstraint("status IN ('loaded','rolled_back')", name="ck_import_batch_status"),
        _fk("dataset_id", "dataset", "import_batch"),
        _fk("survey_id", "survey", "import_batch"),
        sa.ForeignKeyConstraint(["year"], ["evaluation_year.year"], name=op.f("fk_import_batch_year_evaluation_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index(op.f("ix_import_batch_dataset_id"), "import_batch", ["dataset_id"])
    op.create_index(op.f("ix_import_batch_sha256"), "import_batch", ["sha256"])

    op.create_table(
        "quarantine_row",
        _id(),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("form_code", TEXT(), nullable=True),
        sa.Column("data", TEXT(), nullable=False),
        sa.Column("errors", TEXT(), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("resolved_by_batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open','resolved')", name="ck_quarantine_status"),
        _fk("batch_id", "import_batch", "quarantine_row"),
        _fk("resolved_by_batch_id", "import_batch", "quarantine_row"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine_row")),
        sa.UniqueConstraint("batch_id", "row_number", name="uq_quarantine_row"),
    )
    op.create_index(op.f("ix_quarantine_row_batch_id"), "quarantine_row", ["batch_id"])

    op.create_table(
        "backcheck_sample",
        _id(),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("min_per_interviewer", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("drawn_by", TEXT(), nullable=False),
        sa.Column("drawn_at", WHEN(), nullable=False),
        _fk("survey_id", "survey", "backcheck_sample"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backcheck_sample")),
    )
    op.create_index(op.f("ix_backcheck_sample_survey_id"), "backcheck_sample", ["survey_id"])

    op.create_table(
        "fieldwork_plan",
        _id(),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", TEXT(), nullable=False),
        sa.Column("respondent_group", TEXT(), nullable=False),
        sa.Column("planned_forms", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        _fk("survey_id", "survey", "fieldwork_plan"),
        _fk("unit_id", "unit", "fieldwork_plan"),
        _fk("batch_id", "import_batch", "fieldwork_plan"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fieldwork_plan")),
        sa.UniqueConstraint("survey_id", "unit_id", "commune_code", "respondent_group", name="uq_fieldwork_plan"),
    )
    op.create_index(op.f("ix_fieldwork_plan_survey_id"), "fieldwork_plan", ["survey_id"])


def _create_form_tables() -> None:
    op.create_table(
        "form_review",
        _id(),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("from_state", TEXT(length=16), nullable=False),
        sa.Column("to_state", TEXT(length=16), nullable=False),
        sa.Column("comment", TEXT(), nullable=False),
        sa.Column("actor", TEXT(), nullable=False),
        sa.Column("at", WHEN(), nullable=False),
        _fk("form_id", "survey_form", "form_review"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_review")),
    )
    op.create_index(op.f("ix_form_review_form_id"), "form_review", ["form_id"])

    op.create_table(
        "backcheck_case",
        _id(),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("outcome", TEXT(length=16), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by", TEXT(), nullable=True),
        sa.Column("note", TEXT(), nullable=False),
        sa.Column("facts", TEXT(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('reached','not_reached','confirmed','contradicts')",
            name="ck_backcheck_outcome",
        ),
        _fk("sample_id", "backcheck_sample", "backcheck_case"),
        _fk("form_id", "survey_form", "backcheck_case"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backcheck_case")),
        sa.UniqueConstraint("sample_id", "form_id", name="uq_backcheck_case"),
    )
    op.create_index(op.f("ix_backcheck_case_sample_id"), "backcheck_case", ["sample_id"])
    op.create_index(op.f("ix_backcheck_case_form_id"), "backcheck_case", ["form_id"])

    op.create_table(
        "backcheck_answer",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        _fk("case_id", "backcheck_case", "backcheck_answer"),
        _fk("item_id", "survey_item", "backcheck_answer"),
        sa.PrimaryKeyConstraint("case_id", "item_id", name=op.f("pk_backcheck_answer")),
    )


def _phones() -> list[tuple[int, str]]:
    rows = op.get_bind().execute(
        sa.text("SELECT id, respondent_phone FROM survey_form WHERE respondent_phone IS NOT NULL")
    )
    return [(int(r[0]), str(r[1])) for r in rows]


def _convert_phones(phones: list[tuple[int, str]]) -> None:
    """Hash and encrypt the plain phones of existing forms with the configured key (backend/personal.py)."""
    if not phones:
        return
    from backend.personal import vault

    keys = vault()  # DomainError naming the setting when no key is configured: nothing is changed
    update = sa.text("UPDATE survey_form SET phone_hash = :h, phone_encrypted = :e WHERE id = :i")
    params = []
    for form_id, phone in phones:
        digest, sealed = keys.seal(phone)
        params.append({"h": digest, "e": sealed, "i": form_id})
    op.get_bind().execute(update, params)


@contextlib.contextmanager
def _sqlite_views_kept() -> Iterator[None]:
    """On SQLite a batch alteration drops the table and renames a copy into its place; since 0008 public views
    read ``assessment_score``, and SQLite's modern rename re-checks every view in between (the table is
    missing for that moment). Legacy rename leaves views alone; they read the table by name, which exists
    again once the block ends."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        yield
    finally:
        if sqlite:
            bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


def upgrade() -> None:
    phones = _phones()
    if phones:
        from backend.personal import vault

        vault()  # refuse before any change when phones exist and no key is configured
    _create_tables()
    with op.batch_alter_table("survey_form") as batch:
        batch.add_column(sa.Column("review_state", TEXT(length=16), nullable=False, server_default="received"))
        batch.add_column(sa.Column("review_comment", TEXT(), nullable=True))
        batch.add_column(sa.Column("phone_hash", TEXT(length=64), nullable=True))
        batch.add_column(sa.Column("phone_encrypted", TEXT(), nullable=True))
        batch.add_column(sa.Column("started_at", WHEN(), nullable=True))
        batch.add_column(sa.Column("finished_at", WHEN(), nullable=True))
        batch.add_column(sa.Column("facts", TEXT(), nullable=True))
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
    op.execute("UPDATE survey_form SET review_state = 'accepted' WHERE status IN ('valid', 'invalid')")
    _convert_phones(phones)
    with op.batch_alter_table("survey_form") as batch:
        batch.alter_column("review_state", server_default=None, existing_type=TEXT(length=16), existing_nullable=False)
        batch.drop_column("respondent_phone")
        batch.create_check_constraint(
            "ck_form_review_state", "review_state IN ('received','accepted','rejected','corrected')"
        )
        batch.create_check_constraint("ck_form_valid_accepted", "status != 'valid' OR review_state = 'accepted'")
        batch.create_foreign_key(op.f("fk_survey_form_batch_id_import_batch"), "import_batch", ["batch_id"], ["id"])
        batch.create_index(op.f("ix_survey_form_batch_id"), ["batch_id"])
        batch.create_index("ix_form_survey_phone", ["survey_id", "phone_hash"])
    with _sqlite_views_kept(), op.batch_alter_table("assessment_score") as batch:
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assessment_score_batch_id_import_batch"), "import_batch", ["batch_id"], ["id"]
        )
        batch.create_index(op.f("ix_assessment_score_batch_id"), ["batch_id"])
    _create_form_tables()


def downgrade() -> None:
    """Back to plain phones (decrypted with the configured key); refused when encrypted copies exist and no
    key is configured, so no phone is lost silently."""
    bind = op.get_bind()
    sealed = [
        (int(r[0]), str(r[1]))
        for r in bind.execute(sa.text("SELECT id, phone_encrypted FROM survey_form WHERE phone_encrypted IS NOT NULL"))
    ]
    keys = None
    if sealed:
        from backend.personal import vault

        keys = vault()
    for table in ("backcheck_answer", "backcheck_case", "form_review"):
        op.drop_table(table)
    with _sqlite_views_kept(), op.batch_alter_table("assessment_score") as batch:
        batch.drop_index(op.f("ix_assessment_score_batch_id"))
        batch.drop_constraint(op.f("fk_assessment_score_batch_id_import_batch"), type_="foreignkey")
        batch.drop_column("batch_id")
    with op.batch_alter_table("survey_form") as batch:
        batch.add_column(sa.Column("respondent_phone", TEXT(), nullable=True))
    if keys is not None:
        update = sa.text("UPDATE survey_form SET respondent_phone = :p WHERE id = :i")
        bind.execute(update, [{"p": keys.decrypt(token), "i": form_id} for form_id, token in sealed])
    op.execute("UPDATE survey_form SET status = 'pending' WHERE status = 'valid' AND review_state != 'accepted'")
    with op.batch_alter_table("survey_form") as batch:
        batch.drop_index("ix_form_survey_phone")
        batch.drop_index(op.f("ix_survey_form_batch_id"))
        batch.drop_constraint(op.f("fk_survey_form_batch_id_import_batch"), type_="foreignkey")
        batch.drop_constraint("ck_form_valid_accepted", type_="check")
        batch.drop_constraint("ck_form_review_state", type_="check")
        for column in (
            "batch_id",
            "facts",
            "finished_at",
            "started_at",
            "phone_encrypted",
            "phone_hash",
            "review_comment",
            "review_state",
        ):
            batch.drop_column(column)
    for table in ("fieldwork_plan", "backcheck_sample", "quarantine_row", "import_batch"):
        op.drop_table(table)
