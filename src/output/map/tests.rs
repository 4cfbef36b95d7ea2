use super::scene::{build, mix, BlockLayer};
use super::*;
use crate::config::Filter;
use crate::lang::Lang;
use crate::output::format::thousands;
use geo::{polygon, MultiPolygon};
use std::sync::LazyLock;

static NO_FILTER: LazyLock<Filter> = LazyLock::new(Filter::default);

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
        streets: &[],
        barriers: &[],
        layers: vec![
            MapLayer {
                kind: "clinic",
                label: None,
                filter: &NO_FILTER,
                marker: 0,
                locations: clinics.to_vec(),
            },
            MapLayer {
                kind: "pharmacy",
                label: None,
                filter: &NO_FILTER,
                marker: 1,
                locations: clinics[..1].to_vec(),
            },
        ],
        gaps: vec![zone(
            MultiPolygon(vec![polygon![
                (x: 0.0, y: 0.0), (x: 290.0, y: 0.0), (x: 290.0, y: 290.0), (x: 0.0, y: 290.0)
            ]]),
            1,
            None,
        )],
        sites: Vec::new(),
        attribution: None,
        lang: Lang::En,
    }
}

/// A gap zone of rank `rank` with `100 / rank` elderly.
fn zone(outline: MultiPolygon<f64>, rank: usize, place: Option<&str>) -> MapZone {
    MapZone {
        outline,
        rank,
        elderly: 100.0 / rank as f64,
        place: place.map(str::to_string),
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
    assert_eq!(scene.facilities[0].1.len(), 1);
    assert_eq!(scene.facilities[1].1.len(), 1);
}

#[test]
fn suggested_sites_are_numbered_and_in_the_legend_only_when_present() {
    let data = squares(10);
    let met = vec![false; 100];
    let mut with_sites = map(&data, &met, &CLINICS);
    let site = |x, y, rank| MapSite {
        at: Coord { x, y },
        rank,
        layer: 0,
    };
    with_sites.sites = vec![
        site(145.0, 245.0, 1),
        site(545.0, 845.0, 2),
        site(50.0, 90_000.0, 3),
    ];
    let scene = build(&with_sites, GRID_THRESHOLD);
    // The third site is far outside the blocks and left off.
    let ranks: Vec<usize> = scene.sites.iter().map(|s| s.rank).collect();
    assert_eq!(ranks, [1, 2]);
    // North up: the second site (further north) is drawn higher, to the right.
    let ((x1, y1), (x2, y2)) = (scene.sites[0].at, scene.sites[1].at);
    assert!(x2 > x1 && y2 < y1, "{:?}", scene.sites);
    let svg = render_svg(&with_sites, GRID_THRESHOLD).unwrap();
    let texts = texts(&svg);
    for label in ["1", "2", "Suggested sites, by rank:"] {
        assert!(
            texts.iter().any(|t| t == label),
            "no {label:?} in {texts:?}"
        );
    }
    assert!(!texts.iter().any(|t| t == "3"), "{texts:?}");
    let without = render_svg(&map(&data, &met, &CLINICS), GRID_THRESHOLD).unwrap();
    assert!(!self::texts(&without)
        .iter()
        .any(|t| t.starts_with("Suggested sites")));
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
    m.gaps = vec![zone(
        MultiPolygon(vec![geo::Polygon::new(geo::LineString(ring), Vec::new())]),
        1,
        None,
    )];
    let scene = build(&m, GRID_THRESHOLD);
    assert_eq!(scene.gaps.len(), 1);
    assert!(scene.gaps[0].len() <= 6, "{:?}", scene.gaps[0]);
}

/// A filter accepting `value` of `field`.
fn filter(field: &str, value: &str) -> Filter {
    use crate::config::filter::{Accepted, Scalar};
    Filter(std::collections::BTreeMap::from([(
        field.to_string(),
        Accepted::One(Scalar::Text(value.to_string())),
    )]))
}

/// The SVG's elements named `tag` with `attribute` = `value`.
fn count(svg: &str, tag: &str, attribute: &str, value: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute(attribute) == Some(value))
        .count()
}

