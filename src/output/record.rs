//! The record of what carecircle wrote into a folder, so that a command can tell its own
//! files from a user's and never overwrite the user's.
//!
//! Every command that writes a folder ([`super::folder::OutputFolder::commit`]) leaves a hidden
//! file [`RECORD_NAME`] in it, moved into place with the command's files: one line per
//! file, its 64-bit content hash ([`hash_file`]) in hexadecimal, the command that wrote it and
//! its name relative to the folder, separated by two spaces (the layout of `sha256sum`, with the
//! command between):
//!
//! ```text
//! # carecircle's record of the files it wrote in this folder (content hash, command, name)
//! 8f2a0c1d3b4e5f60  report  blocks.geojson
//! ```
//!
//! The content hash is [`hash_file`]'s: FNV-1a over the FNV-1a hashes of the content's
//! 256 KiB pieces, so large outputs hash in parallel. A file is carecircle's when the record
//! names it and its content still has the recorded hash; [`foreign_files`] lists every other
//! file (and folder) of a folder, so a command can refuse a folder that holds a user's files,
//! or a file the user edited since, before it writes anything. Recording keeps the entries of
//! earlier runs whose files still exist, and [`replace_outputs`] finds the files an earlier run
//! of the same command wrote that a new run does not write: they are removed with the new set
//! in place, so a folder never mixes the outputs of two runs.

use super::atomic::{is_leftover_temp, write_atomically, ProtectedInputs};
use super::staging::{decided_staging, is_machinery};
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
    "# carecircle's record of the files it wrote in this folder (content hash, command, name)";

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

/// One recorded file: its content hash when written and the command that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    hash: u64,
    command: String,
}

/// The files carecircle wrote in one folder: each name (relative to the folder) with the
/// content hash it had when written and the command that wrote it (empty in records written
/// before commands were recorded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    files: BTreeMap<String, Entry>,
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
            let Some((name, entry)) = parse_line(line) else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} line {}: expected a hexadecimal hash, two spaces, the command, two spaces and a file name",
                        path.display(),
                        k + 1
                    ),
                ));
            };
            files.insert(name.to_string(), entry);
        }
        Ok(Record { files })
    }

    /// The recorded hash of `name`, if the record names it.
    pub fn hash(&self, name: &str) -> Option<u64> {
        self.files.get(name).map(|e| e.hash)
    }

    /// The command that wrote `name`, if the record names it (empty when not recorded).
    pub fn command(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|e| e.command.as_str())
    }

    /// The recorded names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Records `name` with `hash`, written by `command`, replacing an earlier entry.
    pub fn insert(&mut self, name: &str, hash: u64, command: &str) {
        let command = command.to_string();
        self.files.insert(name.to_string(), Entry { hash, command });
    }

    /// The record file's text: the header, then one line per file, sorted by name.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        for (name, Entry { hash, command }) in &self.files {
            text.push_str(&format!("{hash:016x}  {command}  {name}\n"));
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

/// One record line: `HASH  COMMAND  NAME`, or `HASH  NAME` as written before commands were
/// recorded (a command is one word of lowercase letters).
fn parse_line(line: &str) -> Option<(&str, Entry)> {
    let (hash, rest) = line.split_once("  ")?;
    let hash = u64::from_str_radix(hash, 16).ok()?;
    let (command, name) = match rest.split_once("  ") {
        Some((command, name)) if command.bytes().all(|b| b.is_ascii_lowercase()) => (command, name),
        _ => ("", rest),
    };
    let command = command.to_string();
    (!name.is_empty()).then_some((name, Entry { hash, command }))
}

/// A run's files about to replace the outputs of earlier runs in one folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replacement {
    /// The folder's record once the run's files are in place.
    pub record: Record,
    /// Files an earlier run of the same command wrote that this run does not write, unchanged
    /// since (a user's edit keeps a file): they are removed with the new set in place.
    pub stale: Vec<String>,
}

