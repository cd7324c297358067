//! Checks the schema this crate ships against the release before it, on every build that
//! changes a migration: findings are printed as cargo warnings, and an error fails the build.
//!
//! The example ships two versions of release N, chosen with `SCHEMA_TREE`: `safe` (the default:
//! it adds a nullable column) and `breaking` (it drops a column N-1 reads):
//!
//! ```sh
//! cargo build -p rollsafe-build-script-example                        # builds
//! SCHEMA_TREE=breaking cargo build -p rollsafe-build-script-example   # fails, naming the finding
//! ```
//!
//! A real crate keeps one schema tree and calls `rollsafe_check::build::Check::new().run()?`,
//! which checks the package's folder against its newest release tag.

fn main() -> Result<(), rollsafe_check::build::Failed> {
    println!("cargo:rerun-if-env-changed=SCHEMA_TREE");
    let tree = std::env::var("SCHEMA_TREE").unwrap_or_else(|_| "safe".to_string());
    rollsafe_check::build::Check::in_dir(format!("schema/{tree}")).against("../v1.0.0").run()?;
    Ok(())
}
