"""Across the years on hand-made packages and statements whose figures are chosen here: the figures one
year's package offers a later year (`year_figures`), which statements speak of last year
(`statements`), what figure a statement is about (`_topic`), and the `cross_year.*` rows (`check`):
last year's figure implied by this year's figure and its change, against the figure last year's
package published, and the stated percentage against change ÷ that figure."""

from __future__ import annotations

import pytest

from scripts.checks import cross_year


def at(line, **fields):
    return {"source_line": line, **fields}


def cls(line, code, item, amount, side="expenditure", row_type="item"):
    return at(line, side=side, row_type=row_type, function_class_code=code, item=item, amount=amount)


def tables(**change):
    base = {
        "budget_summary": [
            at(4, side="income", item_key="current_total", amount="95.00"),
            at(5, side="expenditure", item_key="current_total", amount="100.00"),
            cls(6, "201", "一般公共服务支出", "60.00"),
            cls(7, "205", "教育支出（类）", ""),
            cls(8, "", "其他支出", "1.00"),
            cls(9, "206", "科学技术支出", "2.00", side="income"),
            cls(10, "207", "文化支出", "3.00", row_type="total"),
            at(11, side="expenditure_use", item_key="reserve", amount="5.00"),
        ],
        "expenditure_summary": [
            at(19, row_type="item", total="1.00", basic="1.00"),
            at(20, row_type="total", total="100.00", basic="70.00", project="30.00", source_page=3),
        ],
        "fiscal_summary": [
            {"side": "expenditure", "row_type": "total", "amount": "91.00", "source_line": 29},
            {"side": "income", "row_type": "total", "amount": "90.00", "source_line": 30},
        ],
        "general_budget_expenditure": [
            {
                "function_level": "类",
                "function_name": "一般公共服务支出",
                "total": "80.00",
                "source_line": 41,
            },
            {"function_level": "款", "function_name": "人大事务", "total": "50.00", "source_line": 42},
            {"function_level": "项", "function_name": "行政运行", "total": "50.00", "source_line": 43},
            {"function_level": "款", "function_name": "政协事务", "total": "30.00", "source_line": 44},
            {"function_level": "项", "function_name": "行政运行", "total": "30.00", "source_line": 45},
            {"row_type": "total", "total": "80.00", "source_line": 40},
        ],
        "operating_expenses": [
            {"row_type": "item", "total": "1.00", "source_line": 59},
            {"row_type": "total", "total": "10.00", "source_line": 60},
        ],
        "three_public": [
            {"part": "total", "amount": "4.00", "source_line": 70},
            {"part": "reception", "amount": "1.00", "source_line": 71},
            {"part": "vehicles", "amount": "", "source_line": 72},
        ],
        "explanation": [
            {"label": "江苏省人大2019年度单位预留机动经费", "amount": "5.00", "source_line": 80},
            {"label": "单位预留机动经费", "amount": "6.00", "source_line": 81},  # the first one counts
            {"label": "人大2019年会议费", "amount": "2.00", "source_page": 9, "source_line": 82},
            {"label": "培训费", "amount": "", "source_line": 83},
        ],
    }
    base.update(change)
    return lambda name: base.get(name, [])


def test_a_years_figures_are_read_from_its_tables_with_where_they_are():
    figs = cross_year.year_figures(tables(), 2019, "江苏省人大")
    assert figs == {
        "year": 2019,
        "name": "江苏省人大",
        "figures": {
            "total": ["100.00", "收支总表第 5 行"],
            "fiscal": ["90.00", "财政拨款收支总表第 30 行"],
            "general": ["80.00", "一般公共预算支出表第 40 行"],
            "basic": ["70.00", "支出总表第 3 页"],
            "project": ["30.00", "支出总表第 3 页"],
            "reserve": ["5.00", "收支总表第 11 行"],
            "operating": ["10.00", "机关运行经费表第 60 行"],
            "three_public.reception": ["1.00", "“三公”经费表第 71 行"],
            "class.一般公共服务": ["60.00", "收支总表第 6 行"],
            "class.教育": ["0", "收支总表（空白）"],
            "item.人大事务行政运行": ["50.00", "一般公共预算支出表第 43 行"],
            "item.行政运行": ["50.00", "一般公共预算支出表第 43 行"],
            "item.政协事务行政运行": ["30.00", "一般公共预算支出表第 45 行"],
        },
        "stated": {"单位预留机动经费": ["5.00", "情况说明第 80 行"], "会议费": ["2.00", "情况说明第 9 页"]},
    }