#[test]
fn the_legend_names_each_layer_with_its_filter_and_leaves_empty_layers_out() {
    let data = squares(10);
    let met = vec![false; 100];
    let tertiary = filter("tier", "tertiary_care");
    let mut m = map(&data, &met, &CLINICS);
    m.layers = vec![
        MapLayer {
            kind: "general_hospital",
            label: None,
            filter: &tertiary,
            marker: 2,
            locations: CLINICS.to_vec(),
        },
        // A layer whose facilities all lie far beyond the blocks: none on the map.
        MapLayer {
            kind: "hospice",
            label: None,
            filter: &NO_FILTER,
            marker: 0,
            locations: vec![Coord { x: 0.0, y: 1e6 }],
        },
    ];
    let svg = render_svg(&m, GRID_THRESHOLD).unwrap();
    let texts = texts(&svg);
    assert!(
        texts.contains(&"general hospital (tertiary care)".to_string()),
        "{texts:?}"
    );
    assert!(!texts.iter().any(|t| t.contains("hospice")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("clinic")), "{texts:?}");
    assert!(texts
        .iter()
        .any(|t| t.starts_with("100 blocks, 1 facility layer, ")));
    // The hospital layer's marker (the third kind's, a triangle): two on the map, one in the
    // legend; none of the hospice's (the first kind's, a circle).
    let (hospital, _) = crate::output::markers::kind_marker(2);
    let (hospice, _) = crate::output::markers::kind_marker(0);
    assert_eq!(count(&svg, "polygon", "fill", &hex(hospital)), 3);
    assert_eq!(count(&svg, "circle", "fill", &hex(hospice)), 0);
}

#[test]
fn streets_and_barriers_are_drawn_under_the_blocks_when_given() {
    let data = squares(10);
    let met = vec![true; 100];
    let streets: Vec<LineString<f64>> = (0..10)
        .map(|i| {
            let x = i as f64 * 100.0 + 95.0;
            LineString::from(vec![(x, -500.0), (x, 400.0), (x, 1500.0)])
        })
        .collect();
    let river = vec![Geometry::LineString(LineString::from(vec![
        (-100.0, 495.0),
        (1100.0, 495.0),
    ]))];
    let plain = render_svg(&map(&data, &met, &CLINICS), GRID_THRESHOLD).unwrap();
    let street = hex(draw::STREET);
    let barrier = hex(draw::BARRIER);
    assert_eq!(count(&plain, "polyline", "stroke", &street), 0);
    assert!(!texts(&plain).iter().any(|t| t == "street"));
    let mut walking = map(&data, &met, &CLINICS);
    walking.streets = &streets;
    walking.barriers = &river;
    let svg = render_svg(&walking, GRID_THRESHOLD).unwrap();
    // Ten streets and the legend's key; the river and its key.
    assert_eq!(count(&svg, "polyline", "stroke", &street), 11);
    assert_eq!(count(&svg, "polyline", "stroke", &barrier), 2);
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "street"), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("barrier")), "{texts:?}");
    // Under the blocks: drawn before the first block.
    let first_block = svg.find(&format!("fill=\"{}\"", hex(COVERED))).unwrap();
    assert!(svg.find(&street).unwrap() < first_block);
    assert!(svg.find(&barrier).unwrap() < first_block);
}

#[test]
fn a_street_drawn_twice_or_under_a_pixel_is_one_line() {
    let data = squares(10);
    let met = vec![true; 100];
    // The same street three times, and one that is 10 cm long.
    let line = LineString::from(vec![(0.0, 500.0), (400.0, 500.0), (900.0, 500.0)]);
    let streets = vec![
        line.clone(),
        line.clone(),
        LineString::from(vec![(900.0, 500.0), (400.0, 500.0), (0.0, 500.0)]),
        LineString::from(vec![(200.0, 200.0), (200.0, 200.1)]),
    ];
    let mut m = map(&data, &met, &CLINICS);
    m.streets = &streets;
    let scene = build(&m, GRID_THRESHOLD);
    assert_eq!(scene.streets.len(), 1, "{:?}", scene.streets);
    // Collinear: simplified to its two ends.
    assert_eq!(scene.streets[0].len(), 2);
}

