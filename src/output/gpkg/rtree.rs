//! Bulk loading of a GeoPackage RTree index. The tree is packed in memory — entries ordered
//! along a Hilbert curve, as many to a node as SQLite allows, level by level up to the root —
//! and written straight into the three tables that SQLite's R*Tree module keeps a tree in
//! (their format is described at the top of SQLite's `rtree.c`): far faster than inserting a
//! million rows one by one, and afterwards an ordinary R*Tree that SQLite maintains through
//! edits (`rtreecheck` verifies it in the tests).

use super::geometry::Envelope;
use rusqlite::{params, Connection};

/// Bytes of a cell: an 8-byte id and four 4-byte coordinates.
const CELL_BYTES: usize = 8 + 4 * 4;

/// An entry of a node: a row id (leaves) or a child node (above), and its box as SQLite
/// stores it: min x, max x, min y, max y in 32-bit floats, rounded outwards.
#[derive(Debug, Clone, Copy)]
struct Cell {
    id: i64,
    bounds: [f32; 4],
}

/// `d` as a 32-bit float rounded down (`up` false) or up, as SQLite's R*Tree rounds.
fn round32(d: f64, up: bool) -> f32 {
    let f = d as f32;
    let outside = if up {
        f64::from(f) < d
    } else {
        f64::from(f) > d
    };
    if !outside {
        return f;
    }
    // One step away from `f` towards `d`, as SQLite steps the bits.
    let bits = f.to_bits();
    let negative = bits & 0x8000_0000 != 0;
    f32::from_bits(if negative == up { bits - 1 } else { bits + 1 })
}

/// The box containing every cell's box.
fn union(cells: &[Cell]) -> [f32; 4] {
    cells.iter().fold(
        [
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ],
        |[x0, x1, y0, y1], c| {
            [
                x0.min(c.bounds[0]),
                x1.max(c.bounds[1]),
                y0.min(c.bounds[2]),
                y1.max(c.bounds[3]),
            ]
        },
    )
}

