use super::scene::{build, mix, BlockLayer};
use super::*;
use geo::{polygon, MultiPolygon};

/// A `n` × `n` grid of 100 m square blocks, each with 10 elderly.
fn squares(n: usize) -> (Vec<MultiPolygon<f64>>, Vec<Coord<f64>>, Vec<f64>) {
    let mut outlines = Vec::new();
    let mut centroids = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let (x, y) = (i as f64 * 100.0, j as f64 * 100.0);
            outlines.push(MultiPolygon(vec![polygon![
                (x: x, y: y), (x: x + 90.0, y: y), (x: x + 90.0, y: y + 90.0), (x: x, y: y + 90.0)
            ]]));
            centroids.push(Coord {
                x: x + 45.0,
                y: y + 45.0,
            });
        }
    }
    let elderly = vec![10.0; outlines.len()];
    (outlines, centroids, elderly)
}

fn map<'a>(
    (outlines, centroids, elderly): &'a (Vec<MultiPolygon<f64>>, Vec<Coord<f64>>, Vec<f64>),
    met: &'a [bool],
    clinics: &'a [Coord<f64>],
) -> MapData<'a> {
    MapData {
        title: "basic circle: 50 % of 1,000 elderly covered on foot".into(),
        outlines,
        centroids,
        elderly,
        met,
        layers: vec![
            MapLayer {
                kind: "clinic",
                locations: clinics,
            },
            MapLayer {
                kind: "pharmacy",
                locations: &clinics[..1],
            },
        ],
        gaps: vec![MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 290.0, y: 0.0), (x: 290.0, y: 290.0), (x: 0.0, y: 290.0)
        ]])],
        sites: Vec::new(),
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Fill colours of the SVG's elements named `tag`.
fn fills(svg: &str, tag: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .filter_map(|n| n.attribute("fill").map(str::to_string))
        .collect()
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

const CLINICS: [Coord<f64>; 2] = [Coord { x: 50.0, y: 50.0 }, Coord { x: 650.0, y: 650.0 }];

#[test]
fn svg_has_title_legend_scale_bar_and_both_block_colours() {
    let data = squares(10);
    let met: Vec<bool> = (0..100).map(|i| i % 2 == 0).collect();
    let svg = render_svg(&map(&data, &met, &CLINICS), GRID_THRESHOLD).unwrap();
    let texts = texts(&svg);
    for label in [
        "basic circle: 50 % of 1,000 elderly covered on foot",
        "covered",
        "not covered",
        "clinic",
        "pharmacy",
        "gap zone",
        "N",
    ] {
        assert!(
            texts.iter().any(|t| t == label),
            "no text {label:?} in {texts:?}"
        );
    }
    // 1 km of blocks in ~1100 px: the bar is the largest round length within 240 px.
    assert!(texts.iter().any(|t| t == "200 m"), "{texts:?}");
    let polygons = fills(&svg, "polygon");
    assert_eq!(polygons.iter().filter(|f| **f == hex(COVERED)).count(), 50);
    assert_eq!(
        polygons.iter().filter(|f| **f == hex(NOT_COVERED)).count(),
        50
    );
}

#[test]
fn all_covered_city_has_no_orange_blocks() {
    let data = squares(6);
    let met = vec![true; 36];
    let svg = render_svg(&map(&data, &met, &CLINICS), GRID_THRESHOLD).unwrap();
    let polygons = fills(&svg, "polygon");
    assert!(polygons.contains(&hex(COVERED)));
    assert!(!polygons.contains(&hex(NOT_COVERED)), "{polygons:?}");
    // The legend still explains orange.
    assert!(fills(&svg, "rect").contains(&hex(NOT_COVERED)));
}

#[test]
fn large_cities_are_aggregated_into_cells_by_share_of_elderly_covered() {
    // 400 blocks of 1 m in one corner of a 1 km city: they all fall into one 4 px cell.
    let (mut outlines, mut centroids, mut elderly) = squares(10);
    let mut met = vec![true; outlines.len()];
    for i in 0..400 {
        let (x, y) = (i as f64 * 0.001, 0.0);
        outlines.push(MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0)
        ]]));
        centroids.push(Coord { x, y: 0.5 });
        elderly.push(1.0);
        met.push(i < 120); // 30 % of their elderly covered
    }
    // Keep the corner cell free of the squares' centroids.
    let data = (outlines, centroids, elderly);
    let m = map(&data, &met, &CLINICS);
    let BlockLayer::Grid(runs) = build(&m, 100).blocks else {
        panic!("more blocks than the threshold must be aggregated");
    };
    assert!(runs.len() < data.0.len());
    let partly = mix(NOT_COVERED, COVERED, 0.3);
    assert_eq!(runs.iter().filter(|r| r.2 == partly).count(), 1);
    assert!(runs.iter().all(|r| r.2 == partly || r.2 == COVERED));
    assert!(matches!(
        build(&m, GRID_THRESHOLD).blocks,
        BlockLayer::Polygons(_)
    ));
    let svg = render_svg(&m, 100).unwrap();
    assert!(fills(&svg, "polygon").iter().all(|f| *f != hex(COVERED)));
    assert!(fills(&svg, "rect").contains(&hex(partly)));
    assert!(texts(&svg)
        .iter()
        .any(|t| t.starts_with("Blocks aggregated")));
    let png = render_png(&m, 100).unwrap();
    assert!(distinct_colours(&png, (WIDTH, HEIGHT)) >= 4);
}

