//! Tests of `progress`.

use super::*;

#[test]
fn shown_values_have_four_decimals_at_most() {
    assert_eq!(shown(100.0 / 3.0), 33.3333);
    assert_eq!(shown(2.27), 2.27);
    assert_eq!(shown(200.0 / 3.0), 66.6667);
    assert_eq!(shown(-0.00004), 0.0);
}

/// 居民健康素养水平: 23.16 (2020) → 30.32 (2025), at least.
fn literacy(nature: Nature) -> Target {
    Target {
        direction: Direction::HigherIsBetter,
        nature,
        baseline: Some((2020, 23.16)),
        target_year: 2025,
        target_value: Some(30.32),
        comparator: Some(Comparator::AtLeast),
        basis: TargetBasis::Level,
    }
}

fn status(i: &Target, values: &[Point]) -> Status {
    assess(i, values, None).status
}

#[test]
fn linear_trajectory_statuses() {
    let i = literacy(Nature::Expected);
    // 2022 is 40% of the time; the way is 7.16 points.
    assert_eq!(status(&i, &[(2022, 26.0)]), Status::AtRisk); // 39.7% done: just behind 40%
    assert_eq!(status(&i, &[(2022, 26.03)]), Status::OnTrack); // 40.1% done
    assert_eq!(status(&i, &[(2022, 25.0)]), Status::AtRisk); // 25.7% done, within 25 points
    assert_eq!(status(&i, &[(2022, 23.5)]), Status::OffTrack); // 4.7% done
    assert_eq!(status(&i, &[(2024, 30.32)]), Status::Achieved);
    assert_eq!(status(&i, &[(2025, 30.0)]), Status::OffTrack); // target year reached
}

#[test]
fn progress_and_expected_values() {
    let i = literacy(Nature::Expected);
    let a = assess(&i, &[(2022, 26.74)], None);
    assert!((a.progress.unwrap() - 0.5).abs() < 1e-9);
    assert!((a.expected.unwrap() - (23.16 + 7.16 * 0.4)).abs() < 1e-9);
    assert_eq!(a.target_level, Some(30.32));
    // progress may exceed 1
    let a = assess(&i, &[(2023, 37.48)], None);
    assert!((a.progress.unwrap() - 2.0).abs() < 1e-9);
    assert_eq!(a.status, Status::Achieved);
}

#[test]
fn binding_indicators_miss_into_off_track() {
    let i = literacy(Nature::Binding);
    assert_eq!(status(&i, &[(2022, 25.0)]), Status::OffTrack);
    assert_eq!(status(&i, &[(2022, 26.1)]), Status::OnTrack);
}

#[test]
fn lower_is_better() {
    // 肺结核发病率 21.46 → 20.13 /10万, at most
    let i = Target {
        direction: Direction::LowerIsBetter,
        nature: Nature::Expected,
        baseline: Some((2020, 21.46)),
        target_year: 2025,
        target_value: Some(20.13),
        comparator: Some(Comparator::AtMost),
        basis: TargetBasis::Level,
    };
    assert_eq!(status(&i, &[(2021, 21.0)]), Status::OnTrack);
    assert_eq!(status(&i, &[(2023, 20.9)]), Status::AtRisk); // 42% done, 60% elapsed
    assert_eq!(status(&i, &[(2023, 22.0)]), Status::OffTrack);
    assert_eq!(status(&i, &[(2023, 20.1)]), Status::Achieved);
}

