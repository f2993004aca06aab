"""A synthetic county department scored under ``mof-dept-2013``: every table, every field.

示范县农业农村局 2023 — a small department as a county finance bureau sees it: three budget
units, money that adds up, 12 performance indicators (产出 3, 效益 4, 满意度 1, plus the
two goals), three projects (one spent 110% of its 调整后预算), assets, the department's
own scores for the national framework's manual lines (one deduction with no reason, one
whose text names no shortfall), problems, last year's 整改 items, in-year execution and
the figures a report would state. The numbers are chosen so a reviewer can check them by
eye: 决算收入 4,720.20 = 4,523.60 + 165.40 + 31.20; 决算支出 4,622.83 = 1,612.35 + 3,010.48.

Every field of every table is filled (the schema-walking test relies on it), except the
ones a county department leaves blank for a reason, named in :data:`BLANK`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jixiao.dataset.model import (
    Assets,
    CarryOver,
    Dataset,
    Division,
    EconomicLine,
    ExecutionLine,
    Goal,
    Indicator,
    KeyTask,
    MoneyLine,
    Problem,
    Profile,
    Project,
    Rectification,
    ScoreItem,
    SelfEvaluation,
    StatedFigure,
    TextBlock,
    Unit,
)

D = Decimal
NAME = "示范县农业农村局"
FRAMEWORK = "mof-dept-2013"

#: Fields deliberately left blank in the county data, and why.
BLANK: dict[tuple[str, str], str] = {
    ("income", "unit"): "部门合并数：分单位行另见分单位报告",
    ("expenditure_function", "unit"): "部门合并数",
    ("expenditure_nature", "unit"): "部门合并数",
    ("expenditure_economic", "unit"): "部门合并数",
    ("three_public", "unit"): "部门合并数",
    ("carryover", "unit"): "部门合并数",
    ("expenditure_function", "adjusted"): "支出功能分类只报年初预算和决算",
    ("expenditure_economic", "prior"): "经济分类不报上年数",
    ("indicators", "weight"): "未设权重，分值平均分配",
    ("project_indicators", "weight"): "未设权重",
    ("indicators", "actual"): "定性指标无完成值（按档次）",
    ("indicators", "qual_grade"): "定量指标无档次",
    ("indicators", "target"): "定性指标无指标值",
    ("project_indicators", "qual_grade"): "定量指标无档次",
}


def _money(
    item: str, budget: str, adjusted: str, final: str, prior: str, note: str = ""
) -> MoneyLine:
    return MoneyLine(
        item=item, budget=D(budget), adjusted=D(adjusted), final=D(final), prior=D(prior), note=note
    )


TEXTS: tuple[tuple[str, str], ...] = (
    (
        "机构设置",
        "示范县农业农村局是县人民政府工作部门，负责全县农业农村工作。本局内设办公室、计划财务股、"
        "种植业管理股、畜牧水产股、农村经营管理股5个股室。",
    ),
    ("主要职能", "统筹研究和组织实施“三农”工作的发展战略、中长期规划和重大政策。"),
    ("职能转变", "加强农业综合执法，推进农村承包地确权成果应用。"),
    ("年度总体工作", "2023年，全局围绕粮食安全和乡村振兴两大任务，完成了年初确定的各项工作。"),
    ("绩效目标完成情况", "全年粮食播种面积和产量稳定，高标准农田建设任务全面完成。"),
    ("部门预算编制范围", "纳入2023年部门预算编制范围的为局本级和两个下属事业单位。"),
    ("履职效能分析", "全年新建高标准农田2.1万亩，粮食总产量稳定在18万吨以上。"),
    ("管理效率分析", "严格执行预算，规范资金管理，按时公开预决算信息。"),
    ("经济成本控制", "压减一般性支出，日常公用经费决算低于预算。"),
    ("“三公”经费变动原因", "“三公”经费减少主要是严控公务接待和车辆运行费用。"),
    ("结转结余原因", "结转资金主要为跨年度实施的农田建设项目资金。"),
    ("预决算差异原因", "预决算差异主要是年中追加高标准农田建设资金。"),
    ("自评结论", "本局严格按照部门整体支出绩效评价共性指标体系开展自评，自评结果客观真实。"),
    ("其他自评情况", "无其他需要说明的情况。"),
)


def county_department() -> Dataset:
    """示范县农业农村局 2023, under ``mof-dept-2013``, every table filled."""
    profile = Profile(
        department_name=NAME,
        year=2023,
        fill_date=date(2024, 3, 15),
        preparer="李敏",
        phone="0000-1234567",
        amount_unit="万元",
        stated_unit_count=3,
        stated_admin_units=1,
        stated_institution_units=2,
        independent_accounting_units=3,
        prior_unit_count=3,
        unit_change_note="与上年相比预算单位无变化。",
        headcount_total=126,
        headcount_active=98,
        headcount_retired=28,
        headcount_retired_pension_fund=20,
        headcount_survivors=1,
        headcount_survivors_note="按政策领取遗属补助",
        headcount_authorised=105,
        trips_groups=0,
        trips_persons=0,
    )
    units = (
        Unit(code="801001", name="示范县农业农村局（本级）", kind="行政机关", note="机关本级"),
        Unit(code="801002", name="示范县农业技术推广中心", kind="公益一类", note="全额拨款"),
        Unit(code="801003", name="示范县动物疫病预防控制中心", kind="公益一类", note="2023年更名"),
    )
    divisions = (
        Division(name="办公室", note="负责机关日常运转"),
        Division(name="计划财务股", note="负责预算和资金管理"),
        Division(name="种植业管理股", note="负责粮食生产"),
        Division(name="畜牧水产股", note="负责畜牧水产"),
        Division(name="农村经营管理股", note="挂农村改革办公室牌子"),
    )
    income = (
        _money(
            "财政拨款收入",
            "4200.00",
            "4600.00",
            "4523.60",
            "4105.30",
            "增加主要原因为年中追加高标准农田建设资金。",
        ),
        _money(
            "一般公共预算财政拨款收入",
            "4000.00",
            "4300.00",
            "4223.60",
            "3905.30",
            "含上级转移支付资金。",
        ),
        _money(
            "政府性基金预算财政拨款收入",
            "200.00",
            "300.00",
            "300.00",
            "200.00",
            "为土地出让收入安排的农业农村资金。",
        ),
        _money(
            "事业收入", "180.00", "180.00", "165.40", "172.10", "减少主要原因为技术服务收入减少。"
        ),
        _money("其他收入", "20.00", "20.00", "31.20", "18.60", "主要为利息收入。"),
    )
    nature = (
        _money("基本支出", "1650.00", "1650.00", "1612.35", "1580.20", "基本支出略低于预算。"),
        _money(
            "人员经费", "1380.00", "1380.00", "1362.15", "1320.40", "人员经费按实际在职人数支出。"
        ),
        _money("日常公用经费", "270.00", "270.00", "250.20", "259.80", "压减一般性支出。"),
        _money(
            "项目支出",
            "2750.00",
            "3150.00",
            "3010.48",
            "2805.00",
            "差异主要是年中追加高标准农田建设项目资金。",
        ),
    )
    function = tuple(
        MoneyLine(item=item, budget=D(b), final=D(f), prior=D(p), note=n)
        for item, b, f, p, n in (
            ("208", "150.00", "148.20", "140.10", "养老保险缴费。"),
            ("210", "60.00", "58.35", "55.20", "医疗保险缴费。"),
            ("213", "4050.00", "4276.18", "4057.40", "农业农村支出。"),
            ("21301", "4050.00", "4276.18", "4057.40", "农业农村。"),
            ("221", "140.00", "140.10", "132.50", "住房公积金。"),
        )
    )
    economic = tuple(
        EconomicLine(nature=n, item=i, budget=D(b), final=D(f), note=note)
        for n, i, b, f, note in (
            ("基本支出", "301", "1210.00", "1195.30", "工资福利。"),
            ("基本支出", "30101", "420.00", "418.60", "基本工资。"),
            ("基本支出", "30102", "380.00", "376.20", "津贴补贴。"),
            ("基本支出", "30199", "410.00", "400.50", "其他工资福利支出。"),
            ("基本支出", "303", "170.00", "166.85", "离退休费。"),
            ("基本支出", "302", "270.00", "250.20", "公用经费。"),
            ("基本支出", "30201", "60.00", "55.30", "办公费。"),
            ("基本支出", "30299", "210.00", "194.90", "其他商品和服务支出。"),
            ("项目支出", "302", "1250.00", "1310.48", "项目商品和服务支出。"),
            ("项目支出", "30227", "600.00", "655.20", "委托检测业务。"),
            ("项目支出", "30299", "650.00", "655.28", "项目其他商品和服务支出。"),
            ("项目支出", "310", "1500.00", "1700.00", "农田建设工程。"),
        )
    )
    three_public = (
        _money("三公经费合计", "36.00", "36.00", "28.60", "31.40"),
        _money("因公出国（境）费", "0.00", "0.00", "0.00", "0.00", "未安排因公出国（境）。"),
        _money("公务用车购置及运行维护费", "24.00", "24.00", "19.80", "21.50", "车辆运行费下降。"),
        _money("公务用车运行维护费", "24.00", "24.00", "19.80", "21.50", "燃油费和维修费减少。"),
        _money("公务接待费", "12.00", "12.00", "8.80", "9.90", "严控接待标准。"),
    )
    carryover = (
        CarryOver(
            fund="合计",
            opening=D("420.50"),
            closing=D("402.87"),
            adjustments=D("-115.00"),
            note="按规定缴回财政结余资金115.00万元。",
        ),
        CarryOver(
            fund="财政拨款",
            opening=D("360.20"),
            closing=D("338.47"),
            adjustments=D("-115.00"),
            note="财政拨款结转为农田建设项目资金。",
        ),
        CarryOver(
            fund="非财政拨款",
            opening=D("60.30"),
            closing=D("64.40"),
            adjustments=D("0.00"),
            note="非财政拨款结余为事业收入结余。",
        ),
    )
    assets = Assets(
        fixed_assets_value=D("2860.40"),
        fixed_assets_in_use=D("2702.10"),
        prior_fixed_assets_value=D("2655.30"),
        building_area=D("5420.00"),
        vehicles=6,
        large_equipment=2,
        new_assets_value=D("205.10"),
        new_assets_desc="农产品质量检测设备和办公设备",
        procurement_budget=D("860.00"),
        procurement_actual=D("812.60"),
    )
    goals = (
        Goal(
            code="G1",
            content="稳定粮食生产，全年粮食播种面积不低于35万亩。",
            completion="全年粮食播种面积35.6万亩，目标完成。",
        ),
        Goal(
            code="G2",
            content="建设高标准农田2万亩，提升农业综合生产能力。",
            completion="新建高标准农田2.1万亩，超额完成。",
        ),
    )

    def ind(
        owner: str,
        code: str,
        level1: str,
        level2: str,
        name: str,
        sign: str,
        target: str | None,
        unit: str,
        actual: str | None,
        *,
        qual: str = "",
        deviation: str = "",
        horizon: str = "年度",
        target_desc: str = "",
        actual_desc: str = "",
    ) -> Indicator:
        return Indicator(
            owner=owner,
            code=code,
            level1=level1,
            level2=level2,
            name=name,
            sign=sign,
            target=D(target) if target is not None else None,
            target_desc=target_desc or f"{name}目标",
            unit=unit,
            actual=D(actual) if actual is not None else None,
            actual_desc=actual_desc or f"{name}实际完成情况",
            qual_grade=qual,
            horizon=horizon,
            deviation=deviation,
        )

    indicators = (
        ind("G1", "CY01", "产出指标", "数量指标", "粮食播种面积", "≥", "35", "万亩", "35.6"),
        ind("G2", "CY02", "产出指标", "数量指标", "新建高标准农田面积", "≥", "2", "万亩", "2.1"),
        ind(
            "G1", "CY03", "产出指标", "质量指标", "农产品质量安全抽检合格率", "≥", "98", "%", "99.2"
        ),
        ind("G1", "XY01", "效益指标", "经济效益指标", "粮食总产量", "≥", "18", "万吨", "18.3"),
        ind(
            "G2",
            "XY02",
            "效益指标",
            "社会效益指标",
            "农民人均可支配收入增长率",
            "≥",
            "90",
            "%",
            "85",
            deviation="受农产品价格下行影响，增长低于预期；下一年度加大产业帮扶力度。",
        ),
        ind(
            "G2",
            "XY03",
            "效益指标",
            "可持续影响指标",
            "耕地保护长效机制",
            "定性",
            None,
            "",
            None,
            qual="达成",
            horizon="中期",
        ),
        ind("G1", "XY04", "效益指标", "生态效益指标", "化肥使用量", "≤", "1.2", "万吨", "1.15"),
        ind("G1", "MY01", "满意度指标", "服务对象满意度指标", "农户满意度", "≥", "90", "%", "95"),
    )
    projects = (
        Project(
            code="P2023001",
            name="高标准农田建设项目",
            unit="801001",
            division="种植业管理股",
            fund="一般公共预算财政拨款",
            special=True,
            budget=D("1500.00"),
            adjusted=D("1800.00"),
            executed=D("1752.30"),
            note="按工程进度支付。",
            self_score=D("92"),
        ),
        Project(
            code="P2023002",
            name="动物防疫补助项目",
            unit="801003",
            division="畜牧水产股",
            fund="一般公共预算财政拨款",
            special=True,
            budget=D("400.00"),
            adjusted=D("420.00"),
            executed=D("462.00"),
            note="疫苗采购量增加。",
            self_score=D("85"),
        ),
        Project(
            code="P2023003",
            name="农业技术推广服务项目",
            unit="801002",
            division="种植业管理股",
            fund="政府性基金预算财政拨款",
            special=False,
            budget=D("300.00"),
            adjusted=D("300.00"),
            executed=D("240.50"),
            note="部分培训推迟至次年举办。",
            self_score=D("80"),
        ),
    )
    project_indicators = (
        Indicator(
            owner="P2023001",
            code="XM01",
            level1="产出指标",
            level2="数量指标",
            name="建成高标准农田面积",
            sign="≥",
            target=D("2"),
            target_desc="建成2万亩",
            unit="万亩",
            actual=D("2.1"),
            actual_desc="建成2.1万亩",
            horizon="年度",
            deviation="无",
        ),
    )
    scores = tuple(
        ScoreItem(
            code=c, name=n, points=D(p), score=D(s), stated_deduction=D(d) if d else None, reason=r
        )
        for c, n, p, s, d, r in (
            ("1", "投入", "20", "19.5", "", ""),
            ("1.1", "目标设定", "8", "7.5", "", ""),
            ("1.1.1", "绩效目标合理性", "4", "4", "", "绩效目标与部门职责和年度工作计划相符。"),
            ("1.1.2", "绩效指标明确性", "4", "3.5", "0.5", "部分效益指标未细化量化，扣0.5分。"),
            ("1.2", "预算配置", "12", "12", "", ""),
            ("1.2.1", "在职人员控制率", "4", "4", "", "在职人员未超编制。"),
            ("1.2.2", "“三公经费”变动率", "4", "4", "", "“三公”经费比上年减少。"),
            ("1.2.3", "重点支出安排率", "4", "4", "", "重点项目支出安排充足。"),
            ("2", "过程", "40", "38.43", "", ""),
            ("2.1", "预算执行", "24", "23.04", "", ""),
            ("2.1.1", "预算完成率", "4", "3.85", "", "预算完成率96.31%。"),
            ("2.1.2", "预算调整率", "3", "2.5", "0.5", "年中预算调整较多，扣0.5分。"),
            ("2.1.3", "支付进度率", "3", "3", "", "按序时进度支付。"),
            ("2.1.4", "结转结余率", "3", "2.8", "", ""),
            ("2.1.5", "结转结余变动率", "3", "3", "", "结转结余比上年减少。"),
            ("2.1.6", "公用经费控制率", "3", "3", "", "公用经费未超预算。"),
            ("2.1.7", "“三公经费”控制率", "3", "3", "", "“三公”经费未超预算。"),
            ("2.1.8", "政府采购执行率", "2", "1.89", "", "政府采购执行率94.49%。"),
            ("2.2", "预算管理", "8", "7.5", "", ""),
            ("2.2.1", "管理制度健全性", "2", "2", "", "制定了预算和资产管理制度。"),
            ("2.2.2", "资金使用合规性", "2", "2", "", "资金使用符合规定。"),
            ("2.2.3", "预决算信息公开性", "2", "2", "", "按时公开预决算。"),
            ("2.2.4", "基础信息完善性", "2", "1.5", "", "开展了基础信息更新工作。"),
            ("2.3", "资产管理", "8", "7.89", "", ""),
            ("2.3.1", "资产管理制度健全性", "3", "3", "", "资产管理制度健全。"),
            ("2.3.2", "资产管理安全性", "3", "3", "", "资产账实相符。"),
            ("2.3.3", "固定资产利用率", "2", "1.89", "", "固定资产利用率94.47%。"),
            ("3", "产出", "20", "20", "", ""),
            ("3.1", "职责履行", "20", "20", "", "各项产出指标均已完成。"),
            ("4", "效果", "20", "19.79", "", ""),
            ("4.1", "履职效益", "15", "14.79", "", "农民人均可支配收入增长率未达到目标。"),
            ("4.2", "社会公众或服务对象满意度", "5", "5", "", "农户满意度95%。"),
        )
    )
    return Dataset(
        profile=profile,
        divisions=divisions,
        units=units,
        texts=tuple(TextBlock(key=k, content=c) for k, c in TEXTS),
        key_tasks=(
            KeyTask(
                plan="保障粮食安全", task="落实粮食播种面积", result="全年粮食播种面积35.6万亩。"
            ),
            KeyTask(plan="保障粮食安全", task="建设高标准农田", result="新建高标准农田2.1万亩。"),
            KeyTask(
                plan="推进乡村振兴",
                task="发展特色产业",
                result="培育县级以上农业产业化龙头企业3家。",
            ),
        ),
        goals=goals,
        indicators=indicators,
        income=income,
        expenditure_function=function,
        expenditure_nature=nature,
        expenditure_economic=economic,
        three_public=three_public,
        carryover=carryover,
        assets=assets,
        projects=projects,
        project_indicators=project_indicators,
        self_evaluation=SelfEvaluation(
            framework=FRAMEWORK,
            stated_total=D("97.72"),
            stated_grade="优",
            stated_full_marks="预算配置、职责履行、社会公众或服务对象满意度",
            stated_deducted="目标设定、预算执行、预算管理、资产管理、履职效益",
        ),
        scores=scores,
        problems=(
            Problem(
                title="预算执行不够均衡",
                problem="部分项目上半年支出进度偏慢。",
                measure="建立项目支出月度通报机制。",
            ),
            Problem(
                title="绩效指标设置不够细化",
                problem="部分效益指标难以量化考核。",
                measure="对照核心指标库细化绩效指标。",
            ),
        ),
        stated=(
            StatedFigure(
                figure="income.final.total",
                value=D("4720.20"),
                source="报告“决算收入合计4,720.20万元”",
            ),
        ),
        execution=(
            ExecutionLine(
                period="2023-06",
                unit="801001",
                project="P2023001",
                cumulative=D("780.00"),
                budget=D("1800.00"),
                indicator_progress=D("45"),
            ),
        ),
        rectifications=(
            Rectification(
                source_year=2022,
                kind="扣分项",
                subject="预算调整率偏高",
                detail="2022年预算调整率偏高，扣0.5分。",
                owner="计划财务股",
                deadline=date(2023, 12, 31),
                status="已整改",
            ),
        ),
    )
