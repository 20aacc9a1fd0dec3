"""Domain errors: one channel, bilingual messages, a hint of what to do.

Pages catch :class:`DomainError` and show ``message(lang)`` with ``st.error``; no traceback reaches
a user. The CLI prints the same message and exits with status 2.
"""

from __future__ import annotations


class DomainError(Exception):
    """An error a user can understand and act on."""

    def __init__(self, vi: str, en: str, *, hint_vi: str = "", hint_en: str = "") -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en
        self.hint_vi = hint_vi
        self.hint_en = hint_en

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
