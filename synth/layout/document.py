"""The whole document as sections: cover, 部门概况, the nine tables, 情况说明, evaluations,
名词解释 — in the order and wording of the Henan 2023 or Shanghai 2024 template."""

from __future__ import annotations

from synth.catalogue import economic_columns
from synth.draft import Draft
from synth.layout import perf as perf_grids
from synth.layout import tables as grids
from synth.layout.blocks import Block, Grid, Para, Section
from synth.printed import cn_number
from synth.truth import Table

LANDSCAPE = {"income", "expenditure", "fiscal_summary", "gov_fund", "state_capital",
             "three_public", "procurement"}
REPEAT = {"shanghai": {"income", "expenditure", "gpb_expenditure", "gpb_basic"},
          "henan": {"income", "expenditure"}}
NOTES = {
    "summary": "本表反映部门本年度的总收支和年末结转结余情况。",
    "income": "本表反映部门本年度取得的各项收入情况。",
    "expenditure": "本表反映部门本年度各项支出情况。",
    "fiscal_summary": "本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和"
                      "国有资本经营预算财政拨款的总收支和年末结转结余情况。",
    "gpb_expenditure": "本表反映部门本年度一般公共预算财政拨款支出情况。",
    "gpb_basic": "本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    "gov_fund": "本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
    "state_capital": "本表反映部门本年度国有资本经营预算财政拨款支出情况。",
    "three_public": "本表反映部门本年度财政拨款“三公”经费支出预决算情况。其中，预算数为“三公”经费"
                    "全年预算数，反映按规定程序调整后的预算数；决算数是包括当年财政拨款和以前年度结转资金"
                    "安排的实际支出。",
    "office_operation": "本表反映部门本年度机关运行经费支出情况，与一般公共预算财政拨款基本支出"
                        "中的公用经费口径一致。",
    "procurement": "本表反映部门本年度政府采购预算（采购计划）及合同签订情况。",
    "gpb_project": "本表反映部门本年度一般公共预算财政拨款项目支出情况。",
}
TERMS = (
    "财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
    "事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
    "其他收入：指单位取得的除上述收入以外的各项收入。",
    "年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "年末结转和结余：指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，"
    "需延迟到以后年度按有关规定继续使用的资金。",
    "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
    "机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的"
    "各项资金。",
)


def _grid(table: Table, family: str) -> Grid:
    if table.key == "summary":
        return grids.summary(table, family)
    if table.key == "fiscal_summary":
        return grids.fiscal_summary(table, family)
    if table.key == "gpb_basic":
        return grids.gpb_basic(table, family, economic_columns(family))
    if table.key == "three_public":
        return grids.three_public(table, family)
    if table.key in ("gov_fund", "state_capital"):
        return grids.fund(table, family)
    if table.key == "gpb_expenditure":
        return grids.gpb_expenditure(table, family)
    if table.key == "office_operation":
        return grids.office_operation(table, family)
    if table.key == "procurement":
        return grids.procurement(table, family)
    if table.key == "gpb_project":
        return grids.gpb_project(table, family)
    return grids.code_grid(table, family, list(
        grids.INCOME_HEAD if table.key == "income" else grids.EXPENDITURE_HEAD))


