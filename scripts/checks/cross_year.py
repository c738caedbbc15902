"""Across the years: what a 情况说明 says about last year, against last year's own package.

A 情况说明 states a figure and its change ("支出预算总计15,897.44万元，与上年相比增加2,248.37万元，增长
16.47%"), sometimes last year's figure itself. Where the same body's package of the year before exists,
the figure it implies for last year (this year's figure ∓ the change) is compared with the figure that
package published, and the stated percentage with change ÷ last year's figure. A difference is reported,
never corrected: a publisher restating last year's budget is news, not an error of ours.

Two halves, so the build can run them at different times:
- `year_figures(rows, year, name)`: the figures of one package a later year may refer to (JSON-able, small;
  computed from the package's rows, in memory right after extraction or read back from its CSVs);
- `check(explanation_rows, previous)`: the `cross_year.*` quality-report rows of the later year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from scripts.checks.report import Report, decimals_of, tolerance
from scripts.extract.cells import decimal

# --- names ----------------------------------------------------------------------------------------

_DROP = re.compile(r"\s+|（[类款项]）|\([类款项]\)|支出|预算")


def norm(text: object) -> str:
    """A label as compared across years: no spaces, no （类）（款）（项）, no 支出/预算."""
    return _DROP.sub("", str(text or ""))


# (key, words in the label or sentence, Chinese title) in order: the first that matches names the figure.
THREE_PUBLIC = (
    ("meeting", ("会议费",), "会议费"),
    ("training", ("培训费",), "培训费"),
    ("overseas", ("因公出国",), "因公出国（境）费"),
    ("reception", ("公务接待",), "公务接待费"),
    ("vehicle_operation", ("公务用车运行",), "公务用车运行维护费"),
    ("vehicle_purchase", ("公务用车购置费",), "公务用车购置费"),
    ("vehicles", ("公务用车购置及运行",), "公务用车购置及运行维护费"),
)
TOTALS = {
    "total": "支出预算总计",
    "fiscal": "财政拨款支出总计",
    "general": "一般公共预算财政拨款支出",
    "basic": "基本支出",
    "project": "项目支出",
    "reserve": "单位预留机动经费",
    "operating": "机关运行经费",
}


# --- one year's figures ---------------------------------------------------------------------------


def _first(rows: list[dict], **match: str) -> dict | None:
    return next((r for r in rows if all(r.get(k) == v for k, v in match.items())), None)


def _fig(row: dict | None, column: str, where: str) -> list | None:
    if row is None or row.get(column) in (None, ""):
        return None
    line = row.get("source_line")
    page = row.get("source_page")
    at = f"第 {page} 页" if page not in (None, "") else (f"第 {line} 行" if line not in (None, "") else "")
    return [str(row[column]), f"{where}{at}"]


def year_figures(rows: Callable[[str], list[dict]], year: int | None, name: str) -> dict:
    """The figures a later year's 情况说明 may compare with: {key: [published digits, where]}."""
    figs: dict[str, list | None] = {}
    summary = rows("budget_summary")
    exp = _first(rows("expenditure_summary"), row_type="total")
    figs["total"] = _fig(
        _first(summary, side="expenditure", item_key="current_total"), "amount", "收支总表"
    ) or _fig(exp, "total", "支出总表")
    fiscal = rows("fiscal_summary")
    figs["fiscal"] = _fig(
        _first(fiscal, side="income", row_type="total") or _first(fiscal, row_type="total"),
        "amount",
        "财政拨款收支总表",
    )
    figs["general"] = _fig(
        _first(rows("general_budget_expenditure"), row_type="total"), "total", "一般公共预算支出表"
    )
    use = [r for r in summary + fiscal if r.get("side") == "expenditure_use"]
    for key in ("basic", "project", "reserve"):
        figs[key] = _fig(exp, key, "支出总表") or _fig(_first(use, item_key=key), "amount", "收支总表")
    figs["operating"] = _fig(_first(rows("operating_expenses"), row_type="total"), "total", "机关运行经费表")
    three = rows("three_public")
    for key, _, _ in THREE_PUBLIC:
        figs[f"three_public.{key}"] = _fig(_first(three, part=key), "amount", "“三公”经费表")
    for r in summary:
        if r.get("side") == "expenditure" and r.get("row_type") == "item" and r.get("function_class_code"):
            figs[f"class.{norm(r.get('item'))}"] = _fig(r, "amount", "收支总表") or ["0", "收支总表（空白）"]
    detail = rows("general_budget_expenditure") or rows("fiscal_expenditure")
    title = "一般公共预算支出表" if rows("general_budget_expenditure") else "财政拨款支出表"
    kuan = ""
    for r in detail:
        level, fname = r.get("function_level"), r.get("function_name") or ""
        if level == "款":
            kuan = fname
        elif level == "项":
            for label in (kuan + fname, fname):
                figs.setdefault(f"item.{norm(label)}", _fig(r, "total", title))
    stated = {}
    for r in rows("explanation"):
        if r.get("amount") not in (None, ""):
            stated.setdefault(
                _label_key(r.get("label"), name),
                [
                    str(r["amount"]),
                    f"情况说明第 {r.get('source_page') or r.get('source_line')} {'页' if r.get('source_page') else '行'}",
                ],
            )
    return {
        "year": year,
        "name": name,
        "figures": {k: v for k, v in figs.items() if v is not None},
        "stated": stated,
    }


def _label_key(label: object, name: str) -> str:
    text = norm(label)
    for n in (norm(name), norm(name).replace("江苏省", "")):
        if n and text.startswith(n):
            text = text[len(n) :]
    return re.sub(r"\d{4}年度?", "", text)


# --- statements -------------------------------------------------------------------------------------


