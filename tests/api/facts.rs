//! The bundled document, parsed: exact counts and facts checked against the published text.

use plangraph::domain::{
    Comparator, DepartmentKind, Direction, GoalKind, Nature, Role, TargetBasis,
};
use plangraph::import::dataset::{Dataset, GoalData, IndicatorData, PlanData, TargetData};
use plangraph::import::{parse, BUNDLED_DOCUMENT};

fn data() -> Dataset {
    parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("the bundled document must parse: {e}"))
}

fn plan<'a>(data: &'a Dataset, code: &str) -> &'a PlanData {
    data.plans
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("no plan {code}"))
}

fn goal<'a>(data: &'a Dataset, key: &str) -> &'a GoalData {
    data.plans
        .iter()
        .flat_map(|p| p.goals.iter())
        .find(|g| g.key == key)
        .unwrap_or_else(|| panic!("no goal {key}"))
}

fn target<'a>(data: &'a Dataset, key: &str) -> &'a TargetData {
    data.plans
        .iter()
        .flat_map(|p| p.targets.iter())
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no target {key}"))
}

fn measure<'a>(data: &'a Dataset, name: &str) -> &'a IndicatorData {
    data.indicators
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no indicator {name}"))
}

fn departments(goal: &GoalData, role: Role) -> Vec<&str> {
    goal.departments
        .iter()
        .filter(|d| d.role == role)
        .map(|d| d.department.as_str())
        .collect()
}

fn count(plan: &PlanData, kind: GoalKind) -> usize {
    plan.goals.iter().filter(|g| g.kind == kind).count()
}

#[test]
fn the_document_header() {
    let data = data();
    assert_eq!(data.document.number, "乐政字〔2022〕16号");
    assert_eq!(data.document.issuer, "昌乐县人民政府");
    assert_eq!(data.document.issue_date, (2022, 7, 14));
    assert_eq!(
        data.document.title,
        "关于印发《昌乐县“十四五”妇女发展规划》等四个文件的通知"
    );
    assert_eq!(data.document.line_count, 942);
    assert_eq!(data.document.sha256.len(), 64);
}

#[test]
fn plans_titles_and_periods() {
    let data = data();
    let plans: Vec<(&str, &str, (i32, i32))> = data
        .plans
        .iter()
        .map(|p| (p.code.as_str(), p.title.as_str(), p.period))
        .collect();
    assert_eq!(
        plans,
        [
            ("women", "昌乐县“十四五”妇女发展规划", (2021, 2025)),
            ("children", "昌乐县“十四五”儿童发展规划", (2021, 2025)),
            ("health", "昌乐县“十四五”卫生与健康规划", (2021, 2025)),
            (
                "earthquake",
                "昌乐县“十四五”防震减灾事业发展规划",
                (2021, 2025)
            ),
        ]
    );
    // The notice cites the earthquake plan under another title than its heading.
    assert_eq!(
        plan(&data, "earthquake").notice_title.as_deref(),
        Some("昌乐县防震减灾事业发展第十四个五年规划")
    );
    assert_eq!(plan(&data, "women").source.line_start, 22);
    assert_eq!(plan(&data, "health").source.line_start, 450);
}

#[test]
fn counts_per_plan() {
    let data = data();
    type Row = (String, usize, Vec<(GoalKind, usize)>, (usize, usize), usize);
    let summary: Vec<Row> = data
        .summary()
        .into_iter()
        .map(|s| {
            (
                s.code,
                s.domains,
                s.goals_by_kind,
                (s.targets, s.indicators),
                s.departments,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "women".to_string(),
                8,
                vec![(GoalKind::Goal, 75), (GoalKind::Measure, 90)],
                (35, 35),
                39
            ),
            (
                "children".to_string(),
                7,
                vec![(GoalKind::Goal, 62), (GoalKind::Measure, 77)],
                (39, 39),
                35
            ),
            (
                "health".to_string(),
                11,
                vec![
                    (GoalKind::Goal, 5),
                    (GoalKind::Task, 51),
                    (GoalKind::ProjectBox, 8),
                    (GoalKind::Implementation, 4)
                ],
                (103, 89),
                36
            ),
            (
                "earthquake".to_string(),
                8,
                vec![
                    (GoalKind::Goal, 1),
                    (GoalKind::Task, 12),
                    (GoalKind::Project, 11)
                ],
                (7, 7),
                0
            ),
        ]
    );
    assert_eq!(data.departments.len(), 46);
    // 184 targets and 3 monitored rows of 160 indicators: 19 measures are stated more than once
    assert_eq!(data.indicators.len(), 160);
}

