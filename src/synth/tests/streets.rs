//! The street network: connectivity through shared vertices, bridges.

use super::*;

/// The street vertices as written, with union-find over shared vertices.
#[test]
fn street_network_is_connected_through_shared_vertices() {
    let (summary, files) = written(&SMALL, 2);
    let streets = features(file(&files, "streets.geojson"));
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut degree: HashMap<usize, usize> = HashMap::new();
    for feature in &streets {
        let line: geo_types::LineString<f64> =
            feature.geometry.clone().unwrap().try_into().unwrap();
        assert!(line.0.len() >= 2);
        let ids: Vec<usize> = line
            .0
            .iter()
            .map(|c| {
                let next = index.len();
                *index.entry(format!("{},{}", c.x, c.y)).or_insert_with(|| {
                    parent.push(next);
                    next
                })
            })
            .collect();
        for pair in ids.windows(2) {
            *degree.entry(pair[0]).or_default() += 1;
            *degree.entry(pair[1]).or_default() += 1;
            let (a, b) = (find(&mut parent, pair[0]), find(&mut parent, pair[1]));
            parent[a] = b;
        }
    }
    let roots: HashSet<usize> = (0..parent.len()).map(|x| find(&mut parent, x)).collect();
    assert_eq!(roots.len(), 1, "the street network falls apart");
    assert_eq!(index.len(), summary.street_nodes);
    let crossings = degree.values().filter(|&&d| d >= 3).count();
    assert!(
        crossings > index.len() / 2,
        "intersections must be shared vertices"
    );
    let per_block = index.len() as f64 / SMALL.blocks as f64;
    assert!(
        (0.2..0.45).contains(&per_block),
        "{per_block} nodes per block"
    );
}

#[test]
fn streets_cross_the_river_and_railway_only_on_bridges() {
    let layout = &plan().layout;
    let mut river_bridges = 0;
    let mut railway_bridges = 0;
    for street in &city().streets {
        let points: Vec<(f64, f64)> = street.line.0.iter().map(|&c| metres(c)).collect();
        let mut in_river = false;
        let mut in_railway = false;
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let steps = ((b.0 - a.0).hypot(b.1 - a.1) / 0.5).ceil() as usize;
            for s in 0..=steps {
                let t = s as f64 / steps as f64;
                let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                in_river |= layout.river.depth(p) > 0.05;
                in_railway |= layout.railway.depth(p) > 0.05;
            }
            let side = |p: (f64, f64)| p.1 > layout.river.centre_y(p.0);
            assert!(
                side(a) == side(b) || street.bridge,
                "{} crosses the river off a bridge",
                street.id
            );
        }
        if in_river || in_railway {
            assert!(street.bridge, "{} enters a barrier off a bridge", street.id);
            assert_eq!(street.highway, Highway::Primary);
            // a bridge spans from bank to bank (within the 0.5 m slivers folded into it and
            // the centimetre rounding of the output)
            for end in [points[0], *points.last().unwrap()] {
                let depth = layout.river.depth(end).max(layout.railway.depth(end));
                assert!(
                    depth.abs() < 0.6,
                    "{} ends {depth} m from a bank",
                    street.id
                );
            }
        }
        river_bridges += usize::from(in_river);
        railway_bridges += usize::from(in_railway);
        if street.bridge {
            assert!(in_river || in_railway, "{} is no bridge", street.id);
        }
    }
    assert!(
        (2..=10).contains(&river_bridges),
        "{river_bridges} river bridges"
    );
    assert!(
        (2..=10).contains(&railway_bridges),
        "{railway_bridges} railway bridges"
    );
}