#[test]
fn no_data_and_not_quantified() {
    let i = literacy(Nature::Expected);
    assert_eq!(status(&i, &[]), Status::NoData);
    assert_eq!(status(&i, &[(2020, 23.16)]), Status::NoData);
    // a start that already meets the target is achieved (婴儿死亡率 2.27‰ in 2020, ≤3.3)
    let met = Target {
        direction: Direction::LowerIsBetter,
        nature: Nature::Expected,
        baseline: Some((2020, 2.27)),
        target_year: 2025,
        target_value: Some(3.3),
        comparator: Some(Comparator::AtMost),
        basis: TargetBasis::Level,
    };
    assert_eq!(status(&met, &[(2020, 2.27)]), Status::Achieved);
    let a = assess(&met, &[(2020, 2.27), (2022, 2.0)], None);
    assert_eq!((a.status, a.progress), (Status::Achieved, Some(1.0)));
    // …and falling back from it is a warning, with the numbers
    let a = assess(&met, &[(2020, 2.27), (2022, 3.4)], None);
    assert_eq!((a.status, a.progress), (Status::AtRisk, None)); // within 5% of 3.3
    assert_eq!(
        a.reason(Language::Chinese),
        "2020年数值2.27已达到目标≤3.3，2022年数值3.4回落到目标以外"
    );
    assert_eq!(
        a.reason(Language::English),
        "the 2020 value 2.27 met the target at most 3.3; the 2022 value 3.4 no longer does"
    );
    assert_eq!(status(&met, &[(2020, 2.27), (2022, 4.0)]), Status::OffTrack);
    let mut n = literacy(Nature::Expected);
    n.target_value = None;
    n.comparator = None;
    assert_eq!(status(&n, &[(2023, 30.0)]), Status::NotQuantified);
    // no stated baseline: the first published value is the start
    let mut b = literacy(Nature::Expected);
    b.baseline = None;
    assert_eq!(status(&b, &[(2021, 24.0)]), Status::NoData);
    assert_eq!(status(&b, &[(2021, 24.0), (2023, 28.0)]), Status::OnTrack);
}

#[test]
fn as_of_ignores_later_values() {
    let i = literacy(Nature::Expected);
    let values = [(2022, 23.5), (2024, 30.5)];
    assert_eq!(assess(&i, &values, Some(2023)).status, Status::OffTrack);
    assert_eq!(assess(&i, &values, None).status, Status::Achieved);
}

#[test]
fn about_targets_keep_a_level() {
    // 就业人员中的女性比例保持在45%左右
    let i = Target {
        direction: Direction::Keep,
        nature: Nature::Unspecified,
        baseline: Some((2020, 44.0)),
        target_year: 2025,
        target_value: Some(45.0),
        comparator: Some(Comparator::About),
        basis: TargetBasis::Level,
    };
    assert_eq!(status(&i, &[(2022, 46.5)]), Status::Achieved); // within 2.25
    assert_eq!(status(&i, &[(2022, 49.0)]), Status::AtRisk); // within 4.5
    assert_eq!(status(&i, &[(2022, 52.0)]), Status::OffTrack);
}

#[test]
fn change_targets_become_levels() {
    // 儿童意外伤害死亡率以2020年为基数下降20%
    let i = Target {
        direction: Direction::LowerIsBetter,
        nature: Nature::Unspecified,
        baseline: None,
        target_year: 2025,
        target_value: Some(20.0),
        comparator: Some(Comparator::AtLeast),
        basis: TargetBasis::ChangeFromBaseline,
    };
    let a = assess(&i, &[(2020, 10.0), (2025, 7.9)], None);
    assert_eq!(a.target_level, Some(8.0));
    assert_eq!(a.status, Status::Achieved);
    // 青少年总体近视率 力争每年降低1个百分点
    let i = Target {
        basis: TargetBasis::AnnualChange,
        target_value: Some(1.0),
        ..i
    };
    let a = assess(&i, &[(2020, 50.0), (2022, 48.5)], None);
    assert_eq!(a.target_level, Some(45.0));
    assert_eq!(a.status, Status::AtRisk); // 30% done, 40% elapsed
}

