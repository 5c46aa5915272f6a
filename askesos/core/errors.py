"""Domain errors: a stable code (for the API and tests) plus a human message (translated)."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation. ``code`` is stable; ``message`` is for people."""

    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class TransitionError(DomainError):
    """A state-machine transition was not allowed from the current state, or lost a race."""

    code = "invalid_transition"