class Layout:
    def __init__(self, draft: Draft):
        self.d = draft
        self.year = draft.context["year"]
        self.name = draft.context["department"]
        self.henan = draft.family == "henan"
        self.unit = draft.unit

    def sections(self) -> list[Section]:
        out = [self.cover()]
        if not self.henan:
            out.append(self.contents())
        out.append(self.overview())
        out += self.tables()
        out.append(self.narrative())
        perf = self.performance()
        if self.henan:
            out += perf
            out.append(self.terms())
        else:
            out.append(self.terms())
            out += perf
        return out

    def cover(self) -> Section:
        return Section("封面", [Para(self.d.headers["cover"], "cover"),
                               Para(f"{self.year}年度部门决算", "cover")])

    def contents(self) -> Section:
        name = self.d.headers["tables"]
        blocks: list[Block] = [Para("目  录", "title"), Para(f"第一部分 {name}概况", "h2"),
                               Para("一、主要职能", "item"), Para("二、部门决算单位构成", "item"),
                               Para(f"第二部分 {name}{self.year}年度部门决算表", "h2")]
        blocks += [Para(f"{cn_number(i)}、{t.title}", "item") for i, t in enumerate(
            self.d.tables, 1)]
        blocks += [Para(f"第三部分 {name}{self.year}年度部门决算情况说明", "h2"),
                   Para("第四部分 名词解释", "h2")]
        return Section("目录", blocks)

    def overview(self) -> Section:
        name = self.d.headers["overview"]
        members, count = self.d.members, self.d.stated_count
        duties = self.d.context.get("duties", ())
        blocks: list[Block] = []
        if self.henan:
            blocks += [Para(" 第一部分 ", "part"), Para(f"{name}概况", "title"),
                       Para("一、部门职责", "h2")]
            blocks += [Para(f"（{cn_number(i)}）{t}", "item") for i, t in enumerate(duties, 1)]
            blocks += [Para("二、机构设置", "h2")]
            if count > 1:
                blocks.append(Para(f"从决算单位构成看，{self.name}部门决算包括：本级决算（1个）、"
                                   f"所属单位决算（{count - 1}个）。"))
                blocks.append(Para(f"本决算为汇总决算，纳入本部门{self.year}年度部门决算编制范围的单位"
                                   f"共{count}个，二级预算单位有:"))
            else:
                blocks.append(Para(f"本决算为单位决算，纳入本部门{self.year}年度部门决算编制范围的单位"
                                   f"共{count}个："))
            blocks += [Para(f"{i}.{m}", "item") for i, m in enumerate(members, 1)]
            return Section("部门概况", blocks)
        blocks += [Para(f"第一部分 {name}概况", "part"), Para("一、主要职能", "h2")]
        blocks += [Para(f"（{cn_number(i)}）{t}", "item") for i, t in enumerate(duties, 1)]
        blocks += [Para("二、部门决算单位构成", "h2"),
                   Para(f"从预算单位构成看，{self.name}部门决算包括：{self.name}本级决算"
                        f"{'、下属行政事业单位决算' if count > 1 else ''}。"
                        f"纳入{self.name}{self.year}年度部门决算编制范围的单位共{count}个，包括：")]
        rows = [["序号", "单位名称", "备注"]] + [
            [str(i), m, "" if i == 1 else "预算单列"] for i, m in enumerate(members, 1)]
        blocks.append(Grid([list(r) for r in rows], [1.5, 9.0, 4.0], header_rows=1,
                           numeric_from=99))
        return Section("部门概况", blocks)

    def tables(self) -> list[Section]:
        out = []
        for i, table in enumerate(self.d.tables):
            blocks: list[Block] = []
            if i == 0:
                if self.henan:
                    blocks += [Para("第二部分 ", "part"),
                               Para(f"{self.year}年度部门决算表", "title")]
                else:
                    name = self.d.headers["tables"]
                    blocks.append(Para(f"第二部分 {name}{self.year}年度部门决算表", "part"))
            blocks += self.table(table)
            out.append(Section(table.number, blocks, table.key in LANDSCAPE or (
                self.henan and table.key == "gpb_basic")))
        return out

    def table(self, table: Table) -> list[Block]:
        unit = f"金额单位：{self.unit}" if self.d.unit_printed else ""
        grid = _grid(table, self.d.family)
        grid.repeat_header = table.key in REPEAT[self.d.family]
        grid.rules = self.d.rules
        blocks: list[Block] = [Para(table.title, "title")]
        if self.henan:
            place = self.d.headers.get(f"table:{table.key}", self.name)
            blocks.append(Grid([[table.number, "", ""],
                                [f"部门：{place}", f"{self.year}年度", unit]],
                               [9.0, 5.0, 6.0], rules="none", numeric_from=99))
            blocks.append(Para(" ", "blank"))
        else:
            blocks.append(Para(unit.replace("金额单位", "单位"), "unit"))
        blocks.append(grid)
        tail = "" if self.unit == "元" else "本表金额转换为万元时，因四舍五入可能存在尾差。"
        blocks.append(Para(f"注：{NOTES[table.key]}{tail}", "note"))
        if table.declared_empty and table.empty_statement:
            blocks.append(Para(table.empty_statement, "note"))
        return blocks

    def narrative(self) -> Section:
        if self.henan:
            head: list[Block] = [Para("第三部分 ", "part"),
                                 Para(f"{self.year}年度部门决算情况说明", "title")]
        else:
            head = [Para(f"第三部分 {self.d.headers['narrative']}{self.year}年度部门决算情况说明",
                         "part")]
        body: list[Block] = [Para(text, style) for style, text in self.d.narrative.text()]
        return Section("情况说明", head + body)

    def performance(self) -> list[Section]:
        out = []
        name = self.d.headers["perf"]
        for i, item in enumerate(self.d.perf):
            if item.table.key == "perf_department":
                grid = perf_grids.department(item, name, self.unit)
            else:
                grid = perf_grids.project(item, name, self.unit)
            blocks: list[Block] = [Para(item.table.title, "title"), grid]
            if i == 0 and not self.henan:
                blocks.insert(0, Para("附件：绩效自评情况表", "part"))
            out.append(Section(f"绩效自评{i + 1}" if i else "部门整体绩效自评", blocks))
        return out

    def terms(self) -> Section:
        head: list[Block] = ([Para("第四部分 ", "part"), Para("名词解释", "title")] if self.henan
                             else [Para("第四部分 名词解释", "part")])
        return Section("名词解释", head + [Para(f"{cn_number(i)}、{t}") for i, t in enumerate(
            TERMS, 1)])


def sections(draft: Draft) -> list[Section]:
    return Layout(draft).sections()
