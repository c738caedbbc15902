"""Download files made from a package: the package zip, an XLSX workbook, and the all-centre package.

All are byte for byte reproducible: zip members in sorted order with a fixed timestamp, and the
workbook's own timestamps pinned. In the workbook every text cell is typed as text, so a published
value starting with = + - @ is shown, never run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from scripts.celltext import visible
from scripts.owned import BLOCK
from scripts.site.page_cache import Reuse

# A published cell may be longer than the csv module's default field limit (131,072 characters).
csv.field_size_limit(2**31 - 1)

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _zip(members: dict[str, bytes], level: int | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name])
    return buf.getvalue()


# --- site-wide files, made piece by piece ----------------------------------------------------------
#
# A site-wide download joins every package's rows: too large to hold in memory for a province, and one
# changed package would mean compressing all of them again. So each package's part is deflated on its own
# (a raw deflate stream ended by a sync flush, kept in the page cache with the part), and a zip member's
# data is those streams one after another plus an empty final block: valid deflate, as pigz writes it. A
# full build makes the same parts, so the zip is byte for byte the same either way. The parts are
# spooled to anonymous temporary files as they come: memory holds one package's part at a time.

_FINAL_BLOCK = b"\x03\x00"  # an empty fixed-Huffman block with the final bit set
_ZIP32_MAX = 0xFFFF_FFFF


def deflate_part(raw: bytes) -> bytes:
    """`raw` as a raw deflate stream that another may follow (no final block)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(raw) + packer.flush(zlib.Z_SYNC_FLUSH)


def piece(raw: bytes) -> tuple[bytes, bytes]:
    return raw, deflate_part(raw)


class Spooled:
    """One site-wide file made of pieces (raw, deflate_part(raw)), kept on disk as it grows: its bytes
    and its pieces' deflate streams, with the CRC-32 and sizes a zip entry needs."""

    def __init__(self, first: bytes | None = None) -> None:
        self._raw = tempfile.TemporaryFile()
        self._deflated = tempfile.TemporaryFile()
        self.crc = self.size = self.deflated_size = 0
        if first is not None:
            self.add(piece(first))

    def add(self, part: tuple[bytes, bytes]) -> None:
        raw, deflated = part
        self._raw.write(raw)
        self._deflated.write(deflated)
        self.crc = zlib.crc32(raw, self.crc)
        self.size += len(raw)
        self.deflated_size += len(deflated)

    def _copy(self, source, fh: BinaryIO) -> None:
        source.seek(0)
        shutil.copyfileobj(source, fh, BLOCK)
        source.seek(0, os.SEEK_END)

    def write_raw(self, fh: BinaryIO) -> None:
        """The file's bytes into `fh`."""
        self._copy(self._raw, fh)

    def write_deflated(self, fh: BinaryIO) -> None:
        self._copy(self._deflated, fh)

    def close(self) -> None:
        self._raw.close()
        self._deflated.close()


def _dos_time(t: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    return (t[3] << 11) | (t[4] << 5) | (t[5] // 2), ((t[0] - 1980) << 9) | (t[1] << 5) | t[2]


def write_zip(fh: BinaryIO, members: dict[str, Spooled]) -> None:
    """The zip of `members` in sorted order, stamped like `_zip`, written into `fh` from their deflate
    streams; past 4 GB (ZIP64) with zipfile at level 1 from their bytes."""
    clock, day = _dos_time(FIXED_TIME)
    names = sorted(members)
    headers, offset = [], 0
    for name in names:
        member, encoded = members[name], name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        compressed = member.deflated_size + len(_FINAL_BLOCK)
        if max(member.size, compressed, offset) >= _ZIP32_MAX:
            return _zip64(fh, members)
        fields = struct.pack(
            "<HHHHHIIIHH", 20, flags, 8, clock, day, member.crc, compressed, member.size, len(encoded), 0
        )
        headers.append((fields, encoded, offset))
        offset += 30 + len(encoded) + compressed
    central = b"".join(
        b"PK\x01\x02"
        + struct.pack("<H", (3 << 8) | 20)
        + fields
        + struct.pack("<HHHII", 0, 0, 0, 0o644 << 16, at)
        + encoded
        for fields, encoded, at in headers
    )
    if offset + len(central) >= _ZIP32_MAX or len(names) >= 0xFFFF:
        return _zip64(fh, members)
    for name, (fields, encoded, _) in zip(names, headers, strict=True):
        fh.write(b"PK\x03\x04" + fields + encoded)
        members[name].write_deflated(fh)
        fh.write(_FINAL_BLOCK)
    fh.write(central)
    fh.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(names), len(names), len(central), offset, 0))


