//! Tests of `targets`.

use super::*;

fn brief(text: &str) -> Vec<(String, f64, String, Comparator, Direction)> {
    extract(text)
        .into_iter()
        .map(|f| {
            (
                f.name,
                f.value.unwrap(),
                f.unit,
                f.comparator.unwrap(),
                f.direction,
            )
        })
        .collect()
}

#[test]
fn every_quantity_in_words_passes_the_first_character_gate() {
    for (text, value) in FRACTIONS {
        let q = quantity(&format!("{text}的")).unwrap();
        assert_eq!((q.value, q.unit, q.len), (*value, "%", text.len()));
    }
    for (text, value) in NUMERALS {
        let q = quantity(&format!("{text}个专科")).unwrap();
        assert_eq!((q.value, q.unit, q.len), (*value, "个", text.len() + 3));
    }
    // find_verb looks for verbs ending where a quantity starts.
    assert!(VERBS.iter().all(|v| !v.text.is_empty()));
    assert_eq!(quantity("8.2/10万").unwrap().value, 8.2);
    assert_eq!(quantity("五个"), None);
    assert_eq!(quantity(".5%"), None);
}

#[test]
fn one_sentence_three_indicators() {
    assert_eq!(
        brief(
            "新生儿、婴儿和5岁以下儿童死亡率分别控制在3‰、3.3‰和4‰以下，城乡和地区差距逐步缩小。"
        ),
        vec![
            (
                "新生儿死亡率".into(),
                3.0,
                "‰".into(),
                Comparator::AtMost,
                Direction::LowerIsBetter
            ),
            (
                "婴儿死亡率".into(),
                3.3,
                "‰".into(),
                Comparator::AtMost,
                Direction::LowerIsBetter
            ),
            (
                "5岁以下儿童死亡率".into(),
                4.0,
                "‰".into(),
                Comparator::AtMost,
                Direction::LowerIsBetter
            ),
        ]
    );
}

#[test]
fn shared_population_prefix() {
    let names: Vec<String> = extract("5岁以下儿童贫血率和生长迟缓率分别控制在4%和1.8%以下")
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["5岁以下儿童贫血率", "5岁以下儿童生长迟缓率"]);
}

#[test]
fn one_value_for_two_rates() {
    let found = extract("全面消除中小学“大班额”，义务教育入学率、巩固率保持在100%。");
    let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
    // The elimination before them is a commitment without a number (after the levels).
    assert_eq!(
        names,
        ["义务教育入学率", "义务教育巩固率", "消除中小学“大班额”"]
    );
    assert!(found[..2]
        .iter()
        .all(|f| f.value == Some(100.0) && f.comparator == Some(Comparator::AtLeast)));
    assert_eq!(found[2].value, None);
}

#[test]
fn qualifiers_override_the_verb() {
    assert_eq!(
        brief("就业人员中的女性比例保持在45%左右。"),
        vec![(
            "就业人员中的女性比例".into(),
            45.0,
            "%".into(),
            Comparator::About,
            Direction::Keep
        )]
    );
    assert_eq!(
        brief("12岁儿童龋患率控制在30%以内。"),
        vec![(
            "12岁儿童龋患率".into(),
            30.0,
            "%".into(),
            Comparator::AtMost,
            Direction::LowerIsBetter
        )]
    );
    assert_eq!(
        brief("城镇单位从业人员中的女性比例达到43%以上。"),
        vec![(
            "城镇单位从业人员中的女性比例".into(),
            43.0,
            "%".into(),
            Comparator::AtLeast,
            Direction::HigherIsBetter
        )]
    );
}

#[test]
fn a_verb_inside_a_word_is_not_a_verb() {
    let found = extract("中小学生国家学生体质健康标准达标优良率达到55%以上。");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "中小学生国家学生体质健康标准达标优良率");
    assert_eq!(found[0].raw, "达到55%以上");
}

#[test]
fn a_bare_rate_takes_its_object_from_the_clause_before_and_均_sets_it_on_each() {
    let found = extract("为全县适龄（35-64岁）妇女提供宫颈癌、乳腺癌免费检查，检查率均达到80%以上。妇女常见病筛查率达到85%以上。");
    let got: Vec<(&str, f64, &str, usize)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.value.unwrap(), f.raw.as_str(), f.part))
        .collect();
    assert_eq!(
        got,
        [
            ("宫颈癌免费检查率", 80.0, "达到80%以上", 0),
            ("乳腺癌免费检查率", 80.0, "达到80%以上", 1),
            ("妇女常见病筛查率", 85.0, "达到85%以上", 0),
        ]
    );
    // Without 均 the subject is one measure, as the text names it.
    let found = extract("为妇女提供宫颈癌、乳腺癌免费检查，检查率达到80%以上。");
    assert_eq!(found[0].name, "宫颈癌、乳腺癌免费检查率");
    assert_eq!(found.len(), 1);
}

