//! `buf.yaml` (v1, v1beta1, v2) and `buf.work.yaml`: where a project's Protobuf modules are, and
//! which breaking-change rules it selected. A project that has them needs no rollsafe
//! configuration for Protobuf.

use yaml_rust2::{Yaml, YamlLoader};

/// The `breaking` section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Breaking {
    /// Rule ids and categories (`FILE`, `WIRE`, `FIELD_NO_DELETE`); empty means the default, `FILE`.
    pub use_: Vec<String>,
    pub except: Vec<String>,
    /// Paths (files or directories) whose findings are dropped.
    pub ignore: Vec<String>,
    /// Rule id or category → paths.
    pub ignore_only: Vec<(String, Vec<String>)>,
    pub ignore_unstable_packages: bool,
}

/// What one `buf.yaml` says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BufYaml {
    /// `v1beta1`, `v1` or `v2`.
    pub version: String,
    /// v2: module directories relative to the file's directory (`.` when none are listed).
    pub modules: Vec<String>,
    pub breaking: Breaking,
}

fn strings(y: &Yaml) -> Vec<String> {
    match y {
        Yaml::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        Yaml::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn document(text: &str) -> Result<Yaml, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| format!("line {}: {}", e.marker().line(), e.info()))?;
    Ok(docs.into_iter().next().unwrap_or(Yaml::Null))
}

fn breaking(y: &Yaml) -> Breaking {
    let mut out = Breaking {
        use_: strings(&y["use"]),
        except: strings(&y["except"]),
        ignore: strings(&y["ignore"]),
        ignore_unstable_packages: y["ignore_unstable_packages"].as_bool().unwrap_or(false),
        ..Breaking::default()
    };
    if let Yaml::Hash(map) = &y["ignore_only"] {
        for (k, v) in map {
            if let Some(k) = k.as_str() {
                out.ignore_only.push((k.to_string(), strings(v)));
            }
        }
    }
    out
}

/// Reads a `buf.yaml`. The error is one line.
pub fn parse_buf_yaml(text: &str) -> Result<BufYaml, String> {
    let y = document(text)?;
    let version = y["version"].as_str().unwrap_or("v1beta1").to_string();
    let modules = match &y["modules"] {
        Yaml::Array(items) => items.iter().filter_map(|m| m["path"].as_str().map(|p| p.trim_end_matches('/').to_string())).collect(),
        _ => vec![".".to_string()],
    };
    // v1beta1 roots: `build.roots`.
    let modules = match &y["build"]["roots"] {
        Yaml::Array(_) if version == "v1beta1" => strings(&y["build"]["roots"]),
        _ => modules,
    };
    Ok(BufYaml { version, modules, breaking: breaking(&y["breaking"]) })
}

/// Reads a `buf.work.yaml`: its module directories.
pub fn parse_buf_work_yaml(text: &str) -> Result<Vec<String>, String> {
    let y = document(text)?;
    Ok(strings(&y["directories"]).into_iter().map(|d| d.trim_end_matches('/').to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_with_modules_and_breaking() {
        let y = parse_buf_yaml(
            "version: v2\nmodules:\n  - path: proto\n  - path: vendor/protos\nbreaking:\n  use:\n    - WIRE_JSON\n  except: [FIELD_SAME_JSON_NAME]\n  ignore:\n    - proto/legacy\n  ignore_only:\n    FIELD_NO_DELETE:\n      - proto/a.proto\n",
        )
        .expect("valid");
        assert_eq!(y.version, "v2");
        assert_eq!(y.modules, ["proto", "vendor/protos"]);
        assert_eq!(y.breaking.use_, ["WIRE_JSON"]);
        assert_eq!(y.breaking.except, ["FIELD_SAME_JSON_NAME"]);
        assert_eq!(y.breaking.ignore_only, [("FIELD_NO_DELETE".to_string(), vec!["proto/a.proto".to_string()])]);
    }

    #[test]
    fn v1_and_work_files() {
        let y = parse_buf_yaml("version: v1\nbreaking:\n  use: [FILE]\n").expect("valid");
        assert_eq!((y.version.as_str(), y.modules.as_slice()), ("v1", [".".to_string()].as_slice()));
        assert_eq!(parse_buf_work_yaml("version: v1\ndirectories:\n  - a/\n  - b\n").expect("valid"), ["a", "b"]);
        assert!(parse_buf_yaml("version: [unclosed").is_err());
    }
}
