//! The yearly reporting cycle outside GraphQL: the templates departments fill in (built here
//! from what they owe, pure) and the workbook they are written as.

pub mod completion;
pub mod csv;
pub mod figure;
pub mod grid;
pub mod read;
pub mod rows;
pub mod template;
pub mod workbook;

pub use template::{Template, TemplateRow};
