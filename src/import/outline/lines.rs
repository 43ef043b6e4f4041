//! Lines as the outline reads them: their numbering, boxed headings, paragraphs and where
//! they are in the document.

use crate::import::dataset::Source;
use crate::import::text::Line;

pub(super) const CN_NUMERALS: &str = "一二三四五六七八九十";

/// Outline levels, by how the document numbers them.
#[derive(Debug, PartialEq)]
pub(super) enum Numbered<'a> {
    /// 一、总体目标
    Chapter(&'a str, &'a str),
    /// （一）妇女与健康 — or a paragraph （一）坚持党的全面领导。…
    Section(&'a str, &'a str),
    /// 1．主要目标 — or a paragraph 1．完善地震监测台网。…
    Point(&'a str, &'a str),
    /// （1）…
    Item(&'a str, &'a str),
}

pub(super) fn numbered(text: &str) -> Option<Numbered<'_>> {
    let cn_len = text
        .chars()
        .take_while(|c| CN_NUMERALS.contains(*c))
        .map(char::len_utf8)
        .sum::<usize>();
    if cn_len > 0 {
        if let Some(rest) = text[cn_len..].strip_prefix('、') {
            return Some(Numbered::Chapter(&text[..cn_len], rest.trim()));
        }
    }
    if let Some(inner) = text.strip_prefix('（') {
        let cn = inner
            .chars()
            .take_while(|c| CN_NUMERALS.contains(*c))
            .map(char::len_utf8)
            .sum::<usize>();
        if cn > 0 {
            if let Some(rest) = inner[cn..].strip_prefix('）') {
                return Some(Numbered::Section(&inner[..cn], rest.trim()));
            }
        }
        let digits = inner.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            if let Some(rest) = inner[digits..].strip_prefix('）') {
                return Some(Numbered::Item(&inner[..digits], rest.trim()));
            }
        }
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &text[digits..];
        if let Some(rest) = rest.strip_prefix('．').or_else(|| rest.strip_prefix('.')) {
            return Some(Numbered::Point(&text[..digits], rest.trim()));
        }
    }
    None
}

/// A heading names a section; a numbered paragraph says something (it has a full stop).
pub(super) fn is_paragraph(body: &str) -> bool {
    body.contains('。')
}

pub(super) fn box_heading(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim().strip_prefix("专栏")?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (digits > 0).then(|| (&rest[..digits], rest[digits..].trim()))
}

pub(super) fn source(line: &Line) -> Source {
    Source {
        line_start: line.no,
        line_end: line.no,
        text: line.text.clone(),
    }
}