#[test]
fn counts_per_domain() {
    let data = data();
    // (plan, domain title, goals, measures, tasks, projects, project boxes), read off the document.
    let expected: &[(&str, &str, [usize; 5])] = &[
        ("women", "妇女与健康", [9, 13, 0, 0, 0]),
        ("women", "妇女与教育", [10, 11, 0, 0, 0]),
        ("women", "妇女与经济", [10, 13, 0, 0, 0]),
        ("women", "妇女参与决策和管理", [11, 10, 0, 0, 0]),
        ("women", "妇女与社会保障", [7, 10, 0, 0, 0]),
        ("women", "妇女与法律", [10, 13, 0, 0, 0]),
        ("women", "妇女与家庭建设", [9, 10, 0, 0, 0]),
        ("women", "妇女与环境", [9, 10, 0, 0, 0]),
        ("children", "儿童与健康", [12, 13, 0, 0, 0]),
        ("children", "儿童与安全", [8, 10, 0, 0, 0]),
        ("children", "儿童与教育", [8, 14, 0, 0, 0]),
        ("children", "儿童与福利", [8, 11, 0, 0, 0]),
        ("children", "儿童与法律保护", [11, 14, 0, 0, 0]),
        ("children", "儿童与家庭", [8, 8, 0, 0, 0]),
        ("children", "儿童与环境", [7, 7, 0, 0, 0]),
        ("health", "健全完善公共卫生体系", [0, 0, 7, 0, 1]),
        ("health", "提升基层卫生服务能力", [0, 0, 5, 0, 1]),
        ("health", "推动医疗服务高质量发展", [0, 0, 3, 0, 1]),
        ("health", "实施卫生科技创新和人才强县战略", [0, 0, 2, 0, 0]),
        ("health", "建设中医药强县", [0, 0, 7, 0, 1]),
        ("health", "实施积极应对人口老龄化国家战略", [0, 0, 3, 0, 1]),
        ("health", "提升重点人群健康水平", [0, 0, 4, 0, 1]),
        ("health", "预防控制重大疾病危害", [0, 0, 7, 0, 1]),
        ("health", "做大做强健康产业", [0, 0, 3, 0, 0]),
        ("health", "深化医药卫生体制改革", [0, 0, 6, 0, 0]),
        ("health", "提升卫生健康信息化和智能化水平", [0, 0, 4, 0, 1]),
        ("earthquake", "提升地震监测预测预警水平", [0, 0, 3, 0, 0]),
        ("earthquake", "增强地震灾害风险防御能力", [0, 0, 4, 0, 0]),
        ("earthquake", "完善地震应急救援体系", [0, 0, 4, 0, 0]),
        ("earthquake", "提升社会公众防震减灾素质", [0, 0, 1, 0, 0]),
        ("earthquake", "地震监测预警能力建设工程", [0, 0, 0, 2, 0]),
        (
            "earthquake",
            "地震灾害风险调查和重点隐患排查工程",
            [0, 0, 0, 3, 0],
        ),
        ("earthquake", "地震应急救援保障工程", [0, 0, 0, 3, 0]),
        (
            "earthquake",
            "防震减灾公共服务信息系统建设工程",
            [0, 0, 0, 3, 0],
        ),
    ];
    let kinds = [
        GoalKind::Goal,
        GoalKind::Measure,
        GoalKind::Task,
        GoalKind::Project,
        GoalKind::ProjectBox,
    ];
    let mut actual = Vec::new();
    for p in &data.plans {
        for (index, d) in p.domains.iter().enumerate() {
            let counts = kinds.map(|k| {
                p.goals
                    .iter()
                    .filter(|g| g.domain == Some(index) && g.kind == k)
                    .count()
            });
            actual.push((p.code.as_str(), d.title.as_str(), counts));
        }
    }
    assert_eq!(actual, expected);
}

#[test]
fn womens_health_goal_4_and_its_departments() {
    let data = data();
    let g = goal(&data, "women/d1/goal/4");
    assert_eq!(g.number.as_deref(), Some("4"));
    assert!(g.text.starts_with("妇女宫颈癌和乳腺癌防治意识明显提高。"));
    assert_eq!(g.source.line_start, 46);
    assert_eq!(departments(g, Role::Lead), ["县卫健局"]);
    assert_eq!(
        departments(g, Role::Responsible),
        ["县发改局", "县财政局", "县妇联", "县总工会"]
    );
    assert_eq!(
        g.tag.as_deref(),
        Some("（牵头单位：县卫健局，责任单位：县发改局、财政局、妇联、总工会）")
    );
}

