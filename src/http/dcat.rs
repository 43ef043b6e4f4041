//! The nodes a DCAT-AP 3 catalog refers to, each typed as the profile's range shapes require
//! (a harvester or validator that reads the catalog alone, without the EU vocabularies loaded,
//! still learns what each IRI is), and a download as a distribution. Shared by the catalog's
//! plan datasets and its evaluation datasets.

use serde_json::{json, Value};

use crate::publisher as p;

/// The JSON-LD context every part of the catalog is written in.
pub fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "dcatap": "http://data.europa.eu/r5r/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "spdx": "http://spdx.org/rdf/terms#",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "locn": "http://www.w3.org/ns/locn#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    })
}

/// A text in Chinese and English, as one property's two language-tagged values.
pub fn both(zh: &str, en: &str) -> Value {
    json!([
        { "@value": zh, "@language": "zh-CN" },
        { "@value": en, "@language": "en" },
    ])
}

/// The publisher, an agent of the ADMS publisher type "local authority".
pub fn publisher(base: &str) -> Value {
    json!({
        "@id": format!("{base}/catalog.jsonld#publisher"),
        "@type": "foaf:Agent",
        "foaf:name": both(p::NAME, p::NAME_EN),
        "dct:type": concept("http://purl.org/adms/publishertype/LocalAuthority", "Local Authority"),
    })
}

/// Whom to ask about the data: the publisher's website.
pub fn contact(base: &str) -> Value {
    json!({
        "@id": format!("{base}/catalog.jsonld#contact"),
        "@type": ["vcard:Kind", "vcard:Organization"],
        "vcard:fn": both(p::NAME, p::NAME_EN),
        "vcard:hasURL": { "@id": p::CONTACT_URL },
    })
}

/// The licence, with the title CKAN's licence register knows it by.
pub fn license() -> Value {
    json!({
        "@id": p::LICENSE,
        "@type": "dct:LicenseDocument",
        "dct:title": p::LICENSE_TITLE,
        "rdfs:seeAlso": { "@id": p::LICENSE_PAGE },
        "dct:type": concept("http://purl.org/adms/licencetype/Attribution", "Attribution"),
    })
}

/// The county the data covers, with the country it lies in.
pub fn spatial(base: &str) -> Value {
    json!([
        {
            "@id": format!("{base}/catalog.jsonld#place"),
            "@type": "dct:Location",
            "locn:geographicName": both(p::PLACE, p::PLACE_EN),
            "skos:notation": p::PLACE_CODE,
        },
        { "@id": p::COUNTRY, "@type": "dct:Location" },
    ])
}

/// The data's language (Chinese).
pub fn language() -> Value {
    json!({ "@id": p::LANGUAGE, "@type": "dct:LinguisticSystem" })
}

/// A plan's theme in the EU data-theme vocabulary, with the vocabulary's English label.
pub fn theme(plan: &str) -> Value {
    let mut t = concept(&p::theme(plan), p::theme_label(plan));
    t["skos:inScheme"] = json!({ "@id": p::theme_scheme() });
    t
}

/// The theme vocabulary itself, as the catalog's taxonomy.
pub fn theme_taxonomy() -> Value {
    json!({
        "@id": p::theme_scheme(),
        "@type": "skos:ConceptScheme",
        "dct:title": { "@value": "Data theme", "@language": "en" },
    })
}

/// A web page (a landing page, a homepage, an API description).
pub fn document(url: &str) -> Value {
    json!({ "@id": url, "@type": "foaf:Document" })
}

/// A date-time literal.
pub fn date_time(text: &str) -> Value {
    json!({ "@value": text, "@type": "xsd:dateTime" })
}

fn concept(iri: &str, label: &str) -> Value {
    json!({ "@id": iri, "@type": "skos:Concept", "skos:prefLabel": { "@value": label, "@language": "en" } })
}

/// What a distribution says about its file besides where it is.
pub struct FileFacts<'a> {
    pub url: String,
    /// Title and description, in Chinese and English.
    pub title: (String, String),
    pub description: (String, String),
    /// Media type (`text/csv`) and extension (`csv`).
    pub media: &'a str,
    pub extension: &'a str,
    pub size: usize,
    pub sha256: Option<String>,
    pub modified: Option<String>,
}

/// A download as a DCAT-AP distribution.
pub fn distribution(f: FileFacts<'_>) -> Value {
    let mut d = json!({
        "@id": f.url,
        "@type": "dcat:Distribution",
        "dct:title": both(&f.title.0, &f.title.1),
        "dct:description": both(&f.description.0, &f.description.1),
        "dcat:downloadURL": { "@id": f.url },
        "dcat:accessURL": { "@id": f.url },
        "dcat:mediaType": {
            "@id": format!("https://www.iana.org/assignments/media-types/{}", f.media),
            "@type": "dct:MediaType",
        },
        "dct:format": { "@id": p::file_type(f.extension), "@type": "dct:MediaTypeOrExtent" },
        "dcat:byteSize": { "@value": f.size.to_string(), "@type": "xsd:nonNegativeInteger" },
        "dct:license": license(),
        "dcatap:availability": concept(
            "http://publications.europa.eu/resource/authority/planned-availability/STABLE",
            "stable",
        ),
    });
    if let Some(modified) = f.modified {
        d["dct:modified"] = date_time(&modified);
    }
    if let Some(sum) = f.sha256 {
        d["spdx:checksum"] = json!({
            "@type": "spdx:Checksum",
            "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
            "spdx:checksumValue": { "@value": sum, "@type": "xsd:hexBinary" },
        });
    }
    d
}