/// The record of `dir` once the files `names`, written by `command` into `staging`, are moved
/// into it: earlier entries kept while their files exist, the stale files of an earlier run of
/// `command` left out (never one of the run's inputs), and the new files with the hashes of
/// their staged contents.
pub fn replace_outputs(
    dir: &Path,
    staging: &Path,
    names: &[String],
    command: &str,
    protected: &ProtectedInputs,
) -> io::Result<Replacement> {
    let mut record = Record::read(dir).unwrap_or_default();
    record
        .files
        .retain(|name, _| !name.contains('/') && dir.join(name).is_file());
    let stale_candidates: Vec<(&String, u64)> = record
        .files
        .iter()
        .filter(|(name, e)| e.command == command && !names.contains(name))
        .filter(|(name, _)| !protected.contains(&dir.join(name)))
        .map(|(name, e)| (name, e.hash))
        .collect();
    let stale = stale_candidates
        .par_iter()
        .map(|&(name, hash)| Ok((content_hash(&dir.join(name))? == hash).then(|| name.clone())))
        .collect::<io::Result<Vec<Option<String>>>>()?;
    let stale: Vec<String> = stale.into_iter().flatten().collect();
    record.files.retain(|name, _| !stale.contains(name));
    let hashes = names
        .par_iter()
        .map(|name| content_hash(&staging.join(name)))
        .collect::<io::Result<Vec<u64>>>()?;
    for (name, hash) in names.iter().zip(hashes) {
        record.insert(name, hash, command);
    }
    Ok(Replacement { record, stale })
}

