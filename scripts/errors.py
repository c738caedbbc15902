"""Named errors for bad input. The CLI prints them (never a traceback) and moves on."""

from __future__ import annotations

from pathlib import Path


class DisclosureError(Exception):
    """Something in an input file is not what the pipeline expects.

    Carries where (file, line) and what would have been right (expected, hint), so a maintainer
    can fix the input or the vocab without reading a traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.expected = expected
        self.hint = hint
        self.page: int | None = None  # a PDF: the page the line stands on

    def at(self, file: str | Path) -> DisclosureError:
        """Attach the file name once it is known (cells do not know it)."""
        if self.file is None:
            self.file = str(file)
        return self

    def __str__(self) -> str:
        where = self.file or "<unknown>"
        if self.page is not None:
            where = f"{where}: page {self.page}" + (f" (line {self.line} of its text)" if self.line else "")
        elif self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class RegistryError(DisclosureError):
    """disclosures/registry.json is malformed, or a file does not match its recorded sha256."""


class UnreadableError(DisclosureError):
    """The bytes cannot be decoded as text in any encoding we accept."""


class NoTablesError(DisclosureError):
    """Nothing in the text looks like a budget table."""


class CellError(DisclosureError):
    """One cell cannot be read as what its column holds."""


class StaleError(DisclosureError):
    """A committed package differs from what the pipeline produces now."""


class InternalError(DisclosureError):
    """The pipeline itself failed on this input (a bug): reported like bad input, never as a traceback."""
