"""Domain errors: raised by services, turned into kind messages by routes and socket handlers."""


class DomainError(Exception):
    """A rule said no. The message is shown to the person, so it must be plain and kind."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class NotAllowed(DomainError):
    status_code = 403


class Invalid(DomainError):
    status_code = 400