#[test]
fn department_tags_with_shorthand_and_groups() {
    let data = data();
    // （牵头单位：县委组织部，县财政局、总工会；责任单位：县人社局）
    let g = goal(&data, "women/d4/goal/8");
    assert_eq!(
        departments(g, Role::Lead),
        ["县委组织部", "县财政局", "县总工会"]
    );
    assert_eq!(departments(g, Role::Responsible), ["县人社局"]);
    // （责任单位：县妇儿工委各成员单位、特邀单位）: a group, no department
    let g = goal(&data, "women/d6/goal/1");
    assert!(g.departments.is_empty());
    assert_eq!(g.groups.len(), 1);
    assert_eq!(g.groups[0].phrase, "县妇儿工委各成员单位、特邀单位");
    assert_eq!(g.groups[0].role, Role::Responsible);
    // …妇联等县妇儿工委有关成员单位: the department and the group both kept
    let g = goal(&data, "women/d6/goal/4");
    assert_eq!(departments(g, Role::Lead), ["县公安局"]);
    assert_eq!(
        departments(g, Role::Responsible),
        ["县司法局", "县卫健局", "县妇联"]
    );
    assert_eq!(g.groups[0].phrase, "县妇儿工委有关成员单位");
    // 县委宣传部、司法局等…: 司法局 is a county bureau, not a party body
    let g = goal(&data, "women/d6/goal/6");
    assert_eq!(
        departments(g, Role::Responsible),
        ["县委宣传部", "县司法局"]
    );
    // 生态环境局昌乐分局 without 市 is the city bureau's branch
    let g = goal(&data, "children/d7/goal/7");
    assert!(departments(g, Role::Responsible).contains(&"市生态环境局昌乐分局"));
    // 有关行业主管部门 is a group
    let g = goal(&data, "women/d3/goal/3");
    assert_eq!(departments(g, Role::Lead), ["县人社局", "县妇联"]);
    assert_eq!(g.groups[0].phrase, "有关行业主管部门");
    // health tasks: 牵头单位 / 配合单位
    let g = goal(&data, "health/d1/task/3");
    assert_eq!(departments(g, Role::Lead), ["县卫健局", "县人社局"]);
    assert_eq!(departments(g, Role::Cooperating), ["县财政局"]);
    // 牵头部门 is a lead label too
    let g = goal(&data, "health/d8/task/7");
    assert_eq!(departments(g, Role::Lead), ["县卫健局", "县农业农村局"]);
    // the ASCII parenthesis of 经常参加体育锻炼 (health (八) 2)
    let g = goal(&data, "health/d8/task/2");
    assert_eq!(departments(g, Role::Lead), ["县体育事业发展中心"]);
    assert_eq!(
        departments(g, Role::Cooperating),
        ["县教育和体育局", "县住建局", "县卫健局"]
    );
}

#[test]
fn department_kinds_and_aliases() {
    let data = data();
    let d = |name: &str| {
        data.departments
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no department {name}"))
    };
    assert_eq!(d("县卫健局").kind, DepartmentKind::CountyGovernment);
    assert_eq!(d("县委宣传部").kind, DepartmentKind::PartyCommittee);
    assert_eq!(d("团县委").kind, DepartmentKind::MassOrganization);
    assert_eq!(
        d("市生态环境局昌乐分局").kind,
        DepartmentKind::CityBureauBranch
    );
    assert_eq!(d("县融媒体中心").kind, DepartmentKind::Other);
    let aliases: Vec<&str> = d("县发改局")
        .aliases
        .iter()
        .map(|(a, _)| a.as_str())
        .collect();
    assert_eq!(aliases, ["发改局"]);
    let aliases: Vec<&str> = d("市生态环境局昌乐分局")
        .aliases
        .iter()
        .map(|(a, _)| a.as_str())
        .collect();
    assert_eq!(aliases, ["生态环境局昌乐分局"]);
    assert!(data
        .departments
        .iter()
        .all(|d| !d.name.contains("成员单位") && !d.name.contains("有关")));
}