def test_year_figures_fall_back_to_the_other_tables():
    """No 本年支出合计: the 支出总表's 合计; no income total: the first total; no 支出总表 columns: the
    by-use lines; no 一般公共预算支出表: the 财政拨款支出表."""
    summary = tables()("budget_summary")
    rows = tables(
        budget_summary=[r for r in summary if r.get("item_key") != "current_total"]
        + [{"side": "expenditure_use", "item_key": "basic", "amount": "69.00", "source_line": 12}],
        expenditure_summary=[{"row_type": "total", "total": "99.00", "source_line": 20}],
        fiscal_summary=[
            {"side": "income", "row_type": "item", "amount": "1.00", "source_line": 28},
            {"side": "expenditure", "row_type": "total", "amount": "91.00", "source_line": 29},
        ],
        general_budget_expenditure=[],
        fiscal_expenditure=[
            {
                "function_level": "项",
                "function_name": "机关服务",
                "total": "2.00",
                "source_line": 49,
            },  # before any 款
            {"function_level": "款", "function_name": "人大事务", "source_line": 50},
            {"function_level": "项", "function_name": "行政运行", "total": "7.00", "source_line": 51},
            {"function_level": "款", "function_name": None, "source_line": 52},  # a 款 without a name
            {"function_level": "项", "function_name": "其他", "total": "1.00", "source_line": 53},
        ],
        three_public=[],
    )
    figs = cross_year.year_figures(rows, 2018, "x")["figures"]
    assert figs["total"] == ["99.00", "支出总表第 20 行"]
    assert figs["fiscal"] == ["91.00", "财政拨款收支总表第 29 行"]
    assert figs["basic"] == ["69.00", "收支总表第 12 行"]
    assert "project" not in figs and "general" not in figs
    assert {k: v[0] for k, v in figs.items() if k.startswith("item.")} == {
        "item.机关服务": "2.00",
        "item.人大事务行政运行": "7.00",
        "item.行政运行": "7.00",
        "item.其他": "1.00",
    }
    assert figs["item.人大事务行政运行"] == ["7.00", "财政拨款支出表第 51 行"]
    assert not any(k.startswith("three_public.") for k in figs)


@pytest.mark.parametrize(
    "where,said",
    [
        ({"source_line": ""}, "机关运行经费表"),
        ({"source_line": None, "source_page": None}, "机关运行经费表"),
        ({"source_line": 60, "source_page": ""}, "机关运行经费表第 60 行"),  # blanks as read from a CSV
        ({"source_line": 60, "source_page": 4}, "机关运行经费表第 4 页"),
    ],
)
def test_a_figure_says_where_it_is_as_far_as_known(where, said):
    rows = tables(operating_expenses=[{"row_type": "total", "total": "10.00", **where}])
    assert cross_year.year_figures(rows, 2019, "x")["figures"]["operating"] == ["10.00", said]