#[test]
fn reasons_say_why_in_numbers() {
    let i = literacy(Nature::Expected);
    let a = assess(&i, &[(2022, 25.0)], None);
    assert_eq!(
        a.reason(Language::English),
        "2022 value 25 against 26.024 expected on the linear path from 23.16 (2020) to 30.32 (2025): 26% of the way done, 40% of the time elapsed"
    );
    assert_eq!(
        a.reason(Language::Chinese),
        "2022年数值25，按2020年23.16至2025年30.32的线性路径应为26.024：已完成26%，时间已过40%"
    );
    let none = assess(&i, &[], None);
    assert_eq!(
        none.reason(Language::Chinese),
        "起点为2020年的23.16，目标为2025年≥30.32；此后尚无公布数据"
    );
    assert_eq!(
        none.reason(Language::English),
        "starts at 23.16 in 2020, target at least 30.32 by 2025; no value published after 2020"
    );
    let mut unset = literacy(Nature::Expected);
    unset.baseline = None;
    assert_eq!(
        assess(&unset, &[], None).reason(Language::Chinese),
        "目标为2025年≥30.32；尚无公布数据，也无基线"
    );
}

#[test]
fn numbers_are_rounded_and_the_trajectory_is_linear() {
    let i = literacy(Nature::Expected);
    let a = assess(&i, &[(2022, 22.265)], None);
    assert_eq!(a.progress, Some(-0.125));
    assert_eq!(
        trajectory(&i, &[]),
        vec![
            (2020, 23.16),
            (2021, 24.592),
            (2022, 26.024),
            (2023, 27.456),
            (2024, 28.888),
            (2025, 30.32)
        ]
    );
    // 婴儿死亡率: 2.27‰ in 2020 already meets ≤3.3 — the line to stay within is 3.3
    let met = Target {
        direction: Direction::LowerIsBetter,
        nature: Nature::Unspecified,
        baseline: None,
        target_year: 2025,
        target_value: Some(3.3),
        comparator: Some(Comparator::AtMost),
        basis: TargetBasis::Level,
    };
    assert_eq!(
        trajectory(&met, &[(2020, 2.27)]),
        (2020..=2025).map(|y| (y, 3.3)).collect::<Vec<_>>()
    );
}

/// 青少年总体近视率 (表1 row 25): 力争每年降低1个百分点 with no 2020 figure ('-'), and a fall
/// from a baseline nobody published: the reason still carries the number.
#[test]
fn a_change_target_without_a_start_says_its_change() {
    let myopia = Target {
        direction: Direction::LowerIsBetter,
        nature: Nature::Binding,
        baseline: None,
        target_year: 2025,
        target_value: Some(1.0),
        comparator: Some(Comparator::AtMost),
        basis: TargetBasis::AnnualChange,
    };
    let a = assess(&myopia, &[], None);
    assert_eq!(a.status, Status::NoData);
    assert_eq!(
        a.reason(Language::English),
        "target a fall of 1 a year by 2025; no value published and no baseline"
    );
    assert_eq!(
        a.reason(Language::Chinese),
        "目标为2025年每年降低1；尚无公布数据，也无基线"
    );
    let fall = Target {
        basis: TargetBasis::ChangeFromBaseline,
        target_value: Some(20.0),
        nature: Nature::Expected,
        ..myopia
    };
    assert_eq!(
        assess(&fall, &[], None).reason(Language::English),
        "target a fall of 20% from the baseline by 2025; no value published and no baseline"
    );
    assert_eq!(
        assess(&fall, &[], None).reason(Language::Chinese),
        "目标为2025年比基线下降20%；尚无公布数据，也无基线"
    );
}

#[test]
fn a_level_is_written_as_the_plans_write_it() {
    // women's plan lines 92 and 127: 保持在45%左右, 总体为95%; children: ≤3.3‰
    assert_eq!(level_text(Comparator::About, "45", "%"), "45%左右");
    assert_eq!(level_text(Comparator::Exactly, "95", "%"), "=95%");
    assert_eq!(level_text(Comparator::AtMost, "3.3", "‰"), "≤3.3‰");
    assert_eq!(level_text(Comparator::AtLeast, "80", "%"), "≥80%");
}
