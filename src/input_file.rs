//! Checking an input path before anything opens it: every file carecircle reads (the city
//! manifest, the policy, every GeoJSON and CSV layer, the OSM extract and its mapping) must be
//! a regular file, and one read whole into memory must fit in it.
//!
//! Opening a FIFO blocks until something writes to it, and a device such as `/dev/zero`
//! never ends, so the check looks only at the metadata ([`std::fs::metadata`] follows
//! symlinks and never opens the file). A path whose metadata cannot be read (a missing
//! file) passes: opening it fails at once, and each reader reports that in its own words.
//!
//! Each reader wraps an [`InputFileError`] in its own typed error, which names the file.

use crate::format::megabytes;
use std::fs::FileType;
use std::path::Path;

/// The most a TOML file (city manifest, policy, OSM mapping) may hold: 16 MB. Real ones are
/// a few kilobytes; anything near this is not a configuration file.
pub const MAX_CONFIG_BYTES: u64 = 16_000_000;

/// Memory needed to read a GeoJSON file, per byte of the file: the text itself, every feature
/// parsed and the columns built from them. Measured with `carecircle check` on synthetic
/// cities (peak resident memory, nearly all of it the blocks layer): 50,000 blocks, a 14.5 MB
/// blocks.geojson, peak 57 MB; 200,000 blocks, 58 MB, peak 211 MB; 1,000,000 blocks, 291 MB,
/// peak 1,042 MB — 3.6 bytes per byte, rounded up to 4.
pub const GEOJSON_MEMORY_FACTOR: u64 = 4;

/// What a path is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Folder,
    /// A FIFO (named pipe): opening it waits for a writer.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device such as `/dev/zero` or a terminal.
    CharDevice,
    /// A block device such as a disk.
    BlockDevice,
    /// Anything else that is not a regular file.
    Other,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Folder => "a folder",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "not a regular file",
        })
    }
}

/// Why an input path is refused before it is opened. The message does not name the file:
/// the reader's error that wraps it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputFileError {
    /// The path is a folder, FIFO, socket or device.
    #[error("is {0}, not a file")]
    NotAFile(FileKind),
    /// A configuration file larger than [`MAX_CONFIG_BYTES`].
    #[error("is {} — more than the {} a configuration file may hold", megabytes(*size), megabytes(*limit))]
    ConfigTooLarge {
        /// The file's size, bytes.
        size: u64,
        /// The limit, bytes.
        limit: u64,
    },
    /// A file read whole that would need more memory than is available.
    #[error("is {} and reading it needs about {} of memory, but only {} is available", megabytes(*size), megabytes(*needed), megabytes(*available))]
    TooLarge {
        /// The file's size, bytes.
        size: u64,
        /// The memory reading it needs, bytes.
        needed: u64,
        /// The memory available, bytes.
        available: u64,
    },
}

/// Whether `path`'s extension is `extension`, in any case (`.shp`, `.SHP`).
pub fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// Checks that `path` is a regular file (after following symlinks), for readers that stream
/// it (CSV, OSM PBF).
pub fn check_regular(path: &Path) -> Result<(), InputFileError> {
    regular_size(path).map(|_| ())
}

/// Checks that `path` is a regular file of at most [`MAX_CONFIG_BYTES`], for TOML files.
pub fn check_config(path: &Path) -> Result<(), InputFileError> {
    match regular_size(path)? {
        Some(size) if size > MAX_CONFIG_BYTES => Err(InputFileError::ConfigTooLarge {
            size,
            limit: MAX_CONFIG_BYTES,
        }),
        _ => Ok(()),
    }
}

/// Checks that `path` is a regular file and that reading it whole, at `factor` bytes of
/// memory per byte of file (such as [`GEOJSON_MEMORY_FACTOR`]), fits in the memory available
/// now. Where that is unknown (not Linux, no `/proc/meminfo`) the size is not checked.
pub fn check_in_memory(path: &Path, factor: u64) -> Result<(), InputFileError> {
    match regular_size(path)? {
        Some(size) => fits_in_memory(size, factor, available_memory()),
        None => Ok(()),
    }
}

/// The most text that, read at `factor` bytes of memory per byte (such as
/// [`GEOJSON_MEMORY_FACTOR`]), fits in the memory available now: for a reader that makes the
/// text itself (a GeoPackage table read as GeoJSON) and checks it as it grows. `None` where
/// the memory available is unknown.
pub fn text_budget(factor: u64) -> Option<u64> {
    available_memory().map(|available| available / factor)
}

