use super::*;
use crate::breakdowns::bundled_of as of;

fn figure(value: f64, source: &str) -> Figure {
    Figure {
        value,
        source: source.into(),
    }
}

fn cell(key: &str) -> Cell {
    Cell::parse(key).unwrap_or_else(|e| panic!("{e}"))
}

fn found(findings: &[Finding], rule: Rule) -> &Finding {
    findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule:?} in {findings:?}"))
}

const CADRES: &str = "镇级党委、政府领导班子配备女干部数";

#[test]
fn a_count_whose_parts_do_not_add_up_is_flagged_with_the_imbalance() {
    let declared = of(CADRES).unwrap_or_else(|| panic!("declared"));
    let total = figure(12.0, "县委组织部");
    let cells = [
        (cell("AGE=Y25T44"), figure(5.0, "县委组织部")),
        (cell("AGE=Y45T64"), figure(4.0, "县委组织部")),
    ];
    let findings = check(declared, Some(&total), &cells);
    let sum = found(&findings, Rule::PartsAddUp);
    assert!(!sum.ok);
    assert_eq!(sum.imbalance, Some(3.0));
    assert_eq!(sum.message, "分组之和 9 与合计 12 相差 3（允许 1）");
    assert!(found(&findings, Rule::RequiredCells).ok);
    assert!(found(&findings, Rule::PartWithinTotal).ok);
    assert!(found(&findings, Rule::SameSource).ok);
    // 7 + 5 = 12: agreed.
    let cells = [
        (cell("AGE=Y25T44"), figure(7.0, "县委组织部")),
        (cell("AGE=Y45T64"), figure(5.0, "县委组织部")),
    ];
    let sum = check(declared, Some(&total), &cells);
    assert_eq!(found(&sum, Rule::PartsAddUp).imbalance, Some(0.0));
    assert!(found(&sum, Rule::PartsAddUp).ok);
}

#[test]
fn a_part_larger_than_its_total_and_a_missing_cell_are_flagged() {
    let declared = of(CADRES).unwrap_or_else(|| panic!("declared"));
    let total = figure(6.0, "县委组织部");
    let cells = [(cell("AGE=Y25T44"), figure(8.0, "县委组织部"))];
    let findings = check(declared, Some(&total), &cells);
    let required = found(&findings, Rule::RequiredCells);
    assert!(!required.ok);
    assert_eq!(required.message, "缺少分组：45-64岁");
    let within = found(&findings, Rule::PartWithinTotal);
    assert_eq!((within.ok, within.imbalance), (false, Some(2.0)));
    assert_eq!(within.message, "分组数 8 大于合计 6");
    // The sum is not judged while a part is missing.
    assert!(findings.iter().all(|f| f.rule != Rule::PartsAddUp));
}

#[test]
fn a_rate_whose_total_lies_outside_its_parts_is_flagged() {
    let declared = of("婴儿死亡率").unwrap_or_else(|| panic!("declared"));
    let total = figure(3.1, "县卫健局");
    let cells = [
        (cell("SEX=F"), figure(2.0, "县卫健局")),
        (cell("SEX=M"), figure(2.5, "县卫健局")),
    ];
    let findings = check(declared, Some(&total), &cells);
    let between = found(&findings, Rule::TotalBetweenParts);
    assert_eq!((between.ok, between.imbalance), (false, Some(0.6)));
    assert_eq!(between.message, "合计 3.1 不在分组的范围 2–2.5");
    assert_eq!(findings.len(), 3, "{findings:?}");
    assert_eq!(findings[0].dimension, Dimension::Sex);
    let inside = check(declared, Some(&figure(2.27, "县卫健局")), &cells);
    assert!(inside.iter().all(|f| f.ok), "{inside:?}");
    assert_eq!(found(&inside, Rule::TotalBetweenParts).imbalance, Some(0.0));
}