#[test]
fn two_kinds_of_suggested_site_look_different_and_differ_from_every_layer() {
    let data = squares(10);
    let met = vec![false; 100];
    let mut m = map(&data, &met, &CLINICS);
    m.sites = vec![
        MapSite {
            at: Coord { x: 145.0, y: 245.0 },
            rank: 1,
            layer: 0,
        },
        MapSite {
            at: Coord { x: 545.0, y: 845.0 },
            rank: 1,
            layer: 1,
        },
    ];
    let svg = render_svg(&m, GRID_THRESHOLD).unwrap();
    let site = hex(crate::output::markers::SITE);
    // One disc and one square each on the map and in the legend.
    assert_eq!(count(&svg, "circle", "fill", &site), 2);
    assert_eq!(count(&svg, "rect", "fill", &site), 2);
    let texts = texts(&svg);
    assert_eq!(texts.iter().filter(|t| *t == "1").count(), 2);
    // Each kind has its legend entry under the sites' heading.
    let heading = texts
        .iter()
        .position(|t| t.starts_with("Suggested sites"))
        .unwrap();
    assert_eq!(texts[heading + 1..heading + 3], ["clinic", "pharmacy"]);
    for layer in 0..32 {
        assert_ne!(
            crate::output::markers::kind_marker(layer).0,
            crate::output::markers::SITE
        );
    }
    for colour in [
        COVERED,
        NOT_COVERED,
        scene::GAP,
        draw::STREET,
        draw::BARRIER,
    ] {
        assert_ne!(colour, crate::output::markers::SITE);
    }
}

/// A map of `zones` zones of 100 m, one per block row, named `names[i]`.
fn zoned<'a>(
    data: &'a (Vec<MultiPolygon<f64>>, Vec<Coord<f64>>, Vec<f64>),
    met: &'a [bool],
    names: &[&str],
) -> MapData<'a> {
    let mut m = map(data, met, &CLINICS);
    m.gaps = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let y = i as f64 * 100.0;
            let square = polygon![
                (x: 0.0, y: y), (x: 990.0, y: y), (x: 990.0, y: y + 90.0), (x: 0.0, y: y + 90.0)
            ];
            zone(MultiPolygon(vec![square]), i + 1, Some(name))
        })
        .collect();
    m
}

const VILLAGES: [&str; 7] = [
    "建國里",
    "光復里",
    "文祥里",
    "南門里",
    "龍福里",
    "幸福里",
    "三愛里",
];

#[test]
fn the_five_largest_gap_zones_are_labelled_with_their_names() {
    let data = squares(10);
    let met = vec![false; 100];
    let svg = render_svg(&zoned(&data, &met, &VILLAGES), GRID_THRESHOLD).unwrap();
    let texts = texts(&svg);
    for (rank, name) in VILLAGES.iter().enumerate().take(5) {
        let rank = rank + 1;
        let label = format!("#{rank} {name}: {} elderly", thousands(100.0 / rank as f64));
        assert!(texts.contains(&label), "no {label:?} in {texts:?}");
    }
    for name in &VILLAGES[5..] {
        assert!(!texts.iter().any(|t| t.contains(name)), "{texts:?}");
    }
    // In the SVG as text, in a family list an SVG viewer finds a CJK font in.
    assert_eq!(count(&svg, "text", "font-family", fonts::FALLBACK), 5);
}

#[test]
fn the_same_map_gives_the_same_bytes() {
    let data = squares(10);
    let met: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let streets = vec![LineString::from(vec![(-50.0, 0.0), (1000.0, 950.0)])];
    let mut m = zoned(&data, &met, &VILLAGES);
    m.streets = &streets;
    m.attribution = Some("© OpenStreetMap contributors".into());
    m.sites = vec![MapSite {
        at: Coord { x: 145.0, y: 245.0 },
        rank: 1,
        layer: 1,
    }];
    let svg = render_svg(&m, GRID_THRESHOLD).unwrap();
    assert_eq!(svg, render_svg(&m, GRID_THRESHOLD).unwrap());
    assert_eq!(
        render_png(&m, GRID_THRESHOLD).unwrap(),
        render_png(&m, GRID_THRESHOLD).unwrap()
    );
    assert!(texts(&svg).contains(&"© OpenStreetMap contributors".to_string()));
    let without = render_svg(&zoned(&data, &met, &VILLAGES), GRID_THRESHOLD).unwrap();
    assert!(!without.contains("OpenStreetMap"));
}

