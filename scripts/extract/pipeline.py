"""One disclosure, bytes to tidy resources: read -> segment -> tables/ + prose.

Nothing here writes files (`scripts/package` does) and nothing here checks figures (`scripts/checks`
does; `scripts/build` runs both). A table that cannot be read does not stop the
disclosure: it is listed as `unreadable` with the reason, and its cells are kept in `raw_cells`.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts import celltext
from scripts.errors import DisclosureError, NoTablesError
from scripts.extract import prose
from scripts.extract import tables as table_modules
from scripts.extract.model import Line, RawTable
from scripts.extract.readers import format_of, read_document
from scripts.extract.segment import kinds, segment
from scripts.extract.tables._columns import LEFTOVER


@dataclass
class Resource:
    name: str
    schema: str
    rows: list[dict] = field(default_factory=list)
    status: str = "present"  # present | empty
    unit_original: str | None = None
    # The table kind's own title when the schema is shared by several kinds (the schema's title is generic).
    title: str | None = None


@dataclass
class Source:
    """One file of a disclosure, as received."""

    name: str  # the file's name, as stored in the package under source/
    data: bytes
    sha256: str
    format: str  # a key of readers.READERS


@dataclass
class Extraction:
    file: str
    sha256: str
    text_bytes: bytes
    lines: list[Line]
    tables: list[RawTable]
    resources: dict[str, Resource]
    warnings: list[DisclosureError]
    sources: list[Source] = field(default_factory=list)
    # Text cells whose C0 control characters were published as visible marks: {resource, field, source_line}.
    control_cells: list[dict] = field(default_factory=list)

    @property
    def paginated(self) -> bool:
        """Read from a paginated source (PDF): rows then say their file, page and row on the page."""
        return any(s.format == "pdf" for s in self.sources)

    def rows(self, name: str) -> list[dict]:
        res = self.resources.get(name)
        return res.rows if res else []

    def add(self, name: str, schema: str, rows: list[dict]) -> Resource:
        """Add rows to a resource (made on first use); later stages add theirs (the quality report)."""
        return _add(self.resources, name, schema, rows)


def _kind_titles() -> dict[str, str]:
    return {k["kind"]: k["title"] for k in kinds()}


def _add(resources: dict[str, Resource], name: str, schema: str, rows: list[dict]) -> Resource:
    res = resources.setdefault(name, Resource(name, schema))
    res.rows.extend(rows)
    return res


def extract(data: bytes, file: str, timings: dict | None = None) -> Extraction:
    """Everything the package needs from one disclosure's bytes.

    `timings`, when given, receives seconds per stage (read, extract) for the benchmark.
    """
    return extract_files([(file, data)], timings)


def extract_files(files: list[tuple[str, bytes]], timings: dict | None = None) -> Extraction:
    """Everything the package needs from the files of one disclosure (a prose PDF and a tables PDF,
    say): their lines are read in the order given and numbered on, so a line number names one line."""
    clock = time.perf_counter()
    file, data = files[0]
    lines: list[Line] = []
    sources: list[Source] = []
    tables: list[RawTable] = []
    paths = {Path(name).name: name for name, _ in files}
    for name, blob in files:
        offset = len(lines)
        base = Path(name).name
        for line in read_document(blob, name):
            lines.append(
                Line(
                    line.no + offset,
                    line.text,
                    line.page,
                    base if len(files) > 1 or line.page else None,
                    line.row,
                )
            )
        sources.append(Source(base, blob, hashlib.sha256(blob).hexdigest(), format_of(blob, name)))
        tables += segment(lines[offset:])  # a table never runs on into the next file
    if timings is not None:
        timings["read"] = time.perf_counter() - clock
        clock = time.perf_counter()
    if not tables:
        seen = " / ".join(line.text[:30] for line in lines[:3]) or "no text at all"
        raise NoTablesError(
            f"no budget table found (the document begins: {seen})",
            file=file,
            line=lines[0].no if lines else 1,
            expected="table titles such as “预算01表 收支总表”, “公开01表” + “收支预算总表” or “表一 收支预算总表”",
            hint="is this a 部门预算 disclosure? In a text export, tables must be one row per line, cells separated by TABs",
        )
    resources: dict[str, Resource] = {}
    warnings: list[DisclosureError] = []
    inventory: list[dict] = []
    raw_cells: list[dict] = []
    filled: set[str] = set()  # resources fed by at least one table that is not empty
    produced_by_tables: set[str] = set()
    titles = _kind_titles()
    modules = table_modules.modules()
    paginated = any(s.format == "pdf" for s in sources)
    where = {line.no: line for line in lines}
    for seq, table in enumerate(tables, start=1):
        entry = {
            "seq": seq,
            "number": table.number,
            "kind": table.kind,
            "kind_title": titles.get(table.kind),
            "title": table.title,
            "unit_original": table.unit,
            "status": "present",
            "resource": None,
            "rows": 0,
            "note": " ".join(n.text.strip() for n in table.notes) or None,
            "source_line": table.title_line,
            "end_line": table.end_line,
        }
        module = modules.get(table.kind)
        try:
            if module is None:
                raise DisclosureError(
                    f"table “{table.title}” is of no known kind"
                    if table.kind == "unknown"
                    else f"no module in scripts/extract/tables/ reads kind {table.kind!r}",
                    line=table.title_line,
                    expected="a title naming one of the kinds in scripts/extract/vocab/table_kinds.json",
                    hint="add its title words to scripts/extract/vocab/table_kinds.json and a module in scripts/extract/tables/",
                )
            produced = dict(module.extract(table))
        except DisclosureError as exc:
            warnings.append(_located(exc, where, paths, file))
            entry.update(
                status="unreadable", note=((entry["note"] or "") + f" 读取问题：{exc.message}").strip()
            )
            raw_cells.extend(
                {"table_seq": seq, "source_line": row.line, "column": col, "text": text}
                for row in table.rows
                for col, text in enumerate(row.cells, start=1)
                if text
            )
            inventory.append(entry)
            continue
        leftover = produced.pop(LEFTOVER, [])
        if leftover:
            raw_cells.extend({"table_seq": seq, **cell} for cell in leftover)
            shown = "、".join(
                f"第 {c['source_line']} 行第 {c['column']} 列“{c['text']}”" for c in leftover[:3]
            )
            entry["note"] = (
                (entry["note"] or "")
                + f" 另有 {len(leftover)} 个单元格没有对应的列，原样保存在 raw_cells：{shown}"
            ).strip()
            warnings.append(
                _located(
                    DisclosureError(
                        f"{len(leftover)} cells of table “{table.title}” are under no column "
                        f"({', '.join(repr(c['text']) for c in leftover[:3])}): kept in raw_cells",
                        line=leftover[0]["source_line"],
                        expected="as many cells in each row as the header has columns",
                        hint="check the row against the header; the cells are published in raw_cells",
                    ),
                    where,
                    paths,
                    file,
                )
            )
        names = []
        for name, rows in produced.items():
            res = _add(resources, name, module.SCHEMAS[name], rows)
            if res.schema != name and name in titles:
                res.title = titles[name]
            if table.unit != "万元":
                res.unit_original = table.unit
            names.append(name)
            produced_by_tables.add(name)
            entry["rows"] += len(rows)
        entry["resource"] = " ".join(names) or None
        if entry["rows"] == 0 or table.says_empty:
            # Published zeros under a note "无…预算" are kept as rows; the table still counts as empty.
            entry["status"] = "empty"
        else:
            filled.update(names)
        inventory.append(entry)

    for name, rows in prose.extract(lines, tables).items():
        _add(resources, name, prose.SCHEMAS[name], rows)
    inventory += _missing(resources["toc"].rows if "toc" in resources else [], inventory, titles)
    _add(resources, "tables", "tables", inventory)
    if raw_cells:
        _add(resources, "raw_cells", "raw_cells", raw_cells)
    if paginated:
        _locate({name: res.rows for name, res in resources.items()}, where)
    for res in resources.values():
        if not res.rows or (res.name in produced_by_tables and res.name not in filled):
            res.status = "empty"
    control_cells = _visible_controls(resources)
    extraction = Extraction(
        file, sources[0].sha256, data, lines, tables, resources, warnings, sources, control_cells
    )
    if timings is not None:
        timings["extract"] = time.perf_counter() - clock
    return extraction


def _visible_controls(resources: dict[str, Resource]) -> list[dict]:
    """Publish C0 control characters (ESC, BEL, VT, FF: PDF text extraction emits them) as visible marks
    (␛ ␇ ␋ ␌), so no reader's tool chokes on them; the cells are listed for the quality report."""
    found = []
    for res in resources.values():
        for row in res.rows:
            for key, value in row.items():
                if celltext.has_control(value):
                    row[key] = celltext.visible(value)
                    found.append({"resource": res.name, "field": key, "source_line": row.get("source_line")})
    return found


