//! The record of what carecircle wrote into a folder, so that a command can tell its own
//! files from a user's and never overwrite the user's.
//!
//! Every command that writes a folder ([`super::folder::OutputFolder::record`]) leaves a hidden
//! file [`RECORD_NAME`] in it, written atomically after the command's files: one line per
//! file, its 64-bit content hash ([`hash_file`]) in hexadecimal, two spaces and its name relative to
//! the folder (the layout of `sha256sum`):
//!
//! ```text
//! # carecircle's record of the files it wrote in this folder (content hash, name)
//! 8f2a0c1d3b4e5f60  blocks.geojson
//! ```
//!
//! The content hash is [`hash_file`]'s: FNV-1a over the FNV-1a hashes of the content's
//! 256 KiB pieces, so large outputs hash in parallel. A file is carecircle's when the record
//! names it and its content still has the recorded hash; [`foreign_files`] lists every other file (and folder) of a folder, so a command can
//! refuse a folder that holds a user's files, or a file the user edited since, before it
//! writes anything. Recording keeps the entries of earlier runs whose files still exist, so
//! a later run can also find the files an earlier run wrote that it does not write itself.

use super::atomic::{write_atomically, ProtectedInputs};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The name of the record file in a folder carecircle wrote.
pub const RECORD_NAME: &str = ".carecircle-files";

/// The first line of a record file.
const HEADER: &str =
    "# carecircle's record of the files it wrote in this folder (content hash, name)";

/// Foreign files named in a message before the rest are only counted.
const NAMES_SHOWN: usize = 3;

/// The 64-bit FNV-1a hash, stable across platforms and Rust versions.
///
/// ```
/// use carecircle::output::record::Fnv1a;
/// let mut hash = Fnv1a::default();
/// hash.update(b"a");
/// assert_eq!(hash.finish(), 0xaf63_dc4c_8601_ec8c);
/// assert_eq!(Fnv1a::default().finish(), 0xcbf2_9ce4_8422_2325);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a(u64);

/// FNV-1a 64's offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64's prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(FNV_OFFSET)
    }
}

impl Fnv1a {
    /// Adds `bytes` to the hash.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }

    /// The hash of the bytes added so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}

/// Bytes in one piece of a file's content (the last piece may be shorter).
pub const PIECE_BYTES: usize = 1 << 18;

/// Pieces hashed side by side on one thread (independent chains the processor overlaps).
const LANES: usize = 4;

/// Bytes read at a time: pieces of one read are hashed in parallel.
const READ_BYTES: usize = 32 * PIECE_BYTES;

/// The content hash of the file at `path`: its content cut into pieces of [`PIECE_BYTES`]
/// (the last one shorter), each piece's FNV-1a hash, and the FNV-1a hash of those hashes'
/// little-endian bytes, in order. The same bytes give the same hash on every machine; the
/// pieces are hashed in parallel, four at a time per thread, which makes hashing a large
/// output several times faster than one byte-by-byte FNV-1a chain.
pub fn hash_file(path: &Path) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; READ_BYTES];
    let mut combined = Fnv1a::default();
    loop {
        let n = fill(&mut file, &mut buf)?;
        let hashes: Vec<Vec<u64>> = buf[..n]
            .par_chunks(LANES * PIECE_BYTES)
            .map(hash_pieces)
            .collect();
        for hash in hashes.into_iter().flatten() {
            combined.update(&hash.to_le_bytes());
        }
        if n < buf.len() {
            return Ok(combined.finish());
        }
    }
}