@pytest.mark.parametrize(
    "label,section,sentence,topic",
    [
        ("会议费", "", "", ("three_public.meeting", "会议费")),
        ("培训费", "", "", ("three_public.training", "培训费")),
        ("因公出国（境）费", "", "", ("three_public.overseas", "因公出国（境）费")),
        ("公务接待费", "", "", ("three_public.reception", "公务接待费")),
        ("公务用车运行维护费", "", "", ("three_public.vehicle_operation", "公务用车运行维护费")),
        ("公务用车购置费", "", "", ("three_public.vehicle_purchase", "公务用车购置费")),
        ("公务用车购置及运行维护费", "", "", ("three_public.vehicles", "公务用车购置及运行维护费")),
        # a bare 增加/减少 label: the section and sentence say what it is about
        ("增加", "“三公”经费", "其中公务接待费增加", ("three_public.reception", "公务接待费")),
        (" 减少 ", "", "会议费减少", ("three_public.meeting", "会议费")),
        ("", "机关运行经费", "", ("operating", "机关运行经费")),
        ("机关运行经费", "", "", ("operating", "机关运行经费")),
        ("单位预留机动经费", "", "", ("reserve", "单位预留机动经费")),
        (" 行政运行（项） ", "", "", ("item.行政运行", "行政运行（项）")),
        ("行政运行(项)", "", "", ("item.行政运行", "行政运行(项)")),
        (" 教育支出 ", "", "", ("class.教育", "教育支出")),
        ("合计", "", "财政拨款收、支总计100万元", ("fiscal", "财政拨款支出总计")),
        ("合计", "", "财政拨款支出增加10万元", ("fiscal", "财政拨款支出总计")),
        ("合计", "", "财政拨款支出减少10万元", ("fiscal", "财政拨款支出总计")),
        ("一般公共预算拨款", "", "", ("general", "一般公共预算财政拨款支出")),
        ("增加", "一般公共预算", "", ("general", "一般公共预算财政拨款支出")),
        ("基本支出", "", "", ("basic", "基本支出")),
        ("项目支出", "", "", ("project", "项目支出")),
        ("支出预算总计", "", "", ("total", "支出预算总计")),
        ("合计", "", "收、支预算总计100万元", ("total", "支出预算总计")),
        ("合计", "基本支出", "项目支出", None),
        ("其他收入", "", "", None),
    ],
)
def test_a_statement_is_about_the_first_figure_its_words_name(label, section, sentence, topic):
    r = {"label": label, "section": section, "sentence": sentence}
    assert cross_year._topic(r, {"class.教育": ["1.00", "x"]}) == topic


def as_csv(row: dict) -> dict:
    """A row as read back from a package's CSV: blanks are empty strings, not None."""
    return {k: "" if v is None else v for k, v in row.items()}


FORMS = pytest.mark.parametrize("form", [dict, as_csv], ids=["extracted", "from_csv"])


def said(label, amount, change=None, direction=None, previous=None, pct=None, line=1, sentence=None):
    return {
        "label": label,
        "amount": amount,
        "change": change,
        "direction": direction,
        "previous_amount": previous,
        "change_pct": pct,
        "source_line": line,
        "sentence": sentence
        if sentence is not None
        else f"{label}{amount}万元，与上年相比{direction}{change}万元",
    }


@pytest.mark.parametrize(
    "row,implied",
    [
        (said("x", "100.00", "10.00", "增加"), "90.00"),
        (said("x", "100.00", "-10.00", "增长"), "90.00"),
        (said("x", "100.00", "10.00", "减少"), "110.00"),
        (said("x", "100.00", "10.00", "下降"), "110.00"),
        (said("x", "100.00", None, "持平"), "100.00"),
        (said("x", "100.00", "10.00", "持平"), "100.00"),
        (said("x", "100.00", "10.00", "增加", previous="85.00"), "85.00"),
        (said("x", "100.00", None, "增加"), None),
        (said("x", "100.00", "10.00", None), None),
        (said("x", "100.00", "10.00", "变化"), None),
    ],
)
@FORMS
def test_last_years_figure_implied_by_a_statement(row, implied, form):
    assert cross_year._implied(form(row)) == (None if implied is None else cross_year.decimal(implied))


