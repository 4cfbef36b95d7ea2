//! QGIS layer styles (`.qml`, QGIS 3.22) written beside each GeoJSON output (and embedded as
//! the default style of each GeoPackage layer), so that dragging `blocks.geojson`,
//! `gaps.geojson`, `facilities.geojson`, `service_areas.geojson` or `sites.geojson` into QGIS
//! shows a readable map at once.
//!
//! Every style references only fields its layer really has: the generators take the field
//! names the writer used and fail when one they need is missing.

use super::atomic::{write_atomically, ProtectedInputs};
use super::markers::{kind_marker, MarkerShape, Rgb, SITE};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// Escapes text for an XML attribute value or text node.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// A field name as a QGIS expression identifier: `"name"` with inner quotes doubled.
fn quoted(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}

/// Why a style cannot be made for a layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StyleError {
    /// The layer lacks a field the style needs.
    #[error("cannot style {layer}: it has no field `{field}` (its fields: {fields})")]
    MissingField {
        /// The layer.
        layer: &'static str,
        /// The field it lacks.
        field: String,
        /// The fields it has, comma-separated.
        fields: String,
    },
    /// The service areas' reach is not a positive number of metres.
    #[error("cannot style service areas: the reach must be positive, got {0}")]
    Reach(f64),
}