#[test]
fn health_table_row_7() {
    let data = data();
    let i = target(&data, "health/table1/7");
    assert_eq!(i.name, "居民健康素养水平");
    assert_eq!(i.unit.as_deref(), Some("%"));
    assert_eq!(i.table_category.as_deref(), Some("健康生活"));
    let b = i
        .baseline
        .as_ref()
        .unwrap_or_else(|| panic!("row 7 has a baseline"));
    assert_eq!((b.year, b.value), (2020, Some(23.16)));
    assert_eq!(
        (i.target.year, i.target.value, i.target.raw.as_str()),
        (2025, Some(30.32), "30.32")
    );
    assert_eq!(i.nature, Nature::Expected);
    assert_eq!(i.direction, Direction::HigherIsBetter);
    assert_eq!((i.source.line_start, i.source.line_end), (545, 552));
}

#[test]
fn health_table_rows() {
    let data = data();
    let table: Vec<&TargetData> = plan(&data, "health")
        .targets
        .iter()
        .filter(|i| i.table_number.is_some())
        .collect();
    assert_eq!(table.len(), 30);
    // Rows 12, 31 and 32 set nothing (their 2025 column is `-`): monitored, not targets.
    let numbers: Vec<i32> = table.iter().filter_map(|i| i.table_number).collect();
    let setting: Vec<i32> = (1..=33).filter(|n| ![12, 31, 32].contains(n)).collect();
    assert_eq!(numbers, setting);
    // row 1: 人均预期寿命 岁 80.11 → 80.15以上
    let i = target(&data, "health/table1/1");
    assert_eq!(
        (i.name.as_str(), i.unit.as_deref()),
        ("人均预期寿命", Some("岁"))
    );
    assert_eq!(
        (i.target.comparator, i.target.value),
        (Some(Comparator::AtLeast), Some(80.15))
    );
    assert_eq!(i.baseline.as_ref().and_then(|b| b.value), Some(80.11));
    // row 2: 同比例增加 is kept as text, with no number
    let i = target(&data, "health/table1/2");
    assert_eq!(
        (i.target.value, i.target.raw.as_str()),
        (None, "同比例增加")
    );
    assert_eq!(i.baseline, None);
    // row 3: 孕产妇死亡率 /10万, no 2020 value, 8.2 at most
    let i = target(&data, "health/table1/3");
    assert_eq!(i.unit.as_deref(), Some("/10万"));
    assert_eq!(
        (i.target.comparator, i.target.value),
        (Some(Comparator::AtMost), Some(8.2))
    );
    assert_eq!(i.direction, Direction::LowerIsBetter);
    // row 10: ≥80
    let i = target(&data, "health/table1/10");
    assert_eq!(
        (i.target.comparator, i.target.value, i.target.raw.as_str()),
        (Some(Comparator::AtLeast), Some(80.0), "≥80")
    );
    // row 12: every cell blank but the name — monitored, no target
    let health = plan(&data, "health");
    let m = health
        .monitored
        .iter()
        .find(|m| m.key == "health/table1/12");
    let m = m.unwrap_or_else(|| panic!("row 12 is monitored"));
    assert_eq!(
        (m.name.as_str(), m.table_category.as_deref()),
        ("重点慢性病防治核心信息人群知晓率", Some("健康生活"))
    );
    // row 16: a name wrapped over two lines
    assert_eq!(
        target(&data, "health/table1/16").name,
        "国家卫生乡镇（含进入评审程序）数量占比"
    );
    // row 22 and 24: binding
    assert_eq!(target(&data, "health/table1/22").nature, Nature::Binding);
    assert_eq!(
        target(&data, "health/table1/24").nature_raw.as_deref(),
        Some("约束性")
    );
    // row 25: a yearly reduction
    let i = target(&data, "health/table1/25");
    assert_eq!(
        (i.target.basis, i.target.value),
        (TargetBasis::AnnualChange, Some(1.0))
    );
    assert_eq!(i.target.raw, "力争每年降低1个百分点");
    // row 28: 7.8 → 7 days is a fall
    let i = target(&data, "health/table1/28");
    assert_eq!(
        (i.unit.as_deref(), i.direction),
        (Some("天"), Direction::LowerIsBetter)
    );
    // row 30: ≤3.2 → ≤3
    let i = target(&data, "health/table1/30");
    let b = i
        .baseline
        .as_ref()
        .unwrap_or_else(|| panic!("row 30 has a baseline"));
    assert_eq!((b.value, b.raw.as_deref()), (Some(3.2), Some("≤3.2")));
    assert_eq!(
        (i.target.comparator, i.target.value),
        (Some(Comparator::AtMost), Some(3.0))
    );
    // row 32: no unit, no target, no nature — monitored; its 2020 figure is in the series
    let m = health
        .monitored
        .iter()
        .find(|m| m.key == "health/table1/32");
    let m = m.unwrap_or_else(|| panic!("row 32 is monitored"));
    let series = &data.indicators[m.indicator];
    assert_eq!(series.name, "出生人口性别比");
    assert!(series
        .values
        .iter()
        .any(|v| v.year == 2020 && v.value == 106.58 && v.source.line_start == 753));
    // row 33: 亿元
    let i = target(&data, "health/table1/33");
    assert_eq!(
        (
            i.table_category.as_deref(),
            i.unit.as_deref(),
            i.target.value
        ),
        (Some("健康产业"), Some("亿元"), Some(91.75))
    );
}