@FORMS
def test_statements_about_last_year_and_bare_changes(form):
    rows = [
        said("支出预算总计", "100.00", "10.00", "增加", line=1),
        # no change stated (上年 named, but neither a change nor last year's figure)
        said("收入预算总计", "100.00", sentence="收入预算总计100.00万元，与上年口径一致。", line=2),
        # a bare "与上年相比增加…" on the next line takes the figure stated before it
        said("与上年相比", "", "5.00", "增加", line=3, sentence="与上年相比增加5.00万元"),
        said(
            "基本支出",
            "60.00",
            "200.00",
            "增加",
            line=4,
            sentence="基本支出60.00万元，主要原因是上年增加200.00万元",
        ),
        # the change read is not the sentence's (it is elsewhere): not this figure's change
        said("项目支出", "40.00", "3.00", "增加", line=5, sentence="项目支出40.00万元，比上年有所增加"),
        said("项目支出", "40.00", None, "持平", line=6, sentence="项目支出40.00万元，与上年持平"),
        said("会议费", "2.00", previous="1.50", line=7, sentence="会议费2.00万元，上年1.50万元"),
        said("培训费", "2.00", "1.00", "增加", line=8, sentence="培训费2.00万元，增加1.00万元"),  # no 上年
        # same line as the figure before it: takes it even without a 与上年 label
        said("增加", "", "1.00", "增加", line=8, sentence="与上年相比增加1.00万元"),
        said("增加", "", "1.00", "增加", line=9, sentence="与上年相比增加1.00万元"),  # neither: dropped
        # a dropped bare row is no figure: the next bare row takes the figure before it
        said("与上年相比", "", "2.00", "增加", line=10, sentence="与上年相比增加2.00万元"),
        # two figures on one line: the second keeps its own amount and label
        said("一般公共预算", "90.00", line=11, sentence="一般公共预算90.00万元，其中："),
        said("基本支出", "60.00", "5.00", "增加", line=11, sentence="基本支出60.00万元，比上年增加5.00万元"),
        said("与上年相比持平", "", None, "持平", line=12, sentence="与上年相比持平"),  # a bare 持平
        # last year's figure read, but not the sentence's: not this figure's
        said("会议费", "2.00", previous="1.50", line=13, sentence="会议费2.00万元，比上年有所减少"),
    ]
    out = cross_year.statements([form(r) for r in rows])
    assert [(r["source_line"], r["label"], r["amount"]) for r in out] == [
        (1, "支出预算总计", "100.00"),
        (3, "收入预算总计", "100.00"),
        (6, "项目支出", "40.00"),
        (7, "会议费", "2.00"),
        (8, "培训费", "2.00"),
        (10, "培训费", "2.00"),
        (11, "基本支出", "60.00"),
        (12, "基本支出", "60.00"),
    ]
    assert rows[2]["amount"] == ""  # the input is not changed


@pytest.mark.parametrize("change", ["1,000.00", "1000.00"])
def test_a_change_written_with_separators_is_still_found_in_the_sentence(change):
    row = said(
        "支出预算总计", "1100.00", change, "增加", sentence="支出预算总计1,100.00万元，比上年增加1,000.00万元"
    )
    assert cross_year.statements([row]) == [row]


PREVIOUS = {
    "year": 2018,
    "name": "江苏省人大",
    "figures": {
        "total": ["90.00", "收支总表第 5 行"],
        "basic": ["65.00", "支出总表第 3 页"],
        "three_public.reception": ["0", "“三公”经费表第 71 行"],
        "class.教育": ["8.00", "收支总表第 7 行"],
    },
    # keyed as `year_figures` keys them (no 支出/预算, no body name, no year)
    "stated": {
        "单位预留机动经费": ["5.00", "情况说明第 80 行"],
        "基本": ["64.00", "情况说明第 81 行"],
        "其他收入": ["3.00", "情况说明第 82 行"],
    },
}


def check(rows, previous=PREVIOUS) -> dict[str, dict]:
    return {r["check_id"]: r for r in cross_year.check(rows, "江苏省人大", previous)}


