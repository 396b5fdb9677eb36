"""The one error family: services raise KinerjaError; web, API and CLI translate it at the edge."""

from __future__ import annotations


class KinerjaError(Exception):
    """A refusal a user can act on. `code` is stable for machines, `message` is for people."""

    def __init__(self, code: str, message: str, *, details: list | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.details = details or []
        self.status = status

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class NotFound(KinerjaError):
    def __init__(self, message: str = "Data tidak ditemukan."):
        super().__init__("not_found", message, status=404)


class PermissionDenied(KinerjaError):
    def __init__(self, message: str = "Anda tidak berhak melakukan tindakan ini."):
        super().__init__("forbidden", message, status=403)