def _topic(r: dict, figures: dict) -> tuple[str, str] | None:
    """(figure key, Chinese title) that a statement is about, or None."""
    label, section, sentence = (
        str(r.get("label") or ""),
        str(r.get("section") or ""),
        str(r.get("sentence") or ""),
    )
    words = label if norm(label) not in ("增加", "减少", "") else section + sentence
    for key, needles, title in THREE_PUBLIC:
        if any(n in words for n in needles):
            return f"three_public.{key}", title
    if "机关运行经费" in words:
        return "operating", TOTALS["operating"]
    if "单位预留机动经费" in words:
        return "reserve", TOTALS["reserve"]
    if "（项）" in label or "(项)" in label:
        key = f"item.{norm(label)}"
        return key, label.strip()
    n = norm(label)
    if f"class.{n}" in figures:
        return f"class.{n}", label.strip()
    if "财政拨款收、支总计" in sentence or "财政拨款支出增加" in sentence or "财政拨款支出减少" in sentence:
        return "fiscal", TOTALS["fiscal"]
    if "一般公共预算" in words:
        return "general", TOTALS["general"]
    if "基本支出" in label:
        return "basic", TOTALS["basic"]
    if "项目支出" in label:
        return "project", TOTALS["project"]
    if "预算总计" in label or "收、支预算总计" in sentence:
        return "total", TOTALS["total"]
    return None


def statements(rows: list[dict]) -> list[dict]:
    """Explanation rows stating a change or last year's figure, each with the figure it is about (a bare
    "与上年相比增加X万元" or "与上年持平" row takes the amount and label of the figure stated just before it)."""
    out, before = [], None
    for r in rows:
        has_change = r.get("change") not in (None, "") or r.get("previous_amount") not in (None, "")
        same = r.get("direction") == "持平"
        if r.get("amount") in (None, "") and (has_change or same) and before is not None:
            if before.get("source_line") == r.get("source_line") or norm(r.get("label")).startswith("与上年"):
                r = dict(r, amount=before["amount"], label=before["label"])
        if (has_change or same) and r.get("amount") not in (None, "") and _about_last_year(r):
            out.append(r)
        if r.get("amount") not in (None, ""):
            before = r
    return out


def _about_last_year(r: dict) -> bool:
    """The sentence compares the figure with last year before any 原因: a reason's parts ("主要原因是…专项
    增加200万元") are parts of the change, not the figure's own change."""
    head = re.sub(r"[\s,，]", "", str(r.get("sentence") or "")).split("原因")[0]
    if "上年" not in head:
        return False
    stated = r.get("change") or r.get("previous_amount")
    return stated in (None, "") or str(stated).replace(",", "") in head


def _implied(r: dict) -> Decimal | None:
    if r.get("previous_amount") not in (None, ""):
        return decimal(r["previous_amount"])
    amount = decimal(r["amount"])
    direction = str(r.get("direction") or "")
    if direction == "持平":
        return amount
    if r.get("change") in (None, ""):
        return None
    change = abs(decimal(r["change"]))
    if direction.startswith("增"):
        return amount - change
    if direction.startswith("减") or direction.startswith("下降"):
        return amount + change
    return None


def check(explanation: list[dict], name: str, previous: dict) -> list[dict]:
    """`cross_year.*` rows: each statement about last year against last year's package (`previous`, from
    `year_figures`)."""
    rep = Report()
    year = previous.get("year")
    figures = previous["figures"]
    for r in statements(explanation):
        line = r.get("source_line")
        topic = _topic(r, figures)
        label_key = _label_key(r.get("label"), name)
        if topic is None and label_key in previous["stated"]:
            topic = (f"stated.{line}", str(r.get("label") or "").strip())
        key, title = topic or (f"line{line}", str(r.get("label") or "").strip())
        figure = figures.get(key)  # None for a `line…` key
        if figure is None and label_key in previous["stated"]:
            figure = previous["stated"][label_key]
        args = {"key": key, "title": title, "year": year}
        implied = _implied(r)
        said = f"情况说明（第 {r.get('source_page') or line} {'页' if r.get('source_page') else '行'}）“{r['sentence']}”"
        if implied is None:
            rep.not_applicable("cross_year.{key}", args, f"{said}：没有写明增减方向，无法推算上年数")
            continue
        if figure is None:
            rep.not_applicable(
                "cross_year.{key}", args, f"{said}：{year} 年数据包中找不到“{title}”的对应数字"
            )
            continue
        digits, where = figure
        terms = [r.get("amount"), r.get("change") or r.get("previous_amount"), digits]
        how = (
            f"上年为 {r['previous_amount']} 万元"
            if r.get("previous_amount") not in (None, "")
            else (
                "与上年持平"
                if r.get("direction") == "持平"
                else f"本年 {r['amount']} 万元，{r.get('direction')} {r.get('change')} 万元，推算上年 {implied} 万元"
            )
        )
        rep.add(
            "cross_year.{key}",
            args,
            expected=decimal(digits),
            found=implied,
            tol=tolerance(terms),
            detail=f"{said}：{how}；{year} 年数据包（{where}）为 {digits} 万元",
            source_line=line,
        )
        pct = r.get("change_pct")
        if pct not in (None, "") and r.get("change") not in (None, "") and decimal(digits) != 0:
            places = decimals_of(pct)
            calc = (abs(decimal(r["change"])) / decimal(digits) * 100).quantize(Decimal(1).scaleb(-places))
            rep.add(
                "cross_year.{key}.change_pct",
                args,
                expected=calc,
                found=abs(decimal(pct)),
                tol=Decimal(1).scaleb(-places),
                detail=f"{said}：增减幅度 {pct}%；增减额 {r['change']} ÷ {year} 年数据包的 {digits} 万元 = {calc}%",
                source_line=line,
            )
    return rep.rows