/// An error unless `field` is one of `fields`.
fn require<S: AsRef<str>>(
    layer: &'static str,
    field: &str,
    fields: &[S],
) -> Result<(), StyleError> {
    if fields.iter().any(|f| f.as_ref() == field) {
        Ok(())
    } else {
        Err(StyleError::MissingField {
            layer,
            field: field.to_string(),
            fields: fields
                .iter()
                .map(|f| f.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

/// An RGBA colour as QGIS writes it.
type Rgba = (u8, u8, u8, u8);

fn rgba((r, g, b, a): Rgba) -> String {
    format!("{r},{g},{b},{a}")
}

/// One `<Option>` of a symbol layer's property map.
fn option(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        r#"          <Option name="{}" type="QString" value="{}"/>"#,
        xml(name),
        xml(value)
    );
}

fn symbol_open(out: &mut String, kind: &str, name: &str, class: &str) {
    let _ = writeln!(
        out,
        r#"      <symbol type="{kind}" name="{}" alpha="1" clip_to_extent="1" force_rhr="0">"#,
        xml(name)
    );
    let _ = writeln!(
        out,
        r#"        <layer class="{class}" enabled="1" locked="0" pass="0">"#
    );
    out.push_str("          <Option type=\"Map\">\n");
}

fn symbol_close(out: &mut String) {
    out.push_str("          </Option>\n        </layer>\n      </symbol>\n");
}

/// A fill symbol; `fill` `None` draws the outline only.
fn fill_symbol(out: &mut String, name: &str, fill: Option<Rgba>, outline: Rgba, width_mm: f64) {
    symbol_open(out, "fill", name, "SimpleFill");
    option(out, "color", &rgba(fill.unwrap_or((0, 0, 0, 0))));
    option(out, "style", if fill.is_some() { "solid" } else { "no" });
    option(out, "outline_color", &rgba(outline));
    option(out, "outline_style", "solid");
    option(out, "outline_width", &width_mm.to_string());
    option(out, "outline_width_unit", "MM");
    option(out, "joinstyle", "bevel");
    symbol_close(out);
}

fn line_symbol(out: &mut String, name: &str, color: Rgba, width_mm: f64) {
    symbol_open(out, "line", name, "SimpleLine");
    option(out, "line_color", &rgba(color));
    option(out, "line_style", "solid");
    option(out, "line_width", &width_mm.to_string());
    option(out, "line_width_unit", "MM");
    option(out, "capstyle", "round");
    option(out, "joinstyle", "round");
    symbol_close(out);
}

fn marker_symbol(out: &mut String, name: &str, shape: MarkerShape, color: Rgba, size_mm: f64) {
    symbol_open(out, "marker", name, "SimpleMarker");
    option(out, "name", shape.qgis_name());
    option(out, "color", &rgba(color));
    option(out, "size", &size_mm.to_string());
    option(out, "size_unit", "MM");
    option(out, "outline_color", &rgba((255, 255, 255, 255)));
    option(out, "outline_style", "solid");
    option(out, "outline_width", "0.4");
    option(out, "outline_width_unit", "MM");
    symbol_close(out);
}

/// The document's opening, with labels on or off.
fn document_open(out: &mut String, labels: bool) {
    let _ = writeln!(
        out,
        r#"<qgis version="3.22" styleCategories="Symbology|Labeling" labelsEnabled="{}">"#,
        u8::from(labels)
    );
}

/// Simple labeling with the QGIS expression `text`.
fn labeling(out: &mut String, text: &str, size_pt: f64) {
    out.push_str("  <labeling type=\"simple\">\n");
    label_settings(out, "    ", &Label::plain(text, size_pt));
    out.push_str("  </labeling>\n");
}

/// What a label says and how it is placed.
struct Label<'a> {
    /// A QGIS expression (a field name in double quotes, for one field).
    text: &'a str,
    size_pt: f64,
    /// QGIS polygon placement: 1 over the centroid, 0 around it.
    placement: u8,
    /// An expression giving each label's priority (0–10), when labels compete.
    priority: Option<&'a str>,
}

impl<'a> Label<'a> {
    fn plain(text: &'a str, size_pt: f64) -> Label<'a> {
        Label {
            text,
            size_pt,
            placement: 1,
            priority: None,
        }
    }
}

/// A label's `<settings>`, indented by `indent`. Labels that would overlap are not drawn
/// (`displayAll="0"`), and a multi-part feature gets one label at its whole centroid.
fn label_settings(out: &mut String, indent: &str, label: &Label) {
    let _ = writeln!(out, "{indent}<settings calloutType=\"simple\">");
    let _ = writeln!(
        out,
        r#"{indent}  <text-style fieldName="{}" isExpression="1" fontFamily="Sans Serif" fontSize="{}" fontSizeUnit="Point" fontWeight="75" textColor="40,40,40,255" textOpacity="1" multilineAlign="3">"#,
        xml(label.text),
        label.size_pt
    );
    let _ = writeln!(
        out,
        "{indent}    <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"1\"/>"
    );
    let _ = writeln!(out, "{indent}  </text-style>");
    let _ = writeln!(
        out,
        r#"{indent}  <placement placement="{}" dist="0" priority="5" centroidWhole="1" centroidInside="1" fitInPolygonOnly="0"/>"#,
        label.placement
    );
    let _ = writeln!(
        out,
        r#"{indent}  <rendering obstacle="1" drawLabels="1" displayAll="0" labelPerPart="0" scaleVisibility="0"/>"#
    );
    if let Some(priority) = label.priority {
        data_defined(out, indent, "Priority", priority);
    }
    let _ = writeln!(out, "{indent}</settings>");
}

/// `<dd_properties>` setting one label property from an expression.
fn data_defined(out: &mut String, indent: &str, property: &str, expression: &str) {
    let lines = [
        "  <dd_properties>".to_string(),
        "    <Option type=\"Map\">".to_string(),
        "      <Option name=\"name\" value=\"\" type=\"QString\"/>".to_string(),
        "      <Option name=\"properties\" type=\"Map\">".to_string(),
        format!(r#"        <Option name="{}" type="Map">"#, xml(property)),
        "          <Option name=\"active\" value=\"true\" type=\"bool\"/>".to_string(),
        format!(
            r#"          <Option name="expression" value="{}" type="QString"/>"#,
            xml(expression)
        ),
        "          <Option name=\"type\" value=\"3\" type=\"int\"/>".to_string(),
        "        </Option>".to_string(),
        "      </Option>".to_string(),
        "      <Option name=\"type\" value=\"collection\" type=\"QString\"/>".to_string(),
        "    </Option>".to_string(),
        "  </dd_properties>".to_string(),
    ];
    for line in lines {
        let _ = writeln!(out, "{indent}{line}");
    }
}

fn renderer_open(out: &mut String, kind: &str, attr: Option<&str>, extra: &str) {
    let attr = attr.map_or(String::new(), |a| format!(r#" attr="{}""#, xml(a)));
    let _ = writeln!(
        out,
        r#"  <renderer-v2 type="{kind}"{attr}{extra} symbollevels="0" forceraster="0" enableorderby="0">"#
    );
}

/// Blocks coloured by `view_field` (a `<circle>_met` boolean): `true` (covered) in green,
/// `false` (uncovered) in orange, with a thin outline.
pub fn blocks_style<S: AsRef<str>>(view_field: &str, fields: &[S]) -> Result<String, StyleError> {
    require("blocks", view_field, fields)?;
    let mut out = String::new();
    document_open(&mut out, false);
    renderer_open(&mut out, "categorizedSymbol", Some(view_field), "");
    out.push_str("    <categories>\n");
    out.push_str(
        "      <category value=\"true\" label=\"covered\" symbol=\"0\" render=\"true\"/>\n",
    );
    out.push_str(
        "      <category value=\"false\" label=\"not covered\" symbol=\"1\" render=\"true\"/>\n",
    );
    out.push_str("    </categories>\n    <symbols>\n");
    let outline = (90, 90, 90, 255);
    fill_symbol(&mut out, "0", Some((65, 171, 93, 200)), outline, 0.1);
    fill_symbol(&mut out, "1", Some((240, 110, 50, 220)), outline, 0.1);
    out.push_str("    </symbols>\n  </renderer-v2>\n");
    out.push_str("  <layerGeometryType>2</layerGeometryType>\n</qgis>\n");
    Ok(out)
}

/// Gap-zone outline colours per circle, in policy order (warm, as uncovered blocks are).
const GAP_OUTLINES: [Rgba; 4] = [
    (215, 48, 39, 255),
    (197, 27, 125, 255),
    (217, 95, 2, 255),
    (128, 0, 38, 255),
];

/// Gap zones: a thick outline without fill in a colour per circle (red for the first), one
/// rule per circle of `circles` so that each can be switched on in QGIS's layer panel; only
/// the `view` circle's rule is on, and only its zones are labelled `#rank circle: N elderly`
/// with the names of their blocks (`places`) below.
/// Labels never overlap: the higher-ranked zone's label wins.
pub fn gaps_style<C: AsRef<str>, S: AsRef<str>>(
    circles: &[C],
    view: &str,
    fields: &[S],
) -> Result<String, StyleError> {
    let (rank, circle, elderly, places) = ("rank", "circle", "elderly_uncovered", "places");
    for field in [rank, circle, elderly, places] {
        require("gaps", field, fields)?;
    }
    let label = format!(
        "'#' || {} || ' ' || {} || ': ' || format_number({}, 0) || ' elderly' || coalesce(char(10) || {}, '')",
        quoted(rank),
        quoted(circle),
        quoted(elderly),
        quoted(places)
    );
    let priority = format!("max(0, 11 - {})", quoted(rank));
    let filter = |name: &str| format!("{} = '{}'", quoted(circle), name.replace('\'', "''"));
    let mut out = String::new();
    document_open(&mut out, true);
    out.push_str("  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n");
    out.push_str("    <rules key=\"gaps-rules\">\n");
    for (k, name) in circles.iter().enumerate() {
        let name = name.as_ref();
        let _ = writeln!(
            out,
            r#"      <rule key="gaps-rule-{k}" filter="{}" symbol="{k}" label="{}"{}/>"#,
            xml(&filter(name)),
            xml(name),
            if name == view {
                ""
            } else {
                r#" checkstate="0""#
            }
        );
    }
    out.push_str("    </rules>\n    <symbols>\n");
    for k in 0..circles.len() {
        let outline = GAP_OUTLINES[k % GAP_OUTLINES.len()];
        fill_symbol(&mut out, &k.to_string(), None, outline, 0.8);
    }
    out.push_str("    </symbols>\n  </renderer-v2>\n");
    out.push_str("  <labeling type=\"rule-based\">\n    <rules key=\"gaps-labels\">\n");
    for (k, name) in circles.iter().enumerate() {
        let name = name.as_ref();
        let _ = writeln!(
            out,
            r#"      <rule key="gaps-label-{k}" filter="{}" description="{}" active="{}">"#,
            xml(&filter(name)),
            xml(name),
            u8::from(name == view)
        );
        let settings = Label {
            placement: 0,
            priority: Some(&priority),
            ..Label::plain(&label, 9.0)
        };
        label_settings(&mut out, "        ", &settings);
        out.push_str("      </rule>\n");
    }
    out.push_str("    </rules>\n  </labeling>\n");
    out.push_str("  <layerGeometryType>2</layerGeometryType>\n</qgis>\n");
    Ok(out)
}

/// The `<categories>` of a categorised renderer, one per value, labelled with it, and the
/// opening of its `<symbols>` (symbol `k` for value `k`).
fn categories<V: AsRef<str>>(out: &mut String, values: &[V]) {
    out.push_str("    <categories>\n");
    for (k, value) in values.iter().enumerate() {
        let value = xml(value.as_ref());
        let _ = writeln!(
            out,
            r#"      <category value="{value}" label="{value}" symbol="{k}" render="true"/>"#
        );
    }
    out.push_str("    </categories>\n    <symbols>\n");
}

/// The blocks `carecircle compare` found changed, by `change`: newly covered in green,
/// lost in red, mixed (some circles each way) in purple.
pub fn changes_style<S: AsRef<str>>(fields: &[S]) -> Result<String, StyleError> {
    require("changes", "change", fields)?;
    let mut out = String::new();
    document_open(&mut out, false);
    renderer_open(&mut out, "categorizedSymbol", Some("change"), "");
    categories(&mut out, &["newly covered", "lost", "mixed"]);
    let outline = (90, 90, 90, 255);
    fill_symbol(&mut out, "0", Some((65, 171, 93, 220)), outline, 0.1);
    fill_symbol(&mut out, "1", Some((215, 48, 39, 220)), outline, 0.1);
    fill_symbol(&mut out, "2", Some((128, 90, 160, 220)), outline, 0.1);
    out.push_str("    </symbols>\n  </renderer-v2>\n");
    out.push_str("  <layerGeometryType>2</layerGeometryType>\n</qgis>\n");
    Ok(out)
}

/// Service areas: street pieces coloured by `to_dist_m` in four classes from 0 to
/// `max_reach_m`, blue (near) to red (at the reach).
pub fn service_areas_style<S: AsRef<str>>(
    max_reach_m: f64,
    fields: &[S],
) -> Result<String, StyleError> {
    let attr = "to_dist_m";
    require("service areas", attr, fields)?;
    if !(max_reach_m.is_finite() && max_reach_m > 0.0) {
        return Err(StyleError::Reach(max_reach_m));
    }
    const COLORS: [Rgba; 4] = [
        (44, 123, 182, 255),
        (171, 217, 233, 255),
        (253, 174, 97, 255),
        (215, 25, 28, 255),
    ];
    let mut out = String::new();
    document_open(&mut out, false);
    renderer_open(
        &mut out,
        "graduatedSymbol",
        Some(attr),
        r#" graduatedMethod="GraduatedColor""#,
    );
    out.push_str("    <ranges>\n");
    let bound = |i: usize| (max_reach_m * i as f64 / COLORS.len() as f64 * 10.0).round() / 10.0;
    for i in 0..COLORS.len() {
        let (lower, upper) = (bound(i), bound(i + 1));
        let _ = writeln!(
            out,
            r#"      <range lower="{lower}" upper="{upper}" label="{lower} - {upper} m" symbol="{i}" render="true"/>"#
        );
    }
    out.push_str("    </ranges>\n    <symbols>\n");
    for (i, color) in COLORS.iter().enumerate() {
        line_symbol(&mut out, &i.to_string(), *color, 0.6);
    }
    out.push_str("    </symbols>\n");
    out.push_str("    <classificationMethod id=\"EqualInterval\"/>\n  </renderer-v2>\n");
    out.push_str("  <layerGeometryType>1</layerGeometryType>\n</qgis>\n");
    Ok(out)
}

/// Suggested sites: yellow markers ([`SITE`]), a shape per kind (in the order given), labelled with
/// their rank and their candidate's name (`1 建國里`).
pub fn sites_style<K: AsRef<str>, S: AsRef<str>>(
    kinds: &[K],
    fields: &[S],
) -> Result<String, StyleError> {
    let (rank, name) = ("rank", "candidate_name");
    for field in [rank, name] {
        require("sites", field, fields)?;
    }
    let label = format!("{} || coalesce(' ' || {}, '')", quoted(rank), quoted(name));
    markers_by_kind("sites", kinds, fields, Some(&label), |k| {
        (SITE, kind_marker(k).1, 5.0)
    })
}

/// Facilities: one category per kind, each with its own marker shape and colour (those of
/// the overview map).
pub fn facilities_style<K: AsRef<str>, S: AsRef<str>>(
    kinds: &[K],
    fields: &[S],
) -> Result<String, StyleError> {
    markers_by_kind("facilities", kinds, fields, None, |k| {
        let (colour, shape) = kind_marker(k);
        (colour, shape, 3.0)
    })
}

/// A point layer categorised on `kind`, one category per kind in `kinds` with the marker
/// `marker(k)` (colour, shape, size in mm) for kind `k`, labelled with the expression `label`
/// when given.
fn markers_by_kind<K: AsRef<str>, S: AsRef<str>>(
    layer: &'static str,
    kinds: &[K],
    fields: &[S],
    label: Option<&str>,
    marker: impl Fn(usize) -> (Rgb, MarkerShape, f64),
) -> Result<String, StyleError> {
    let attr = "kind";
    require(layer, attr, fields)?;
    let mut out = String::new();
    document_open(&mut out, label.is_some());
    renderer_open(&mut out, "categorizedSymbol", Some(attr), "");
    categories(&mut out, kinds);
    for k in 0..kinds.len() {
        let ((r, g, b), shape, size_mm) = marker(k);
        marker_symbol(&mut out, &k.to_string(), shape, (r, g, b, 255), size_mm);
    }
    out.push_str("    </symbols>\n  </renderer-v2>\n");
    if let Some(field) = label {
        labeling(&mut out, field, 8.0);
    }
    out.push_str("  <layerGeometryType>0</layerGeometryType>\n</qgis>\n");
    Ok(out)
}

/// Writes a style document atomically.
pub fn write_style(path: &Path, protected: &ProtectedInputs, style: &str) -> io::Result<()> {
    write_atomically(path, protected, |out| out.write_all(style.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn xml_escapes_markup() {
        assert_eq!(
            xml(r#"a<b>&"c"'d'"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(xml("plain"), "plain");
    }

    #[test]
    fn blocks_style_needs_its_field() {
        let err = blocks_style("extended_met", &fields(&["id", "basic_met"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("extended_met"), "{err}");
    }

    #[test]
    fn blocks_style_categories_are_true_and_false() {
        let style = blocks_style("a&b_met", &fields(&["id", "a&b_met"])).unwrap();
        let doc = roxmltree::Document::parse(&style).unwrap();
        let renderer = doc
            .descendants()
            .find(|n| n.has_tag_name("renderer-v2"))
            .unwrap();
        assert_eq!(renderer.attribute("type"), Some("categorizedSymbol"));
        assert_eq!(renderer.attribute("attr"), Some("a&b_met"));
        let values: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("category"))
            .filter_map(|n| n.attribute("value"))
            .collect();
        assert_eq!(values, ["true", "false"]);
    }

    #[test]
    fn other_styles_need_their_fields() {
        let circles = ["basic", "extended"];
        assert!(gaps_style(&circles, "basic", &["circle", "rank"]).is_err());
        let gaps = ["circle", "rank", "elderly_uncovered"];
        assert!(gaps_style(&circles, "basic", &gaps).is_err());
        assert!(gaps_style(&circles, "basic", &[&gaps[..], &["places"]].concat()).is_ok());
        assert!(service_areas_style(500.0, &["from_dist_m"]).is_err());
        assert!(service_areas_style(0.0, &["to_dist_m"]).is_err());
        assert!(sites_style(&["care_bed"], &["candidate_id", "kind"]).is_err());
        assert!(sites_style(&["care_bed"], &["rank", "kind"]).is_err());
        assert!(sites_style(&["care_bed"], &["rank", "kind", "candidate_name"]).is_ok());
        assert!(facilities_style(&["care_bed"], &["id"]).is_err());
    }

    #[test]
    fn facility_categories_are_the_kinds() {
        let style = facilities_style(&["care_bed", "hospital", "a&b"], &["kind", "id"]).unwrap();
        let doc = roxmltree::Document::parse(&style).unwrap();
        let values: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("category"))
            .filter_map(|n| n.attribute("value"))
            .collect();
        assert_eq!(values, ["care_bed", "hospital", "a&b"]);
        let symbols = doc
            .descendants()
            .filter(|n| n.has_tag_name("symbol"))
            .count();
        assert_eq!(symbols, 3, "a symbol per kind");
    }

    #[test]
    fn service_area_classes_span_zero_to_the_reach() {
        let style = service_areas_style(800.0, &["to_dist_m"]).unwrap();
        let doc = roxmltree::Document::parse(&style).unwrap();
        let ranges: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("range"))
            .map(|n| {
                let v = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
                (v("lower"), v("upper"))
            })
            .collect();
        assert_eq!(ranges.first().unwrap().0, 0.0);
        assert_eq!(ranges.last().unwrap().1, 800.0);
        assert!(ranges.windows(2).all(|w| w[0].1 == w[1].0));
    }
}
