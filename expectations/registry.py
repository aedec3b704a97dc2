"""The one registry of accounting-identity checks (docs/spec/identities.md).

A check is an id, a severity, the tables it reads, how it compares, a description in Chinese
and English, and a SQL query over the build database that returns one evaluation row per
document × compared item (columns: `sql_common.EVALUATION_COLUMNS`). Adding a check is one
entry here and one query in an `sql_*` module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from expectations import (
    sql_catalogue,
    sql_categories,
    sql_cross,
    sql_document,
    sql_lines,
    sql_narrative,
    sql_optional,
    sql_perf,
)
from expectations.sql_subjects import grand, hierarchy, row_sum

Severity = Literal["error", "warning", "info"]
# rounding: |lhs - rhs| <= n_terms × half_unit; exact: the sides must be equal.
Tolerance = Literal["rounding", "exact"]
# equal: |lhs - rhs| within tolerance; at_most: lhs - rhs within tolerance (lhs ≤ rhs).
Comparison = Literal["equal", "at_most"]

# 人员经费 / 公用经费 by economic class, used when the build database has no
# catalogue.economic_classes seed (see expectations.run).
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = ("302", "307", "309", "310", "399")


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    tables: tuple[str, ...]
    description_zh: str
    description_en: str
    sql: str
    tolerance: Tolerance = "rounding"
    comparison: Comparison = "equal"


INCOME_SOURCES = (
    "fiscal_appropriation",
    "superior_subsidy",
    "business_income",
    "operating_income",
    "affiliated_remittance",
    "other_income",
)
EXPENDITURE_PARTS = ("basic", "project", "remit_to_superior", "operating", "affiliated_subsidy")


def _hierarchy(table_key: str, name: str) -> Check:
    return Check(
        f"{table_key}.hierarchy", "error", (table_key,),
        f"{name}每列：类 = Σ 款，款 = Σ 项",
        f"{table_key}, every column: class = Σ its items, item = Σ its sub-items",
        hierarchy(table_key),
    )


def _grand(table_key: str, name: str) -> Check:
    return Check(
        f"{table_key}.grand", "error", (table_key,),
        f"{name}每列：合计 = Σ 类",
        f"{table_key}, every column: 合计 = Σ classes",
        grand(table_key),
    )


CHECKS: tuple[Check, ...] = (
    # -- summary 收入支出决算总表
    Check(
        "summary.income_sum", "error", ("summary",),
        "收入支出决算总表：本年收入合计 = Σ 各项收入",
        "summary: income total = Σ income lines", sql_lines.SUMMARY_INCOME_SUM,
    ),
    Check(
        "summary.expense_sum", "error", ("summary",),
        "收入支出决算总表：本年支出合计 = Σ 各功能分类支出",
        "summary: expenditure total = Σ function-class lines", sql_lines.SUMMARY_EXPENSE_SUM,
    ),
    Check(
        "summary.income_grand", "error", ("summary",),
        "收入支出决算总表：收入总计 = 本年收入合计 + 使用非财政拨款结余(和专用结余)"
        " + 年初结转和结余",
        "summary: income grand total = income total + use of balances + opening carry-over",
        sql_lines.SUMMARY_INCOME_GRAND,
    ),
    Check(
        "summary.expense_grand", "error", ("summary",),
        "收入支出决算总表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",
        "summary: expenditure grand total = expenditure total + distribution + closing "
        "carry-over",
        sql_lines.SUMMARY_EXPENSE_GRAND,
    ),
    Check(
        "summary.balanced", "error", ("summary",),
        "收入支出决算总表：收入总计 = 支出总计",
        "summary: income grand total = expenditure grand total", sql_lines.SUMMARY_BALANCED,
    ),
    # -- income 收入决算表
    Check(
        "income.row_sum", "error", ("income",),
        "收入决算表每行：本年收入合计 = 财政拨款 + 上级补助 + 事业 + 经营 + 附属单位上缴 + 其他",
        "income, every row: total = Σ income sources",
        row_sum("income", "total", INCOME_SOURCES),
    ),
    _hierarchy("income", "收入决算表"),
    _grand("income", "收入决算表"),
    # -- expenditure 支出决算表
    Check(
        "expenditure.row_sum", "error", ("expenditure",),
        "支出决算表每行：本年支出合计 = 基本 + 项目 + 上缴上级 + 经营 + 对附属单位补助",
        "expenditure, every row: total = basic + project + remittance + operating + subsidy",
        row_sum("expenditure", "total", EXPENDITURE_PARTS),
    ),
    _hierarchy("expenditure", "支出决算表"),
    _grand("expenditure", "支出决算表"),
    # -- fiscal_summary 财政拨款收入支出决算总表
    Check(
        "fiscal_summary.income_sum", "error", ("fiscal_summary",),
        "财政拨款收入支出决算总表：本年收入合计 = 一般公共预算 + 政府性基金 + 国有资本经营",
        "fiscal_summary: income total = the three fiscal appropriations",
        sql_lines.FISCAL_INCOME_SUM,
    ),
    Check(
        "fiscal_summary.row_sum", "error", ("fiscal_summary",),
        "财政拨款收入支出决算总表每个支出行：合计 = 一般公共预算 + 政府性基金 + 国有资本经营",
        "fiscal_summary, every expenditure line: total = Σ fund-type columns",
        row_sum(
            "fiscal_summary", "total", sql_lines.FUND_COLUMNS,
            "side = 'expenditure' and coalesce(line_key, '') not like '%.%'",
        ),
    ),
    Check(
        "fiscal_summary.expense_sum", "error", ("fiscal_summary",),
        "财政拨款收入支出决算总表每列：本年支出合计 = Σ 各功能分类支出",
        "fiscal_summary, every column: expenditure total = Σ function-class lines",
        sql_lines.FISCAL_EXPENSE_SUM,
    ),
    Check(
        "fiscal_summary.carryover_sum", "error", ("fiscal_summary",),
        "财政拨款收入支出决算总表：年初(年末)结转和结余 = Σ 各资金类型",
        "fiscal_summary: opening (closing) carry-over = Σ its fund-type lines",
        sql_lines.FISCAL_CARRYOVER_SUM,
    ),
    Check(
        "fiscal_summary.grand", "error", ("fiscal_summary",),
        "财政拨款收入支出决算总表：收入总计 = 本年收入合计 + 年初结转和结余；"
        "支出总计 = 本年支出合计 + 年末结转和结余",
        "fiscal_summary: grand totals = year totals + carry-over",
        sql_lines.FISCAL_GRAND,
    ),
    Check(
        "fiscal_summary.balanced", "error", ("fiscal_summary",),
        "财政拨款收入支出决算总表：收入总计 = 支出总计",
        "fiscal_summary: income grand total = expenditure grand total",
        sql_lines.FISCAL_BALANCED,
    ),
    # -- gpb_expenditure 一般公共预算财政拨款支出决算表
    Check(
        "gpb_expenditure.row_sum", "error", ("gpb_expenditure",),
        "一般公共预算财政拨款支出决算表每行：小计 = 基本支出 + 项目支出",
        "gpb_expenditure, every row: total = basic + project",
        row_sum("gpb_expenditure", "total", ("basic", "project")),
    ),
    _hierarchy("gpb_expenditure", "一般公共预算财政拨款支出决算表"),
    _grand("gpb_expenditure", "一般公共预算财政拨款支出决算表"),
    # -- gpb_basic 一般公共预算财政拨款基本支出决算明细表
    Check(
        "gpb_basic.hierarchy", "error", ("gpb_basic",),
        "基本支出决算明细表：类 (301) = Σ 款 (30101 …)",
        "gpb_basic: economic class = Σ its items", hierarchy("gpb_basic"),
    ),
    Check(
        "gpb_basic.split", "error", ("gpb_basic",),
        "基本支出决算明细表：人员经费 = Σ 301、303 …，公用经费 = Σ 302、307、310、399 …，"
        "人员经费 + 公用经费 = 合计",
        "gpb_basic: personnel = Σ its classes, public = Σ its classes, personnel + public = "
        "total",
        sql_categories.GPB_BASIC_SPLIT,
    ),
    # -- gov_fund / state_capital: the identities of whatever columns the table prints
    Check(
        "gov_fund.row_sum", "error", ("gov_fund",),
        "政府性基金预算财政拨款支出决算表每行：本年支出 = 基本支出 + 项目支出",
        "gov_fund, every row: expenditure = basic + project",
        row_sum("gov_fund", "total", ("basic", "project")),
    ),
    _hierarchy("gov_fund", "政府性基金预算财政拨款支出决算表"),
    _grand("gov_fund", "政府性基金预算财政拨款支出决算表"),
    Check(
        "state_capital.row_sum", "error", ("state_capital",),
        "国有资本经营预算财政拨款支出决算表每行：本年支出 = 基本支出 + 项目支出",
        "state_capital, every row: expenditure = basic + project",
        row_sum("state_capital", "total", ("basic", "project")),
    ),
    _hierarchy("state_capital", "国有资本经营预算财政拨款支出决算表"),
    _grand("state_capital", "国有资本经营预算财政拨款支出决算表"),
    # -- three_public 财政拨款"三公"经费支出决算表
    Check(
        "three_public.total", "error", ("three_public",),
        "三公经费表（预算数、决算数）：合计 = 因公出国(境)费 + 公务用车购置及运行维护费"
        " + 公务接待费",
        "three_public, budget and actual: total = abroad + vehicles + reception",
        sql_categories.THREE_PUBLIC_TOTAL,
    ),
    Check(
        "three_public.vehicle", "error", ("three_public",),
        "三公经费表（预算数、决算数）：公务用车购置及运行维护费 = 购置费 + 运行维护费",
        "three_public, budget and actual: vehicles = purchase + operation",
        sql_categories.THREE_PUBLIC_VEHICLE,
    ),
    # -- optional tables: 机关运行经费, 政府采购, 一般公共预算财政拨款项目支出 (when printed)
    Check(
        "office_operation.total", "warning", ("office_operation",),
        "机关运行经费支出决算表：合计 = Σ 各项（办公费、印刷费 … 其他）",
        "office_operation: 合计 = Σ its lines (office, printing, … other)",
        sql_optional.OFFICE_TOTAL,
    ),
    Check(
        "procurement.total", "warning", ("procurement",),
        "政府采购情况表（采购预算、合同金额）：合计 = 货物 + 工程 + 服务",
        "procurement, budget and contract: total = goods + works + services",
        sql_optional.PROCUREMENT_TOTAL,
    ),
    Check(
        "gpb_project.grand", "warning", ("gpb_project",),
        "一般公共预算财政拨款项目支出决算表：合计 = Σ 类",
        "gpb_project: 合计 = Σ classes",
        grand("gpb_project"),
    ),
    Check(
        "cross.gpb_project_vs_gpb", "warning", ("gpb_project", "gpb_expenditure"),
        "一般公共预算财政拨款项目支出决算表各科目及合计 = 一般公共预算财政拨款支出表项目支出",
        "gpb_project per code and total = the project column of gpb_expenditure",
        sql_cross.GPB_PROJECT_VS_GPB,
    ),
    # -- across the tables of one document
    Check(
        "cross.income_vs_summary", "error", ("income", "summary"),
        "收入决算表合计各列 = 收入支出决算总表对应收入行（财政拨款收入 = 三项财政拨款）",
        "income totals per source = the matching summary income lines",
        sql_cross.INCOME_VS_SUMMARY,
    ),
    Check(
        "cross.expenditure_vs_summary", "error", ("expenditure", "summary"),
        "支出决算表合计及各类 = 收入支出决算总表本年支出合计及对应支出行",
        "expenditure total and class totals = summary expenditure total and lines",
        sql_cross.EXPENDITURE_VS_SUMMARY,
    ),
    Check(
        "cross.fiscal_vs_summary", "error", ("fiscal_summary", "summary"),
        "财政拨款收支总表本年收入合计 = 收支总表三项财政拨款收入",
        "fiscal_summary income total = the three fiscal income lines of summary",
        sql_cross.FISCAL_VS_SUMMARY,
    ),
    Check(
        "cross.gpb_vs_fiscal", "error", ("gpb_expenditure", "fiscal_summary"),
        "一般公共预算财政拨款支出表合计及各类 = 财政拨款收支总表一般公共预算列",
        "gpb_expenditure total and classes = the gpb column of fiscal_summary",
        sql_cross.GPB_VS_FISCAL,
    ),
    Check(
        "cross.basic_vs_gpb", "error", ("gpb_basic", "gpb_expenditure"),
        "基本支出决算明细表合计 = 一般公共预算财政拨款支出表合计基本支出",
        "gpb_basic total = gpb_expenditure total basic expenditure",
        sql_cross.BASIC_VS_GPB,
    ),
    Check(
        "cross.fund_vs_fiscal", "error", ("gov_fund", "fiscal_summary"),
        "政府性基金支出表合计及各类 = 财政拨款收支总表政府性基金列",
        "gov_fund total and classes = the gov_fund column of fiscal_summary",
        sql_cross.FUND_VS_FISCAL,
    ),
    Check(
        "cross.capital_vs_fiscal", "error", ("state_capital", "fiscal_summary"),
        "国有资本经营支出表合计及各类 = 财政拨款收支总表国有资本经营列",
        "state_capital total and classes = the state_capital column of fiscal_summary",
        sql_cross.CAPITAL_VS_FISCAL,
    ),
    Check(
        "cross.gpb_within_expenditure", "warning", ("gpb_expenditure", "expenditure"),
        "一般公共预算财政拨款支出表各科目 ≤ 支出决算表同一科目",
        "each gpb_expenditure code ≤ the same code in expenditure",
        sql_cross.GPB_WITHIN_EXPENDITURE, comparison="at_most",
    ),
    Check(
        "cross.three_public_vs_basic", "warning", ("three_public", "gpb_basic"),
        "三公经费决算数 = 基本支出明细表 30217、30231、31013、30212（可含以前年度资金）",
        "three_public actuals = gpb_basic 30217, 30231, 31013, 30212 (may include prior-year "
        "funds)",
        sql_cross.THREE_PUBLIC_VS_BASIC,
    ),
    # -- document level
    Check(
        "doc.readable", "error", (),
        "文件可以读取", "the file could be extracted",
        sql_document.READABLE, tolerance="exact",
    ),
    Check(
        "doc.pages_read", "warning", (),
        "PDF每页均可读取（非纯图片、字形有Unicode映射、内容流未损坏）",
        "every PDF page could be read: not image only, glyphs mapped to Unicode, content "
        "stream intact",
        sql_document.PAGES_READ, tolerance="exact",
    ),
    Check(
        "doc.file_name", "warning", (),
        "文件名所示部门、年度与文件内容一致",
        "the department and year a file name states agree with the document",
        sql_document.FILE_NAME, tolerance="exact",
    ),
    Check(
        "doc.identified", "error", (),
        "识别出部门、年度和金额单位", "department, fiscal year and money unit are found",
        sql_document.IDENTIFIED, tolerance="exact",
    ),
    Check(
        "doc.required_tables", "error", sql_document.REQUIRED_TABLES,
        "核心报表齐全（或注明为空）",
        "the core tables are present, or present and declared empty",
        sql_document.REQUIRED, tolerance="exact",
    ),
    Check(
        "doc.unit_list", "warning", (),
        "决算单位构成无重复且与所述数量一致",
        "member units have no duplicates and match the stated count",
        sql_document.UNIT_LIST, tolerance="exact",
    ),
    Check(
        "doc.subject_codes", "warning", (),
        "每个科目编码是当年有效的科目（或科目对照表所列），且所印名称与科目目录一致",
        "every code is a known subject of that year (or declared by the crosswalk) and its "
        "printed name matches the catalogue",
        sql_catalogue.SUBJECT_CODES, tolerance="exact",
    ),
    # -- the narrative (情况说明) against the tables and itself
    Check(
        "narrative.totals", "warning", ("narrative",),
        "说明所述收支总计、收入合计、支出合计、财政拨款收支总计、一般公共预算财政拨款支出、"
        "基本支出（人员经费、公用经费）、三公经费预算数和决算数等 = 报表",
        "stated totals (收支总计, 收入合计, 支出合计, 财政拨款收支总计, 一般公共预算财政拨款支出, "
        "基本支出, 人员经费, 公用经费, 三公 budget and actual, …) = the tables",
        sql_narrative.TOTALS,
    ),
    Check(
        "narrative.shares", "warning", ("narrative",),
        "说明所述占比（占…%）= 按报表计算的占比（保留两位小数，容差0.01个百分点）",
        "stated shares (占…%) = computed shares, rounded to 0.01, within 0.01 percentage point",
        sql_narrative.SHARES,
    ),
    Check(
        "narrative.items", "warning", ("narrative", "gpb_expenditure"),
        "说明逐项所列决算数 = 一般公共预算财政拨款支出决算表；"
        "完成年初预算的x% = 决算数 / 年初预算数",
        "each itemised 类/款/项 决算数 = gpb_expenditure; stated completion rate = 决算 / 年初预算",
        sql_narrative.ITEMS,
    ),
    Check(
        "narrative.office_operation", "warning", ("narrative", "office_operation"),
        "说明所述机关运行经费 = 机关运行经费支出决算表合计（部门公开该表时）",
        "the stated 机关运行经费 = the office_operation table's total, where the document "
        "prints the table",
        sql_narrative.OFFICE_OPERATION,
    ),
    Check(
        "narrative.empty_tables", "warning", ("gov_fund", "state_capital"),
        "空的政府性基金、国有资本经营预算表注明无数据，且说明所述一致",
        "an empty gov_fund / state_capital table carries its no-data statement, and the "
        "narrative says the same",
        sql_narrative.EMPTY_TABLES, tolerance="exact",
    ),
    Check(
        "narrative.yoy_rate", "warning", ("narrative",),
        "说明所述增长率 = 增减额 / (本年数 − 增减额)",
        "each stated growth rate = its stated change / (this year − change)",
        sql_narrative.YOY_RATE,
    ),
    Check(
        "narrative.yoy", "warning", ("narrative", "prior_year"),
        "说明所述与上年相比的增减额和增长率 = 本部门上年决算公开的数",
        "stated changes and growth rates against the prior year = the prior year's disclosure "
        "of the same department",
        sql_narrative.YOY,
    ),
    # -- across the years of one department ("prior_year": the same department's document of
    # the preceding year in the build database, latest version)
    Check(
        "year.carryover", "warning", ("summary", "prior_year"),
        "年初结转和结余（本年）= 年末结转和结余（上年）",
        "opening carry-over (year N) = closing carry-over (year N−1)",
        sql_narrative.CARRYOVER,
    ),
    Check(
        "year.stated_prior", "warning", ("narrative", "prior_year"),
        "说明所述上年数 = 本部门上年决算公开的数",
        "prior-year figures stated in year N's narrative = year N−1's figures",
        sql_narrative.STATED_PRIOR,
    ),
    # -- performance self-evaluation (部门整体 / 项目支出绩效自评情况表)
    Check(
        "perf.execution_rate", "warning", ("perf_department", "perf_project"),
        "绩效自评表：执行率 = 全年执行数 / 全年预算数",
        "self-evaluation: execution rate = executed / annual budget",
        sql_perf.EXECUTION_RATE,
    ),
    Check(
        "perf.execution_score", "warning", ("perf_department", "perf_project"),
        "绩效自评表：预算执行得分 = 分值 × min(执行率, 1)",
        "self-evaluation: budget execution score = weight × min(execution rate, 1)",
        sql_perf.EXECUTION_SCORE,
    ),
    Check(
        "perf.total_score", "warning", ("perf_department", "perf_project"),
        "绩效自评表：总分 = Σ 指标得分 + 预算执行得分",
        "self-evaluation: total score = Σ indicator scores + budget execution score",
        sql_perf.TOTAL_SCORE,
    ),
    # -- document level: where the department name and year are printed (raw.name_mentions)
    Check(
        "doc.consistency", "warning", (),
        "封面、表头和各部分标题所印部门名称与年度一致，无占位文字（XX、××、某某）",
        "the department name and year printed on the cover, table headers and headings agree; "
        "placeholder text (XX, ××, 某某) is flagged",
        sql_document.CONSISTENCY, tolerance="exact",
    ),
)

BY_ID: dict[str, Check] = {check.id: check for check in CHECKS}
if len(BY_ID) != len(CHECKS):
    raise ValueError("duplicate check id in the registry")
