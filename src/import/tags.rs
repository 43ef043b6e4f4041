//! Stage 3: the department tag at the end of an item — found, cut off and split by role.

use super::departments::{parse_segment, Entry};
use crate::domain::Role;

const LABELS: &[&str] = &["牵头单位", "牵头部门", "责任单位", "配合单位"];

/// A parsed tag: the item text without it, the tag as published, and its entries by role.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    pub body: String,
    pub tag: Option<String>,
    pub entries: Vec<(Role, Entry)>,
}

/// Splits `（牵头单位：…；责任单位：…）` off the end of an item's text.
///
/// The tag is recognised by its role labels, not by position alone: a sentence may well end
/// in a parenthesis of its own.
pub fn split(text: &str) -> Tagged {
    let trimmed = text.trim_end();
    let untagged = || Tagged {
        body: trimmed.to_string(),
        tag: None,
        entries: Vec::new(),
    };
    if !(trimmed.ends_with('）') || trimmed.ends_with(')')) {
        return untagged();
    }
    let Some(open) = trimmed.rfind(['（', '(']) else {
        return untagged();
    };
    let open_len = trimmed[open..].chars().next().map_or(1, char::len_utf8);
    let close_len = trimmed.chars().next_back().map_or(1, char::len_utf8);
    let inner = &trimmed[open + open_len..trimmed.len() - close_len];
    if !LABELS.iter().any(|l| inner.starts_with(l)) {
        return untagged();
    }
    Tagged {
        body: trimmed[..open].trim_end().to_string(),
        tag: Some(trimmed[open..].to_string()),
        entries: parse_roles(inner),
    }
}

/// Splits the inside of a tag into role segments, each into entries.
fn parse_roles(inner: &str) -> Vec<(Role, Entry)> {
    // Find every `label：` and cut the text between consecutive labels.
    let mut marks: Vec<(usize, usize, Role)> = Vec::new();
    for label in LABELS {
        let needle = format!("{label}：");
        let mut from = 0;
        while let Some(at) = inner[from..].find(&needle) {
            let start = from + at;
            if let Some(role) = Role::from_label(label) {
                marks.push((start, start + needle.len(), role));
            }
            from = start + needle.len();
        }
    }
    marks.sort_by_key(|m| m.0);
    let mut entries = Vec::new();
    for (i, (_, text_start, role)) in marks.iter().enumerate() {
        let text_end = marks.get(i + 1).map_or(inner.len(), |next| next.0);
        for entry in parse_segment(&inner[*text_start..text_end]) {
            entries.push((*role, entry));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_tag_and_roles() {
        let t = split("（4）妇女宫颈癌和乳腺癌防治意识明显提高。（牵头单位：县卫健局，责任单位：县发改局、财政局、妇联、总工会）");
        assert_eq!(t.body, "（4）妇女宫颈癌和乳腺癌防治意识明显提高。");
        assert_eq!(
            t.tag.as_deref(),
            Some("（牵头单位：县卫健局，责任单位：县发改局、财政局、妇联、总工会）")
        );
        let names: Vec<(Role, String)> = t
            .entries
            .iter()
            .map(|(r, e)| match e {
                Entry::Department { name, .. } => (*r, name.clone()),
                Entry::Group { phrase } => (*r, phrase.clone()),
            })
            .collect();
        assert_eq!(
            names,
            vec![
                (Role::Lead, "县卫健局".to_string()),
                (Role::Responsible, "县发改局".to_string()),
                (Role::Responsible, "县财政局".to_string()),
                (Role::Responsible, "县妇联".to_string()),
                (Role::Responsible, "县总工会".to_string()),
            ]
        );
    }

    #[test]
    fn semicolons_and_ascii_parentheses() {
        let t = split(
            "经常参加体育锻炼人数达到42.6%以上。(牵头单位：县教育和体育局；配合单位：县卫健局）",
        );
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.entries[1].0, Role::Cooperating);
        let t = split("数据。（牵头部门：县卫健局、农业农村局；配合单位：市生态环境局昌乐分局）");
        assert_eq!(t.entries[0].0, Role::Lead);
        assert_eq!(t.entries.len(), 3);
    }

    #[test]
    fn a_closing_parenthesis_of_prose_is_not_a_tag() {
        let t = split("完善全民健康信息平台（“健康云”）");
        assert_eq!(t.tag, None);
        assert_eq!(t.body, "完善全民健康信息平台（“健康云”）");
    }
}
