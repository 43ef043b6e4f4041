//! Who publishes the data, under which licence, whom to ask, and what it covers: the facts
//! the catalog, the pages and the feed all state, kept in one place so they cannot disagree.
//! An operator publishing under another licence or contact changes them here.
//!
//! Vocabularies are the EU Publications Office's authority tables (licence, file type, data
//! theme, language, country), which DCAT-AP 3 names and harvesters such as CKAN's
//! ckanext-dcat map to their own lists.

/// The publisher of the source document, in Chinese and English.
pub const NAME: &str = "昌乐县人民政府";
pub const NAME_EN: &str = "People's Government of Changle County";
/// The county government's website: where a reader asks about the data.
pub const CONTACT_URL: &str = "http://www.changle.gov.cn/";

/// The licence, as the EU licence vocabulary names it (what DCAT-AP asks for).
pub const LICENSE: &str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0";
/// Its title exactly as CKAN's licence register spells it, which is how a CKAN harvester
/// recognises a licence IRI it does not know.
pub const LICENSE_TITLE: &str = "Creative Commons Attribution";
/// The licence's own page, for people.
pub const LICENSE_PAGE: &str = "https://creativecommons.org/licenses/by/4.0/deed.zh-hans";

/// The area the data covers: Changle County, Weifang, Shandong (administrative division
/// code 370725, GB/T 2260), in China.
pub const PLACE: &str = "昌乐县";
pub const PLACE_EN: &str = "Changle County, Weifang, Shandong, China";
pub const PLACE_CODE: &str = "370725";
pub const COUNTRY: &str = "http://publications.europa.eu/resource/authority/country/CHN";
pub const LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language/ZHO";

const THEMES: &str = "http://publications.europa.eu/resource/authority/data-theme";

/// The EU data-theme vocabulary (the catalog's theme taxonomy).
pub fn theme_scheme() -> &'static str {
    THEMES
}

/// The data theme of a plan (`all` for the whole document): health for the health plan,
/// population and society for women and children, environment (natural hazards) for the
/// earthquake plan, government for the document as a whole.
pub fn theme(plan: &str) -> String {
    let code = match plan {
        "health" => "HEAL",
        "women" | "children" => "SOCI",
        "earthquake" => "ENVI",
        _ => "GOVE",
    };
    format!("{THEMES}/{code}")
}

/// The English label the data-theme vocabulary gives a plan's theme.
pub fn theme_label(plan: &str) -> &'static str {
    match plan {
        "health" => "Health",
        "women" | "children" => "Population and society",
        "earthquake" => "Environment",
        _ => "Government and public sector",
    }
}

/// A plan's title in English (`all`: the whole document's).
pub fn english_title(plan: &str) -> &'static str {
    match plan {
        "women" => "Changle County 14th Five-Year Plan for Women's Development (2021-2025)",
        "children" => "Changle County 14th Five-Year Plan for Children's Development (2021-2025)",
        "health" => "Changle County 14th Five-Year Plan for Health (2021-2025)",
        "earthquake" => {
            "Changle County 14th Five-Year Plan for Earthquake Prevention and Disaster \
             Reduction (2021-2025)"
        }
        _ => {
            "Changle County 14th Five-Year Plans for Women, Children, Health and Earthquake \
             Prevention (2021-2025)"
        }
    }
}

/// A file type in the EU file-type vocabulary, from the extension the download has.
pub fn file_type(extension: &str) -> String {
    format!(
        "http://publications.europa.eu/resource/authority/file-type/{}",
        extension.to_ascii_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_plan_has_its_own_theme_and_english_title() {
        assert!(theme("health").ends_with("/HEAL"));
        assert!(theme("women").ends_with("/SOCI"));
        assert!(theme("earthquake").ends_with("/ENVI"));
        assert!(theme("all").ends_with("/GOVE"));
        let titles = ["women", "children", "health", "earthquake", "all"].map(english_title);
        let mut unique = titles.to_vec();
        unique.dedup();
        assert_eq!(unique.len(), 5, "{titles:?}");
        assert_eq!(
            file_type("csv"),
            "http://publications.europa.eu/resource/authority/file-type/CSV"
        );
    }
}
