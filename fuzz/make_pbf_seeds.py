#!/usr/bin/env python3
"""Writes the seed extracts of the `pbf` fuzz target into fuzz/corpus/pbf/.

The OSM fixtures are hundreds of kilobytes of zlib-compressed blocks, useless to a fuzzer
(every mutation breaks the compression). These seeds are tiny hand-built extracts with
uncompressed ("raw") blobs, so mutations reach the protobuf messages themselves; one seed
is zlib-compressed to cover that path too. The protobuf encoding is written out by hand
(OSM PBF: fileformat.proto and osmformat.proto), so nothing beyond Python is needed.

    python3 fuzz/make_pbf_seeds.py
"""

import pathlib
import struct
import zlib


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def key(field, wire):
    return varint(field << 3 | wire)


def vint(field, n):
    return key(field, 0) + varint(n)


def sint(field, n):
    return key(field, 0) + varint(zigzag(n))


def blob_field(field, data):
    return key(field, 2) + varint(len(data)) + data


def packed(field, values, encode=varint):
    return blob_field(field, b"".join(encode(v) for v in values))


def packed_sint(field, values):
    return packed(field, values, lambda v: varint(zigzag(v)))


def deltas(values):
    previous, out = 0, []
    for v in values:
        out.append(v - previous)
        previous = v
    return out


class Strings:
    """A block's string table: index 0 is the empty string, as the format asks."""

    def __init__(self):
        self.strings = [b""]

    def __call__(self, text):
        data = text.encode()
        if data not in self.strings:
            self.strings.append(data)
        return self.strings.index(data)

    def table(self):
        return b"".join(blob_field(1, s) for s in self.strings)


LON0, LAT0 = 24.94, 60.17  # central Helsinki, as the unit tests' extract


def position(i, j):
    """Nodes on a grid of ten-thousandths of a degree, in units of 100 nanodegrees."""
    return round((LAT0 + j * 1e-4) * 1e7), round((LON0 + i * 1e-4) * 1e7)


NODES = {
    # a building with a courtyard: outer 1-4, inner 5-8
    1: (0, 0), 2: (4, 0), 3: (4, 4), 4: (0, 4),
    5: (1, 1), 6: (1, 3), 7: (3, 3), 8: (3, 1),
    # residential land use 11-14 with a building=yes 15-18 inside
    11: (10, 0), 12: (20, 0), 13: (20, 10), 14: (10, 10),
    15: (12, 2), 16: (14, 2), 17: (14, 4), 18: (12, 4),
    # a street and a footway
    21: (-2, -2), 22: (22, -2), 23: (22, 12),
    # facilities
    31: (6, 6), 32: (8, 8),
}

NODE_TAGS = {
    31: [("amenity", "hospital"), ("name", "General")],
    32: [("social_facility", "nursing_home"), ("name", "Sunset")],
}

WAYS = [
    (101, [1, 2, 3, 4, 1], [("building", "apartments"), ("building:levels", "6")]),
    (102, [5, 6, 7, 8, 5], []),
    (103, [11, 12, 13, 14, 11], [("landuse", "residential")]),
    (104, [15, 16, 17, 18, 15], [("building", "yes")]),
    (105, [21, 22, 23], [("highway", "residential"), ("name", "Main")]),
    (106, [1, 21], [("highway", "footway")]),
    (107, [31, 32, 31], [("highway", "steps"), ("foot", "no")]),
]

RELATIONS = [
    # (id, [(type, member id, role)], tags); member type 0 node, 1 way, 2 relation
    (201, [(1, 101, "outer"), (1, 102, "inner")], [("type", "multipolygon"), ("building", "residential")]),
    (202, [(1, 103, ""), (0, 31, "label"), (1, 999, "inner")], [("type", "multipolygon"), ("landuse", "residential")]),
]


def tags_fields(strings, tags):
    return packed(2, [strings(k) for k, _ in tags]) + packed(3, [strings(v) for _, v in tags])


def dense_nodes(strings, ids):
    lats = [position(*NODES[i])[0] for i in ids]
    lons = [position(*NODES[i])[1] for i in ids]
    keys_vals = []
    for i in ids:
        for k, v in NODE_TAGS.get(i, []):
            keys_vals += [strings(k), strings(v)]
        keys_vals.append(0)
    return (
        packed_sint(1, deltas(ids))
        + packed_sint(8, deltas(lats))
        + packed_sint(9, deltas(lons))
        + packed(10, keys_vals)
    )


def plain_node(strings, node_id):
    lat, lon = position(*NODES[node_id])
    return sint(1, node_id) + tags_fields(strings, NODE_TAGS.get(node_id, [])) + sint(8, lat) + sint(9, lon)


def way(strings, way_id, refs, tags):
    return vint(1, way_id) + tags_fields(strings, tags) + packed_sint(8, deltas(refs))


def relation(strings, rel_id, members, tags):
    return (
        vint(1, rel_id)
        + tags_fields(strings, tags)
        + packed(8, [strings(role) for _, _, role in members])
        + packed_sint(9, deltas([m for _, m, _ in members]))
        + packed(10, [t for t, _, _ in members])
    )


def primitive_block(dense):
    strings = Strings()
    ids = sorted(NODES)
    if dense:
        nodes = blob_field(2, dense_nodes(strings, ids))
    else:
        nodes = b"".join(blob_field(1, plain_node(strings, i)) for i in ids)
    ways = b"".join(blob_field(3, way(strings, *w)) for w in WAYS)
    relations = b"".join(blob_field(4, relation(strings, *r)) for r in RELATIONS)
    groups = blob_field(2, nodes) + blob_field(2, ways) + blob_field(2, relations)
    return blob_field(1, strings.table()) + groups + vint(17, 100)


def header_block():
    bbox = sint(1, round((LON0 - 0.001) * 1e9)) + sint(2, round((LON0 + 0.003) * 1e9))
    bbox += sint(3, round((LAT0 + 0.002) * 1e9)) + sint(4, round((LAT0 - 0.001) * 1e9))
    return (
        blob_field(1, bbox)
        + blob_field(4, b"OsmSchema-V0.6")
        + blob_field(4, b"DenseNodes")
        + blob_field(16, b"carecircle fuzz seeds")
    )


def blob(kind, message, compress):
    if compress:
        body = vint(2, len(message)) + blob_field(3, zlib.compress(message, 9))
    else:
        body = blob_field(1, message)
    header = blob_field(1, kind.encode()) + vint(3, len(body))
    return struct.pack(">I", len(header)) + header + body


def extract(dense=True, compress=False):
    return blob("OSMHeader", header_block(), compress) + blob("OSMData", primitive_block(dense), compress)


def main():
    out = pathlib.Path(__file__).resolve().parent / "corpus" / "pbf"
    out.mkdir(parents=True, exist_ok=True)
    seeds = {
        "dense_raw.osm.pbf": extract(),
        "plain_nodes_raw.osm.pbf": extract(dense=False),
        "dense_zlib.osm.pbf": extract(compress=True),
        "header_only.osm.pbf": blob("OSMHeader", header_block(), False),
    }
    for name, data in seeds.items():
        (out / name).write_bytes(data)
        print(f"{out / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