def figures(row):
    return row["status"], row["expected"], row["found"], row["tolerance"], row["source_line"]


def test_a_stated_change_matches_last_years_package():
    rep = check([said("支出预算总计", "100.00", "10.00", "增加", pct="11.11", line=3)])
    # 100.00 - 10.00 = 90.00, the 2018 package's figure; 10.00 / 90.00 = 11.11%
    row = rep["cross_year.total"]
    assert figures(row) == ("pass", "90.00", "90.00", "0.015", 3)
    assert row["table"] == "情况说明、2018年数据包"
    assert row["detail"].endswith(
        "本年 100.00 万元，增加 10.00 万元，推算上年 90.00 万元；2018 年数据包（收支总表第 5 行）为 90.00 万元"
    )
    assert figures(rep["cross_year.total.change_pct"]) == ("pass", "11.11", "11.11", "0.01", 3)


@pytest.mark.parametrize(
    "row,failing",
    [
        (said("支出预算总计", "100.00", "10.10", "增加", pct="11.22"), {"cross_year.total"}),
        (said("支出预算总计", "100.00", "10.00", "增加", pct="11.13"), {"cross_year.total.change_pct"}),
        (said("支出预算总计", "100.00", "10.00", "增加", pct="11.1"), set()),
        (said("支出预算总计", "100.00", "10.00", "增加", pct="11.3"), {"cross_year.total.change_pct"}),
        (said("支出预算总计", "100.00", "10.00", "增加", pct="12"), set()),  # 11 within one unit
        (said("支出预算总计", "100.00", "10.00", "增加", pct="13"), {"cross_year.total.change_pct"}),
        (said("支出预算总计", "80.00", "10.00", "减少", pct="-11.11"), set()),
        (said("支出预算总计", "80.00", "10.00", "增加", pct="11.11"), {"cross_year.total"}),
    ],
)
@FORMS
def test_a_restated_figure_or_percentage_fails(row, failing, form):
    rep = check([form(row)])
    assert {k for k, r in rep.items() if r["status"] == "fail"} == failing, rep


@FORMS
def test_no_percentage_without_a_change_or_of_a_zero_figure(form):
    rep = check(
        [form(said("支出预算总计", "100.00", previous="90.00", pct="11.11", sentence="上年90.00万元"))]
    )
    assert set(rep) == {"cross_year.total"}
    assert rep["cross_year.total"]["detail"].endswith(
        "上年为 90.00 万元；2018 年数据包（收支总表第 5 行）为 90.00 万元"
    )
    # this year's figure, last year's stated figure and the package's: three figures, 0.015
    assert figures(rep["cross_year.total"]) == ("pass", "90.00", "90.00", "0.015", 1)
    rep = check([form(said("支出预算总计", "100.00", "10.00", "增加"))])  # no percentage stated
    assert set(rep) == {"cross_year.total"}
    rep = check([form(said("公务接待费", "1.00", "1.00", "增加", pct="100"))])
    assert set(rep) == {"cross_year.three_public.reception"}
    assert figures(rep["cross_year.three_public.reception"]) == ("pass", "0", "0", "0.01", 1)


def test_an_unchanged_figure_is_last_years():
    row = said("基本支出", "65.00", None, "持平", sentence="基本支出65.00万元，与上年持平")
    rep = check([row])
    assert figures(rep["cross_year.basic"]) == ("pass", "65.00", "65.00", "0.01", 1)
    assert "与上年持平；2018 年数据包" in rep["cross_year.basic"]["detail"]