/// Reads into `buf` until it is full or the file ends; the number of bytes read.
fn fill(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The FNV-1a hash of each [`PIECE_BYTES`] piece of `bytes`; the pieces of a full group of
/// [`LANES`] are hashed in one interleaved loop.
fn hash_pieces(bytes: &[u8]) -> Vec<u64> {
    if bytes.len() != LANES * PIECE_BYTES {
        return bytes
            .chunks(PIECE_BYTES)
            .map(|piece| {
                let mut hash = Fnv1a::default();
                hash.update(piece);
                hash.finish()
            })
            .collect();
    }
    let (a, rest) = bytes.split_at(PIECE_BYTES);
    let (b, rest) = rest.split_at(PIECE_BYTES);
    let (c, d) = rest.split_at(PIECE_BYTES);
    let mut lanes = [FNV_OFFSET; LANES];
    for (((&a, &b), &c), &d) in a.iter().zip(b).zip(c).zip(d) {
        for (lane, byte) in lanes.iter_mut().zip([a, b, c, d]) {
            *lane = (*lane ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        }
    }
    lanes.to_vec()
}

/// The files carecircle wrote in one folder: each name (relative to the folder) with the
/// content hash it had when written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    files: BTreeMap<String, u64>,
}

impl Record {
    /// Reads the record of `dir`; an empty record when there is none. A malformed line is an
    /// `InvalidData` error naming the record file and the line.
    pub fn read(dir: &Path) -> io::Result<Record> {
        let path = dir.join(RECORD_NAME);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Record::default()),
            Err(e) => return Err(named(&path, e)),
        };
        let mut files = BTreeMap::new();
        for (k, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = line
                .split_once("  ")
                .and_then(|(hash, name)| Some((u64::from_str_radix(hash, 16).ok()?, name)));
            let Some((hash, name)) = entry.filter(|(_, name)| !name.is_empty()) else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} line {}: expected a hexadecimal hash, two spaces and a file name",
                        path.display(),
                        k + 1
                    ),
                ));
            };
            files.insert(name.to_string(), hash);
        }
        Ok(Record { files })
    }

    /// The recorded hash of `name`, if the record names it.
    pub fn hash(&self, name: &str) -> Option<u64> {
        self.files.get(name).copied()
    }

    /// The recorded names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Records `name` with `hash`, replacing an earlier entry.
    pub fn insert(&mut self, name: &str, hash: u64) {
        self.files.insert(name.to_string(), hash);
    }

    /// The record file's text: the header, then one line per file, sorted by name.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        for (name, hash) in &self.files {
            text.push_str(&format!("{hash:016x}  {name}\n"));
        }
        text
    }

    /// Writes the record into `dir` atomically.
    pub fn write(&self, dir: &Path, protected: &ProtectedInputs) -> io::Result<()> {
        let text = self.to_text();
        write_atomically(&dir.join(RECORD_NAME), protected, |out| {
            out.write_all(text.as_bytes())
        })
    }
}

/// Adds the files `written` (paths inside `dir`; others are ignored) to the record of `dir`
/// with the hashes of their contents now, keeps the earlier entries whose files still exist,
/// and writes the record atomically. A malformed earlier record is replaced.
pub fn record_written(
    dir: &Path,
    written: &[PathBuf],
    protected: &ProtectedInputs,
) -> io::Result<()> {
    let mut record = Record::read(dir).unwrap_or_default();
    record
        .files
        .retain(|name, _| !name.contains('/') && dir.join(name).is_file());
    let names: Vec<String> = written
        .iter()
        .filter(|p| p.parent() == Some(dir) && p.is_file())
        .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
        .filter(|name| name != RECORD_NAME && !name.contains('\n'))
        .collect();
    let hashes = names
        .par_iter()
        .map(|name| hash_file(&dir.join(name)).map_err(|e| named(&dir.join(name), e)))
        .collect::<io::Result<Vec<u64>>>()?;
    for (name, hash) in names.iter().zip(hashes) {
        record.insert(name, hash);
    }
    record.write(dir, protected)
}

/// The files of a folder carecircle did not write, or that changed since it wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignFiles {
    /// The folder.
    pub dir: PathBuf,
    /// Files (and folders, with a trailing `/`) the record does not name, sorted.
    pub unknown: Vec<String>,
    /// Recorded files whose content no longer has the recorded hash (edited since), sorted.
    pub changed: Vec<String>,
}

