"""The vocabulary of stated narrative figures: which label before a figure means which key.

A figure's key is decided by the words printed right before it (its label, matched at the
end of the clause) and by the kind of section it is under (`section_kind` of the heading):
`基本支出` is the 支出决算表's basic column in the 支出决算情况说明 but the 一般公共预算 basic
spending in the 基本支出 section. Labels are matched on `catalogue.normalise`d text
(whitespace and quotes removed, brackets half-width).

Keys (the measure says what the figure is of the key: amount, share, change, …):

- grand_total, fiscal_grand_total: 收、支总计 / 收入支出总计; 财政拨款收、支总计
- income_total, expenditure_total: (本年)收入合计, (本年)支出合计
- income.<source>: 财政拨款收入 (fiscal_appropriation), 上级补助收入, 事业收入, 经营收入, …
- expenditure.<part>: 基本支出, 项目支出, 上缴上级支出, 经营支出, 对附属单位补助支出
- gpb_expenditure, gpb_initial: 一般公共预算财政拨款支出 (决算) and its 年初预算
- gpb_class: <class name>（类）, with its subject_code
- item.initial, item.actual: an itemised 类/款/项's 年初预算(数) and (支出)决算(数)
- basic, personnel, public: 一般公共预算财政拨款基本支出, 人员经费, 公用经费
- gov_fund.income / .expenditure, state_capital.income / .expenditure: the fund sections
- three_public.<category>.budget / .actual: total, abroad, vehicle_total, vehicle_purchase,
  vehicle_operation, reception, reception_foreign, reception_domestic
- three_public.<category>.groups / .persons, three_public.vehicles_purchased / _held: counts
- office_expenses: 机关运行经费
- procurement.<part>: total, goods, works, services, sme, small_micro
- assets.vehicles, assets.equipment: 共有车辆 x 辆, 单价100万元以上设备 x 台（套）
- gov_fund, state_capital (measure `empty`): the narrative says the fund has no data
"""

from __future__ import annotations

import re

from extractors.catalogue import normalise

# Heading words -> section kind; the first match wins (more specific first).
_SECTION_KINDS = (
    ("基本支出", "basic"),
    ("三公", "three_public"),
    ("政府性基金", "gov_fund"),
    ("国有资本经营", "state_capital"),
    ("机关运行经费", "office"),
    ("政府采购", "procurement"),
    ("国有资产|资产占用|资产占有", "assets"),
    ("绩效", "performance"),
    ("一般公共预算财政拨款支出", "gpb"),
    ("财政拨款收入支出决算总体|财政拨款收支决算总体", "fiscal"),
    ("收入支出决算总体|收支决算总体", "overall"),
    ("收入决算", "income"),
    ("支出决算", "expenditure"),
)

_CONNECTOR = r"(?:各|均|共)?(?:为|是|达到|达|计)?$"
_INCOME = ("income", "overall")
# (key, label pattern, section kinds it applies in; None: any section). First match wins.
_AMOUNTS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("fiscal_grand_total", r"财政拨款收入?、?支出?总计", None),
    ("grand_total", r"收入?、?支出?总计", None),
    ("income_total", r"收入合计", None),
    ("expenditure_total", r"支出合计", None),
    ("basic", r"一般公共预算财政拨款基本支出", None),
    ("gpb_expenditure", r"一般公共预算财政拨款支出(?:决算数?)?", None),
    ("income.fiscal_appropriation", r"财政拨款收入", _INCOME),
    ("income.superior_subsidy", r"上级补助收入", _INCOME),
    ("income.business_income", r"事业收入", _INCOME),
    ("income.operating_income", r"经营收入", _INCOME),
    ("income.affiliated_remittance", r"附属单位上缴收入", _INCOME),
    ("income.other_income", r"其他收入", _INCOME),
    ("expenditure.affiliated_subsidy", r"对附属单位补助支出", ("expenditure",)),
    ("expenditure.remit_to_superior", r"上缴上级支出", ("expenditure",)),
    ("expenditure.basic", r"基本支出", ("expenditure",)),
    ("expenditure.project", r"项目支出", ("expenditure",)),
    ("expenditure.operating", r"经营支出", ("expenditure",)),
    ("basic", r"基本支出", ("basic",)),
    ("personnel", r"人员经费", ("basic",)),
    ("public", r"公用经费", ("basic",)),
    ("gpb_initial", r"年初预算数?", ("gpb",)),
    ("gpb_expenditure", r"(?:支出)?决算数?", ("gpb",)),
    ("gov_fund.income", r"收入", ("gov_fund",)),
    ("gov_fund.expenditure", r"支出", ("gov_fund",)),
    ("state_capital.income", r"收入", ("state_capital",)),
    ("state_capital.expenditure", r"支出", ("state_capital",)),
    ("office_expenses", r"机关运行经费(?:支出)?", None),
    ("procurement.total", r"政府采购(?:支出)?总额|政府采购金额(?:\(以合同签订为准\))?", None),
    ("procurement.goods", r"政府采购货物支出|货物采购金额", None),
    ("procurement.works", r"政府采购工程支出|工程采购金额", None),
    ("procurement.services", r"政府采购服务支出|服务采购金额", None),
    ("procurement.sme", r"授予中小企业合同金额", None),
    ("procurement.small_micro", r"授予小微企业合同金额", None),
)
_AMOUNT_PATTERNS = tuple(
    (key, re.compile(f"(?:{label}){_CONNECTOR}"), kinds) for key, label, kinds in _AMOUNTS
)

