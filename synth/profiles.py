"""Kinds of departments, their subject mixes and sizes, and the regions they belong to.

Weights are shares of the department's yearly spending; `basic` is the basic-expenditure share
of a subject (the rest is project spending); `nonfiscal` the share paid from the department's
own income (事业收入, 其他收入 …); `econ` the economic code a subject's basic spending books
to (pension contributions → 30108 and so on, as the Henan and Shanghai samples show).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    key: str  # stable identity across years (a code may change, 2100501 → 2101101 in 2019)
    codes: tuple[tuple[int, str], ...]  # (first year, 项 code) in ascending years
    weight: float
    basic: float
    fund: str = "gpb"  # gpb / gov_fund / state_capital
    nonfiscal: float = 0.0
    econ: str | None = None
    chance: float = 1.0  # probability that a department of the kind has this subject
    project: str | None = None  # project name for the performance self-evaluation

    def code(self, year: int) -> str:
        current = self.codes[0][1]
        for first, code in self.codes:
            if first <= year:
                current = code
        return current


@dataclass(frozen=True)
class Kind:
    key: str
    names: dict[str, str]  # template family -> name after the region
    admin: bool  # 行政单位 (else 事业单位)
    size: tuple[int, int]  # yearly spending range, 万元
    leaves: tuple[Leaf, ...]
    sources: dict[str, float]  # non-fiscal income by source
    members: tuple[str, ...]  # member units (after the region)
    duties: tuple[str, ...]
    purpose: str  # what the year's work was, for narrative reasons


def _leaf(key: str, code: str, weight: float, basic: float, fund: str = "gpb",
          nonfiscal: float = 0.0, econ: str | None = None, chance: float = 1.0,
          project: str | None = None) -> Leaf:
    """A subject whose code is the same in every year."""
    return Leaf(key, ((0, code),), weight, basic, fund, nonfiscal, econ, chance, project)


def _personnel(admin: bool) -> tuple[Leaf, ...]:
    """Pension, medical insurance and housing subjects every department has."""
    retire = "2080501" if admin else "2080502"
    medical = ((0, "2100501"), (2019, "2101101")) if admin else ((0, "2100502"), (2019, "2101102"))
    leaves = [
        _leaf("retire", retire, 0.03, 1.0, econ="30302"),
        _leaf("pension", "2080505", 0.045, 1.0, econ="30108"),
        _leaf("annuity", "2080506", 0.02, 1.0, econ="30109", chance=0.8),
        _leaf("pension_other", "2080599", 0.002, 1.0, econ="30399", chance=0.3),
        Leaf("medical", medical, 0.025, 1.0, econ="30110"),
        _leaf("housing_fund", "2210201", 0.045, 1.0, econ="30113"),
        _leaf("housing_subsidy", "2210203", 0.02, 1.0, chance=0.5),
    ]
    if admin:
        leaves.append(Leaf("civil_medical", ((0, "2100503"), (2019, "2101103")), 0.012, 1.0,
                           econ="30111", chance=0.8))
        leaves.append(Leaf("inst_medical", ((0, "2100502"), (2019, "2101102")), 0.006, 1.0,
                           econ="30110", chance=0.6))
    return tuple(leaves)


KINDS: tuple[Kind, ...] = (
    Kind(
        "finance", {"henan": "财政局", "shanghai": "财政局"}, True, (2000, 8000),
        (
            _leaf("fin_admin", "2010601", 0.45, 0.97),
            _leaf("fin_general", "2010602", 0.03, 0.3, project="财政业务指导与宣传经费"),
            _leaf("fin_it", "2010607", 0.05, 0.0, project="财政信息化系统运行维护"),
            _leaf("fin_agency", "2010608", 0.12, 0.0, project="预算绩效评价及审计委托业务费"),
            _leaf("fin_inst", "2010650", 0.08, 0.95, chance=0.7),
            _leaf("fin_other", "2010699", 0.03, 0.0, chance=0.5, project="财政投资评审经费"),
            _leaf("soe_retirees", "2230105", 0.04, 0.0, fund="state_capital", chance=0.5,
                  project="国有企业退休人员社会化管理补助"),
            *_personnel(True),
        ),
        {"other_income": 1.0},
        ("财政投资评审中心", "国库集中支付中心", "会计核算服务中心", "政府采购中心"),
        (
            "贯彻执行国家财税方针政策，拟订本级财政发展规划和改革方案并组织实施。",
            "承担本级各项财政收支管理的责任，负责编制年度预决算草案并组织执行。",
            "负责政府非税收入管理和国有资产管理，推进预算绩效管理改革。",
            "负责本级国库管理、政府采购监督管理和会计管理工作。",
        ),
        "财政预算管理和绩效评价",
    ),
    Kind(
        "hrss", {"henan": "人力资源和社会保障局", "shanghai": "人力资源和社会保障局"}, True,
        (5000, 20000),
        (
            _leaf("hr_admin", "2080101", 0.30, 0.98),
            _leaf("hr_general", "2080102", 0.04, 0.1, project="职称评审及技能考核工作经费"),
            _leaf("hr_employment", "2080106", 0.006, 0.5),
            _leaf("hr_it", "2080108", 0.013, 0.0, project="人社信息化建设"),
            _leaf("hr_insurance", "2080109", 0.023, 0.9),
            _leaf("hr_public", "2080111", 0.06, 0.8, nonfiscal=0.004),
            _leaf("hr_arbitration", "2080112", 0.008, 0.9),
            _leaf("hr_talent", "2080116", 0.07, 0.0, project="高层次人才政府奖补资金"),
            _leaf("hr_inst", "2080150", 0.006, 1.0),
            _leaf("hr_other", "2080199", 0.04, 0.1),
            _leaf("hr_jobs", "2080799", 0.11, 0.0, project="就业补助资金"),
            _leaf("hr_death", "2080801", 0.008, 1.0, econ="30304", chance=0.7),
            _leaf("hr_vocational", "2050302", 0.008, 0.0, chance=0.6, project="技工院校助学金"),
            _leaf("hr_union", "2012906", 0.003, 1.0, econ="30228"),
            _leaf("hr_loans", "2130804", 0.011, 0.0, project="创业担保贷款贴息及奖补"),
            _leaf("hr_social_other", "2089999", 0.06, 0.0, chance=0.7,
                  project="企业离休干部生活补贴"),
            *_personnel(True),
        ),
        {"other_income": 1.0},
        ("社会保险中心", "劳动人事争议仲裁院", "劳动保障监察支队", "就业创业服务中心",
         "人才交流服务中心", "职业技能鉴定中心"),
        (
            "贯彻执行人力资源和社会保障法律法规和政策，拟订本地区人力资源和社会保障事业发展规划。",
            "负责促进就业工作，完善公共就业创业服务体系，统筹职业技能培训制度。",
            "统筹推进覆盖城乡的多层次社会保障体系，组织实施养老、失业、工伤等社会保险政策。",
            "负责劳动人事争议调解仲裁和劳动保障监察，构建和谐劳动关系。",
        ),
        "稳就业、社会保障和人才工作",
    ),
    Kind(
        "school", {"henan": "第一高级中学", "shanghai": "第一中学"}, False, (800, 12000),
        (
            _leaf("school_main", "2050204", 0.78, 0.8, nonfiscal=0.2, project="教育教学设施改善"),
            _leaf("school_other", "2050299", 0.03, 0.0, project="学生资助及校园安全经费"),
            _leaf("school_training", "2050803", 0.01, 0.0, chance=0.6, project="教师培训经费"),
            *_personnel(False),
        ),
        {"business_income": 0.75, "other_income": 0.25},
        (),
        (
            "实施高中阶段学历教育，促进基础教育发展。",
            "开展教育教学、德育和学生综合素质培养工作。",
            "承担教师队伍建设、校园安全和后勤保障工作。",
        ),
        "教育教学和校园建设",
    ),
    Kind(
        "hospital", {"henan": "中心医院", "shanghai": "中心医院"}, False, (20000, 80000),
        (
            _leaf("hospital_main", "2100201", 0.88, 0.72, nonfiscal=0.85,
                  project="医疗设备购置及学科建设"),
            _leaf("hospital_other", "2100299", 0.03, 0.0, project="公立医院综合改革补助"),
            *_personnel(False),
        ),
        {"business_income": 0.9, "superior_subsidy": 0.03, "other_income": 0.07},
        (),
        (
            "承担辖区医疗救治、急诊急救和疑难重症诊疗任务。",
            "开展临床教学、医学科研和基层医疗机构业务指导。",
            "承担突发公共卫生事件医疗救治和公共卫生服务任务。",
        ),
        "医疗服务和学科建设",
    ),
    Kind(
        "planning", {"henan": "自然资源和规划局", "shanghai": "规划和自然资源局"}, True,
        (5000, 30000),
        (
            _leaf("plan_admin", "2200101", 0.25, 0.97),
            _leaf("plan_general", "2200102", 0.04, 0.2, project="自然资源调查监测经费"),
            _leaf("plan_mgmt", "2200104", 0.08, 0.0, project="国土空间规划编制"),
            _leaf("plan_inst", "2200150", 0.10, 0.95),
            _leaf("plan_urban", "2120201", 0.05, 0.0, project="城市更新规划研究"),
            _leaf("land_compensation", "2120801", 0.20, 0.0, fund="gov_fund",
                  project="征地拆迁补偿"),
            _leaf("land_development", "2120802", 0.08, 0.0, fund="gov_fund"),
            _leaf("land_other", "2120899", 0.03, 0.0, fund="gov_fund", chance=0.6),
            *_personnel(True),
        ),
        {"other_income": 1.0},
        ("不动产登记中心", "土地储备中心", "测绘院", "规划编制研究中心"),
        (
            "履行全民所有土地、矿产等自然资源资产所有者职责和国土空间用途管制职责。",
            "负责国土空间规划的编制和实施监督，负责城乡规划管理。",
            "负责不动产统一登记、土地储备和测绘地理信息管理工作。",
        ),
        "国土空间规划和自然资源管理",
    ),
    Kind(
        "culture", {"henan": "文化广电和旅游局", "shanghai": "文化和旅游局"}, True, (500, 6000),
        (
            _leaf("cult_admin", "2070101", 0.25, 0.97),
            _leaf("cult_general", "2070102", 0.04, 0.2),
            _leaf("library", "2070104", 0.10, 0.9, nonfiscal=0.01),
            _leaf("cult_events", "2070108", 0.06, 0.0, project="群众文化活动经费"),
            _leaf("cult_mass", "2070109", 0.12, 0.85),
            _leaf("cult_market", "2070112", 0.02, 0.0, chance=0.7),
            _leaf("heritage", "2070204", 0.05, 0.0, project="文物保护修缮"),
            _leaf("museum", "2070205", 0.08, 0.9, nonfiscal=0.02),
            _leaf("cult_other", "2070199", 0.03, 0.0, project="公共文化服务体系建设"),
            _leaf("film_fund", "2070701", 0.01, 0.0, fund="gov_fund", chance=0.5),
            _leaf("sports_lottery", "2296003", 0.03, 0.0, fund="gov_fund", chance=0.6,
                  project="全民健身设施建设"),
            *_personnel(True),
        ),
        {"other_income": 0.5, "business_income": 0.5},
        ("图书馆", "文化馆", "博物馆", "文物保护中心"),
        (
            "贯彻落实文化和旅游工作方针政策，拟订文化和旅游发展规划并组织实施。",
            "负责公共文化服务体系建设，指导群众文化活动和图书馆、文化馆工作。",
            "负责文物保护和博物馆管理，推进文化和旅游融合发展。",
        ),
        "公共文化服务和文物保护",
    ),
    Kind(
        "civil", {"henan": "民政局", "shanghai": "民政局"}, True, (8000, 25000),
        (
            _leaf("civ_admin", "2080201", 0.15, 0.97),
            _leaf("civ_general", "2080202", 0.03, 0.2),
            _leaf("civ_community", "2080208", 0.05, 0.0, project="社区治理能力提升"),
            _leaf("child_welfare", "2081001", 0.03, 0.3),
            _leaf("elderly", "2081002", 0.12, 0.2, project="养老服务补贴"),
            _leaf("funeral", "2081004", 0.04, 0.5, nonfiscal=0.05),
            _leaf("min_living", "2081901", 0.30, 0.0, project="城市最低生活保障金"),
            _leaf("welfare_lottery", "2296002", 0.05, 0.0, fund="gov_fund",
                  project="福利彩票公益金项目"),
            *_personnel(True),
        ),
        {"other_income": 0.6, "business_income": 0.4},
        ("社会福利院", "殡仪馆", "救助管理站", "婚姻登记中心"),
        (
            "贯彻执行民政工作法律法规和政策，拟订本地区民政事业发展规划。",
            "负责社会救助、最低生活保障和养老服务体系建设。",
            "负责基层政权建设和社区治理、殡葬管理和儿童福利工作。",
        ),
        "社会救助和养老服务",
    ),
)


# The regions of the two real samples (许昌市 HR bureau, 上海市普陀区 finance bureau) are left
# out so that a synthetic department never shares a name with a real one.
@dataclass(frozen=True)
class Region:
    name: str
    slug: str
    family: str  # henan / shanghai


REGIONS: tuple[Region, ...] = (
    *(Region(n, s, "henan") for n, s in (
        ("商丘市", "shangqiu"), ("郑州市", "zhengzhou"), ("洛阳市", "luoyang"),
        ("开封市", "kaifeng"), ("新乡市", "xinxiang"), ("南阳市", "nanyang"),
        ("安阳市", "anyang"), ("平顶山市", "pingdingshan"), ("周口市", "zhoukou"),
        ("信阳市", "xinyang"),
    )),
    *(Region(n, s, "shanghai") for n, s in (
        ("上海市黄浦区", "huangpu"), ("上海市静安区", "jingan"), ("上海市徐汇区", "xuhui"),
        ("上海市长宁区", "changning"), ("上海市杨浦区", "yangpu"), ("上海市闵行区", "minhang"),
        ("上海市宝山区", "baoshan"), ("上海市嘉定区", "jiading"), ("上海市虹口区", "hongkou"),
        ("上海市浦东新区", "pudong"),
    )),
)
