"""All tables. Importing this package registers every table on ``SQLModel.metadata``."""

from backend.models import _meta  # noqa: F401  (naming convention first)
from backend.models.assessments import AssessmentScore, Evidence
from backend.models.audit import AuditLog
from backend.models.datasets import Dataset
from backend.models.frameworks import Criterion, Framework
from backend.models.ingest import (
    BackcheckAnswer,
    BackcheckCase,
    BackcheckSample,
    FieldworkPlan,
    FormReview,
    ImportBatch,
    QuarantineRow,
)
from backend.models.public import PublicGrant
from backend.models.published import PublishedFigure
from backend.models.results import ResultRow, ResultSet
from backend.models.surveys import Answer, Interviewer, Survey, SurveyForm, SurveyItem
from backend.models.units import EvaluationYear, Region, Unit, UnitLineage
from backend.models.users import User, UserRole

__all__ = [
    "Answer",
    "AssessmentScore",
    "AuditLog",
    "BackcheckAnswer",
    "BackcheckCase",
    "BackcheckSample",
    "Criterion",
    "Dataset",
    "EvaluationYear",
    "Evidence",
    "FieldworkPlan",
    "FormReview",
    "Framework",
    "ImportBatch",
    "Interviewer",
    "PublicGrant",
    "PublishedFigure",
    "QuarantineRow",
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
