"""Demo target forms for 广东省科学技术厅's 2024 budget (loaded by ``orgs.demo``).

Realistic, and labelled as made up where they are: the department's 2024 form reuses the
2023 targets of the bundled example with a few values changed so the engine's review has
something to say (偏低 against 2023's 50 listed firms, 与资金不一致 with a smaller budget, 偏高
against the 20 clusters the report counts at the end of 2022); the projects are invented
(“（演示）”). Every state is reached through the same services as in the browser, so the
audit trail, versions and inbox tasks are real. Loading twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from jixiao.dataset.build import RawCell
from jixiao_web.orgs.access import Access
from jixiao_web.orgs.models import Department, Division, Unit
from jixiao_web.targets import services
from jixiao_web.targets.models import TargetForm

YEAR = 2024
D = Decimal


def _cells(values: dict[str, Any], place: str) -> dict[str, RawCell]:
    return {k: RawCell(v, f"{place}.{k}") for k, v in values.items()}


def _rows(rows: list[dict[str, Any]], place: str) -> list[tuple[str, dict[str, RawCell]]]:
    return [(f"{place}:{i}", _cells(r, f"{place}:{i}")) for i, r in enumerate(rows)]


def _ind(
    l1: str, l2: str, name: str, sign: str, target: Any, unit: str, **more: Any
) -> dict[str, Any]:
    return {
        "year": YEAR,
        "level1": l1,
        "level2": l2,
        "name": name,
        "sign": sign,
        "target": target,
        "unit": unit,
        **more,
    }


DEPARTMENT: dict[str, Any] = {
    "header": {
        "functions": "贯彻落实国家和省关于科技创新的方针政策，拟订全省科技发展规划和政策；统筹推进区域创新体系建设，组织实施重大科技项目；负责基础研究、实验室体系和新型研发机构建设；推动科技成果转化和科技金融；负责科技人才队伍建设和国际及粤港澳科技合作。",
        "income_fiscal": "150000.00",
        "income_other": "1200.00",
        "spend_basic": "39000.00",
        "spend_project": "111000.00",
        "goal": "强化基础研究和关键核心技术攻关，完善实验室体系和新型研发机构布局，推动科技成果转化和高新技术企业发展，深化国际和粤港澳科技合作。",
    },
    "tasks": [
        {
            "year": YEAR,
            "name": "强化基础研究",
            "content": "实施基础与应用基础研究十年“卓粤”计划，支持省基础与应用基础研究基金。",
            "amount": "42000.00",
        },
        {
            "year": YEAR,
            "name": "关键核心技术攻关",
            "content": "组织实施重点领域研发计划，突破一批关键核心技术。",
            "amount": "38000.00",
        },
        {
            "year": YEAR,
            "name": "科技成果转化与科技合作",
            "content": "推进科技企业上市培育，支持国际和粤港澳科技合作项目。",
            "amount": "31000.00",
        },
    ],
    "indicators": [
        _ind("产出指标", "数量指标", "核心技术突破数", "≥", "110", "项", basis="计划标准"),
        _ind(
            "产出指标",
            "数量指标",
            "建设新型研发机构（高水平创新研究院）数",
            "≥",
            "240",
            "家",
            prior_actual="277",
            basis="历史标准",
        ),
        _ind(
            "产出指标",
            "数量指标",
            "支持国际和粤港澳科技合作项目数",
            "≥",
            "60",
            "项",
            basis="计划标准",
        ),
        _ind("效益指标", "经济效益指标", "新增上市科技型企业数", "≥", "45", "家", basis="历史标准"),
        _ind(
            "效益指标",
            "经济效益指标",
            "国家级创新型产业集群数",
            "≥",
            "40",
            "个",
            prior_actual="20",
            basis="历史标准",
        ),
        _ind(
            "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%", basis="行业标准"
        ),
    ],
}

PROJECTS: list[dict[str, Any]] = [
    {
        "code": "2024-JC-001",
        "name": "省基础与应用基础研究专项（演示）",
        "unit": 0,
        "division": "基础研究处",
        "header": {
            "attribute": "延续项目",
            "category": "常年性项目",
            "start_year": YEAR,
            "end_year": YEAR,
            "fund_source": "财政拨款",
            "budget": "12000.00",
            "goal": "资助自然科学基金项目约 1200 项，形成一批原创性基础研究成果，培养青年科研骨干。",
        },
        "tasks": [
            {
                "year": YEAR,
                "name": "基金项目资助",
                "content": "面上、青年、杰青等项目评审与资助",
                "amount": "12000.00",
            }
        ],
        "indicators": [
            _ind(
                "产出指标",
                "数量指标",
                "开展研究项目数量",
                "≥",
                "1200",
                "项",
                prior_actual="1150",
                basis="计划标准",
            ),
            _ind("产出指标", "时效指标", "资金按时发放率", "≥", "100", "%", basis="计划标准"),
            _ind(
                "效益指标",
                "社会效益指标",
                "培养青年科研骨干人数",
                "≥",
                "300",
                "人",
                basis="计划标准",
            ),
            _ind(
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "≥",
                "85",
                "%",
                basis="行业标准",
            ),
        ],
        "steps": [],
    },
    {
        "code": "2024-PT-002",
        "name": "科技创新平台运行补助（演示）",
        "unit": 0,
        "division": "基础研究处",
        "header": {
            "attribute": "延续项目",
            "category": "延续性项目",
            "start_year": YEAR,
            "end_year": YEAR,
            "fund_source": "财政拨款",
            "budget": "3500.00",
            "goal": "保障省级科技创新平台稳定运行，完成年度考核评估。",
        },
        "tasks": [
            {
                "year": YEAR,
                "name": "平台运行补助",
                "content": "按考核结果分档补助",
                "amount": "3500.00",
            }
        ],
        "indicators": [
            _ind("产出指标", "数量指标", "计划任务完成率", "≥", "100", "%", basis="计划标准"),
            _ind("产出指标", "质量指标", "验收合格率", "≥", "95", "%", basis="行业标准"),
            _ind(
                "效益指标",
                "可持续影响指标",
                "长效管理机制健全性",
                "定性",
                "",
                "",
                target_desc="建立平台年度考核与退出机制",
                basis="其他标准",
            ),
            _ind(
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "≥",
                "90",
                "%",
                basis="行业标准",
            ),
        ],
        # awaiting 财政: the bureau logins find it on their 待审核 list and in their inbox
        "steps": [
            ("unit-clerk", "submit", ""),
            ("division", "division_approve", "指标设置合理，同意报部门审核。"),
            ("dept-admin", "dept_approve", "同意，报财政审核。"),
        ],
    },
    {
        "code": "2024-SY-003",
        "name": "粤港澳联合实验室建设（演示，2024—2026）",
        "unit": 0,
        "division": "基础研究处",
        "header": {
            "attribute": "新增项目",
            "category": "一次性项目",
            "start_year": YEAR,
            "end_year": YEAR + 2,
            "fund_source": "财政拨款",
            "budget": "6000.00",
            "total_budget": "18000.00",
            "goal": "新建粤港澳联合实验室 4 家，完成建设方案论证和首批仪器购置。",
            "long_goal": "实施期内累计新建粤港澳联合实验室 10 家，形成稳定的合作研究机制。",
        },
        "tasks": [
            {
                "year": YEAR,
                "name": "首批建设",
                "content": "方案论证、首批仪器购置",
                "amount": "6000.00",
            },
            {
                "year": YEAR + 1,
                "name": "第二批建设",
                "content": "新增 3 家，开展联合研究",
                "amount": "6000.00",
            },
            {
                "year": YEAR + 2,
                "name": "验收评估",
                "content": "新增 3 家，完成中期评估",
                "amount": "6000.00",
            },
        ],
        "indicators": [
            _ind(
                "产出指标",
                "数量指标",
                "粤港澳联合实验室累计数",
                "≥",
                "35",
                "家",
                prior_actual="31",
                basis="历史标准",
            ),
            _ind("产出指标", "时效指标", "完成及时率", "≥", "100", "%", basis="计划标准"),
            _ind("效益指标", "社会效益指标", "联合研究项目数", "≥", "20", "项", basis="计划标准"),
            _ind(
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "≥",
                "90",
                "%",
                basis="行业标准",
            ),
            {
                **_ind(
                    "产出指标",
                    "数量指标",
                    "粤港澳联合实验室累计数",
                    "≥",
                    "38",
                    "家",
                    basis="计划标准",
                ),
                "year": YEAR + 1,
            },
            {
                **_ind(
                    "产出指标",
                    "数量指标",
                    "粤港澳联合实验室累计数",
                    "≥",
                    "41",
                    "家",
                    basis="计划标准",
                ),
                "year": YEAR + 2,
            },
        ],
        "steps": [
            ("unit-clerk", "submit", ""),
            ("division", "division_approve", "指标设置合理，同意报部门审核。"),
            ("dept-admin", "dept_approve", "同意，报财政审核。"),
            ("bureau-reviewer", "approve", "同意批复。"),
        ],
    },
]


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _fill(form: TargetForm, data: dict[str, Any], user: Any) -> None:
    header = _cells({k: str(v) for k, v in data["header"].items()}, "header")
    content, errors = services.parse(
        form, header, _rows(data["tasks"], "task"), _rows(data["indicators"], "row")
    )
    assert not errors, errors
    services.save(Access.of(user), form, content, user, form.version)


def load_target_demo(department: Department) -> None:
    """The 2024 forms of the example department, each in the state its story needs."""
    if TargetForm.objects.filter(department=department, year=YEAR).exists():
        return  # loaded before: keep what people did with them
    admin = _user("dept-admin")
    form = services.create_department(Access.of(admin), admin, department, YEAR)
    _fill(form, DEPARTMENT, admin)
    services.decide(Access.of(admin), form, "submit", admin)
    units = list(Unit.objects.filter(department=department).order_by("code"))
    for data in PROJECTS:
        clerk = _user("unit-clerk")
        division = Division.objects.filter(department=department, name=data["division"]).first()
        form = services.create_project(
            Access.of(clerk),
            clerk,
            department,
            YEAR,
            data["code"],
            data["name"],
            units[data["unit"]],
            division,
        )
        _fill(form, data, clerk)
        for username, action, opinion in data["steps"]:
            actor = _user(username)
            form.refresh_from_db()
            services.decide(Access.of(actor), form, action, actor, opinion=opinion)
