//! Reading an OSM PBF extract in two passes, each decoding the file's blocks in parallel
//! (osmpbf's blob reader bridged into rayon; results are sorted by id afterwards, so they do
//! not depend on the thread count).
//!
//! Pass 1 keeps every node's position (a [`NodeStore`]) and the nodes, ways and multipolygon
//! relations the caller wants, with their tags. Pass 2 counts the ways that reference nodes
//! the extract lacks (clipped extracts have them) and fetches the member ways of the kept
//! relations that pass 1 did not keep, such as untagged outer and inner rings.

use super::nodes::{degrees, NodeStore};
use super::quiet::{install_hook, quietly, Quiet};
use super::tags::{TagSource, Tags};
use geo_types::Coord;
use osmpbf::{BlobDecode, BlobReader, Element, PrimitiveBlock, RelMemberType};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Which elements to keep, judged by their tags.
pub trait Wanted: Sync {
    /// Whether to keep a tagged node.
    fn node(&self, tags: &[(&str, &str)]) -> bool;
    /// Whether to keep a way.
    fn way(&self, tags: &[(&str, &str)]) -> bool;
    /// Whether to keep a multipolygon relation (other relations are kept only by id).
    fn relation(&self, tags: &[(&str, &str)]) -> bool;
    /// Whether to keep the relation `id` whatever its type (a boundary relation).
    fn relation_by_id(&self, _id: i64) -> bool {
        false
    }
}

/// A kept node with its tags.
#[derive(Debug, Clone)]
pub struct TaggedNode {
    /// OSM id.
    pub id: i64,
    /// Position, degrees (x longitude, y latitude).
    pub position: Coord<f64>,
    /// Tags.
    pub tags: Tags,
}

/// A kept way: its node ids in order and its tags.
#[derive(Debug, Clone)]
pub struct Way {
    /// OSM id.
    pub id: i64,
    /// Node ids, in order.
    pub refs: Vec<i64>,
    /// Tags.
    pub tags: Tags,
}

/// A way member of a multipolygon relation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// The way's id.
    pub way: i64,
    /// Role `inner`; otherwise `outer` (or an empty role, read as outer).
    pub inner: bool,
}

/// A kept multipolygon relation.
#[derive(Debug, Clone)]
pub struct Relation {
    /// OSM id.
    pub id: i64,
    /// Way members with role `outer`, `inner` or none, in order.
    pub members: Vec<Member>,
    /// Tags.
    pub tags: Tags,
}

/// How many elements of each type the extract has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ElementCounts {
    /// Nodes.
    pub nodes: usize,
    /// Ways.
    pub ways: usize,
    /// Relations.
    pub relations: usize,
}

/// What was kept of an extract, every list sorted by id.
#[derive(Debug, Default)]
pub struct Extract {
    /// Every node's position.
    pub nodes: NodeStore,
    /// Kept nodes.
    pub tagged_nodes: Vec<TaggedNode>,
    /// Kept ways and the member ways of kept relations.
    pub ways: Vec<Way>,
    /// Kept multipolygon relations, and a relation kept by id.
    pub relations: Vec<Relation>,
    /// The header's replication timestamp (`osmosis_replication_timestamp`), seconds since
    /// 1970-01-01 UTC, if it has one.
    pub replication_timestamp: Option<i64>,
    /// Elements in the file.
    pub counts: ElementCounts,
    /// Ways in the file (kept or not) referencing at least one node the file lacks.
    pub ways_missing_nodes: usize,
}

impl Extract {
    /// A kept way by id.
    pub fn way(&self, id: i64) -> Option<&Way> {
        let i = self.ways.binary_search_by_key(&id, |w| w.id).ok()?;
        Some(&self.ways[i])
    }
}

/// What pass 1 keeps of one block.
#[derive(Default)]
struct Pass1 {
    nodes: Vec<(i64, i32, i32)>,
    tagged_nodes: Vec<TaggedNode>,
    ways: Vec<Way>,
    relations: Vec<Relation>,
    counts: ElementCounts,
}

/// What pass 2 finds in one block.
#[derive(Default)]
struct Pass2 {
    ways_missing_nodes: usize,
    member_ways: Vec<Way>,
}

/// One decoded blob.
enum Decoded<T> {
    /// A header block with its replication timestamp, if any.
    Header(Option<i64>),
    Data(T),
    Other,
}

