"""the data officer role (imports survey data and reviews forms; issue 8), named in the role CHECK

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "role IN ('admin','leader','council','appraiser','analyst','unit_officer','backcheck')"
NEW = "role IN ('admin','leader','council','appraiser','analyst','data_officer','unit_officer','backcheck')"


def _check(condition: str) -> None:
    with op.batch_alter_table("user_role") as batch:
        batch.drop_constraint("ck_user_role", type_="check")
        batch.create_check_constraint("ck_user_role", condition)


def upgrade() -> None:
    _check(NEW)


def downgrade() -> None:
    op.execute("DELETE FROM user_role WHERE role = 'data_officer'")
    _check(OLD)
