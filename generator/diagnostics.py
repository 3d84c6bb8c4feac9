"""Errors and warnings as values.

Every stage reports what is wrong with the content as a :class:`Diagnostic`
(a file, a line and column when known, a message and a hint) and carries on,
so that one run shows every problem at once. Nothing here raises for a content
problem: only the CLI decides, from the collected list, how the run ends.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int | None
    column: int | None
    message: str
    hint: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self, lang: str = "en", colour: bool = False) -> str:
        """``file:line:column: error: message`` and the hint, in the editor's language."""
        from .messages import translate

        severity = self.severity.value if lang == "en" else {"error": "错误", "warning": "警告"}[self.severity.value]
        if colour:
            severity = f"\033[{'1;31' if self.severity is Severity.ERROR else '1;33'}m{severity}\033[0m"
        text = f"{self.location()}: {severity}: {translate(self.message, lang)}"
        if self.hint:
            text += "\n    " + translate(f"hint: {translate(self.hint, lang)}", lang)
        return text


class Diagnostics:
    """Collects diagnostics from every stage, relative to one project root."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[Diagnostic] = []

    def display_path(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, RuntimeError, OSError):  # outside the project, or a loop of symbolic links
            return str(path)

    def error(self, path: Path | str, message: str, *, line: int | None = None,
              column: int | None = None, hint: str = "") -> None:
        self.items.append(Diagnostic(self.display_path(path), line, column, message, hint,
                                     Severity.ERROR))

    def warning(self, path: Path | str, message: str, *, line: int | None = None,
                column: int | None = None, hint: str = "") -> None:
        self.items.append(Diagnostic(self.display_path(path), line, column, message, hint,
                                     Severity.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.file, d.line or 0, d.column or 0, d.message))


def listed(names: list[str], shown: int = 6) -> str:
    """Names in a message that groups several: the first few, and how many more."""
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")
