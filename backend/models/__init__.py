"""All tables. Importing this package registers every table on ``SQLModel.metadata``."""

from backend.models import _meta  # noqa: F401  (naming convention first)
from backend.models.assessments import Assessment, AssessmentScore, Evidence
from backend.models.audit import AuditHead, AuditLog
from backend.models.consult import (
    Consultation,
    ConsultationComment,
    ConsultationDocument,
    Question,
    SubmissionGrant,
    Topic,
)
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
from backend.models.pardb import EvidenceShare, ParDocument, ParDocumentCriterion, ParDocumentEvidence, ParFigure
from backend.models.public import PublicGrant
from backend.models.published import PublishedFigure
from backend.models.results import ResultRow, ResultSet
from backend.models.surveys import Answer, Interviewer, Survey, SurveyForm, SurveyItem
from backend.models.units import EvaluationYear, Region, Unit, UnitLineage
from backend.models.users import LoginThrottle, User, UserRole
from backend.models.voice import (
    VoiceAnswer,
    VoiceItem,
    VoiceResponse,
    VoiceResult,
    VoiceResultRow,
    VoiceSubmission,
    VoiceSurvey,
)

__all__ = [
    "Answer",
    "Assessment",
    "AssessmentScore",
    "AuditHead",
    "AuditLog",
    "BackcheckAnswer",
    "BackcheckCase",
    "BackcheckSample",
    "Consultation",
    "ConsultationComment",
    "ConsultationDocument",
    "Criterion",
    "Dataset",
    "EvaluationYear",
    "Evidence",
    "EvidenceShare",
    "FieldworkPlan",
    "FormReview",
    "Framework",
    "ImportBatch",
    "Interviewer",
    "LoginThrottle",
    "ParDocument",
    "ParDocumentCriterion",
    "ParDocumentEvidence",
    "ParFigure",
    "PublicGrant",
    "PublishedFigure",
    "QuarantineRow",
    "Question",
    "Region",
    "ResultRow",
    "ResultSet",
    "SubmissionGrant",
    "Survey",
    "SurveyForm",
    "SurveyItem",
    "Topic",
    "Unit",
    "UnitLineage",
    "User",
    "UserRole",
    "VoiceAnswer",
    "VoiceItem",
    "VoiceResponse",
    "VoiceResult",
    "VoiceResultRow",
    "VoiceSubmission",
    "VoiceSurvey",
]