/// The file's size when it is a regular file; `None` when its metadata cannot be read.
fn regular_size(path: &Path) -> Result<Option<u64>, InputFileError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta.len())),
        Ok(meta) => Err(InputFileError::NotAFile(kind_of(meta.file_type()))),
        Err(_) => Ok(None),
    }
}

/// What a file type that is not a regular file is.
fn kind_of(file_type: FileType) -> FileKind {
    if file_type.is_dir() {
        return FileKind::Folder;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return FileKind::Fifo;
        }
        if file_type.is_socket() {
            return FileKind::Socket;
        }
        if file_type.is_char_device() {
            return FileKind::CharDevice;
        }
        if file_type.is_block_device() {
            return FileKind::BlockDevice;
        }
    }
    FileKind::Other
}

/// Whether a file of `size` bytes read at `factor` bytes per byte fits in `available` bytes
/// (always, when `available` is unknown).
fn fits_in_memory(size: u64, factor: u64, available: Option<u64>) -> Result<(), InputFileError> {
    let needed = size.saturating_mul(factor);
    match available {
        Some(available) if needed > available => Err(InputFileError::TooLarge {
            size,
            needed,
            available,
        }),
        _ => Ok(()),
    }
}

/// The memory available to start new work, bytes: `MemAvailable` in `/proc/meminfo`.
fn available_memory() -> Option<u64> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    parse_mem_available(&std::fs::read_to_string("/proc/meminfo").ok()?)
}

/// `MemAvailable` (given in kB) from the text of `/proc/meminfo`, in bytes.
fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kb: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kb.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_available_is_read_in_bytes() {
        let text = "MemTotal:       24684000 kB\nMemFree:  1000 kB\nMemAvailable:   23407000 kB\n";
        assert_eq!(parse_mem_available(text), Some(23_407_000 * 1024));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: lots\n"), None);
    }

    #[test]
    fn a_file_fits_when_factor_times_size_is_available() {
        assert_eq!(fits_in_memory(100, 4, Some(400)), Ok(()));
        assert_eq!(
            fits_in_memory(101, 4, Some(400)),
            Err(InputFileError::TooLarge {
                size: 101,
                needed: 404,
                available: 400
            })
        );
        assert_eq!(fits_in_memory(u64::MAX, 4, None), Ok(()));
        assert!(fits_in_memory(u64::MAX, 4, Some(u64::MAX - 1)).is_err());
    }

    #[test]
    fn folders_are_refused_and_missing_files_left_to_the_reader() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            check_regular(dir.path()),
            Err(InputFileError::NotAFile(FileKind::Folder))
        );
        assert_eq!(
            check_regular(dir.path()).unwrap_err().to_string(),
            "is a folder, not a file"
        );
        assert_eq!(check_regular(&dir.path().join("missing")), Ok(()));
        let file = dir.path().join("city.toml");
        std::fs::write(&file, "name = 'x'\n").unwrap();
        assert_eq!(check_config(&file), Ok(()));
        assert_eq!(check_in_memory(&file, GEOJSON_MEMORY_FACTOR), Ok(()));
    }

    #[test]
    fn a_config_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("policy.toml");
        let f = std::fs::File::create(&file).unwrap();
        f.set_len(MAX_CONFIG_BYTES).unwrap();
        assert_eq!(check_config(&file), Ok(()));
        f.set_len(MAX_CONFIG_BYTES + 1).unwrap();
        let err = check_config(&file).unwrap_err();
        assert!(
            matches!(err, InputFileError::ConfigTooLarge { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("more than the 16.0 MB"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_symlinks_are_judged_by_what_they_point_to() {
        assert_eq!(
            check_regular(Path::new("/dev/null")),
            Err(InputFileError::NotAFile(FileKind::CharDevice))
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("blocks.geojson");
        std::fs::write(&file, "{}").unwrap();
        let link = dir.path().join("link.geojson");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(check_regular(&link), Ok(()));
        let to_dir = dir.path().join("folder-link");
        std::os::unix::fs::symlink(dir.path(), &to_dir).unwrap();
        assert_eq!(
            check_regular(&to_dir),
            Err(InputFileError::NotAFile(FileKind::Folder))
        );
    }
}