/// [`hash_file`], its error naming the file.
fn content_hash(path: &Path) -> io::Result<u64> {
    hash_file(path).map_err(|e| named(path, e))
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
/// in `skip` (checked on their own, as the demo's `input` folder), carecircle's lock file and
/// staging folder, and temporary files left by an interrupted write (`.NAME.PID.tmp`) are
/// carecircle's; so are the files of a set a killed run was moving into place (named in the
/// staged record). A missing folder holds nothing.
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
    let staged = match decided_staging(dir) {
        Some(staging) => Record::read(&staging)?,
        None => Record::default(),
    };
    let mut recorded = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| named(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == RECORD_NAME || is_machinery(&name) || is_leftover_temp(&name);
        if ours || skip.contains(&name.as_str()) {
            continue;
        }
        let is_file = entry
            .file_type()
            .map_err(|e| named(&entry.path(), e))?
            .is_file();
        let hashes = [record.hash(&name), staged.hash(&name)];
        match is_file {
            true if hashes.iter().any(Option::is_some) => recorded.push((name, hashes)),
            true => foreign.unknown.push(name),
            false => foreign.unknown.push(format!("{name}/")),
        }
    }
    let changed = recorded
        .par_iter()
        .map(|(name, hashes)| {
            let hash = content_hash(&dir.join(name))?;
            Ok((!hashes.contains(&Some(hash))).then(|| name.clone()))
        })
        .collect::<io::Result<Vec<Option<String>>>>()?;
    foreign.changed = changed.into_iter().flatten().collect();
    foreign.unknown.sort();
    foreign.changed.sort();
    Ok(foreign)
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

    /// Records the files `names` of `d` as written there by `command`; the stale files.
    fn record(d: &Path, names: &[&str], command: &str) -> Vec<String> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let protected = ProtectedInputs::default();
        let replacement = replace_outputs(d, d, &names, command, &protected).unwrap();
        replacement.record.write(d, &protected).unwrap();
        replacement.stale
    }

    #[test]
    fn record_round_trips_and_keeps_earlier_entries() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (name, text) in [("a.txt", "a"), ("b.txt", "b"), ("c txt", "c")] {
            fs::write(d.join(name), text).unwrap();
        }
        record(d, &["a.txt", "b.txt"], "synth");
        fs::remove_file(d.join("b.txt")).unwrap();
        record(d, &["c txt"], "report");
        let record = Record::read(d).unwrap();
        assert_eq!(record.names().collect::<Vec<_>>(), ["a.txt", "c txt"]);
        assert_eq!(record.hash("c txt"), Some(reference_file_hash(b"c")));
        assert_eq!(record.command("a.txt"), Some("synth"));
        assert_eq!(record.command("c txt"), Some("report"));
        assert!(foreign_files(d, &[]).unwrap().is_empty());
    }

    #[test]
    fn stale_files_are_an_earlier_run_of_the_same_command_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            "blocks.geojson",
            "sites.csv",
            "skipped.csv",
            "edited.csv",
            "city.toml",
        ] {
            fs::write(d.join(name), name).unwrap();
        }
        record(
            d,
            &["blocks.geojson", "skipped.csv", "edited.csv"],
            "report",
        );
        record(d, &["sites.csv"], "site");
        record(d, &["city.toml"], "synth");
        fs::write(d.join("edited.csv"), "the user's edit").unwrap();
        // A second report that writes blocks.geojson only: skipped.csv is stale; the site's and
        // synth's files stay, and so does the file the user edited.
        let protected = ProtectedInputs::new([d.join("city.toml").as_path()]);
        let names = ["blocks.geojson".to_string()];
        let replacement = replace_outputs(d, d, &names, "report", &protected).unwrap();
        assert_eq!(replacement.stale, ["skipped.csv"]);
        let kept: Vec<&str> = replacement.record.names().collect();
        assert_eq!(
            kept,
            ["blocks.geojson", "city.toml", "edited.csv", "sites.csv"]
        );
        // An input is never stale, even when an earlier run of the command wrote it.
        let replacement = replace_outputs(d, d, &[], "synth", &protected).unwrap();
        assert!(replacement.stale.is_empty());
    }

    #[test]
    fn records_without_commands_are_read_and_never_stale() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("old.csv"), "a").unwrap();
        let hash = reference_file_hash(b"a");
        let text = format!("# an earlier version's record\n{hash:016x}  old.csv\n");
        fs::write(d.join(RECORD_NAME), text).unwrap();
        let read = Record::read(d).unwrap();
        assert_eq!(
            (read.hash("old.csv"), read.command("old.csv")),
            (Some(hash), Some(""))
        );
        assert!(record(d, &[], "report").is_empty());
        assert!(foreign_files(d, &[]).unwrap().is_empty());
    }

    #[test]
    fn foreign_files_lists_unknown_changed_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("mine.txt"), "mine").unwrap();
        fs::write(d.join("edited.txt"), "v1").unwrap();
        record(d, &["mine.txt", "edited.txt"], "synth");
        fs::write(d.join("edited.txt"), "v2").unwrap();
        fs::write(d.join("notes.txt"), "user").unwrap();
        fs::create_dir(d.join("sub")).unwrap();
        fs::create_dir(d.join("input")).unwrap();
        fs::write(d.join(".blocks.geojson.123.tmp"), "partial").unwrap();
        fs::write(d.join(".carecircle-lock"), "1 report").unwrap();
        fs::create_dir(d.join(".carecircle-staging")).unwrap();
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
    fn files_of_a_set_being_moved_into_place_are_carecircles() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("a.csv"), "old").unwrap();
        record(d, &["a.csv"], "report");
        // Killed while moving a decided set: a.csv is new, the record still the old one.
        let staging = d.join(super::super::staging::STAGING_NAME);
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("a.csv"), "new").unwrap();
        record(&staging, &["a.csv"], "report");
        fs::rename(staging.join("a.csv"), d.join("a.csv")).unwrap();
        assert_eq!(foreign_files(d, &[]).unwrap().changed, ["a.csv"]);
        fs::write(staging.join(super::super::staging::COMMIT_NAME), "").unwrap();
        assert!(foreign_files(d, &[]).unwrap().is_empty());
    }

    #[test]
    fn malformed_record_is_an_error_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(RECORD_NAME), format!("{HEADER}\nzz  a\n")).unwrap();
        let err = Record::read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