impl ForeignFiles {
    /// No foreign file: carecircle may write its files into the folder.
    pub fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.changed.is_empty()
    }
}

impl fmt::Display for ForeignFiles {
    /// `DIR holds files carecircle did not write: a, b, c and 2 more` (the changed files
    /// first, said to be changed).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .changed
            .iter()
            .map(|n| format!("{n} (changed since carecircle wrote it)"))
            .chain(self.unknown.iter().cloned())
            .collect();
        write!(
            f,
            "{} holds files carecircle did not write: {}",
            self.dir.display(),
            names[..names.len().min(NAMES_SHOWN)].join(", ")
        )?;
        if names.len() > NAMES_SHOWN {
            write!(f, " and {} more", names.len() - NAMES_SHOWN)?;
        }
        Ok(())
    }
}

/// Lists what in `dir` carecircle did not write: entries the record does not name (folders
/// included) and recorded files whose content changed. The record itself, the entries named
/// in `skip` (checked on their own, as the demo's `input` folder) and temporary files left by
/// an interrupted write (`.NAME.PID.tmp`) are carecircle's. A missing folder holds nothing.
pub fn foreign_files(dir: &Path, skip: &[&str]) -> io::Result<ForeignFiles> {
    let mut foreign = ForeignFiles {
        dir: dir.to_path_buf(),
        ..ForeignFiles::default()
    };
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(foreign),
        Err(e) => return Err(named(dir, e)),
    };
    let record = Record::read(dir)?;
    let mut recorded = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| named(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == RECORD_NAME || skip.contains(&name.as_str()) || is_leftover_temp(&name) {
            continue;
        }
        let is_file = entry
            .file_type()
            .map_err(|e| named(&entry.path(), e))?
            .is_file();
        match record.hash(&name) {
            Some(hash) if is_file => recorded.push((name, hash)),
            _ if is_file => foreign.unknown.push(name),
            _ => foreign.unknown.push(format!("{name}/")),
        }
    }
    let changed = recorded
        .par_iter()
        .map(|(name, hash)| {
            let path = dir.join(name);
            Ok((hash_file(&path).map_err(|e| named(&path, e))? != *hash).then(|| name.clone()))
        })
        .collect::<io::Result<Vec<Option<String>>>>()?;
    foreign.changed = changed.into_iter().flatten().collect();
    foreign.unknown.sort();
    foreign.changed.sort();
    Ok(foreign)
}

