//! The one finding type every renderer adapts from.

use rollsafe_text::TextRange;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a check.
    Info,
    /// Breaks N-1 depending on data or code.
    Warning,
    /// Breaks N-1 for certain.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which tree a location points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The N-1 release (baseline).
    Baseline,
    /// The working tree (or the editor's buffers).
    Current,
    /// A release before N-1, by its place in the workspace's list of earlier releases (0: the one
    /// just before N-1), for contracts checked transitively.
    Earlier(u16),
}

/// A byte range in one file of one side.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub side: Side,
    pub range: TextRange,
}

impl Location {
    pub fn current(path: impl Into<String>, range: TextRange) -> Location {
        Location { path: path.into(), side: Side::Current, range }
    }

    pub fn baseline(path: impl Into<String>, range: TextRange) -> Location {
        Location { path: path.into(), side: Side::Baseline, range }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// An object as rollsafe models it in N-1 and in N, rendered as short SQL (`None`: it does not
/// exist on that side). Editors show them side by side when hovering a finding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Definitions {
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Definitions {
    pub fn new(before: Option<String>, after: Option<String>) -> Definitions {
        Definitions { before, after }
    }

    pub fn is_empty(&self) -> bool {
        self.before.is_none() && self.after.is_none()
    }
}

/// A text edit that fixes or suppresses a finding. Only applied on explicit request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub path: String,
    pub range: TextRange,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

/// One reported problem.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// Stable kebab-case rule id (`column-removed`).
    pub rule: &'static str,
    pub severity: Severity,
    /// One sentence naming the object and what happens to N-1.
    pub message: String,
    /// The object concerned as the user wrote it (`public.users.full_name`).
    pub object: Option<String>,
    /// In a JSON document (an Avro schema, a JSON Schema): the JSON Pointer (RFC 6901) of the
    /// primary location's value, which the allow-list can name (`/fields/3`).
    pub pointer: Option<String>,
    /// Where the change is: the statement or definition that caused it.
    pub primary: Location,
    /// Short label under the primary range (`dropped here`).
    pub label: String,
    /// Supporting locations: the N-1 definition, the statement that started a split sequence, …
    pub related: Vec<Related>,
    /// The safe sequence (expand/contract) for this change.
    pub help: Option<String>,
    /// The object in N-1 and N, for hovers; empty for findings about files rather than objects.
    pub definitions: Definitions,
    pub fix: Option<Fix>,
    /// The rule of the tool users of this format already know that reports the same thing
    /// (`buf breaking`'s `FIELD_NO_DELETE`), for users coming from it and for differential tests.
    pub peer_rule: Option<&'static str>,
}

impl Finding {
    pub fn new(rule: &'static str, severity: Severity, message: String, primary: Location, label: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity,
            message,
            object: None,
            pointer: None,
            primary,
            label: label.into(),
            related: Vec::new(),
            help: None,
            definitions: Definitions::default(),
            fix: None,
            peer_rule: None,
        }
    }

    pub fn object(mut self, object: impl Into<String>) -> Finding {
        self.object = Some(object.into());
        self
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Finding {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn related(mut self, location: Location, message: impl Into<String>) -> Finding {
        self.related.push(Related { location, message: message.into() });
        self
    }

    pub fn peer_rule(mut self, rule: &'static str) -> Finding {
        self.peer_rule = Some(rule);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// Order for reports: by file, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (&self.primary.path, self.primary.range.start, self.primary.range.end, self.rule, &self.message)
    }
}
