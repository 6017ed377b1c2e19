"""Errors the CLI turns into one clean line and exit code 2.

Anything that stops an audit from starting (unreadable file, no usable rows, bad flag) is an
``InputError``: it names the file, the line and the field when they are known, so the user can
go straight to the problem. Everything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem with what the user gave us, reported as ``file:line: field: message``."""

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.bare = message
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "")
        if self.field:
            where = f"{where}: field '{self.field}'" if where else f"field '{self.field}'"
        return f"{where}: {self.bare}" if where else self.bare
