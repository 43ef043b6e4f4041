//! Stage 4: department normalisation — raw spellings in a tag → one canonical name each.
//!
//! The document writes lists the way Chinese official texts do: the first body of a run is
//! spelt out (县卫健局), later ones drop the shared prefix (发改局 for 县发改局), party bodies come
//! first and a full-width comma switches to government bodies (县委宣传部，县融媒体中心、妇联).
//! These rules are pure and table-tested; no single line of the document is special-cased.

use crate::domain::DepartmentKind;

/// One entry of a role segment: a department (canonical + raw) or a group phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Department { name: String, raw: String },
    Group { phrase: String },
}

/// Words that mark a phrase naming a set of bodies rather than one department.
const GROUP_MARKERS: &[&str] = &["各", "有关", "成员单位", "特邀单位", "主管部门"];

/// Mass organisations under their canonical names.
const MASS_ORGANIZATIONS: &[&str] = &[
    "县妇联",
    "县总工会",
    "团县委",
    "县科协",
    "县残联",
    "县关工委",
    "县社科联",
    "县工商联",
];

/// Party bodies whose names do not start with 县委.
const PARTY_BODIES: &[&str] = &["县直机关工委", "县网信办"];

pub fn is_group(phrase: &str) -> bool {
    GROUP_MARKERS.iter().any(|m| phrase.contains(m))
}

/// Canonical name of one raw spelling, given the prefix the list has carried so far.
pub fn canonical_name(raw: &str, carried_prefix: &str) -> String {
    if raw.contains("昌乐分局") {
        // A city bureau's county branch: the list's county prefix does not apply to it.
        if raw.starts_with('市') {
            raw.to_string()
        } else {
            format!("市{raw}")
        }
    } else if raw.contains('县') {
        // 县卫健局, 团县委: already a full name. (市场监管局 is a county bureau, not a city one.)
        raw.to_string()
    } else if carried_prefix == "县委" && PARTY_SUFFIXES.iter().any(|s| raw.ends_with(s)) {
        format!("县委{raw}")
    } else {
        // 县委宣传部、司法局: a bureau after a party body is still a county bureau.
        format!("县{raw}")
    }
}

/// Shorthands that continue a 县委 list: 宣传部, 统战部, 政法委, 编办.
const PARTY_SUFFIXES: &[&str] = &["部", "政法委", "编办"];

pub fn kind_of(name: &str) -> DepartmentKind {
    if name.starts_with("县委") || PARTY_BODIES.contains(&name) {
        DepartmentKind::PartyCommittee
    } else if name.contains("昌乐分局") {
        DepartmentKind::CityBureauBranch
    } else if MASS_ORGANIZATIONS.contains(&name) {
        DepartmentKind::MassOrganization
    } else if name.starts_with('县') && name.ends_with('局') && name != "县税务局" {
        DepartmentKind::CountyGovernment
    } else {
        DepartmentKind::Other
    }
}

/// Splits one role segment (the text after 牵头单位： up to the next label) into entries.
pub fn parse_segment(segment: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut prefix = "县";
    let mut rest = segment.trim_matches(|c: char| "，、；,; ".contains(c));
    while !rest.is_empty() {
        let (item, sep, tail) = match rest.find(['、', '，', ',']) {
            Some(at) => {
                let sep = rest[at..].chars().next().unwrap_or('、');
                (&rest[..at], sep, &rest[at + sep.len_utf8()..])
            }
            None => (rest, '、', ""),
        };
        let item = item.trim();
        if let Some(at) = item.find('等') {
            let name = &item[..at];
            if !name.is_empty() {
                entries.push(department_entry(name, prefix));
            }
            let group = &rest[at + '等'.len_utf8()..];
            if !group.trim().is_empty() {
                entries.push(group_entry(group));
            }
            break;
        }
        if is_group(item) {
            // A group runs to the end of the segment: 县妇儿工委各成员单位、特邀单位 is one phrase.
            entries.push(group_entry(rest));
            break;
        }
        if !item.is_empty() {
            let entry = department_entry(item, prefix);
            if let Entry::Department { name, .. } = &entry {
                prefix = if name.starts_with("县委") {
                    "县委"
                } else {
                    "县"
                };
            }
            entries.push(entry);
        }
        if sep != '、' {
            prefix = "县";
        }
        rest = tail;
    }
    entries
}

fn department_entry(raw: &str, prefix: &str) -> Entry {
    let raw = raw.trim();
    Entry::Department {
        name: canonical_name(raw, prefix),
        raw: raw.to_string(),
    }
}

