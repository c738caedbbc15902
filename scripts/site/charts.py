"""Chart kinds of the centre page: Altair templates built once per kind, plus the static SVG fallback.

Each kind is data: which resource, which rows (predicate filters), which label and amount fields. The
same description drives both the Vega-Lite template (evaluated in the browser from the downloadable CSV)
and `figures()` (the same aggregation in Python, for the fallback SVG, the text table and the unit).

Templates are built with Altair once per kind and kept as JSON text with placeholders, together with
their Vega compilation (vl-convert, also once per kind: the browser runs only the Vega runtime); a
centre only substitutes its data URL, title and unit in both texts (cheap: no Altair, no vl-convert
per centre).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import altair as alt

from scripts.numfmt import YI_THRESHOLD, number
from scripts.site import assets as site_assets

CHART_WIDTH = 380  # plot area in px; labels (≤ 200 px) and title come on top

_URL = "__CHART_DATA_URL__"
_TITLE = "__CHART_TITLE__"
_UNIT = "__CHART_UNIT__"
_FACTOR = "__CHART_FACTOR__"


@dataclass(frozen=True)
class ChartKind:
    name: str
    resources: tuple[str, ...]  # first one with rows wins
    title: str  # caption stem; the centre's name is not repeated
    label_title: str  # axis/column title of the category
    empty_text: str  # shown instead of a chart with no figures
    filters: tuple[tuple[str, str], ...] = ()
    label_fields: tuple[str, ...] = ("item",)  # first non-empty field is the label
    value_field: str = "amount"
    limit: int | None = None  # keep the largest n (ranked charts)
    fold: tuple[tuple[str, str], ...] = ()  # (field, label): one bar per field of the filtered row(s)
    # Appended to the label of subtotal rows, so a published subtotal shows beside its parts, marked.
    subtotal_suffix: str = ""
    # Resource-specific overrides: resource -> (label_fields, value_field, filters)
    alternatives: dict = field(default_factory=dict)

    def spec_for(self, resource: str) -> tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]:
        if resource in self.alternatives:
            return self.alternatives[resource]
        return self.label_fields, self.value_field, self.filters


KINDS: dict[str, ChartKind] = {
    kind.name: kind
    for kind in (
        ChartKind(
            "functional",
            ("budget_summary",),
            "支出功能分类（类）",
            "支出功能分类",
            "收支总表未列出各类支出的金额",
            filters=(("side", "expenditure"), ("row_type", "item")),
        ),
        ChartKind(
            "structure",
            ("general_budget_expenditure",),
            "基本支出与项目支出、人员经费与公用经费",
            "支出构成",
            "一般公共预算支出表公开为空",
            filters=(("row_type", "total"),),
            fold=(
                ("basic", "基本支出"),
                ("project", "项目支出"),
                ("personnel", "人员经费"),
                ("public_admin", "公用经费"),
            ),
        ),
        ChartKind(
            "economic",
            ("basic_expenditure",),
            "基本支出经济分类",
            "经济分类科目",
            "基本支出表公开为空",
            filters=(("row_type", "item"),),
            label_fields=("dept_economic_name", "gov_economic_name"),
            value_field="total",
        ),
        ChartKind(
            "projects",
            ("performance_projects", "project_expenditure"),
            "项目支出（按金额排序）",
            "项目",
            "本单位未公开项目支出明细",
            label_fields=("project_name",),
            value_field="total",
            limit=20,
            alternatives={"project_expenditure": (("name",), "total", (("row_type", "item"),))},
        ),
        ChartKind(
            "three_public",
            ("three_public",),
            "“三公”经费",
            "“三公”经费项目",
            "“三公”经费支出预算为零或公开为空",
            # A subtotal may be published while its parts are blank (公务用车 3.149800 with blank 购置/运行).
            filters=(("row_type", ("item", "subtotal")),),
            label_fields=("part_name",),
            subtotal_suffix="（小计）",
        ),
        ChartKind(
            "procurement",
            ("procurement",),
            "政府采购预算（按品目）",
            "采购品目",
            "本单位未公开政府采购预算",
            filters=(("row_type", "item"),),
            label_fields=("category_name",),
        ),
    )
}


def figures(kind: ChartKind, resource: str, rows: list[dict]) -> list[tuple[str, Decimal]]:
    """The chart's bars in 万元, computed exactly as the Vega-Lite template does (sum per label)."""
    label_fields, value_field, filters = kind.spec_for(resource)
    chosen = [r for r in rows if all(_matches(r.get(f, ""), v) for f, v in filters)]
    if kind.fold:
        out = []
        for fld, label in kind.fold:
            values = [v for r in chosen if (v := number(r.get(fld))) is not None]
            if values and sum(values, Decimal(0)) != 0:
                out.append((label, sum(values, Decimal(0))))
        return out
    sums: dict[str, Decimal] = {}
    for row in chosen:
        value = number(row.get(value_field))
        if value is None:
            continue
        label = next((row[f] for f in label_fields if row.get(f)), "")
        if kind.subtotal_suffix and row.get("row_type") == "subtotal":
            label += kind.subtotal_suffix
        sums[label] = sums.get(label, Decimal(0)) + value
    # A published 0.00 stays in the tables; as a bar it is only noise (武汉 lists every class at 0.00).
    ranked = sorted(((k, v) for k, v in sums.items() if v != 0), key=lambda kv: (-kv[1], kv[0]))
    return ranked[: kind.limit] if kind.limit else ranked


def _matches(value: str, wanted: str | tuple[str, ...]) -> bool:
    return value in wanted if isinstance(wanted, tuple) else value == wanted