/// Decodes a PNG, checking its size, and counts its distinct colours.
fn distinct_colours(png: &[u8], size: (u32, u32)) -> usize {
    let decoder = ::png::Decoder::new(png);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), size);
    let mut colours: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

#[test]
fn png_decodes_at_a4_size_with_colours_and_is_reproducible() {
    let data = squares(10);
    let met: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let m = map(&data, &met, &CLINICS);
    let png = render_png(&m, GRID_THRESHOLD).unwrap();
    assert_eq!((WIDTH, HEIGHT), (1754, 1240));
    assert!(distinct_colours(&png, (WIDTH, HEIGHT)) >= 4);
    assert_eq!(png, render_png(&m, GRID_THRESHOLD).unwrap());
}

#[test]
fn scale_bars_are_round() {
    assert_eq!(scale_bar(1.0, 240.0), (200.0, "200 m".to_string()));
    assert_eq!(scale_bar(0.3, 240.0), (500.0, "500 m".to_string()));
    assert_eq!(scale_bar(0.2, 240.0), (1000.0, "1 km".to_string()));
    assert_eq!(scale_bar(0.01, 240.0), (20000.0, "20 km".to_string()));
}

#[test]
fn facilities_beyond_the_blocks_stay_inside_the_frame() {
    let data = squares(4);
    let met = vec![false; 16];
    let far = [
        Coord { x: 50.0, y: 50.0 },
        Coord {
            x: 50.0,
            y: 99_000.0,
        },
    ];
    let scene = build(&map(&data, &met, &far), GRID_THRESHOLD);
    assert_eq!(scene.facilities[0].len(), 1);
    assert_eq!(scene.facilities[1].len(), 1);
}

#[test]
fn suggested_sites_are_numbered_and_in_the_legend_only_when_present() {
    let data = squares(10);
    let met = vec![false; 100];
    let mut with_sites = map(&data, &met, &CLINICS);
    with_sites.sites = vec![
        (Coord { x: 145.0, y: 245.0 }, 1),
        (Coord { x: 545.0, y: 845.0 }, 2),
        (
            Coord {
                x: 50.0,
                y: 90_000.0,
            },
            3,
        ),
    ];
    let scene = build(&with_sites, GRID_THRESHOLD);
    // The third site is far outside the blocks and left off.
    let ranks: Vec<usize> = scene.sites.iter().map(|&(_, rank)| rank).collect();
    assert_eq!(ranks, [1, 2]);
    // North up: the second site (further north) is drawn higher, to the right.
    let ((x1, y1), (x2, y2)) = (scene.sites[0].0, scene.sites[1].0);
    assert!(x2 > x1 && y2 < y1, "{:?}", scene.sites);
    let svg = render_svg(&with_sites, GRID_THRESHOLD).unwrap();
    let texts = texts(&svg);
    for label in ["1", "2", "suggested site (rank)"] {
        assert!(
            texts.iter().any(|t| t == label),
            "no {label:?} in {texts:?}"
        );
    }
    assert!(!texts.iter().any(|t| t == "3"), "{texts:?}");
    let without = render_svg(&map(&data, &met, &CLINICS), GRID_THRESHOLD).unwrap();
    assert!(!self::texts(&without)
        .iter()
        .any(|t| t == "suggested site (rank)"));
}

#[test]
fn gap_zones_are_drawn_at_the_map_resolution() {
    // A zone outline along a 900 m square whose sides are stairs of 10 cm: detail far under
    // a pixel (the map is about 1.2 m a pixel), drawn as its four corners.
    let data = squares(10);
    let met = vec![false; data.0.len()];
    let mut ring: Vec<Coord<f64>> = Vec::new();
    let side = |from: Coord<f64>, to: Coord<f64>, ring: &mut Vec<Coord<f64>>| {
        for k in 0..900 {
            let t = k as f64 / 900.0;
            let jog = if k % 2 == 0 { 0.0 } else { 0.1 };
            ring.push(Coord {
                x: from.x + t * (to.x - from.x) + jog,
                y: from.y + t * (to.y - from.y) + jog,
            });
        }
    };
    let corners = [
        (0.0, 0.0),
        (900.0, 0.0),
        (900.0, 900.0),
        (0.0, 900.0),
        (0.0, 0.0),
    ];
    for pair in corners.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        side(
            Coord { x: a.0, y: a.1 },
            Coord { x: b.0, y: b.1 },
            &mut ring,
        );
    }
    ring.push(ring[0]);
    let mut m = map(&data, &met, &CLINICS);
    m.gaps = vec![MultiPolygon(vec![geo::Polygon::new(
        geo::LineString(ring),
        Vec::new(),
    )])];
    let scene = build(&m, GRID_THRESHOLD);
    assert_eq!(scene.gaps.len(), 1);
    assert!(scene.gaps[0].len() <= 6, "{:?}", scene.gaps[0]);
}
