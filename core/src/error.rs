//! The error of reading a spec that cannot be planned at all. Every other problem is a
//! diagnostic in the plan.

use crate::{Code, Diagnostic};
use thiserror::Error;

/// Why a text is not a spec that can be planned.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The text is not JSON or YAML.
    #[error("{0}")]
    Syntax(Diagnostic),
    /// The document breaks the spec's schema (unknown keys, wrong types, missing fields,
    /// malformed addresses); every problem found is listed.
    #[error("{}", summary(.0))]
    Invalid(Vec<Diagnostic>),
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "the spec is invalid".to_owned(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

impl SpecError {
    /// Every problem found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            SpecError::Syntax(d) => std::slice::from_ref(d),
            SpecError::Invalid(list) => list,
        }
    }

    fn first(&self) -> Option<&Diagnostic> {
        self.diagnostics().first()
    }

    /// The code of the first problem.
    pub fn code(&self) -> Code {
        self.first().map_or(Code::SpecInvalid, Diagnostic::code)
    }

    /// The JSON Pointer of the first problem.
    pub fn path(&self) -> &str {
        self.first().map_or("", |d| d.path.as_str())
    }

    /// What to do about the first problem, where the planner can tell.
    pub fn hint(&self) -> Option<&str> {
        self.first().and_then(|d| d.hint.as_deref())
    }
}