/// The PNG of `m` drawn with `fonts`.
fn png_with(m: &MapData, fonts: Fonts) -> Vec<u8> {
    let prepared = prepare(m, GRID_THRESHOLD).unwrap();
    render_png_scene(&prepared.scene, &prepared.labels, fonts).unwrap()
}

#[test]
fn without_a_cjk_font_the_png_warns_once_and_the_svg_keeps_the_text() {
    let data = squares(10);
    let met = vec![false; 100];
    let m = zoned(&data, &met, &VILLAGES);
    let Prepared { scene, labels, .. } = prepare(&m, GRID_THRESHOLD).unwrap();
    let warnings = font_warnings(&labels, Fonts { fallback: false });
    assert_eq!(warnings.len(), 1);
    for words in [
        "CJK",
        FONT_VARIABLE,
        "apt install fonts-noto-cjk",
        "map.svg has the text",
    ] {
        assert!(warnings[0].contains(words), "{words:?} not in {warnings:?}");
    }
    assert!(font_warnings(&labels, Fonts { fallback: true }).is_empty());
    // Latin text alone needs no other font.
    let latin = map(&data, &met, &CLINICS);
    let latin_labels = text::labels(&latin, &build(&latin, GRID_THRESHOLD));
    assert!(font_warnings(&latin_labels, Fonts { fallback: false }).is_empty());
    // The PNG is still drawn (DejaVu's empty boxes); the SVG has every name.
    assert!(render_png_scene(&scene, &labels, Fonts { fallback: false }).is_ok());
    let svg = render_svg(&m, GRID_THRESHOLD).unwrap();
    assert!(VILLAGES[..5].iter().all(|v| svg.contains(v)));
}

#[test]
fn with_a_cjk_font_the_png_draws_each_character() {
    let fonts = register_fonts().unwrap();
    if !fonts.fallback {
        eprintln!("no CJK font here (see CJK_FONT_PATHS, {FONT_VARIABLE}): nothing to check");
        return;
    }
    // Two maps whose only difference is one CJK character of a label: drawn with the CJK
    // font they differ; drawn with DejaVu alone both are the same empty boxes.
    let data = squares(10);
    let met = vec![false; 100];
    let a = zoned(&data, &met, &["建國里"]);
    let b = zoned(&data, &met, &["光國里"]);
    assert_ne!(png_with(&a, fonts), png_with(&b, fonts));
    let dejavu = Fonts { fallback: false };
    assert_eq!(png_with(&a, dejavu), png_with(&b, dejavu));
}

#[test]
fn a_200000_block_city_with_its_streets_is_drawn_in_seconds() {
    let (mut outlines, mut centroids, mut elderly) = squares(448);
    outlines.truncate(200_000);
    centroids.truncate(200_000);
    elderly.truncate(200_000);
    let data = (outlines, centroids, elderly);
    let met: Vec<bool> = (0..200_000).map(|i| i % 7 == 0).collect();
    // A street between every two rows and columns of blocks, one edge per block side: about
    // 400,000 street edges.
    let mut streets = Vec::new();
    for i in 0..448 {
        let a = i as f64 * 100.0 - 5.0;
        for j in 0..448 {
            let (b, c) = (j as f64 * 100.0 - 5.0, j as f64 * 100.0 + 95.0);
            streets.push(LineString::from(vec![(a, b), (a, c)]));
            streets.push(LineString::from(vec![(b, a), (c, a)]));
        }
    }
    let mut m = map(&data, &met, &CLINICS);
    m.streets = &streets;
    let started = std::time::Instant::now();
    let scene = build(&m, GRID_THRESHOLD);
    assert!(matches!(scene.blocks, BlockLayer::Polygons(_)));
    // At about 0.025 px a metre, 448 straight streets each way, each about 1,100 px.
    assert!(scene.streets.len() <= 2 * 448, "{}", scene.streets.len());
    let svg = render_svg(&m, GRID_THRESHOLD).unwrap();
    let png = render_png(&m, GRID_THRESHOLD).unwrap();
    let took = started.elapsed();
    assert!(svg.len() > 1_000_000 && png.len() > 10_000);
    // Release builds take about a second; an unoptimised test build several.
    assert!(took.as_secs() < 120, "{took:?}");
}
