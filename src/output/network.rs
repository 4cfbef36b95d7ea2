//! `off_network.csv`: blocks and facilities that cannot reach the main street network.

use super::atomic::ProtectedInputs;
use super::csv_file::{write_csv, CsvTarget};
use crate::analysis::distance::walking::{Access, Unreachable};
use crate::format::spreadsheet_safe;
use std::io;

/// Writes one row per unreachable block or facility location: role, id, access
/// (`off_network` or `isolated`), access leg and the isolated component's size.
pub fn write_off_network_csv(
    csv: CsvTarget,
    protected: &ProtectedInputs,
    unreachable: &[Unreachable],
) -> io::Result<()> {
    write_csv(csv, protected, |w| {
        w.write_record(["role", "id", "access", "snap_m", "component_nodes"])?;
        for u in unreachable {
            let (access, snap_m, nodes) = match u.access {
                Access::OffNetwork => ("off_network", String::new(), String::new()),
                Access::Isolated {
                    leg_m,
                    component_nodes,
                } => (
                    "isolated",
                    format!("{leg_m:.1}"),
                    component_nodes.to_string(),
                ),
                Access::Main(leg_m) => ("main", format!("{leg_m:.1}"), String::new()),
            };
            let id = spreadsheet_safe(&u.id);
            w.write_record([u.role.as_str(), &id, access, &snap_m, &nodes])?;
        }
        Ok(())
    })
}
