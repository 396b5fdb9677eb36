"""The one error the engine raises for bad input: a code and a message naming the record."""


class ScoringInputError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