#[test]
fn one_sentence_three_indicators() {
    let data = data();
    let found: Vec<(&str, &str, Option<f64>, Option<Comparator>)> = ["t1", "t2", "t3"]
        .iter()
        .map(|t| target(&data, &format!("children/d1/goal/4/{t}")))
        .map(|i| {
            (
                i.name.as_str(),
                i.unit.as_deref().unwrap_or(""),
                i.target.value,
                i.target.comparator,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("新生儿死亡率", "‰", Some(3.0), Some(Comparator::AtMost)),
            ("婴儿死亡率", "‰", Some(3.3), Some(Comparator::AtMost)),
            (
                "5岁以下儿童死亡率",
                "‰",
                Some(4.0),
                Some(Comparator::AtMost)
            ),
        ]
    );
    assert_eq!(
        target(&data, "children/d1/goal/4/t1").source.line_start,
        277
    );
}

#[test]
// A list of the document's sentences and what each must yield, one assertion after another.
#[allow(clippy::too_many_lines)]
fn targets_in_goal_sentences() {
    let data = data();
    let t = |key: &str| {
        let i = target(&data, key);
        (
            i.name.clone(),
            i.target.value,
            i.target.comparator,
            i.unit.clone(),
        )
    };
    let pct = Some("%".to_string());
    // 检查率均达到80%以上: 80% on each of the two rates; the first keeps the key.
    assert_eq!(
        t("women/d1/goal/4/t1"),
        (
            "宫颈癌免费检查率".into(),
            Some(80.0),
            Some(Comparator::AtLeast),
            pct.clone()
        )
    );
    assert_eq!(
        t("women/d1/goal/4/t1.2"),
        (
            "乳腺癌免费检查率".into(),
            Some(80.0),
            Some(Comparator::AtLeast),
            pct.clone()
        )
    );
    assert_eq!(
        t("women/d1/goal/4/t2"),
        (
            "妇女常见病筛查率".into(),
            Some(85.0),
            Some(Comparator::AtLeast),
            pct.clone()
        )
    );
    assert_eq!(
        t("women/d1/goal/5/t1"),
        (
            "孕产妇死亡率".into(),
            Some(8.2),
            Some(Comparator::AtMost),
            Some("/10万".into())
        )
    );
    assert_eq!(
        t("women/d3/goal/1/t1"),
        (
            "就业人员中的女性比例".into(),
            Some(45.0),
            Some(Comparator::About),
            pct.clone()
        )
    );
    assert_eq!(
        t("women/d8/goal/7/t2"),
        (
            "城市集中式饮用水水源水质达到或优于Ⅲ类标准的比例".into(),
            Some(95.0),
            Some(Comparator::Exactly),
            pct.clone()
        )
    );
    assert_eq!(
        t("children/d1/goal/7/t2"),
        (
            "5岁以下儿童生长迟缓率".into(),
            Some(1.8),
            Some(Comparator::AtMost),
            pct.clone()
        )
    );
    assert_eq!(
        t("children/d1/goal/9/t1"),
        (
            "12岁儿童龋患率".into(),
            Some(30.0),
            Some(Comparator::AtMost),
            pct.clone()
        )
    );
    assert_eq!(
        t("children/d3/goal/3/t2"),
        (
            "义务教育巩固率".into(),
            Some(100.0),
            Some(Comparator::AtLeast),
            pct.clone()
        )
    );
    assert_eq!(
        t("children/d4/goal/6/t1"),
        (
            "每千人口3岁以下婴幼儿托位数".into(),
            Some(4.5),
            Some(Comparator::AtLeast),
            Some("个".into())
        )
    );
    assert_eq!(
        t("children/d6/goal/8/t2"),
        (
            "建立家长学校或家庭教育指导服务站点的农村社区（村）比例".into(),
            Some(80.0),
            Some(Comparator::AtLeast),
            pct.clone()
        )
    );
    // 以2020年为基数下降20%
    let i = target(&data, "children/d2/goal/1/t1");
    assert_eq!(i.name, "儿童意外伤害死亡率");
    assert_eq!(
        (i.target.basis, i.target.value),
        (TargetBasis::ChangeFromBaseline, Some(20.0))
    );
    assert_eq!(
        i.baseline.as_ref().map(|b| (b.year, b.value)),
        Some((2020, None))
    );
}

#[test]
fn targets_in_measures_and_tasks() {
    let data = data();
    // （7）保障母婴安全。…孕产妇系统管理率达到90%以上。
    let i = target(&data, "women/d1/measure/7/t1");
    assert_eq!(
        (i.name.as_str(), i.target.value, i.target.year),
        ("孕产妇系统管理率", Some(90.0), 2025)
    );
    // 到2023年 …托位数达到2.4个；到2025年 …达到4.5个: two targets, two years
    let (a, b) = (
        target(&data, "health/d6/task/3/t1"),
        target(&data, "health/d6/task/3/t2"),
    );
    assert_eq!(
        (a.name.as_str(), a.target.value, a.target.year),
        ("每千人口3岁以下婴幼儿托位数", Some(2.4), 2023)
    );
    assert_eq!((b.target.value, b.target.year), (Some(4.5), 2025));
    // 严重精神障碍患者规范管理率达到95%以上、服药率达到90%以上
    assert_eq!(
        target(&data, "health/d8/task/5/t2").name,
        "严重精神障碍患者服药率"
    );
    // 15岁以上人群吸烟率下降至22%以下
    let i = target(&data, "health/d8/task/7/t3");
    assert_eq!(
        (i.target.comparator, i.target.value, i.direction),
        (
            Some(Comparator::AtMost),
            Some(22.0),
            Direction::LowerIsBetter
        )
    );
    // 总体近视率每年降低不少于1个百分点
    let i = target(&data, "health/d7/task/2/t1");
    assert_eq!(
        (i.name.as_str(), i.target.basis, i.unit.as_deref()),
        ("总体近视率", TargetBasis::AnnualChange, Some("个百分点"))
    );
    // the earthquake plan: its headline capability (not quantified), five counts and the
    // platform's coverage of both levels
    let quake: Vec<(&str, Option<f64>, &str)> = plan(&data, "earthquake")
        .targets
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.target.value,
                t.unit.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        quake,
        [
            ("城乡抗御6级地震能力", None, ""),
            ("综合性应急救援队伍数", Some(1.0), "支"),
            ("基准站数", Some(1.0), "个"),
            ("基本站数", Some(1.0), "个"),
            ("高标准应急避难场所数", Some(1.0), "处"),
            ("县、镇两级覆盖率", Some(100.0), "%"),
            ("中小型地震应急物资储备库数", Some(1.0), "处"),
        ]
    );
}

