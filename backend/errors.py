"""Domain errors: one channel, bilingual messages, a hint of what to do.

Pages catch :class:`DomainError` and show ``message(lang)`` with ``st.error``; no traceback reaches
a user. The CLI prints the same message and exits with status 2.
"""

from __future__ import annotations

from typing import Any, Self

from backend.i18n import both


class DomainError(Exception):
    """An error a user can understand and act on.

    Build it from the one catalogue (backend/i18n): ``NotFoundError.of("results.not_found", id=7)`` takes the
    message ``results.not_found`` and, when the catalogue has one, the hint ``results.not_found_hint``, in
    Vietnamese and English, formatted with the given values.
    """

    #: an audit event (keyword arguments of ``backend.audit.record``) to write even though the work is rolled
    #: back: a refusal. ``backend.audit.audited_scope`` writes it after the rollback.
    audit: dict[str, Any] | None = None

    def __init__(self, vi: str, en: str, *, hint_vi: str = "", hint_en: str = "") -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en
        self.hint_vi = hint_vi
        self.hint_en = hint_en

    def audited(self, **event: Any) -> Self:
        """This error, carrying the audit event ``event`` (see :attr:`audit`)."""
        self.audit = event
        return self

    @classmethod
    def of(cls, key: str, *, hint: str | None = None, **values: Any) -> Self:
        """The error whose message is the catalogue entry ``key`` (and hint ``hint`` or ``<key>_hint``)."""
        from backend.i18n import has

        vi, en = both(key, **values)
        hint_key = hint or f"{key}_hint"
        hint_vi, hint_en = both(hint_key, **values) if has(hint_key) else ("", "")
        error = cls.__new__(cls)
        DomainError.__init__(error, vi, en, hint_vi=hint_vi, hint_en=hint_en)
        if isinstance(error, ValidationError):
            error.problems = list(values.get("problems") or [])
        return error

    def message(self, lang: str = "vi") -> str:
        text, hint = (self.vi, self.hint_vi) if lang == "vi" else (self.en, self.hint_en)
        return f"{text} {hint}".strip()


class NotFoundError(DomainError):
    """A requested object does not exist (or is not visible to the caller)."""


class ValidationError(DomainError):
    """Input data or a configuration file is invalid; details say where."""

    def __init__(self, vi: str, en: str, *, problems: list[str] | None = None, **kw: str) -> None:
        super().__init__(vi, en, **kw)
        self.problems = problems or []

    def message(self, lang: str = "vi") -> str:
        base = super().message(lang)
        if not self.problems:
            return base
        return base + "\n" + "\n".join(f"- {p}" for p in self.problems)


class PermissionDenied(DomainError):
    """The acting user's role does not allow this action."""


class ConflictError(DomainError):
    """Someone else changed the object first (compare-and-set lost): nothing was changed; reload and retry."""