/// A temporary file of an atomic write (`.NAME.PID.tmp`), left when a run was killed.
fn is_leftover_temp(name: &str) -> bool {
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    stem.rsplit_once('.')
        .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// `error` with the path it is about.
fn named(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a 64 as published (offset basis 14695981039346656037, prime 1099511628211),
    /// written out independently of [`Fnv1a`].
    fn reference_fnv(bytes: &[u8]) -> u64 {
        let mut h: u128 = 14_695_981_039_346_656_037;
        for &b in bytes {
            h = ((h ^ u128::from(b)) * 1_099_511_628_211) % (1u128 << 64);
        }
        h as u64
    }

    #[test]
    fn fnv1a_matches_published_vectors() {
        let mut foobar = Fnv1a::default();
        foobar.update(b"foo");
        foobar.update(b"bar");
        assert_eq!(foobar.finish(), 0x85944171f73967e8);
        for text in [&b""[..], b"a", b"carecircle", &[0xff; 300]] {
            let mut h = Fnv1a::default();
            h.update(text);
            assert_eq!(h.finish(), reference_fnv(text));
        }
    }

    /// [`hash_file`]'s definition, computed plainly: pieces, their FNV-1a, FNV-1a of those.
    fn reference_file_hash(bytes: &[u8]) -> u64 {
        let pieces: Vec<u8> = bytes
            .chunks(PIECE_BYTES)
            .flat_map(|piece| reference_fnv(piece).to_le_bytes())
            .collect();
        reference_fnv(&pieces)
    }

    #[test]
    fn hash_file_matches_its_definition_across_reads_and_lanes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        // Empty, one short piece, a full group of lanes and a bit, and over one read.
        for len in [
            0,
            1,
            1000,
            LANES * PIECE_BYTES + 17,
            READ_BYTES + 3 * PIECE_BYTES + 5,
        ] {
            let bytes: Vec<u8> = (0..len).map(|k| (k * 7 % 251) as u8).collect();
            fs::write(&path, &bytes).unwrap();
            assert_eq!(
                hash_file(&path).unwrap(),
                reference_file_hash(&bytes),
                "{len}"
            );
        }
        // One byte changed anywhere changes the hash.
        let mut bytes = vec![b'x'; 2 * PIECE_BYTES];
        fs::write(&path, &bytes).unwrap();
        let before = hash_file(&path).unwrap();
        bytes[PIECE_BYTES + 3] = b'y';
        fs::write(&path, &bytes).unwrap();
        assert_ne!(hash_file(&path).unwrap(), before);
    }

    #[test]
    fn record_round_trips_and_keeps_earlier_entries() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (name, text) in [("a.txt", "a"), ("b.txt", "b"), ("c txt", "c")] {
            fs::write(d.join(name), text).unwrap();
        }
        let protected = ProtectedInputs::default();
        record_written(d, &[d.join("a.txt"), d.join("b.txt")], &protected).unwrap();
        fs::remove_file(d.join("b.txt")).unwrap();
        record_written(d, &[d.join("c txt")], &protected).unwrap();
        let record = Record::read(d).unwrap();
        assert_eq!(record.names().collect::<Vec<_>>(), ["a.txt", "c txt"]);
        assert_eq!(record.hash("c txt"), Some(reference_file_hash(b"c")));
        assert!(foreign_files(d, &[]).unwrap().is_empty());
    }

    #[test]
    fn foreign_files_lists_unknown_changed_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("mine.txt"), "mine").unwrap();
        fs::write(d.join("edited.txt"), "v1").unwrap();
        record_written(
            d,
            &[d.join("mine.txt"), d.join("edited.txt")],
            &Default::default(),
        )
        .unwrap();
        fs::write(d.join("edited.txt"), "v2").unwrap();
        fs::write(d.join("notes.txt"), "user").unwrap();
        fs::create_dir(d.join("sub")).unwrap();
        fs::create_dir(d.join("input")).unwrap();
        fs::write(d.join(".blocks.geojson.123.tmp"), "partial").unwrap();
        let foreign = foreign_files(d, &["input"]).unwrap();
        assert_eq!(foreign.unknown, ["notes.txt", "sub/"]);
        assert_eq!(foreign.changed, ["edited.txt"]);
        let message = foreign.to_string();
        assert!(message.contains("edited.txt (changed since"), "{message}");
        assert!(message.contains("notes.txt, sub/"), "{message}");
        assert!(foreign_files(&d.join("missing"), &[]).unwrap().is_empty());
    }

    #[test]
    fn message_names_a_few_files_and_counts_the_rest() {
        let foreign = ForeignFiles {
            dir: PathBuf::from("city"),
            unknown: (1..=5).map(|k| format!("f{k}")).collect(),
            changed: vec![],
        };
        assert_eq!(
            foreign.to_string(),
            "city holds files carecircle did not write: f1, f2, f3 and 2 more"
        );
    }

    #[test]
    fn malformed_record_is_an_error_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(RECORD_NAME), format!("{HEADER}\nzz  a\n")).unwrap();
        let err = Record::read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn leftover_temporaries_are_recognised() {
        assert!(is_leftover_temp(".coverage.csv.4242.tmp"));
        assert!(!is_leftover_temp(".coverage.csv.tmp"));
        assert!(!is_leftover_temp("coverage.4242.tmp"));
        assert!(!is_leftover_temp(".x.12a.tmp"));
    }
}