#[test]
fn stated_past_values_become_document_values() {
    let data = data();
    // 全县人均期望寿命从2015年的78.74岁上升到2020年的80.11岁 (line 456), and 表1's 80.11
    let i = measure(&data, "人均预期寿命");
    let values: Vec<(i32, f64, usize, &str)> = i
        .values
        .iter()
        .map(|v| (v.year, v.value, v.source.line_start, v.raw.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            (2015, 78.74, 456, "2015年的78.74岁"),
            (2020, 80.11, 456, "2020年的80.11岁"),
            (2020, 80.11, 496, "80.11")
        ]
    );
    // the 具体目标 sentence's baseline is the figure, not the paragraph it is in
    let t = target(&data, "health/plan/goal/1/t1");
    let b = t.baseline.as_ref().unwrap_or_else(|| panic!("a baseline"));
    assert_eq!(
        (b.year, b.value, b.raw.as_deref()),
        (2020, Some(80.11), Some("2020年的80.11岁"))
    );
    // 规划背景 L459: 国家“优质服务基层行”基本标准达标率90%，推荐标准达标率20% are the 2020
    // figures of L787's two targets (100% 达到国家基本标准, 30%以上 达到国家推荐标准).
    for (name, value, raw, key) in [
        (
            "达到国家基本标准的乡镇卫生院、社区卫生服务中心比例",
            90.0,
            "90%",
            "health/d2/task/1/s1",
        ),
        (
            "达到国家推荐标准的机构比例",
            20.0,
            "20%",
            "health/d2/task/1/s2",
        ),
    ] {
        let v = &measure(&data, name).values;
        assert_eq!(
            v.iter()
                .map(|v| (
                    v.year,
                    v.value,
                    v.year_inferred,
                    v.raw.as_str(),
                    v.source.line_start
                ))
                .collect::<Vec<_>>(),
            [(2020, value, true, raw, 459)],
            "{name}"
        );
        let b = target(&data, key).baseline.clone();
        assert_eq!(
            b.map(|b| (b.year, b.value)),
            Some((2020, Some(value))),
            "{key}"
        );
    }
    // 婴儿死亡率2.27‰ names no year: 2020 from the 规划背景's context, marked so
    let v = &measure(&data, "婴儿死亡率").values;
    assert_eq!(v.len(), 1);
    assert_eq!(
        (
            v[0].year,
            v[0].value,
            v[0].year_inferred,
            v[0].source.line_start
        ),
        (2020, 2.27, true, 456)
    );
    let total: usize = data.indicators.iter().map(|i| i.values.len()).sum();
    assert_eq!(total, 39);
    let inferred = data
        .indicators
        .iter()
        .flat_map(|i| i.values.iter())
        .filter(|v| v.year_inferred)
        .count();
    assert_eq!(inferred, 12);
}

