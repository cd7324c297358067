//! The configuration's allow-list: findings accepted by rule and, when given, object and path,
//! each with a reason. An entry that accepts nothing is itself reported, so it cannot silently
//! hide the next real finding.

use crate::finding::{Finding, Location};
use crate::rules::UNUSED_SUPPRESSION;
use crate::suppression::{Levels, with_configured_level};
use rollsafe_text::TextRange;

/// An accepted finding: matches by rule and, when given, object and path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Allow {
    pub rule: String,
    pub object: Option<String>,
    pub path: Option<String>,
    pub reason: String,
    /// Byte range of the entry in the configuration file.
    pub span: Option<(usize, usize)>,
}

impl Allow {
    /// Whether this entry accepts a finding. Objects compare as names (`public.users.x` and
    /// `users.x` are one column: the default schema may be left out on either side; unquoted parts
    /// compare case-insensitively), paths as globs with or without a leading `./`.
    pub fn accepts(&self, finding: &Finding) -> bool {
        self.rule == finding.rule
            && self.object.as_ref().is_none_or(|o| finding.object.as_deref().is_some_and(|f| same_object(o, f)))
            && self.path.as_ref().is_none_or(|p| glob_matches(p.trim_start_matches("./"), &finding.primary.path))
    }
}

/// An object name as folded segments: `"Users".Email` → `Users`, `email`.
fn object_segments(name: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = name.chars().peekable();
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' if !quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' | '`' if quoted => {
                // A doubled quote inside quotes is a quote character.
                if chars.peek() == Some(&c) {
                    current.push(c);
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '.' if !quoted => {
                segments.push(if was_quoted { std::mem::take(&mut current) } else { std::mem::take(&mut current).to_lowercase() });
                was_quoted = false;
            }
            c => current.push(c),
        }
    }
    segments.push(if was_quoted { current } else { current.to_lowercase() });
    segments
}

/// Whether two written object names name the same object; the default schema of PostgreSQL
/// (`public`) or SQLite (`main`) may be left out on either side.
fn same_object(a: &str, b: &str) -> bool {
    let (a, b) = (object_segments(a), object_segments(b));
    let (long, short) = if a.len() >= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() == short.len() {
        return long == short;
    }
    long.len() == short.len() + 1 && ["public", "main"].contains(&long[0].as_str()) && long[1..] == short[..]
}

/// Whether a workspace-relative path matches a glob; a glob naming a directory matches what is under it.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let Ok(g) = globset::GlobBuilder::new(glob).literal_separator(true).build() else {
        return false;
    };
    let m = g.compile_matcher();
    m.is_match(path) || {
        let dir = glob.trim_end_matches('/');
        path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/')
    }
}

/// Applies the configuration's `[[allow]]` entries: the findings they accept go, and an entry that
/// accepts nothing is reported like an unused suppression (it would hide the next real finding).
///
/// `config_file` names the configuration in those reports (`rollsafe.toml`).
pub fn apply_allow_list(findings: Vec<Finding>, allow: &[Allow], levels: &Levels, config_file: &str) -> Vec<Finding> {
    let mut used = vec![false; allow.len()];
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| match allow.iter().position(|a| a.accepts(f)) {
            Some(i) => {
                used[i] = true;
                false
            }
            None => true,
        })
        .collect();
    for (entry, _) in allow.iter().zip(&used).filter(|(_, used)| !**used) {
        let range = entry.span.map_or(TextRange::empty(0), |(start, end)| TextRange::from_usize(start, end));
        let mut what = format!("rule {}", entry.rule);
        if let Some(object) = &entry.object {
            what.push_str(&format!(", object {object}"));
        }
        if let Some(path) = &entry.path {
            what.push_str(&format!(", path {path}"));
        }
        let finding = Finding::new(
            UNUSED_SUPPRESSION.id,
            UNUSED_SUPPRESSION.severity,
            format!("this [[allow]] entry accepts nothing: no finding matches {what}"),
            Location::current(config_file, range),
            "unused allow-list entry",
        )
        .help("remove the entry, or correct its rule, object or path");
        out.extend(with_configured_level(finding, levels));
    }
    out
}
