"""All tables. Importing this package registers every table on ``SQLModel.metadata``."""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from backend.models.assessments import AssessmentScore, Evidence
from backend.models.audit import AuditLog
from backend.models.datasets import Dataset
from backend.models.frameworks import Criterion, Framework
from backend.models.published import PublishedFigure
from backend.models.results import ResultRow, ResultSet
from backend.models.surveys import Answer, Interviewer, Survey, SurveyForm, SurveyItem
from backend.models.units import EvaluationYear, Region, Unit, UnitLineage
from backend.models.users import User, UserRole

__all__ = [
    "Answer",
    "AssessmentScore",
    "AuditLog",
    "Criterion",
    "Dataset",
    "EvaluationYear",
    "Evidence",
    "Framework",
    "Interviewer",
    "PublishedFigure",
    "Region",
    "ResultRow",
    "ResultSet",
    "Survey",
    "SurveyForm",
    "SurveyItem",
    "Unit",
    "UnitLineage",
    "User",
    "UserRole",
]