#[test]
fn plan_level_items() {
    let data = data();
    let health = plan(&data, "health");
    assert_eq!(count(health, GoalKind::Goal), 5);
    let g = goal(&data, "health/plan/goal/1");
    assert!(g.text.starts_with("居民健康水平走在前列。"));
    assert_eq!(g.domain, None);
    let g = goal(&data, "health/plan/implementation/二");
    assert_eq!(departments(g, Role::Lead), ["县财政局", "县卫健局"]);
    let g = goal(&data, "health/d1/project_box/1");
    assert!(g
        .text
        .starts_with("公共卫生体系建设\n公共卫生规范性制度建设："));
    assert_eq!((g.source.line_start, g.source.line_end), (780, 783));
    let g = goal(&data, "earthquake/d4/task/u1");
    assert!(g
        .text
        .starts_with("宣传、教育和体育、科技、科协、应急等部门要加强防震减灾科普宣传协同配合"));
    assert!(plan(&data, "women")
        .overall_goal
        .as_deref()
        .is_some_and(|t| t.starts_with("男女平等基本国策得到深入贯彻落实")));
}

#[test]
fn export_debris_is_gone_but_lines_are_kept() {
    let data = data();
    let g = goal(&data, "health/d5/task/1");
    assert_eq!(g.source.line_start, 813);
    assert!(data
        .plans
        .iter()
        .flat_map(|p| p.goals.iter())
        .all(|g| !g.text.contains("[bookmark") && !g.source.text.contains("[bookmark")));
    // line 462 starts with a bookmark and still yields nothing it should not
    assert!(data
        .plans
        .iter()
        .flat_map(|p| p.domains.iter())
        .all(|d| !d.title.contains("bookmark")));
}

/// The targets of an indicator, by key, in document order.
fn targets_of<'a>(data: &'a Dataset, name: &str) -> Vec<&'a str> {
    let index = data
        .indicators
        .iter()
        .position(|i| i.name == name)
        .unwrap_or_else(|| panic!("no indicator {name}"));
    data.plans
        .iter()
        .flat_map(|p| p.targets.iter())
        .filter(|t| t.indicator == index)
        .map(|t| t.key.as_str())
        .collect()
}

#[test]
fn one_measure_is_one_indicator_with_every_target() {
    let data = data();
    assert_eq!(
        targets_of(&data, "婴儿死亡率"),
        [
            "children/d1/goal/4/t2",
            "health/plan/goal/1/t4",
            "health/table1/4"
        ]
    );
    assert_eq!(
        targets_of(&data, "孕产妇死亡率"),
        [
            "women/d1/goal/5/t1",
            "health/plan/goal/1/t3",
            "health/table1/3"
        ]
    );
    assert_eq!(
        targets_of(&data, "每千人口3岁以下婴幼儿托位数"),
        [
            "children/d4/goal/6/t1",
            "health/table1/18",
            "health/d6/task/3/t1",
            "health/d6/task/3/t2"
        ]
    );
    assert_eq!(
        targets_of(&data, "居民健康素养水平"),
        [
            "health/plan/goal/1/t2",
            "health/table1/7",
            "health/d8/task/1/t1"
        ]
    );
    // 16 measures are stated by more than one clause
    let shared = data
        .indicators
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            data.plans
                .iter()
                .flat_map(|p| p.targets.iter())
                .filter(|t| t.indicator == *i)
                .count()
                > 1
        })
        .count();
    assert_eq!(shared, 19);
}

