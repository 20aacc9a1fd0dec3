"""All tables. Importing this package registers every table on ``SQLModel.metadata``."""

from backend.models import _meta  # noqa: F401  (naming convention first)
from backend.models.assessments import Assessment, AssessmentScore, Evidence
from backend.models.audit import AuditHead, AuditLog
from backend.models.datasets import Dataset
from backend.models.frameworks import Criterion, Framework
from backend.models.public import PublicGrant
from backend.models.published import PublishedFigure
from backend.models.results import ResultRow, ResultSet
from backend.models.surveys import Answer, Interviewer, Survey, SurveyForm, SurveyItem
from backend.models.units import EvaluationYear, Region, Unit, UnitLineage
from backend.models.users import LoginThrottle, User, UserRole

__all__ = [
    "Answer",
    "Assessment",
    "AssessmentScore",
    "AuditHead",
    "AuditLog",
    "Criterion",
    "Dataset",
    "EvaluationYear",
    "Evidence",
    "Framework",
    "Interviewer",
    "LoginThrottle",
    "PublicGrant",
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