def _missing(toc: list[dict], inventory: list[dict], titles: dict[str, str]) -> list[dict]:
    """A row of status `missing` for each table kind the 目录 names and the body lacks (at its 目录 line)."""
    found = {entry["kind"] for entry in inventory}
    out: list[dict] = []
    for row in toc:
        kind = row.get("kind")
        if not kind or kind == "unknown" or kind in found:
            continue
        found.add(kind)
        out.append(
            {
                "seq": len(inventory) + len(out) + 1,
                "number": None,
                "kind": kind,
                "kind_title": titles.get(kind),
                "title": row.get("title"),
                "unit_original": None,
                "status": "missing",
                "resource": None,
                "rows": None,
                "note": f"目录第 {row.get('source_line')} 行列出，正文中没有这张表",
                "source_line": row.get("source_line"),
                "end_line": None,
            }
        )
    return out


def _located(
    exc: DisclosureError, where: dict[int, Line], paths: dict[str, str], file: str
) -> DisclosureError:
    """Name the file (of several) and the page the faulty line stands on."""
    line = where.get(exc.line) if exc.line is not None else None
    if line is not None and exc.file is None:
        exc.file = paths.get(line.file or "", file)
        exc.page = line.page
    return exc.at(file)


def _locate(produced: dict[str, list[dict]], where: dict[int, Line]) -> None:
    """Each row's file, page and row on the page, from the line it was read from."""
    for rows in produced.values():
        for row in rows:
            line = where.get(row.get("source_line"))
            if line is not None:
                row["source_file"], row["source_page"], row["source_row"] = line.file, line.page, line.row


def guess_meta(extraction: Extraction, path: Path) -> dict:
    """Metadata for a file that is not in the registry: taken from the text itself."""
    org = next((t.org_name for t in extraction.tables if t.org_name), None)
    head = "".join(line.text.strip() for line in extraction.lines[:6])
    year_match = re.search(r"(20\d\d)\s*年", head) or re.search(
        r"(20\d\d)\s*年", " ".join(t.title for t in extraction.tables)
    )
    if org is None:
        title = re.search(r"(?:20\d\d\s*年)?(.{2,40}?)(?:20\d\d\s*年)?\s*(?:部门)?预算", head)
        org = title.group(1).strip() if title else None
    return {
        "name": org or path.stem,
        "short_name": org or path.stem,
        "fiscal_year": int(year_match.group(1)) if year_match else None,
        "slug": "x-" + extraction.sha256[:12],
        "province": None,
        "city": None,
        "district": None,
        "division_code": None,
        "source_url": None,
        "published": None,
        "sha256": extraction.sha256,
        "received_as": path.name,
    }