#[test]
fn every_entry_of_the_identity_file_is_used_by_the_document() {
    let data = data();
    let measures = plangraph::import::measures::identity().unwrap_or_else(|e| panic!("{e}"));
    let targets: Vec<&TargetData> = data.plans.iter().flat_map(|p| p.targets.iter()).collect();
    let figures: Vec<&str> = data
        .plans
        .iter()
        .flat_map(|p| p.figures.iter())
        .map(|f| f.name.as_str())
        .collect();
    for m in &measures {
        for spelling in &m.spellings {
            let used = targets.iter().any(|t| t.name == *spelling)
                || figures.iter().any(|f| f == spelling);
            assert!(used, "{}: the document never writes {spelling:?}", m.name);
        }
        for key in &m.keys {
            assert!(
                targets.iter().any(|t| t.key == *key),
                "{}: no target {key}",
                m.name
            );
        }
        // and the entry is an indicator of the dataset
        measure(&data, &m.name);
    }
}

#[test]
fn every_clause_of_the_old_model_is_still_a_target() {
    let data = data();
    // The keys of the 114 indicators a store held before indicators were series.
    let dump = std::fs::read_to_string("tests/fixtures/pre-series.sqlite.sql")
        .unwrap_or_else(|e| panic!("{e}"));
    let old: Vec<&str> = dump
        .lines()
        .filter_map(|l| l.strip_prefix("INSERT INTO indicator VALUES("))
        .filter_map(|l| l.split('\'').nth(1))
        .collect();
    assert_eq!(old.len(), 114);
    let keys: Vec<&str> = data
        .plans
        .iter()
        .flat_map(|p| p.targets.iter())
        .map(|t| t.key.as_str())
        .collect();
    // 表1 rows whose target column is `-` are monitored, not targets (issue 29, item 6).
    let monitored: Vec<&str> = data
        .plans
        .iter()
        .flat_map(|p| p.monitored.iter())
        .map(|m| m.key.as_str())
        .collect();
    assert_eq!(
        monitored,
        ["health/table1/12", "health/table1/31", "health/table1/32"]
    );
    for key in &old {
        assert!(
            keys.contains(key) || monitored.contains(key),
            "{key} is gone"
        );
    }
    assert_eq!(keys.len(), 184);
}

#[test]
fn counts_fractions_ratios_and_grades_are_targets() {
    let data = data();
    // 镇级党委、政府领导班子至少各配备1名女干部
    let t = target(&data, "women/d4/goal/5/c1");
    assert_eq!(
        (
            t.name.as_str(),
            t.target.value,
            t.unit.as_deref(),
            t.target.raw.as_str()
        ),
        (
            "镇级党委、政府领导班子配备女干部数",
            Some(1.0),
            Some("名"),
            "配备1名女干部"
        )
    );
    assert_eq!(t.target.comparator, Some(Comparator::AtLeast));
    assert!(!t.inferred.comparator, "至少 is written");
    // 女性成员比例不低于三分之一
    let t = target(&data, "women/d4/measure/1/s1");
    assert_eq!(t.target.raw, "不低于三分之一");
    assert!((t.target.value.unwrap_or(0.0) - 100.0 / 3.0).abs() < 1e-9);
    // 女性厕位与男性厕位的比例至少为3：2
    let t = target(&data, "women/d8/measure/9/s1");
    assert_eq!((t.target.value, t.unit.as_deref()), (Some(1.5), Some("比")));
    // 县级平台通过互联互通四级甲等及以上测评: a grade, not quantified
    let t = target(&data, "health/d11/task/3/g1");
    assert_eq!((t.target.value, t.target.comparator), (None, None));
    assert_eq!(t.target.raw, "通过互联互通四级甲等及以上测评");
    // 18 of 表1's targets have no comparator word: read from the move of the figures
    let inferred: Vec<i32> = plan(&data, "health")
        .targets
        .iter()
        .filter(|t| t.table_number.is_some() && t.inferred.comparator)
        .filter_map(|t| t.table_number)
        .collect();
    assert_eq!(
        inferred,
        [3, 7, 8, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 27, 28, 29, 33]
    );
    // a sentence without a year takes the plan's last one, and says so; 保持在99% has no
    // comparator word (at least is the verb's reading)
    let t = target(&data, "women/d2/goal/2/t1");
    assert!(t.inferred.year && t.inferred.comparator);
    assert!(
        !target(&data, "women/d1/goal/4/t1").inferred.comparator,
        "80%以上"
    );
    assert!(
        !target(&data, "health/d6/task/3/t1").inferred.year,
        "到2023年 is written"
    );
}
