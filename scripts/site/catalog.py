"""The catalog (`catalog.md`) and its province → city index pages (`regions/<province>/<city>/`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from scripts.numfmt import rounded
from scripts.site.common import (
    NO_SEARCH,
    UNKNOWN_REGION,
    Centre,
    Writer,
    downloads_block,
    link,
    md_text,
    table,
)


def url_path(*parts: str) -> str:
    return "/".join(quote(p, safe="") for p in parts)


_SAFE_NAME = re.compile(r"^[\w\u3400-\u9fff·（）()-]{1,40}$")


def region_dir(name: str, fallback: str) -> str:
    """Folder name for a region page: the Chinese name when it is a plain name, else a code."""
    return name if _SAFE_NAME.match(name) and name not in (".", "..") and "/" not in name else fallback


@dataclass
class Region:
    province: str
    city: str
    centres: list[Centre]

    @property
    def province_dir(self) -> str:
        code = (str(self.centres[0].get("division_code") or "")[:2] or "00") + "0000"
        return region_dir(self.province, code)

    @property
    def city_dir(self) -> str:
        code = (str(self.centres[0].get("division_code") or "")[:4] or "0000") + "00"
        return region_dir(self.city, code)


def regions_of(centres: list[Centre]) -> dict[str, list[Region]]:
    groups: dict[tuple[str, str], list[Centre]] = {}
    for c in centres:
        province = str(c.get("province") or UNKNOWN_REGION)
        city = str(c.get("city") or province)
        groups.setdefault((province, city), []).append(c)
    out: dict[str, list[Region]] = {}
    for (province, city), members in sorted(groups.items()):
        out.setdefault(province, []).append(Region(province, city, sorted(members, key=lambda c: c.slug)))
    return out


def catalog_pages(w: Writer, centres: list[Centre]) -> None:
    regions = regions_of(centres)
    rows = []
    for province, cities in regions.items():
        for region in cities:
            total = sum((c.num("total") or Decimal(0) for c in region.centres), Decimal(0))
            rows.append(
                [
                    link(md_text(province), f"regions/{url_path(region.province_dir)}/index.md"),
                    link(
                        md_text(region.city),
                        f"regions/{url_path(region.province_dir, region.city_dir)}/index.md",
                    ),
                    str(len(region.centres)),
                    rounded(total),
                ]
            )
    w.text(
        "catalog.md",
        NO_SEARCH
        + "\n".join(
            [
                "# 中心目录",
                "",
                f"全部 {len(centres)} 个中心按省份和城市排列。每个中心有一个数据包：CSV 表格、表结构说明（JSON）和原始公开文本，"
                "可在中心页面或城市页面下载。",
                "",
                "## 按地区浏览",
                "",
                table(
                    ["省份", "城市", "中心数（个）", "支出合计（万元）"], rows, ["---", "---", "--:", "--:"]
                ),
                "",
                "## 合并下载",
                "",
                downloads_block(""),
                "",
            ]
        ),
    )
    for province, cities in regions.items():
        pdir = cities[0].province_dir
        city_rows = [
            [link(md_text(r.city), f"{url_path(r.city_dir)}/index.md"), str(len(r.centres))] for r in cities
        ]
        w.text(
            f"regions/{pdir}/index.md",
            NO_SEARCH
            + "\n".join(
                [
                    f"# {md_text(province)}",
                    "",
                    f"[中心目录](../../catalog.md) › {md_text(province)}",
                    "",
                    table(["城市", "中心数（个）"], city_rows, ["---", "--:"]),
                    "",
                ]
            ),
        )
        for region in cities:
            rel = "../../../"
            rows = []
            for c in region.centres:
                dl = " · ".join(link(label, f"{rel}{path}") + "{ download }" for label, path in c.downloads)
                rows.append(
                    [
                        link(md_text(c.short), f"{rel}{c.page_md}"),
                        md_text(c.get("district") or "—"),
                        md_text(c.get("fiscal_year") or "—"),
                        rounded(c.num("total")),
                        str(c.checks("fail")),
                        dl or "见中心页面",
                    ]
                )
            w.text(
                f"regions/{pdir}/{region.city_dir}/index.md",
                NO_SEARCH
                + "\n".join(
                    [
                        f"# {md_text(region.city)}",
                        "",
                        f"[中心目录](../../../catalog.md) › [{md_text(province)}](../index.md) › {md_text(region.city)}",
                        "",
                        table(
                            ["中心", "区县", "年度", "支出合计（万元）", "未通过的核对（项）", "下载"],
                            rows,
                            ["---", "---", "---", "--:", "--:", "---"],
                        ),
                        "",
                    ]
                ),
            )