#[test]
fn several_targets_in_one_clause_and_the_sentence_year() {
    let found = extract("到2025年，严重精神障碍患者规范管理率达到95%以上、服药率达到90%以上，抑郁症治疗率大幅提高。");
    let got: Vec<(&str, f64, Option<i32>)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.value.unwrap(), f.year))
        .collect();
    assert_eq!(
        got,
        [
            ("严重精神障碍患者规范管理率", 95.0, Some(2025)),
            ("严重精神障碍患者服药率", 90.0, Some(2025))
        ]
    );
    let found = extract("到2023年，全县…基本建立，每千人口3岁以下婴幼儿托位数达到2.4个。");
    assert_eq!((found[0].year, found[0].value), (Some(2023), Some(2.4)));
    assert_eq!(extract("孕产妇系统管理率达到90%以上。")[0].year, None);
}

#[test]
fn lead_ins_and_yearly_changes_in_the_subject() {
    let found = extract("确保女童义务教育巩固率达100%。");
    assert_eq!(found[0].name, "女童义务教育巩固率");
    let found = extract("学生常见病及健康影响因素监测全覆盖，总体近视率每年降低不少于1个百分点。");
    assert_eq!(found[0].name, "总体近视率");
    assert_eq!(
        (found[0].basis, found[0].direction),
        (TargetBasis::AnnualChange, Direction::LowerIsBetter)
    );
    assert_eq!(
        (found[0].comparator, found[0].value),
        (Some(Comparator::AtLeast), Some(1.0))
    );
}

#[test]
fn change_targets() {
    let found = extract("儿童意外伤害死亡率以2020年为基数下降20%。");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].basis, TargetBasis::ChangeFromBaseline);
    assert_eq!(found[0].baseline_year, Some(2020));
    assert_eq!(found[0].value, Some(20.0));
    assert_eq!(found[0].raw, "以2020年为基数下降20%");
    let found = extract("儿童总体近视率平均每年降低1个百分点以上");
    assert_eq!(found[0].basis, TargetBasis::AnnualChange);
    assert_eq!(found[0].unit, "个百分点");
    assert_eq!(found[0].direction, Direction::LowerIsBetter);
}

#[test]
fn reversed_shares() {
    let found = extract("90%的城市社区和80%的农村社区（村）建立家长学校或家庭教育指导服务站点。");
    let names: Vec<(&str, f64)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.value.unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("建立家长学校或家庭教育指导服务站点的城市社区比例", 90.0),
            (
                "建立家长学校或家庭教育指导服务站点的农村社区（村）比例",
                80.0
            )
        ]
    );
}

#[test]
fn sentences_without_targets() {
    assert!(extract("为全县1周岁儿童免费接种一剂水痘疫苗。").is_empty());
    assert!(extract("逐步提高女性接受职业教育的水平。").is_empty());
}

#[test]
fn stated_past_values() {
    assert_eq!(
        stated_changes("全县人均期望寿命从2015年的78.74岁上升到2020年的80.11岁，婴儿死亡率2.27‰"),
        vec![StatedChange {
            subject: "人均期望寿命".into(),
            from: (2015, 78.74, "2015年的78.74岁".into()),
            to: (2020, 80.11, "2020年的80.11岁".into())
        }]
    );
}