/// The distance along a Hilbert curve of order 16 of the cell (`x`, `y`), both below 2¹⁶.
fn hilbert(mut x: u32, mut y: u32) -> u64 {
    const SIDE: u32 = 1 << 16;
    let mut d = 0u64;
    let mut s = SIDE / 2;
    while s > 0 {
        let rx = u32::from(x & s != 0);
        let ry = u32::from(y & s != 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = SIDE - 1 - x;
                y = SIDE - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// The leaf cells, ordered along a Hilbert curve through their centres (then by id).
fn leaves(entries: &[(i64, Envelope)]) -> Vec<Cell> {
    let [x0, x1, y0, y1] = entries.iter().fold(
        [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ],
        |[x0, x1, y0, y1], (_, e)| [x0.min(e[0]), x1.max(e[1]), y0.min(e[2]), y1.max(e[3])],
    );
    let scale = |v: f64, lo: f64, hi: f64| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        (t * f64::from(u16::MAX)) as u32
    };
    let mut keyed: Vec<(u64, Cell)> = entries
        .iter()
        .map(|&(id, e)| {
            let x = scale((e[0] + e[1]) / 2.0, x0, x1);
            let y = scale((e[2] + e[3]) / 2.0, y0, y1);
            let bounds = [
                round32(e[0], false),
                round32(e[1], true),
                round32(e[2], false),
                round32(e[3], true),
            ];
            (hilbert(x, y), Cell { id, bounds })
        })
        .collect();
    keyed.sort_unstable_by_key(|(key, cell)| (*key, cell.id));
    keyed.into_iter().map(|(_, cell)| cell).collect()
}

/// Splits `cells` into the fewest nodes of at most `max` cells, as evenly as possible (so
/// every node is at least half full).
fn pack(cells: Vec<Cell>, max: usize) -> Vec<Vec<Cell>> {
    let nodes = cells.len().div_ceil(max).max(1);
    let (base, extra) = (cells.len() / nodes, cells.len() % nodes);
    let mut rest = cells.into_iter();
    (0..nodes)
        .map(|i| rest.by_ref().take(base + usize::from(i < extra)).collect())
        .collect()
}

/// A node's blob: the depth (meaningful in the root only), the cell count and the cells, all
/// big-endian, padded to `node_bytes`.
fn node_blob(depth: u16, cells: &[Cell], node_bytes: usize) -> Vec<u8> {
    let mut blob = Vec::with_capacity(node_bytes);
    blob.extend_from_slice(&depth.to_be_bytes());
    blob.extend_from_slice(&(cells.len() as u16).to_be_bytes());
    for cell in cells {
        blob.extend_from_slice(&cell.id.to_be_bytes());
        for coordinate in cell.bounds {
            blob.extend_from_slice(&coordinate.to_bits().to_be_bytes());
        }
    }
    blob.resize(node_bytes, 0);
    blob
}

/// Fills the empty RTree `rtree` (created by `CREATE VIRTUAL TABLE … USING rtree(id, minx,
/// maxx, miny, maxy)` in this transaction, nothing inserted yet) with `entries`: row ids and
/// their envelopes.
pub fn bulk_load(
    db: &Connection,
    rtree: &str,
    entries: &[(i64, Envelope)],
) -> rusqlite::Result<()> {
    if entries.is_empty() {
        return Ok(()); // the empty root SQLite created
    }
    let quoted = |suffix: &str| format!("\"{}_{suffix}\"", rtree.replace('"', "\"\""));
    let (node, parent, rowid) = (quoted("node"), quoted("parent"), quoted("rowid"));
    // SQLite sized the empty root node from the page size; every node has that size.
    let node_bytes: i64 = db.query_row(
        &format!("SELECT length(data) FROM {node} WHERE nodeno = 1"),
        [],
        |r| r.get(0),
    )?;
    let node_bytes = node_bytes as usize;
    let max_cells = (node_bytes - 4) / CELL_BYTES;
    // Levels from the leaves up; a cell above the leaves holds its child's index in the level
    // below until nodes are numbered.
    let mut levels: Vec<Vec<Vec<Cell>>> = Vec::new();
    let mut cells = leaves(entries);
    loop {
        let nodes = pack(cells, max_cells);
        cells = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| Cell {
                id: i as i64,
                bounds: union(n),
            })
            .collect();
        let root = nodes.len() == 1;
        levels.push(nodes);
        if root {
            break;
        }
    }
    // Node numbers: the root is 1, then level by level downwards.
    let mut first = vec![0i64; levels.len()];
    let mut next = 1;
    for level in (0..levels.len()).rev() {
        first[level] = next;
        next += levels[level].len() as i64;
    }
    let depth = (levels.len() - 1) as u16;
    let mut write_node = db.prepare(&format!("INSERT OR REPLACE INTO {node} VALUES (?1, ?2)"))?;
    let mut write_parent = db.prepare(&format!("INSERT INTO {parent} VALUES (?1, ?2)"))?;
    let mut write_rowid = db.prepare(&format!("INSERT INTO {rowid} VALUES (?1, ?2)"))?;
    for (level, nodes) in levels.iter().enumerate().rev() {
        for (i, cells) in nodes.iter().enumerate() {
            let number = first[level] + i as i64;
            if level == 0 {
                for cell in cells {
                    write_rowid.execute(params![cell.id, number])?;
                }
                let blob = node_blob(if number == 1 { depth } else { 0 }, cells, node_bytes);
                write_node.execute(params![number, blob])?;
            } else {
                let numbered: Vec<Cell> = cells
                    .iter()
                    .map(|c| Cell {
                        id: first[level - 1] + c.id,
                        bounds: c.bounds,
                    })
                    .collect();
                for child in &numbered {
                    write_parent.execute(params![child.id, number])?;
                }
                let blob = node_blob(if number == 1 { depth } else { 0 }, &numbered, node_bytes);
                write_node.execute(params![number, blob])?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtree_with(entries: &[(i64, Envelope)]) -> Connection {
        let db = Connection::open_in_memory().unwrap();
        db.execute_batch("CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy)")
            .unwrap();
        bulk_load(&db, "t", entries).unwrap();
        db
    }

    fn check(db: &Connection) {
        let report: String = db
            .query_row("SELECT rtreecheck('t')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(report, "ok");
    }

    /// Deterministic boxes scattered over a city-sized area.
    fn boxes(n: i64) -> Vec<(i64, Envelope)> {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (1..=n)
            .map(|id| {
                let (x, y) = (121.4 + 0.2 * next(), 25.0 + 0.2 * next());
                let (w, h) = (0.001 * next(), 0.001 * next());
                (id, [x, x + w, y, y + h])
            })
            .collect()
    }

    fn ids_within(db: &Connection, window: Envelope) -> Vec<i64> {
        let mut query = db
            .prepare("SELECT id FROM t WHERE maxx >= ?1 AND minx <= ?2 AND maxy >= ?3 AND miny <= ?4 ORDER BY id")
            .unwrap();
        query
            .query_map(params![window[0], window[1], window[2], window[3]], |r| {
                r.get(0)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn rounding_is_outwards_like_sqlite() {
        let d = 121.123456789;
        assert!(f64::from(round32(d, false)) <= d && f64::from(round32(d, true)) >= d);
        assert!(f64::from(round32(-d, false)) <= -d && f64::from(round32(-d, true)) >= -d);
        assert_eq!(round32(0.5, false), 0.5);
        assert_eq!(round32(0.5, true), 0.5);
    }

    #[test]
    fn a_bulk_loaded_tree_passes_sqlites_check_and_answers_like_a_scan() {
        for n in [0, 1, 51, 52, 3000, 140_000] {
            let entries = boxes(n);
            let db = rtree_with(&entries);
            check(&db);
            let count: i64 = db
                .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .unwrap();
            assert_eq!(count, n);
            let window = [121.45, 121.47, 25.05, 25.06];
            let expected: Vec<i64> = entries
                .iter()
                .filter(|(_, e)| {
                    e[1] >= window[0] && e[0] <= window[1] && e[3] >= window[2] && e[2] <= window[3]
                })
                .map(|(id, _)| *id)
                .collect();
            assert_eq!(ids_within(&db, window), expected, "{n} entries");
        }
    }

    #[test]
    fn a_bulk_loaded_tree_stays_valid_through_edits() {
        let db = rtree_with(&boxes(5000));
        db.execute_batch(
            "DELETE FROM t WHERE id % 3 = 0;
             UPDATE t SET minx = minx + 0.01, maxx = maxx + 0.01 WHERE id % 7 = 0;
             INSERT INTO t VALUES (100000, 121.5, 121.6, 25.1, 25.2);",
        )
        .unwrap();
        check(&db);
        let count: i64 = db
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 5000 - 5000 / 3 + 1);
    }
}
