//! `run --package`: which site of an imported package `--layer` names. A site is `L.SITE`
//! (layer L) or `SITE` (layer 0), SITE one of the encoder's six linear layers; a name the
//! package does not have is refused with the list of the ones it has.

use super::error::{BoardError, Result};
use crate::import::Package;
use crate::model::encoder::Site;

/// Every site of `pkg`, as `--layer` spells it (`0.query` … `L.ffn_out`).
pub fn site_names(pkg: &Package) -> Vec<String> {
    (0..pkg.layers.len())
        .flat_map(|l| Site::ALL.map(|s| format!("{l}.{}", s.name())))
        .collect()
}

/// The (layer, site) `name` stands for in `pkg`.
pub fn resolve_site(pkg: &Package, name: &str) -> Result<(usize, Site)> {
    let (layer, site) = name.split_once('.').unwrap_or(("0", name));
    let found = layer
        .parse::<usize>()
        .ok()
        .zip(Site::from_name(site))
        .filter(|&(l, _)| l < pkg.layers.len());
    found.ok_or_else(|| BoardError::UnknownSite {
        name: name.to_string(),
        package: pkg.dir.display().to_string(),
        known: site_names(pkg).join(", "),
    })
}