/// Why an extract cannot be read; each message names the file, and the decoder's error, if
/// any, is the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path is not a regular file (a folder, a FIFO, a device); refused before it is
    /// opened.
    #[error("{}: {refused}", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead (in the message, not a source, so it is said once).
        refused: crate::input_file::InputFileError,
    },
    /// The file cannot be opened.
    #[error("{}: cannot read the extract", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: osmpbf::Error,
    },
    /// A blob cannot be decoded.
    #[error("{}: not a readable OSM PBF file", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Why.
        source: osmpbf::Error,
    },
    /// The decoder panicked on the file.
    #[error(
        "{}: not a readable OSM PBF file: the decoder failed on malformed data",
        .0.display()
    )]
    DecoderFailed(PathBuf),
    /// The file has no header block.
    #[error("{}: not an OSM PBF file (it has no OSMHeader block)", .0.display())]
    NoHeader(PathBuf),
}

/// Reads the extract at `path`, keeping what `wanted` asks for.
pub fn read_extract(path: &Path, wanted: &dyn Wanted) -> Result<Extract, ReadError> {
    crate::input_file::check_regular(path).map_err(|refused| ReadError::NotAFile {
        path: path.to_path_buf(),
        refused,
    })?;
    let (blocks, headers) = decode_blocks(path, |block| pass1(block, wanted))?;
    if headers.is_empty() {
        return Err(ReadError::NoHeader(path.to_path_buf()));
    }
    // Blobs come in any order; the latest stamp of several headers, so the result does not
    // depend on it.
    let replication_timestamp = headers.into_iter().flatten().max();
    let mut merged = Pass1::default();
    for b in blocks {
        merged.nodes.extend(b.nodes);
        merged.tagged_nodes.extend(b.tagged_nodes);
        merged.ways.extend(b.ways);
        merged.relations.extend(b.relations);
        merged.counts.nodes += b.counts.nodes;
        merged.counts.ways += b.counts.ways;
        merged.counts.relations += b.counts.relations;
    }
    let nodes = NodeStore::new(merged.nodes);
    merged.tagged_nodes.sort_unstable_by_key(|n| n.id);
    merged.ways.sort_unstable_by_key(|w| w.id);
    merged.relations.sort_unstable_by_key(|r| r.id);

    let kept: HashSet<i64> = merged.ways.iter().map(|w| w.id).collect();
    let wanted_members: HashSet<i64> = merged
        .relations
        .iter()
        .flat_map(|r| r.members.iter().map(|m| m.way))
        .filter(|id| !kept.contains(id))
        .collect();
    let (blocks, _) = decode_blocks(path, |block| pass2(block, &nodes, &wanted_members))?;
    let mut ways_missing_nodes = 0;
    for b in blocks {
        ways_missing_nodes += b.ways_missing_nodes;
        merged.ways.extend(b.member_ways);
    }
    merged.ways.sort_unstable_by_key(|w| w.id);
    merged.ways.dedup_by_key(|w| w.id);
    Ok(Extract {
        nodes,
        tagged_nodes: merged.tagged_nodes,
        ways: merged.ways,
        relations: merged.relations,
        replication_timestamp,
        counts: merged.counts,
        ways_missing_nodes,
    })
}

/// Decodes every blob of the file in parallel, applying `each` to the data blocks; also
/// returns the header blocks' replication timestamps, in any order. A malformed file is an error naming it, also when
/// the decoder panics on it (quietly: see [`super::quiet`]).
fn decode_blocks<T: Send>(
    path: &Path,
    each: impl Fn(&PrimitiveBlock) -> T + Sync,
) -> Result<(Vec<T>, Vec<Option<i64>>), ReadError> {
    let reader = BlobReader::from_path(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    install_hook();
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        Quiet(reader)
            .par_bridge()
            .map(|blob| {
                let blob = blob?;
                Ok(match quietly(|| blob.decode())? {
                    BlobDecode::OsmHeader(h) => Decoded::Header(h.osmosis_replication_timestamp()),
                    BlobDecode::OsmData(block) => Decoded::Data(each(&block)),
                    BlobDecode::Unknown(_) => Decoded::Other,
                })
            })
            .collect::<Result<Vec<Decoded<T>>, osmpbf::Error>>()
    }))
    .map_err(|_| ReadError::DecoderFailed(path.to_path_buf()))?
    .map_err(|source| ReadError::Malformed {
        path: path.to_path_buf(),
        source,
    })?;
    let mut headers = Vec::new();
    let mut blocks = Vec::new();
    for d in decoded {
        match d {
            Decoded::Header(timestamp) => headers.push(timestamp),
            Decoded::Data(t) => blocks.push(t),
            Decoded::Other => {}
        }
    }
    Ok((blocks, headers))
}

