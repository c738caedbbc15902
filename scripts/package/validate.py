"""Frictionless's own validation of a written package."""

from __future__ import annotations

from pathlib import Path


def validate(target: Path) -> list[str]:
    """frictionless's own validator; returns its error messages (empty when valid)."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(target / "datapackage.json")).validate()
    return (
        []
        if report.valid
        else [f"{kind}: {message}" for kind, message in report.flatten(["type", "message"])]
    )