fn one(text: &str) -> Found {
    let found = extract(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn counts_of_things_to_build_or_staff() {
    let f = one("镇级党委、政府领导班子至少各配备1名女干部。");
    assert_eq!(
        (f.name.as_str(), f.value, f.unit.as_str(), f.form),
        (
            "镇级党委、政府领导班子配备女干部数",
            Some(1.0),
            "名",
            Form::Count
        )
    );
    assert!(!f.comparator_inferred, "至少 is written");
    let f = one("打造1至2支综合性应急救援队伍");
    assert_eq!(
        (f.name.as_str(), f.value),
        ("综合性应急救援队伍数", Some(1.0))
    );
    assert!(f.comparator_inferred, "a range is read as its lower end");
    let f =
        one("推进县人民医院老年医院和东方养老托护中心进行养老机构备案，新增护理型养老床位870张。");
    // 新增…870张 commits to 870 more beds, not to a total of 870: the measure is the beds added.
    assert_eq!(
        (f.name.as_str(), f.value, f.raw.as_str()),
        (
            "新增护理型养老床位数",
            Some(870.0),
            "新增护理型养老床位870张"
        )
    );
    // health L804: 再创建 is also an increase, and 2个 of one or 2个 of the other is one
    // target, met when either count reaches 2.
    let found = extract("到2025年，争创省级重点学科1-2个，再创建潍坊市级重点学科（专科）2个或潍坊市级基础支撑学科2个。");
    let found: Vec<(&str, Option<f64>, &str)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.value, f.raw.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("省级重点学科数", Some(1.0), "争创省级重点学科1-2个"),
            (
                "新增潍坊市级重点学科（专科）或潍坊市级基础支撑学科数（取较多者）",
                Some(2.0),
                "再创建潍坊市级重点学科（专科）2个或潍坊市级基础支撑学科2个"
            )
        ]
    );
    // A third alternative extends the list; a different number is a target of its own.
    let names: Vec<String> =
        extract("再创建甲学科2个或乙学科2个或丙学科2个，建成丁中心2个或戊中心3个。")
            .into_iter()
            .map(|f| f.name)
            .collect();
    assert_eq!(
        names,
        [
            "新增甲学科或乙学科或丙学科数（取较多者）",
            "丁中心数",
            "戊中心数"
        ]
    );
    let both = extract("完成我县1个基准站和1个基本站仪器安装和站点建设等工作");
    let names: Vec<&str> = both.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["基准站数", "基本站数"]);
    let staffed = extract("每所乡镇卫生院、社区卫生服务中心至少配备1名全科医生提供规范的儿童基本医疗服务，至少配备2名专业从事儿童保健的医生。");
    let names: Vec<&str> = staffed.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "每所乡镇卫生院、社区卫生服务中心配备全科医生数",
            "每所乡镇卫生院、社区卫生服务中心配备专业从事儿童保健的医生数"
        ]
    );
    assert!(
        extract("实现每一所薄弱学校都有学校结对帮扶").is_empty(),
        "每一所 is every one"
    );
    // health L776: vehicles are counted too (the completeness walk found it unread).
    let f = one("加强儿童、妇产、心理危机干预等专科医疗服务体系建设。至少配备1辆负压救护车。");
    assert_eq!(
        (f.name.as_str(), f.value, f.unit.as_str(), f.raw.as_str()),
        ("负压救护车数", Some(1.0), "辆", "配备1辆负压救护车")
    );
    assert!(!f.comparator_inferred, "至少 is written");
}

#[test]
fn fractions_ratios_and_shares_before_their_bodies() {
    let f = one("女性成员比例不低于三分之一");
    assert!((f.value.unwrap() - 33.333).abs() < 0.001);
    assert_eq!(f.raw, "不低于三分之一");
    let f = one("女性厕位与男性厕位的比例至少为3：2");
    assert_eq!((f.value, f.unit.as_str()), (Some(1.5), "比"));
    let found = extract("到“十四五”末，全县乡镇卫生院、社区卫生服务中心100%达到国家基本标准，30%以上机构达到国家推荐标准。");
    let got: Vec<(&str, f64, bool)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.value.unwrap(), f.comparator_inferred))
        .collect();
    assert_eq!(
        got,
        [
            (
                "达到国家基本标准的乡镇卫生院、社区卫生服务中心比例",
                100.0,
                true
            ),
            ("达到国家推荐标准的机构比例", 30.0, false)
        ]
    );
    let f = one("县级综合医院中医床位数不低于总标准床位数的8%");
    assert_eq!(
        (f.name.as_str(), f.value),
        ("县级综合医院中医床位数占总标准床位数的比例", Some(8.0))
    );
    let f = one("应保证一半以上的领导班子配备女干部");
    assert_eq!(
        (f.name.as_str(), f.value),
        ("配备女干部的领导班子比例", Some(50.0))
    );
}

#[test]
fn grades_and_capabilities_are_targets_without_a_number() {
    let f = one("全县城乡具备抗御6级地震能力");
    assert_eq!(
        (f.name.as_str(), f.value, f.comparator, f.form),
        ("城乡抗御6级地震能力", None, None, Form::Grade)
    );
    assert_eq!(f.raw, "具备抗御6级地震能力");
    let f = one("县级平台通过互联互通四级甲等及以上测评");
    assert_eq!(f.raw, "通过互联互通四级甲等及以上测评");
    assert_eq!(f.value, None);
}

