"""The one error type that services raise for a user to read."""


class DomainError(Exception):
    """A rule of the domain refused an action. `message` is for the user, in their language."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ImportProblems(DomainError):
    """An import found problems; nothing was written. `problems` lists each, by row and field."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
