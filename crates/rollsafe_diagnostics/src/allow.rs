//! The configuration's allow-list: findings accepted by rule and, when given, object, path and JSON
//! Pointer, each with a reason, optionally until a release. An entry that accepts nothing, or whose
//! release has shipped, is itself reported, so it cannot silently hide the next real finding.

use crate::finding::{Finding, Location};
use crate::rules::{EXPIRED_ALLOW, UNUSED_SUPPRESSION};
use crate::suppression::{Levels, with_configured_level};
use rollsafe_text::TextRange;

/// An accepted finding: matches by rule and, when given, object, path and JSON Pointer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Allow {
    pub rule: String,
    pub object: Option<String>,
    pub path: Option<String>,
    /// In a JSON document: the finding's pointer, or one of its ancestors (`/fields/3` accepts what
    /// is found at `/fields/3/type`).
    pub pointer: Option<String>,
    pub reason: String,
    /// The last release the entry accepts findings for (`v2.0.0`): once the baseline is that
    /// release or a later one, the entry has expired.
    pub expires: Option<String>,
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
            && self.pointer.as_ref().is_none_or(|p| finding.pointer.as_deref().is_some_and(|f| pointer_within(p, f)))
    }

    /// Whether the entry's release has shipped: the baseline (N-1) is it or a later release. A
    /// baseline that is not a version (a commit, a directory) expires nothing.
    pub fn expired(&self, baseline_label: &str) -> bool {
        match (self.expires.as_deref().and_then(release_version), release_version(baseline_label)) {
            (Some(until), Some(baseline)) => baseline >= until,
            _ => false,
        }
    }
}

/// Whether a JSON Pointer names `pointer` or one of its ancestors.
fn pointer_within(ancestor: &str, pointer: &str) -> bool {
    let ancestor = ancestor.trim_end_matches('/');
    pointer == ancestor || ancestor.is_empty() || (pointer.starts_with(ancestor) && pointer.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// A release tag's version as comparable numbers (`v2.10.1` → [2, 10, 1]), `None` when the text is
/// not a version (`main`, a commit).
pub fn release_version(label: &str) -> Option<Vec<u64>> {
    let version = label.trim().strip_prefix(['v', 'V']).unwrap_or(label.trim());
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let mut parts = parts;
    // `v2` and `v2.0.0` are one release.
    while parts.len() > 1 && parts.last() == Some(&0) {
        parts.pop();
    }
    Some(parts)
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
/// An entry whose release has shipped accepts nothing and is reported as expired.
///
/// `config_file` names the configuration in those reports (`rollsafe.toml`); `baseline_label` is
/// the N-1 release, which entries' `expires` compare with.
pub fn apply_allow_list(findings: Vec<Finding>, allow: &[Allow], levels: &Levels, config_file: &str, baseline_label: &str) -> Vec<Finding> {
    let mut used = vec![false; allow.len()];
    let expired: Vec<bool> = allow.iter().map(|a| a.expired(baseline_label)).collect();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| match allow.iter().enumerate().position(|(i, a)| !expired[i] && a.accepts(f)) {
            Some(i) => {
                used[i] = true;
                false
            }
            None => true,
        })
        .collect();
    for (entry, _) in allow.iter().zip(&expired).filter(|(_, expired)| **expired) {
        let range = entry.span.map_or(TextRange::empty(0), |(start, end)| TextRange::from_usize(start, end));
        let until = entry.expires.as_deref().unwrap_or_default();
        let finding = Finding::new(
            EXPIRED_ALLOW.id,
            EXPIRED_ALLOW.severity,
            format!(
                "this [[allow]] entry for {} expired with release {until}, and the baseline is {baseline_label}: the findings it accepted are reported again",
                entry.rule
            ),
            Location::current(config_file, range),
            "expired allow-list entry",
        )
        .help("fix what the entry accepted, or, if it must stay, give `expires` a later release with a reason why");
        out.extend(with_configured_level(finding, levels));
    }
    for ((entry, _), _) in allow.iter().zip(&used).zip(&expired).filter(|((_, used), expired)| !**used && !**expired) {
        let range = entry.span.map_or(TextRange::empty(0), |(start, end)| TextRange::from_usize(start, end));
        let mut what = format!("rule {}", entry.rule);
        if let Some(object) = &entry.object {
            what.push_str(&format!(", object {object}"));
        }
        if let Some(path) = &entry.path {
            what.push_str(&format!(", path {path}"));
        }
        if let Some(pointer) = &entry.pointer {
            what.push_str(&format!(", pointer {pointer}"));
        }
        let finding = Finding::new(
            UNUSED_SUPPRESSION.id,
            UNUSED_SUPPRESSION.severity,
            format!("this [[allow]] entry accepts nothing: no finding matches {what}"),
            Location::current(config_file, range),
            "unused allow-list entry",
        )
        .help("remove the entry, or correct its rule, object, path or pointer");
        out.extend(with_configured_level(finding, levels));
    }
    out
}