#[test]
fn a_total_from_another_source_is_compared_not_replaced() {
    let declared = of("婴儿死亡率").unwrap_or_else(|| panic!("declared"));
    let total = figure(2.27, "文件");
    let cells = [
        (cell("SEX=F"), figure(2.0, "县卫健局")),
        (cell("SEX=M"), figure(2.5, "县卫健局")),
        (cell("URBANISATION=U"), figure(2.1, "县卫健局")),
    ];
    let findings = check(declared, Some(&total), &cells);
    let source = found(&findings, Rule::SameSource);
    assert!(!source.ok);
    assert_eq!(
        source.message,
        "合计来自文件，分组来自县卫健局：两者只作比较，合计不被分组之和替代"
    );
    // Urban/rural has one part of two: the gap is named, and one part is no range.
    let urban: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.dimension == Dimension::Urbanisation)
        .collect();
    assert_eq!(urban.len(), 2, "{urban:?}");
    assert_eq!(urban[0].message, "缺少分组：乡村");
    // Without a total only the cells' own completeness can be judged.
    let alone = check(declared, None, &cells);
    assert_eq!(alone.len(), 2);
    assert!(alone.iter().all(|f| f.rule == Rule::RequiredCells));
}

#[test]
fn the_tolerance_is_half_a_unit_of_the_last_place_per_part() {
    assert_eq!(tolerance(120.0, &[70.0, 48.0]), 1.0);
    assert!((tolerance(12.3, &[7.25, 5.0]) - 0.01).abs() < 1e-12);
    assert_eq!(shown(0.1 + 0.2), "0.3");
}

#[test]
fn a_cross_classified_cell_is_judged_within_its_margin() {
    use crate::breakdowns::bundled::bundle;
    use crate::breakdowns::declare;
    let ages = Some(vec!["Y25T44".to_string(), "Y45T64".to_string()]);
    let dimensions = [(Dimension::Sex, None), (Dimension::Age, ages)];
    let declared = declare(Aggregation::Count, &dimensions, &bundle().codelists, 1);
    let declared = declared.unwrap_or_else(|e| panic!("{e}"));
    let source = "县委组织部";
    let cells = [
        (cell("SEX=F"), figure(7.0, source)),
        (cell("SEX=M"), figure(5.0, source)),
        (cell("SEX=F;AGE=Y25T44"), figure(3.0, source)),
        (cell("SEX=F;AGE=Y45T64"), figure(2.0, source)),
    ];
    // The total's parts by sex agree; the cross-classified cells are no part of the total.
    let total = check(&declared, Some(&figure(12.0, source)), &cells);
    assert!(found(&total, Rule::PartsAddUp).ok);
    assert!(total.iter().all(|f| f.within == Cell::total()));
    assert!(
        total.iter().all(|f| f.dimension == Dimension::Sex),
        "{total:?}"
    );
    // Women's parts by age do not add up to women's figure.
    let women = within(
        &declared,
        &cell("SEX=F"),
        Some(&figure(7.0, source)),
        &cells,
    );
    let sum = found(&women, Rule::PartsAddUp);
    assert_eq!((sum.ok, sum.imbalance), (false, Some(2.0)));
    assert_eq!(sum.message, "分组之和 5 与合计 7 相差 2（允许 1）");
    assert_eq!(
        (sum.within.key(), sum.dimension),
        ("SEX=F".to_string(), Dimension::Age)
    );
    // Those aged 25–44 have no figure of their own: only the missing men are said.
    let young = within(&declared, &cell("AGE=Y25T44"), None, &cells);
    assert_eq!(young.len(), 1, "{young:?}");
    assert_eq!(
        (young[0].rule, young[0].message.as_str()),
        (Rule::RequiredCells, "缺少分组：男")
    );
    // Men have no parts by age.
    assert!(within(
        &declared,
        &cell("SEX=M"),
        Some(&figure(5.0, source)),
        &cells
    )
    .is_empty());
}