fn group_entry(text: &str) -> Entry {
    Entry::Group {
        phrase: text
            .trim_matches(|c: char| "，、；,; ".contains(c))
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(segment: &str) -> Vec<String> {
        parse_segment(segment)
            .into_iter()
            .map(|e| match e {
                Entry::Department { name, .. } => name,
                Entry::Group { phrase } => format!("<{phrase}>"),
            })
            .collect()
    }

    /// Every shorthand pattern the document uses, with what it must mean.
    #[test]
    fn normalises_every_shorthand_pattern() {
        let cases: &[(&str, &[&str])] = &[
            // full name, then county shorthand
            ("县医保局、发改局", &["县医保局", "县发改局"]),
            // party body, comma, government bodies with shorthand
            (
                "县委宣传部，县融媒体中心、妇联",
                &["县委宣传部", "县融媒体中心", "县妇联"],
            ),
            // party shorthand carries 县委
            (
                "县委组织部、宣传部，县民政局、妇联",
                &["县委组织部", "县委宣传部", "县民政局", "县妇联"],
            ),
            ("县委组织部、统战部", &["县委组织部", "县委统战部"]),
            // …but a bureau after a party body is a county bureau
            (
                "县委宣传部、司法局等县妇儿工委有关成员单位、特邀单位",
                &[
                    "县委宣传部",
                    "县司法局",
                    "<县妇儿工委有关成员单位、特邀单位>",
                ],
            ),
            (
                "县委宣传部、政法委，县体育事业发展中心、卫健局",
                &["县委宣传部", "县委政法委", "县体育事业发展中心", "县卫健局"],
            ),
            // comma inside one role resets to county bodies
            (
                "县委组织部，县财政局、总工会",
                &["县委组织部", "县财政局", "县总工会"],
            ),
            ("县委组织部、县人社局", &["县委组织部", "县人社局"]),
            // names that already hold 县 stay as they are
            (
                "县教育和体育局、团县委、关工委",
                &["县教育和体育局", "团县委", "县关工委"],
            ),
            // city bureau branch, with and without its 市
            (
                "县住建局、市生态环境局昌乐分局、农业农村局",
                &["县住建局", "市生态环境局昌乐分局", "县农业农村局"],
            ),
            ("县卫健局、市场监管局", &["县卫健局", "县市场监管局"]),
            (
                "县住建局、财政局、生态环境局昌乐分局、教育和体育局",
                &[
                    "县住建局",
                    "县财政局",
                    "市生态环境局昌乐分局",
                    "县教育和体育局",
                ],
            ),
            (
                "市生态环境局昌乐分局、教育和体育局",
                &["市生态环境局昌乐分局", "县教育和体育局"],
            ),
            // a list that starts with a shorthand
            ("妇儿工委办公室、财政局", &["县妇儿工委办公室", "县财政局"]),
            // 等 + group
            (
                "县司法局、卫健局、妇联等县妇儿工委有关成员单位",
                &["县司法局", "县卫健局", "县妇联", "<县妇儿工委有关成员单位>"],
            ),
            (
                "县公安局、司法局等县妇儿工委有关成员单位、特邀单位",
                &["县公安局", "县司法局", "<县妇儿工委有关成员单位、特邀单位>"],
            ),
            (
                "团县委等县妇儿工委成员单位、特邀单位",
                &["团县委", "<县妇儿工委成员单位、特邀单位>"],
            ),
            // groups alone
            (
                "县妇儿工委各成员单位、特邀单位",
                &["<县妇儿工委各成员单位、特邀单位>"],
            ),
            ("有关行业主管部门", &["<有关行业主管部门>"]),
            (
                "县民政局、各县管社会组织业务主管单位",
                &["县民政局", "<各县管社会组织业务主管单位>"],
            ),
            (
                "县促进中医药发展工作领导小组其他各成员单位",
                &["<县促进中医药发展工作领导小组其他各成员单位>"],
            ),
            // trailing punctuation from the tag
            ("县卫健局，", &["县卫健局"]),
        ];
        for (segment, expected) in cases {
            assert_eq!(names(segment), *expected, "segment {segment}");
        }
    }

    #[test]
    fn keeps_the_raw_spelling() {
        assert_eq!(
            parse_segment("县医保局、发改局")[1],
            Entry::Department {
                name: "县发改局".into(),
                raw: "发改局".into()
            }
        );
    }

    #[test]
    fn classifies_kinds() {
        let cases = [
            ("县卫健局", DepartmentKind::CountyGovernment),
            ("县教育和体育局", DepartmentKind::CountyGovernment),
            ("县委宣传部", DepartmentKind::PartyCommittee),
            ("县委编办", DepartmentKind::PartyCommittee),
            ("县直机关工委", DepartmentKind::PartyCommittee),
            ("县网信办", DepartmentKind::PartyCommittee),
            ("团县委", DepartmentKind::MassOrganization),
            ("县妇联", DepartmentKind::MassOrganization),
            ("县总工会", DepartmentKind::MassOrganization),
            ("市生态环境局昌乐分局", DepartmentKind::CityBureauBranch),
            ("县融媒体中心", DepartmentKind::Other),
            ("县法院", DepartmentKind::Other),
            ("县税务局", DepartmentKind::Other),
        ];
        for (name, kind) in cases {
            assert_eq!(kind_of(name), kind, "{name}");
        }
    }
}
