"""Progress of a long build: a rich progress bar on a terminal, one plain line per N disclosures
otherwise (CI logs), and the closing summary of what needs a human's look."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """`advance()` once per disclosure done; `close()` at the end. Silent with `quiet`."""

    def __init__(self, total: int, *, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.every = max(1, min(100, total // 10 or 1))
        self.bar = None
        if quiet or total == 0:
            self.mode = "quiet"
        elif self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as RichProgress,
            )

            self.mode = "bar"
            self.bar = RichProgress(
                TextColumn("building"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("build", total=total, rate="")
        else:
            self.mode = "lines"

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, n: int = 1) -> None:
        before, self.done = self.done, self.done + n
        if self.mode == "bar":
            self.bar.update(self.task, advance=n, rate=f"{self.rate():.1f}/s")
        elif self.mode == "lines" and (
            before // self.every != self.done // self.every or self.done == self.total
        ):
            rate = self.rate()
            left = (self.total - self.done) / rate if rate else 0.0
            print(
                f"[{self.done:>{len(str(self.total))}}/{self.total}] {100 * self.done // self.total:3d}%  "
                f"{rate:.1f} disclosures/s  ~{_duration(left)} left",
                file=self.stream,
                flush=True,
            )

    def print(self, line: str) -> None:
        """A line above the bar (a failure), or a plain line."""
        if self.mode == "bar":
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _rows(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError):
        return []


REVIEWED = ("data/quality_report.csv", "data/tables.csv")


def review(out_dir: Path, slugs: list[str], cached: dict | None = None) -> tuple[list[str], list[str]]:
    """Failing checks (`slug: check_id`) and tables read as unreadable (`slug: title`) in the packages.
    `cached`: the build cache's entries, where each package's findings are kept beside the sha256 of the
    two files they come from (which the build has just checked or written), so they are read once."""
    failing, unreadable = [], []
    for slug in slugs:
        entry = (cached or {}).get(slug) or {}
        of = [entry.get("files", {}).get(rel) for rel in REVIEWED]
        kept = entry.get("review")
        if not (kept and None not in of and kept.get("of") == of):
            data = out_dir / slug / "data"
            kept = {
                "of": of,
                "failing": [
                    r["check_id"] for r in _rows(data / "quality_report.csv") if r.get("status") == "fail"
                ],
                "unreadable": [
                    r.get("title") or r.get("kind_title")
                    for r in _rows(data / "tables.csv")
                    if r.get("status") == "unreadable"
                ],
            }
            if entry and None not in of:
                entry["review"] = kept
        failing += [f"{slug}: {check}" for check in kept["failing"]]
        unreadable += [f"{slug}: {title}" for title in kept["unreadable"]]
    return failing, unreadable


def summary(
    counts: dict, rebuilt: int, cached: int, failing: list[str], unreadable: list[str], report: Path
) -> list[str]:
    """The closing lines of a build."""
    failed = counts.get("failed", 0) + counts.get("invalid", 0)
    lines = [
        f"summary: {rebuilt - failed} built, {cached} unchanged, {failed} failed"
        f" ({counts.get('warnings', 0)} with warnings)",
        f"  failing checks: {len(failing)}" + (": " + "; ".join(failing[:10]) if failing else ""),
        f"  tables read as unreadable: {len(unreadable)}"
        + (": " + "; ".join(unreadable[:10]) if unreadable else ""),
    ]
    if len(failing) > 10 or len(unreadable) > 10:
        lines.append("  (first 10 shown)")
    lines.append(f"  report: {report} (every disclosure, its status and messages; the site's 数据质量 page)")
    return lines