# 三公 categories named in a clause; the first match wins.
_THREE_PUBLIC = (
    ("abroad", re.compile(r"因公出国\(境\)")),
    ("vehicle_total", re.compile(r"公务用车购置及运行")),
    ("vehicle_purchase", re.compile(r"公务用车购置|购置公务用车")),
    ("vehicle_operation", re.compile(r"公务用车运行")),
    ("reception_foreign", re.compile(r"外宾接待|国\(境\)外来访")),
    ("reception_domestic", re.compile(r"国内公务接待")),
    ("reception", re.compile(r"公务接待")),
    ("total", re.compile(r"三公")),
)
_BUDGET_WORDS = re.compile(r"预算")
_ACTUAL_WORDS = re.compile(r"决算|实际")

_COUNTS = (
    ("three_public.vehicles_purchased", re.compile(r"购置(?:公务用)?车辆$")),
    ("three_public.vehicles_held", re.compile(r"保有量为?$")),
    ("assets.vehicles", re.compile(r"(?:共有|实有)车辆$|车辆总数为?$")),
    ("assets.equipment", re.compile(r"设备\(不含车辆\)$")),
)
_VISITORS = re.compile(r"团组$|批次?$|人次$")

# Default whole of a share (占x%) stated without naming it, by section kind.
_SHARE_BASE = {
    "income": "income_total",
    "expenditure": "expenditure_total",
    "gpb": "gpb_expenditure",
    "three_public": "three_public.total.actual",
    "procurement": "procurement.total",
}


def section_kind(heading: str) -> str | None:
    norm = normalise(heading)
    for pattern, kind in _SECTION_KINDS:
        if re.search(pattern, norm):
            return kind
    return None


def amount_key(label: str, kind: str | None) -> str | None:
    """The key of an amount whose printed label (the clause before it) ends with `label`."""
    norm = normalise(label)
    for key, pattern, kinds in _AMOUNT_PATTERNS:
        if (kinds is None or kind in kinds) and pattern.search(norm):
            return key
    return None


def three_public_category(clause: str) -> str | None:
    norm = normalise(clause)
    for category, pattern in _THREE_PUBLIC:
        if pattern.search(norm):
            return category
    return None


def three_public_kind(clause: str) -> str | None:
    """budget / actual as the clause names it (决算 wins over 预算: 支出决算 is the actual)."""
    norm = normalise(clause)
    if _ACTUAL_WORDS.search(norm):
        return "actual"
    return "budget" if _BUDGET_WORDS.search(norm) else None


def count_key(label: str, unit: str, kind: str | None, sentence: str) -> str | None:
    """The key of a count (辆, 台（套）, 个, 批次, 人次) printed after `label`."""
    norm = normalise(label)
    for key, pattern in _COUNTS:
        if key.startswith(kind or "-") and pattern.search(norm):
            return key
    if kind != "three_public" or not (_VISITORS.search(norm) or unit in ("人次", "批次")):
        return None
    whole = normalise(sentence)
    who = "abroad" if "出国" in whole else "reception_foreign" if re.search(
        r"外宾|国\(境\)外", whole) else "reception"
    return f"three_public.{who}.{'persons' if unit == '人次' else 'groups'}"


def share_base(base_label: str, kind: str | None) -> str | None:
    """The whole of 占<base_label>的x%: named, or the section's default whole."""
    if base_label:
        return amount_key(base_label, kind) or amount_key(base_label, None)
    return _SHARE_BASE.get(kind or "")


def completion_base(key: str) -> str | None:
    """The budget figure a 完成预算的x% of `key` is measured against."""
    if key == "gpb_expenditure":
        return "gpb_initial"
    if key == "item.actual":
        return "item.initial"
    if key.startswith("three_public.") and key.endswith(".actual"):
        return key.removesuffix(".actual") + ".budget"
    return None