def _zip64(fh: BinaryIO, members: dict[str, Spooled]) -> None:
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as dest:
                members[name].write_raw(dest)


class PackageLinkError(Exception):
    """A package folder holds a symbolic link: its target is never published."""


def package_members(pkg_dir: Path) -> dict[str, bytes]:
    links = [p for p in [pkg_dir, *pkg_dir.rglob("*")] if p.is_symlink()]
    if links:
        raise PackageLinkError(
            f"{links[0]}: a symbolic link in the package (expected plain files: a link's target, anywhere "
            "on the machine, would be published); remove it and build the package again"
        )
    return {
        p.relative_to(pkg_dir).as_posix(): p.read_bytes() for p in sorted(pkg_dir.rglob("*")) if p.is_file()
    }


def package_zip(pkg_dir: Path) -> bytes:
    """The package as one zip (datapackage.json at its root), as frictionless reads it."""
    return _zip(package_members(pkg_dir))


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _typed(value: str, ftype: str) -> object:
    if value == "":
        return None
    if ftype == "integer":
        return int(value)
    if ftype == "number":
        return Decimal(value)
    return visible(value)  # a control character is illegal in a workbook: shown as its visible mark


def workbook(pkg_dir: Path) -> bytes:
    """One sheet per resource, Chinese column titles, amounts as numbers, codes and text as text."""
    desc = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    sheets = [
        (
            "说明",
            [
                ["数据包", desc["title"]],
                ["名称", desc["name"]],
                ["财政年度", desc.get("fiscal_year")],
                ["金额单位", "万元"],
                ["许可", desc["licenses"][0]["title"]],
                ["来源 sha256", desc["sources"][0]["sha256"]],
            ],
        )
    ]
    for res in desc["resources"]:
        if res.get("format") != "csv":
            continue
        fields = json.loads((pkg_dir / res["schema"]).read_text(encoding="utf-8"))["fields"]
        rows = [[f.get("title") or f["name"] for f in fields], [f["name"] for f in fields]]
        rows += [
            [_typed(row[f["name"]] or "", f["type"]) for f in fields]
            for row in read_csv(pkg_dir / res["path"])
        ]
        sheets.append((res["name"][:31], rows))
    return xlsx(sheets)


# SpreadsheetML written directly (ECMA-376, the parts every reader needs): openpyxl took ~80% of a body
# page's time. Text is an inline string, so never a formula whatever it starts with; a number is
# written with its published digits.
_XLSX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>",
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
    "</workbook>",
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships">{sheets}</Relationships>',
}
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold (the site shows C0 controls as visible marks before they get here).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _xml_text(value: str) -> str:
    text = _NOT_XML.sub("\ufffd", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;")


def _sheet_xml(rows: list[list]) -> str:
    out = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{_column(c)}{r}"
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = str(value)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    """A workbook of (sheet name, rows): text cells as text, int and Decimal as numbers, None blank."""
    n = range(1, len(sheets) + 1)
    fill = {
        "[Content_Types].xml": "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in n
        ),
        "_rels/.rels": "",
        "xl/workbook.xml": "".join(
            f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in zip(n, sheets, strict=True)
        ),
        "xl/_rels/workbook.xml.rels": "".join(
            f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            for i in n
        ),
    }
    members = {
        part: (_XML_HEAD + text.format(sheets=fill[part])).encode() for part, text in _XLSX_PARTS.items()
    }
    for i, (_, rows) in zip(n, sheets, strict=True):
        members[f"xl/worksheets/sheet{i}.xml"] = (_XML_HEAD + _sheet_xml(rows)).encode()
    return _zip(members)


