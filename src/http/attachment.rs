//! `Content-Disposition: attachment` for every file the server hands out, written by
//! actix-web's typed header: a plain `filename` every client reads and, for a name that is not
//! plain ASCII (a department's name), the UTF-8 name as `filename*` (RFC 6266, RFC 8187).

use actix_web::http::header::{
    Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};

/// The header naming a download `name`; `fallback` stands in for clients that read only
/// `filename` when `name` is not ASCII.
pub fn attachment(name: &str, fallback: &str) -> ContentDisposition {
    let mut parameters = Vec::with_capacity(2);
    if name.is_ascii() {
        parameters.push(DispositionParam::Filename(name.to_string()));
    } else {
        parameters.push(DispositionParam::Filename(fallback.to_string()));
        parameters.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }));
    }
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters,
    }
}

#[cfg(test)]
mod tests {
    use super::attachment;
    use actix_web::http::header::TryIntoHeaderValue;

    fn written(name: &str, fallback: &str) -> String {
        let value = attachment(name, fallback).try_into_value().unwrap();
        value.to_str().unwrap().to_string()
    }

    #[test]
    fn an_ascii_name_is_the_file_name() {
        assert_eq!(
            written("women-targets.csv", "x"),
            "attachment; filename=\"women-targets.csv\""
        );
    }

    #[test]
    fn a_chinese_name_travels_as_utf8_beside_a_plain_fallback() {
        assert_eq!(
            written("县卫健局-2025.xlsx", "template.xlsx"),
            "attachment; filename=\"template.xlsx\"; \
             filename*=UTF-8''%E5%8E%BF%E5%8D%AB%E5%81%A5%E5%B1%80%2D2025.xlsx"
        );
    }
}
