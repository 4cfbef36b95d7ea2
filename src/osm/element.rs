//! OSM element identities: a type (node, way, relation) and a number.

use std::fmt;

/// The three OSM element types, ordered node < way < relation (the order outputs use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementType {
    /// A node: a point.
    Node,
    /// A way: a list of nodes.
    Way,
    /// A relation: a list of members.
    Relation,
}

impl ElementType {
    /// The name written in the `osm_type` property: `node`, `way` or `relation`.
    pub fn name(self) -> &'static str {
        match self {
            ElementType::Node => "node",
            ElementType::Way => "way",
            ElementType::Relation => "relation",
        }
    }
}

/// One element: its type and id. Sorting by it sorts by type, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElementId {
    /// The element's type.
    pub kind: ElementType,
    /// The element's OSM id.
    pub id: i64,
}

impl ElementId {
    /// A node.
    pub fn node(id: i64) -> ElementId {
        ElementId {
            kind: ElementType::Node,
            id,
        }
    }

    /// A way.
    pub fn way(id: i64) -> ElementId {
        ElementId {
            kind: ElementType::Way,
            id,
        }
    }

    /// A relation.
    pub fn relation(id: i64) -> ElementId {
        ElementId {
            kind: ElementType::Relation,
            id,
        }
    }
}

/// The short form used for feature ids: `n12`, `w123`, `r45`.
impl fmt::Display for ElementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.kind {
            ElementType::Node => 'n',
            ElementType::Way => 'w',
            ElementType::Relation => 'r',
        };
        write!(f, "{letter}{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_and_order() {
        assert_eq!(ElementId::way(123).to_string(), "w123");
        assert_eq!(ElementId::relation(45).to_string(), "r45");
        assert_eq!(ElementId::node(7).to_string(), "n7");
        let mut ids = [
            ElementId::relation(1),
            ElementId::way(9),
            ElementId::node(10),
            ElementId::way(2),
        ];
        ids.sort();
        let text: Vec<String> = ids.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["n10", "w2", "w9", "r1"]);
        assert_eq!(ElementType::Relation.name(), "relation");
    }
}