def _tables_of(pkg: Path) -> dict:
    """A package's CSV resources: name → (number of fields, title, path, schema path), and its centre
    cells. Small, so that the cache gives it back quickly; the schemas are read where needed."""
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    tables = {
        res["name"]: (
            len(json.loads((pkg / res["schema"]).read_text(encoding="utf-8"))["fields"]),
            res.get("title") or res["name"],
            res["path"],
            res["schema"],
        )
        for res in desc["resources"]
        if res.get("format") == "csv"
    }
    return {"centre": [desc["name"], desc.get("x_short_name") or desc["title"]], "tables": tables}


def _lines_of(pkg: Path, centre: list[str], path: str, names: list[str]) -> str:
    """One resource's rows as lines of the combined CSV (`names`: the combined columns after the centre)."""
    # Parsed, not split on line ends: a quoted cell may hold a line break.
    with (pkg / path).open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    return "".join(_csv_cells(centre + [record.get(n) or "" for n in names]) + "\n" for record in records)


def combined(pkg_dirs: list[Path], reuse: Reuse | None = None) -> dict[str, Spooled]:
    """All centres in one package: one CSV per resource with `centre` and `centre_name` in front (its
    header, then each package's rows, as pieces for `write_zip`), the schemas and the descriptor; the
    caller closes them. With `reuse`, each package's part comes from the cache, deflated, when the
    package is unchanged."""
    reuse = reuse or Reuse()
    order = sorted(pkg_dirs)
    parts = {pkg.name: reuse.value("tables", [pkg.name], lambda pkg=pkg: _tables_of(pkg)) for pkg in order}
    widest: dict[str, tuple[int, Path]] = {}
    titles: dict[str, str] = {}
    for pkg in order:
        for name, (width, title, _, schema) in parts[pkg.name]["tables"].items():
            # A package read from a PDF has its rows' page fields too: the widest schema takes all rows.
            if width > widest.get(name, (0, pkg))[0]:
                widest[name] = (width, pkg / schema)
            titles.setdefault(name, title)
    schemas = {name: json.loads(path.read_text(encoding="utf-8")) for name, (_, path) in widest.items()}
    columns = {name: [f["name"] for f in schema["fields"]] for name, schema in schemas.items()}
    files: dict[str, Spooled] = {}
    resources = []
    centre = [
        {"name": "centre", "type": "string", "title": "中心（数据包名称）"},
        {"name": "centre_name", "type": "string", "title": "中心名称"},
    ]
    for name in sorted(schemas):
        schema = dict(schemas[name])
        # A key unique within one centre (check_id, seq) repeats across centres: drop `unique` here.
        fields = [
            {**f, "constraints": {k: v for k, v in f.get("constraints", {}).items() if k != "unique"}}
            for f in schema["fields"]
        ]
        schema["fields"] = centre + [{k: v for k, v in f.items() if v != {}} for f in fields]
        schema.pop("primaryKey", None)
        schema.pop("foreignKeys", None)
        header = _csv_cells([f["name"] for f in schema["fields"]])
        files[f"data/{name}.csv"] = Spooled((header + "\n").encode())
        files[f"schemas/{name}.json"] = Spooled(
            (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode()
        )
        resources.append(
            {
                "name": name,
                "path": f"data/{name}.csv",
                "schema": f"schemas/{name}.json",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "title": titles[name],
            }
        )
    for pkg in order:
        part = parts[pkg.name]
        wanted = {name: columns[name] for name in sorted(part["tables"])}
        lines = reuse.value(
            "lines",
            [pkg.name],
            lambda pkg=pkg, part=part, wanted=wanted: {
                name: piece(_lines_of(pkg, part["centre"], part["tables"][name][2], names).encode())
                for name, names in wanted.items()
            },
            extra=json.dumps(wanted),
        )
        for name, rows_of_pkg in lines.items():
            files[f"data/{name}.csv"].add(rows_of_pkg)
    descriptor = (
        json.dumps(
            {
                "name": "all-centres",
                "title": "全部中心部门预算合并数据包",
                "description": "各中心数据包按表的种类合并，每个 CSV 前两列标明所属中心；金额单位万元。",
                "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
                "resources": resources,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    files["datapackage.json"] = Spooled(descriptor.encode())
    return files


def _csv_cells(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()[:-1]


def zip_members(members: dict[str, bytes]) -> bytes:
    """Deterministic zip of in-memory files (a body's package, its years)."""
    return _zip(members)
