//! Parsed query documents, remembered by their text. Clients send the same few queries over
//! and over (a page's queries are fixed strings); parsing one with async-graphql's parser
//! costs more than copying its parsed form (docs/BENCHMARKS.md). Only
//! the parse is remembered: every request's document is still checked against the limits
//! with its own variables.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use async_graphql::parser::types::ExecutableDocument;

/// Queries longer than this are parsed every time: what is remembered stays small.
const MAX_TEXT: usize = 4096;

/// At most `capacity` documents of at most [`MAX_TEXT`] bytes each; when full, a new one
/// replaces an arbitrary old one (a flood of distinct queries only churns it).
pub struct Documents {
    capacity: usize,
    entries: Mutex<HashMap<u64, (Box<str>, ExecutableDocument)>>,
}

fn key(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

impl Documents {
    pub fn new(capacity: usize) -> Self {
        Documents {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The document parsed from exactly this text before, if remembered.
    pub fn get(&self, text: &str) -> Option<ExecutableDocument> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(&key(text)) {
            Some((known, document)) if &**known == text => Some(document.clone()),
            _ => None,
        }
    }

    /// Remembers what `text` parsed to.
    pub fn put(&self, text: &str, document: &ExecutableDocument) {
        if text.len() > MAX_TEXT || self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            if let Some(old) = entries.keys().next().copied() {
                entries.remove(&old);
            }
        }
        entries.insert(key(text), (text.into(), document.clone()));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

impl Default for Documents {
    fn default() -> Self {
        Documents::new(128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).expect("parses")
    }

    #[test]
    fn remembers_a_document_by_its_exact_text() {
        let documents = Documents::new(4);
        let text = "{ plans { code } }";
        assert!(documents.get(text).is_none());
        documents.put(text, &parse(text));
        let again = documents.get(text).expect("remembered");
        assert_eq!(format!("{again:?}"), format!("{:?}", parse(text)));
        // Another text, even one that means the same, is not this document.
        assert!(documents.get("{plans{code}}").is_none());
    }

    #[test]
    fn stays_within_its_capacity_and_skips_long_texts() {
        let documents = Documents::new(3);
        for n in 0..10 {
            let text = format!("{{ a{n}: plans {{ code }} }}");
            documents.put(&text, &parse(&text));
            assert!(documents.len() <= 3);
        }
        let long = format!("{{ plans {{ code }} }}{}", " ".repeat(MAX_TEXT));
        let before = documents.len();
        documents.put(&long, &parse(&long));
        assert_eq!(documents.len(), before);
        assert!(documents.get(&long).is_none());
    }
}