#[test]
fn old_keys_keep_their_meaning() {
    // the first grammar read 三级医院…不少于4个 as t1; the share after it is new (s1)
    let found = extract("县级综合医院中医床位数不低于总标准床位数的8%，三级医院门诊开设中医专业不少于4个，二级医院不少3个。");
    let first: Vec<&str> = found
        .iter()
        .filter(|f| f.is_first_grammar())
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(first, ["三级医院门诊开设中医专业"]);
    assert_eq!(found.len(), 3);
}

#[test]
fn figures_of_past_years() {
    let got: Vec<(String, f64, Option<i32>)> = stated_values(
        "1．城乡居民健康水平持续提高。全县人均期望寿命从2015年的78.74岁上升到2020年的80.11岁，婴儿死亡率2.27‰、5岁以下儿童死亡率3.64‰，主要健康指标有效改善。",
    )
    .into_iter()
    .map(|s| (s.name, s.value, s.year))
    .collect();
    assert!(got.contains(&("婴儿死亡率".into(), 2.27, None)), "{got:?}");
    assert!(
        got.contains(&("5岁以下儿童死亡率".into(), 3.64, None)),
        "{got:?}"
    );
    let got: Vec<(String, f64)> = stated_values(
        "全县每千人口医疗卫生机构床位数6.03张；每千人口执业（助理）医师、注册护士达到2.77人和2.73人",
    )
    .into_iter()
    .map(|s| (s.name, s.value))
    .collect();
    assert_eq!(
        got,
        [
            ("每千人口医疗卫生机构床位数".into(), 6.03),
            ("每千人口执业（助理）医师".into(), 2.77),
            ("每千人口注册护士".into(), 2.73)
        ]
    );
    let dated =
        stated_values("2020年，全县出生人口5274人，人口出生率和自然增长率分别为8.22‰和1.23‰");
    assert!(dated
        .iter()
        .any(|s| s.name == "自然增长率" && s.value == 1.23 && s.year == Some(2020)));
}

#[test]
fn a_phrase_read_without_spaces_is_quoted_as_written() {
    let text = "机构实有床位数不少于 100张，妇产科、儿科床位数不少于全院总床位数的85%。";
    assert_eq!(
        super::as_written(text, "机构实有床位数不少于100张").as_deref(),
        Some("机构实有床位数不少于 100张")
    );
    assert_eq!(
        super::as_written(text, "不少于100张").as_deref(),
        Some("不少于 100张")
    );
    assert_eq!(super::as_written(text, "85%").as_deref(), Some("85%"));
    assert_eq!(super::as_written(text, "不少于200张"), None);
}

#[test]
fn the_year_a_sentence_states_is_its_targets_year() {
    // health L787: 力争2022年 after the target; the next part states its own year.
    let found = extract("推进县人民医院新院区一期项目建设，建设完成后增加编制床位300张，力争2022年投入使用；并于2021年前有序开工二期项目建设，建设完成后增加编制床位200张，至2025年末县人民医院总编制床位达到1500张。");
    let got: Vec<(f64, Option<i32>)> = found.iter().map(|f| (f.value.unwrap(), f.year)).collect();
    assert!(got.contains(&(300.0, Some(2022))), "{got:?}");
    assert!(got.contains(&(1500.0, Some(2025))), "{got:?}");
    // health L787: 到“十四五”末 is the end of 2025, stated, not inferred.
    let found = extract("到“十四五”末，全县乡镇卫生院、社区卫生服务中心100%达到国家基本标准，30%以上机构达到国家推荐标准。");
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f.year == Some(2025)), "{found:?}");
    // health L854: a year at the head of a sentence holds across its semicolon.
    let found = extract("到2025年，确保国家卫生县城复审达标，实现省级卫生村全覆盖，国家卫生乡镇比例不低于50%；无烟法规保护人口比例达到100%，15岁以上人群吸烟率下降至22%以下。");
    assert!(found.len() >= 3, "{found:?}");
    assert!(found.iter().all(|f| f.year == Some(2025)), "{found:?}");
    // health L791: 到“十四五”末 dates what follows it, not the 先期 step before it.
    let found = extract("完善基层信息系统，先期实现50项基本应用功能，到“十四五”末，实现基本公共卫生服务信息系统与基本医疗、家庭医生签约服务和其他专业公共卫生系统互联互通。");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].value, found[0].year), (Some(50.0), None));
    // Without a stated year the plan's end year is inferred later: None here.
    let found = extract("妇女常见病筛查率达到85%以上。");
    assert_eq!(found[0].year, None);
}
