//! Reading files whose author may be hostile.
//!
//! rollsafe runs on pull requests written by anyone. So:
//! - only regular files are read: FIFOs, devices and sockets are refused without being opened for
//!   long (opening is non-blocking, and the opened file is checked again), since a FIFO would block
//!   and `/dev/zero` never ends;
//! - reads are bounded: a file over the limit is refused, whatever its size said when it was opened;
//! - a path must resolve (symbolic links followed) inside the directory it belongs to, so a link to
//!   `/etc/passwd` or `/proc/self/environ` is never read, and its target is never shown.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file analysed: far above any migration or schema dump seen in practice.
pub const MAX_FILE_BYTES: u64 = 128 << 20;
/// The largest configuration file read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Why a file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    NotFound,
    /// The path resolves outside the directory it must stay in (a symbolic link, or `..`).
    OutsideRoot,
    /// A FIFO, a device, a socket or a directory.
    NotRegular(&'static str),
    TooLarge {
        limit: u64,
    },
    Io(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::NotFound => f.write_str("no such file or directory"),
            Refused::OutsideRoot => f.write_str("resolves outside the workspace (a symbolic link?); not read"),
            Refused::NotRegular(kind) => write!(f, "{kind}, not a regular file; not read"),
            Refused::TooLarge { limit } => write!(f, "larger than {} MiB; not read", limit >> 20),
            Refused::Io(reason) => f.write_str(reason),
        }
    }
}

impl Refused {
    fn from_io(e: &std::io::Error) -> Refused {
        match e.kind() {
            std::io::ErrorKind::NotFound => Refused::NotFound,
            std::io::ErrorKind::PermissionDenied => Refused::Io("permission denied".into()),
            _ => Refused::Io(e.to_string()),
        }
    }
}

/// What kind of file, for messages.
pub fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a file"
    } else {
        "a special file"
    }
}

/// `path` with symbolic links resolved, if that lies inside `root` (canonical).
pub fn resolve_within(path: &Path, root: &Path) -> Result<PathBuf, Refused> {
    let resolved = path.canonicalize().map_err(|e| Refused::from_io(&e))?;
    if resolved.starts_with(root) { Ok(resolved) } else { Err(Refused::OutsideRoot) }
}

/// Reads a file that must resolve inside `root` (canonical), at most `limit` bytes.
pub fn read_within(path: &Path, root: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    read_regular(&resolve_within(path, root)?, limit)
}

/// Reads a regular file of at most `limit` bytes; anything else is refused without reading it.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let meta = std::fs::metadata(path).map_err(|e| Refused::from_io(&e))?;
    if !meta.is_file() {
        return Err(Refused::NotRegular(kind_of(meta.file_type())));
    }
    read_listed_file(path, limit)
}

/// Reads a file that a directory listing gave as a regular file (no link followed, so inside the
/// listed tree), at most `limit` bytes. The file is checked again once open, in case it was replaced.
pub fn read_listed_file(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let mut bytes = Vec::new();
    read_listed_file_into(path, limit, &mut bytes)?;
    Ok(bytes)
}

/// [`read_listed_file`] into `bytes` (cleared first): a tree's files read through one buffer
/// touch no fresh memory but for the text that is kept.
pub fn read_listed_file_into(path: &Path, limit: u64, bytes: &mut Vec<u8>) -> Result<(), Refused> {
    bytes.clear();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Swapped for a FIFO since the check above: opening must not wait for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| Refused::from_io(&e))?;
    let meta = file.metadata().map_err(|e| Refused::from_io(&e))?;
    if !meta.is_file() {
        return Err(Refused::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge { limit });
    }
    bytes.reserve(meta.len() as usize);
    // The file may grow while it is read: never read past the limit.
    file.take(limit + 1).read_to_end(bytes).map_err(|e| Refused::from_io(&e))?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge { limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_and_links_outside_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::write(root.join("ok.sql"), "SELECT 1;").expect("write");
        assert_eq!(read_within(&root.join("ok.sql"), &root, 100).expect("read"), b"SELECT 1;");
        assert_eq!(read_within(&root.join("ok.sql"), &root, 4), Err(Refused::TooLarge { limit: 4 }));
        assert_eq!(read_within(&root.join("missing.sql"), &root, 100), Err(Refused::NotFound));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", root.join("passwd.sql")).expect("symlink");
            assert_eq!(read_within(&root.join("passwd.sql"), &root, 1 << 20), Err(Refused::OutsideRoot));
            assert_eq!(read_regular(Path::new("/dev/zero"), 1 << 20), Err(Refused::NotRegular("a character device")));
            let fifo = root.join("fifo.sql");
            let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
            assert!(status.success());
            assert_eq!(read_within(&fifo, &root, 100), Err(Refused::NotRegular("a FIFO")));
        }
    }
}
