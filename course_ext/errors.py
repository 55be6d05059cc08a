"""The one error type of the course's parsers: what is wrong, and the line where it is
(counted from 1 in the text parsed), for the caller to turn into `file:line: message`."""

from __future__ import annotations


class LocatedError(ValueError):
    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message, self.line = message, line