def _predicate(fld: str, wanted: str | tuple[str, ...]) -> alt.FieldEqualPredicate | alt.FieldOneOfPredicate:
    if isinstance(wanted, tuple):
        return alt.FieldOneOfPredicate(field=fld, oneOf=list(wanted))
    return alt.FieldEqualPredicate(field=fld, equal=wanted)


def unit_for(values: Iterable[Decimal]) -> tuple[str, int]:
    """(unit, factor from 万元): 亿元 when the largest figure reaches 10,000 万元."""
    top = max((abs(v) for v in values), default=Decimal(0))
    return ("亿元", 10000) if top >= YI_THRESHOLD else ("万元", 1)


# --- Vega-Lite templates ----------------------------------------------------------------------------


def _label_expr(fields: tuple[str, ...]) -> str:
    return " || ".join(f"datum[{json.dumps(f)}]" for f in fields) + " || ''"


def _base(parse_fields: list[str]) -> alt.Chart:
    data = alt.Data(url=_URL, format=alt.DataFormat(type="csv", parse={f: "number" for f in parse_fields}))
    return alt.Chart(data)


def _bars(chart: alt.Chart, label_title: str, order: list[str] | None = None) -> alt.Chart:
    value_title = f"金额（{_UNIT}）"
    return (
        chart.mark_bar(color="#c62828")
        .encode(
            x=alt.X(
                "value:Q", title=value_title, axis=alt.Axis(format=",.6~f", labelOverlap=True, tickCount=5)
            ),
            y=alt.Y("label:N", title=label_title, sort=order or "-x", axis=alt.Axis(labelLimit=200)),
            tooltip=[
                alt.Tooltip("label:N", title=label_title),
                alt.Tooltip("value:Q", title=value_title, format=",.6~f"),
            ],
        )
        # Fixed plot width: "container" needs the chart div stretched (see report: site.css change).
        .properties(width=CHART_WIDTH, height=alt.Step(24), title=_TITLE)
    )


@functools.cache
def _template(name: str, resource: str) -> str:
    """The kind's spec as JSON text with placeholders (built with Altair once per kind and resource)."""
    kind = KINDS[name]
    label_fields, value_field, filters = kind.spec_for(resource)
    if kind.fold:
        fields = [f for f, _ in kind.fold]
        chart = _base(fields)
        for fld, value in filters:
            chart = chart.transform_filter(_predicate(fld, value))
        labels = json.dumps(dict(kind.fold), ensure_ascii=False)
        chart = (
            chart.transform_fold(fields, as_=["key", "raw"])
            .transform_filter("isValid(datum.raw) && datum.raw != 0")
            .transform_calculate(label=f"{labels}[datum.key]", value=f"datum.raw / {_FACTOR}")
        )
    else:
        chart = _base([value_field])
        for fld, value in filters:
            chart = chart.transform_filter(_predicate(fld, value))
        label = _label_expr(label_fields)
        if kind.subtotal_suffix:
            label = f"({label}) + (datum.row_type === 'subtotal' ? {json.dumps(kind.subtotal_suffix, ensure_ascii=False)} : '')"
        chart = chart.transform_filter(f"isValid(datum[{json.dumps(value_field)}])").transform_calculate(
            label=label
        )
        chart = chart.transform_aggregate(total="sum(" + value_field + ")", groupby=["label"])
        chart = chart.transform_filter("datum.total != 0")
        chart = chart.transform_calculate(value=f"datum.total / {_FACTOR}")
        if kind.limit:
            chart = chart.transform_window(
                rank="row_number()", sort=[alt.SortField("total", order="descending")]
            )
            chart = chart.transform_filter(f"datum.rank <= {kind.limit}")
    spec = _bars(chart, kind.label_title, [label for _, label in kind.fold] or None).to_dict()
    spec["config"] = {"axis": {"labelFontSize": 12, "titleFontSize": 12}, "title": {"fontSize": 14}}
    return json.dumps(spec, ensure_ascii=False, sort_keys=True)


@functools.cache
def _vega_template(name: str, resource: str) -> str:
    """The kind's template compiled to Vega, as JSON text with the same placeholders."""
    text = json.dumps(site_assets.compile_vega(json.loads(_template(name, resource))), ensure_ascii=False)
    for placeholder in (_URL, _TITLE, _UNIT, _FACTOR):
        if placeholder not in text:
            raise TemplateError(f"{name}/{resource}: {placeholder} lost in the Vega compilation")
    return text


class TemplateError(Exception):
    """A chart template cannot be filled in (placeholder lost, unsafe value)."""


def _json_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _fill(text: str, data_url: str, title: str, unit: str, factor: int) -> dict:
    return json.loads(
        text.replace(_URL, _json_str(data_url))
        .replace(_TITLE, _json_str(title))
        .replace(_UNIT, _json_str(unit))
        .replace(_FACTOR, str(int(factor)))
    )


def spec(name: str, resource: str, *, data_url: str, title: str, unit: str, factor: int) -> tuple[dict, dict]:
    """A centre's chart: (Vega-Lite spec, compiled Vega spec), the kind's templates filled in alike."""
    # The compiled unit sits inside expression string literals (tooltips), where quotes would break out.
    if any(ch in unit for ch in "\"'\\"):
        raise TemplateError(f"unit {unit!r} must not contain quotes or backslashes")
    return (
        _fill(_template(name, resource), data_url, title, unit, factor),
        _fill(_vega_template(name, resource), data_url, title, unit, factor),
    )
