"""Open every layer of carecircle's outputs in real QGIS, headless, and render each one.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 .ci/qgis_check.py GEOJSON_DIR GPKG_DIR PNG_DIR

GEOJSON_DIR holds a report written with `--format geojson` (every `<layer>.geojson` beside its
`<layer>.qml`); GPKG_DIR the same report written with `--format gpkg` (`carecircle.gpkg`, styles
in its `layer_styles` table). For every layer in both formats this checks that QGIS opens it as
a valid layer in EPSG:4326; that no field QGIS types as text holds only numbers (a number lost
to a JSON or string field) and every `*_met` field is a boolean; that the renderer QGIS applied
is the one the style declares, not the single symbol QGIS gives an unstyled layer; that labels
are on where the style has them; that both formats hold the same features with the same
attributes; and it renders each layer to PNG_DIR/<format>-<layer>.png, checking that the
picture is not blank. Exits 1 listing every failure.
"""

import os
import sqlite3
import sys
import xml.etree.ElementTree as ET

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, QVariant
from qgis.PyQt.QtGui import QColor

NUMERIC = {QVariant.Int, QVariant.LongLong, QVariant.Double, QVariant.UInt, QVariant.ULongLong}
SAMPLE = 2000


def geojson_layers(folder):
    """(name, uri, style path) of every GeoJSON layer in the folder."""
    names = sorted(f[: -len(".geojson")] for f in os.listdir(folder) if f.endswith(".geojson"))
    return [(n, os.path.join(folder, n + ".geojson"), os.path.join(folder, n + ".qml")) for n in names]


def gpkg_layers(folder):
    """(name, uri, styleQML) of every feature table in carecircle.gpkg, read with sqlite3."""
    path = os.path.join(folder, "carecircle.gpkg")
    if not os.path.isfile(path):
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [r[0] for r in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")]
    styles = dict(db.execute(
        "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"))
    db.close()
    return [(n, f"{path}|layername={n}", styles.get(n)) for n in names]


def declared_style(qml_text):
    """The renderer type and whether labels are on, as the style document says."""
    root = ET.fromstring(qml_text)
    renderer = root.find("renderer-v2")
    labels = root.find("labeling") is not None and root.get("labelsEnabled") == "1"
    return renderer.get("type"), labels


def values(layer):
    """The first SAMPLE features' attributes by field name, in feature order."""
    # The GeoPackage's primary key `fid` shows as a field; it is not one of the layer's.
    names = [n for n in layer.fields().names() if n != "fid"]
    rows = []
    for i, feature in enumerate(layer.getFeatures()):
        if i == SAMPLE:
            break
        rows.append({n: normal(feature[n]) for n in names})
    return rows


def normal(value):
    """A QGIS attribute as a plain Python value (NULL as None, numbers as float)."""
    if value is None or (isinstance(value, QVariant) and value.isNull()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    return value


def check_fields(layer, label, failures):
    sample = values(layer)
    for field in layer.fields():
        name = field.name()
        if field.type() not in NUMERIC | {QVariant.Bool} and sample:
            present = [row[name] for row in sample if row[name] is not None]
            if present and all(is_number(v) for v in present):
                failures.append(f"{label}: field {name} holds numbers but is typed {field.typeName()}")
            if not present and field.type() == QVariant.Map:
                failures.append(f"{label}: field {name} is a JSON field that shows NULL")
        if name.endswith("_met") and field.type() != QVariant.Bool:
            failures.append(f"{label}: field {name} is {field.typeName()}, not Boolean")
    return sample


def is_number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def render(layer, png):
    """Renders the layer alone to png; returns how many pixels differ from the background."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent().buffered(max(layer.extent().width(), 1e-4) * 0.05))
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    white = QColor(255, 255, 255).rgb()
    step = 4
    return sum(
        1
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
        if image.pixel(x, y) != white
    )


def check_layer(fmt, name, uri, style, png_dir, failures):
    label = f"{fmt} {name}"
    layer = QgsVectorLayer(uri, name, "ogr")
    if not layer.isValid():
        failures.append(f"{label}: QGIS cannot open {uri}")
        return None
    if layer.crs().authid() != "EPSG:4326":
        failures.append(f"{label}: CRS is {layer.crs().authid() or 'missing'}, not EPSG:4326")
    if style is None:
        failures.append(f"{label}: no style")
    else:
        renderer, labels = declared_style(style)
        applied = layer.renderer().type()
        if applied != renderer or applied == "singleSymbol":
            failures.append(f"{label}: renderer {applied}; the style declares {renderer}")
        if labels and not layer.labelsEnabled():
            failures.append(f"{label}: the style has labels but QGIS shows none")
    sample = check_fields(layer, label, failures)
    drawn = render(layer, os.path.join(png_dir, f"{fmt}-{name}.png"))
    if layer.featureCount() > 0 and drawn == 0:
        failures.append(f"{label}: renders blank")
    print(f"{label}: {layer.featureCount()} features, {layer.renderer().type()}, "
          f"{len(layer.fields())} fields, {drawn} drawn pixels (of 30,000 sampled)")
    return layer.featureCount(), sample


def main():
    geojson_dir, gpkg_dir, png_dir = sys.argv[1:4]
    os.makedirs(png_dir, exist_ok=True)
    app = QgsApplication([], False)
    app.initQgis()
    failures = []
    found = {}
    for fmt, layers in (("geojson", [(n, u, open(q).read() if os.path.exists(q) else None)
                                     for n, u, q in geojson_layers(geojson_dir)]),
                        ("gpkg", gpkg_layers(gpkg_dir))):
        if not layers:
            failures.append(f"{fmt}: no layers found")
        for name, uri, style in layers:
            result = check_layer(fmt, name, uri, style, png_dir, failures)
            if result is not None:
                found.setdefault(name, {})[fmt] = result
    for name, formats in sorted(found.items()):
        if set(formats) != {"geojson", "gpkg"}:
            failures.append(f"{name}: only in {', '.join(formats)}")
        elif formats["geojson"] != formats["gpkg"]:
            failures.append(f"{name}: the GeoJSON and GeoPackage layers differ in features or attributes")
    app.exitQgis()
    for f in failures:
        print(f"FAIL {f}")
    if failures:
        sys.exit(1)
    print(f"QGIS {Qgis.QGIS_VERSION}: {len(found)} layers checked in both formats")


if __name__ == "__main__":
    main()