fn pass1(block: &PrimitiveBlock, wanted: &dyn Wanted) -> Pass1 {
    let mut out = Pass1::default();
    let mut tags: Vec<(&str, &str)> = Vec::new();
    let node = |out: &mut Pass1, id: i64, position: [i32; 2], tags: &[(&str, &str)]| {
        out.counts.nodes += 1;
        out.nodes.push((id, position[0], position[1]));
        if !tags.is_empty() && wanted.node(tags) {
            out.tagged_nodes.push(TaggedNode {
                id,
                position: degrees(position),
                tags: Tags::from_pairs(tags.iter().copied()),
            });
        }
    };
    for element in Quiet(block.elements()) {
        tags.clear();
        match element {
            Element::DenseNode(n) => {
                tags.extend(Quiet(n.tags()));
                let position = quietly(|| [n.decimicro_lon(), n.decimicro_lat()]);
                node(&mut out, n.id(), position, &tags);
            }
            Element::Node(n) => {
                tags.extend(Quiet(n.tags()));
                let position = quietly(|| [n.decimicro_lon(), n.decimicro_lat()]);
                node(&mut out, n.id(), position, &tags);
            }
            Element::Way(w) => {
                out.counts.ways += 1;
                tags.extend(Quiet(w.tags()));
                if wanted.way(&tags) {
                    out.ways.push(Way {
                        id: w.id(),
                        refs: Quiet(w.refs()).collect(),
                        tags: Tags::from_pairs(tags.iter().copied()),
                    });
                }
            }
            Element::Relation(r) => {
                out.counts.relations += 1;
                tags.extend(Quiet(r.tags()));
                let multipolygon = tags.tag("type") == Some("multipolygon");
                if (multipolygon && wanted.relation(&tags)) || wanted.relation_by_id(r.id()) {
                    let members = Quiet(r.members())
                        .filter(|m| m.member_type == RelMemberType::Way)
                        .filter_map(|m| {
                            let inner = match m.role().unwrap_or("") {
                                "outer" | "" => false,
                                "inner" => true,
                                _ => return None,
                            };
                            Some(Member {
                                way: m.member_id,
                                inner,
                            })
                        })
                        .collect();
                    out.relations.push(Relation {
                        id: r.id(),
                        members,
                        tags: Tags::from_pairs(tags.iter().copied()),
                    });
                }
            }
        }
    }
    out
}

fn pass2(block: &PrimitiveBlock, nodes: &NodeStore, members: &HashSet<i64>) -> Pass2 {
    let mut out = Pass2::default();
    for group in Quiet(block.groups()) {
        for w in Quiet(group.ways()) {
            let refs: Vec<i64> = Quiet(w.refs()).collect();
            if !refs.iter().all(|&r| nodes.contains(r)) {
                out.ways_missing_nodes += 1;
            }
            if members.contains(&w.id()) {
                out.member_ways.push(Way {
                    id: w.id(),
                    refs,
                    tags: Tags::from_pairs(Quiet(w.tags())),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Everything;

    impl Wanted for Everything {
        fn node(&self, _: &[(&str, &str)]) -> bool {
            true
        }
        fn way(&self, _: &[(&str, &str)]) -> bool {
            true
        }
        fn relation(&self, _: &[(&str, &str)]) -> bool {
            true
        }
    }

    #[test]
    fn missing_empty_and_non_pbf_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.osm.pbf");
        let err = read_extract(&missing, &Everything).unwrap_err().to_string();
        assert!(
            err.contains("missing.osm.pbf") && err.contains("cannot read"),
            "{err}"
        );
        let text = dir.path().join("city.osm.pbf");
        std::fs::write(&text, "this is not a protocol buffer at all\n").unwrap();
        let err = read_extract(&text, &Everything).unwrap_err().to_string();
        assert!(
            err.contains("city.osm.pbf") && err.contains("not a readable OSM PBF"),
            "{err}"
        );
        let empty = dir.path().join("empty.osm.pbf");
        std::fs::write(&empty, "").unwrap();
        let err = read_extract(&empty, &Everything).unwrap_err().to_string();
        assert!(err.contains("no OSMHeader"), "{err}");
        let err = read_extract(dir.path(), &Everything)
            .unwrap_err()
            .to_string();
        assert!(err.contains("folder"), "{err}");
    }
}