def test_a_figure_only_last_years_explanation_stated_is_compared_with_that():
    """A figure no table of last year's package holds, but last year's 情况说明 stated it."""
    rep = check([said("江苏省人大2019年度其他收入", "4.00", "1.00", "增加", line=4)])
    row = rep["cross_year.stated.4"]
    assert figures(row) == ("pass", "3.00", "3.00", "0.015", 4)
    assert row["description"].startswith("情况说明中“江苏省人大2019年度其他收入”与上年相比的说法")
    assert "2018 年数据包（情况说明第 82 行）为 3.00 万元" in row["detail"]
    # a known topic last year's tables lack: the stated figure
    rep = check([said("2019年度单位预留机动经费", "6.00", "1.00", "增加", line=4)])
    assert figures(rep["cross_year.reserve"]) == ("pass", "5.00", "5.00", "0.015", 4)
    # a known topic last year's tables have: the table's figure wins
    rep = check([said("基本支出", "70.00", "6.00", "增加")])
    assert figures(rep["cross_year.basic"]) == ("fail", "65.00", "64.00", "0.015", 1)
    prev = {**PREVIOUS, "figures": {}}
    rows = cross_year.check([said("基本支出", "70.00", "6.00", "增加")], "江苏省人大", prev)
    assert figures(rows[0]) == ("pass", "64.00", "64.00", "0.015", 1)


def test_what_cannot_be_compared_is_not_applicable():
    rep = check(
        [
            said("支出预算总计", "100.00", "10.00", "变化", line=1),
            said("项目支出", "40.00", "3.00", "增加", line=2),
            said("其他收入", "4.00", "1.00", "增加", line=3, sentence=""),
            said("基本支出", "70.00", "5.00", "增加", line=4),  # checked after those that cannot be
        ]
    )
    assert figures(rep["cross_year.basic"]) == ("pass", "65.00", "65.00", "0.015", 4)
    row = rep["cross_year.total"]
    assert (row["status"], row["detail"]) == (
        "not_applicable",
        "情况说明（第 1 行）“支出预算总计100.00万元，与上年相比变化10.00万元”：没有写明增减方向，无法推算上年数",
    )
    row = rep["cross_year.project"]
    assert (row["status"], row["detail"]) == (
        "not_applicable",
        "情况说明（第 2 行）“项目支出40.00万元，与上年相比增加3.00万元”：2018 年数据包中找不到“项目支出”的对应数字",
    )
    assert set(rep) == {
        "cross_year.total",
        "cross_year.project",
        "cross_year.basic",
    }  # line 3: not about last year
    rep = check([said("捐赠收入", "4.00", "1.00", "增加", line=3, sentence="捐赠收入比上年增加1.00万元")])
    row = rep["cross_year.line3"]
    assert row["status"] == "not_applicable" and row["description"].startswith("情况说明中“捐赠收入”")
    # a statement without a label: titled empty; compared with an unlabelled figure stated last year
    unlabelled = said(None, "4.00", "1.00", "增加", line=5, sentence="比上年增加1.00万元")
    row = check([unlabelled])["cross_year.line5"]
    assert row["status"] == "not_applicable" and row["description"].startswith("情况说明中“”与上年")
    row = check([unlabelled], {**PREVIOUS, "stated": {"": ["3.00", "情况说明第 90 行"]}})[
        "cross_year.stated.5"
    ]
    assert figures(row) == ("pass", "3.00", "3.00", "0.015", 5) and row["description"].startswith(
        "情况说明中“”与上年"
    )


def test_a_statement_read_from_a_page_says_its_page():
    row = said("支出预算总计", "100.00", "10.00", "增加")
    row["source_page"] = 7
    detail = check([row])["cross_year.total"]["detail"]
    assert detail.startswith("情况说明（第 7 页）“支出预算总计100.00万元")


@pytest.mark.parametrize(
    "label,name,key",
    [
        ("江苏省人大2019年度单位预留机动经费", "江苏省人大", "单位预留机动经费"),
        ("人大2019年 基本支出", "江苏省人大", "基本"),
        ("江苏省 人大 会议费（项）", "江苏省人大", "会议费"),
        ("培训费", "", "培训费"),
        (None, "江苏省人大", ""),
    ],
)
def test_a_label_is_keyed_without_the_bodys_name_the_year_and_common_words(label, name, key):
    assert cross_year._label_key(label, name) == key
