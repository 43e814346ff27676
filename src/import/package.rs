//! The package `import` writes: a directory with `package.toml` (the derived configuration, the
//! dimensions, and per site its fixed-point formats, α and α codes, output shift) and one set of
//! NumPy files per site under `sites/`: `L{l}.{site}.weight.npy` (int8, or int16 above 8-bit
//! weights, [Dout, Din]), `.bias.npy` (int64 codes in F_out), `.scale.npy` (int64 effective
//! M_t[j], [T, Dout]) and `.column_scale.npy` (float64 weight scale s_j, [Dout]).
//! It is written into a temporary directory beside the target and renamed into place, so a failed
//! or interrupted import leaves nothing half-written (an old package is renamed aside first and
//! removed once the new one is in place; a killed import may leave a `.spikelm-package-*`
//! directory beside the target, never a partial package at it).

use super::ImportError;
use crate::config::{Config, Params};
use crate::model::encoder::integer::QuantLayer;
use crate::model::encoder::site::{QuantSite, WeightScale};
use crate::model::encoder::{BertDims, Quantiser, Site};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "package.toml";
pub const VERSION: u32 = 1;

/// One site's line in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteEntry {
    pub layer: usize,
    pub site: Site,
    pub frac_in: u32,
    pub frac_out: u32,
    pub out_shift: u32,
    pub alphas: Vec<f64>,
    /// Effective α codes A_t (F_in fractional bits).
    pub alpha_codes: Vec<i64>,
    /// Spike agreement with the float neuron on the calibration text at F_in.
    pub calibration_agreement: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantiserEntry {
    pub layer: usize,
    pub quantiser: Quantiser,
    pub alphas: Vec<f64>,
    /// α codes in the output format of the K or V site.
    pub alpha_codes: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: u32,
    /// The safetensors file the package was made from (the float reference and the host's
    /// embeddings and LayerNorms are read from it).
    pub checkpoint: String,
    pub weight_scale: WeightScale,
    /// `checkpoint` (SpikeLM α tensors) or `calibrated` (α_t = 2·mean|u_t| on the text).
    pub alpha_source: String,
    pub calibration_tokens: usize,
    pub dims: BertDims,
    pub config: Config,
    pub sites: Vec<SiteEntry>,
    pub quantisers: Vec<QuantiserEntry>,
}

/// A package read back and validated.
#[derive(Debug, Clone)]
pub struct Package {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub params: Params,
    pub layers: Vec<QuantLayer>,
}

fn stem(layer: usize, site: Site) -> String {
    format!("sites/L{layer}.{}", site.name())
}

fn bad(path: &Path, detail: impl Into<String>) -> ImportError {
    ImportError::Package {
        path: path.display().to_string(),
        detail: detail.into(),
    }
}

/// Write `manifest` and the sites of `layers` into `out` (see the module doc).
pub fn write(
    out: &Path,
    force: bool,
    manifest: &Manifest,
    layers: &[QuantLayer],
) -> Result<(), ImportError> {
    check_target(out, force)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| ImportError::io(&parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".spikelm-package-")
        .tempdir_in(&parent)
        .map_err(|e| ImportError::io(&parent, e))?;
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("sites")).map_err(|e| ImportError::io(dir, e))?;
    let text = toml::to_string(manifest).map_err(|e| bad(&dir.join(MANIFEST), e.to_string()))?;
    let path = dir.join(MANIFEST);
    std::fs::write(&path, text).map_err(|e| ImportError::io(&path, e))?;
    for (l, layer) in layers.iter().enumerate() {
        for s in Site::ALL {
            write_site(dir, l, s, layer.site(s))?;
        }
    }
    replace(&tmp.keep(), out, &parent)
}

/// Move the finished package `new` to `out`. An old package at `out` is first renamed aside
/// and removed only once the new one is in place, so `out` never holds a partial package (between
/// the two renames it holds none; a process killed there leaves the old package in
/// `.spikelm-package-old-*/package`).
fn replace(new: &Path, out: &Path, parent: &Path) -> Result<(), ImportError> {
    let undo = |e: std::io::Error| {
        let _ = std::fs::remove_dir_all(new);
        ImportError::io(out, e)
    };
    if !out.exists() {
        return std::fs::rename(new, out).map_err(undo);
    }
    let old = tempfile::Builder::new()
        .prefix(".spikelm-package-old-")
        .tempdir_in(parent)
        .map_err(|e| {
            let _ = std::fs::remove_dir_all(new);
            ImportError::io(parent, e)
        })?;
    let aside = old.path().join("package");
    std::fs::rename(out, &aside).map_err(undo)?;
    if let Err(e) = std::fs::rename(new, out) {
        if std::fs::rename(&aside, out).is_err() {
            // Keep the old package where it was moved rather than delete it.
            let _ = old.keep();
        }
        return Err(undo(e));
    }
    Ok(())
}

/// Refuse an existing non-empty target, unless forced and it is a package (holds
/// `package.toml`): --force never deletes a directory the importer did not write.
pub fn check_target(out: &Path, force: bool) -> Result<(), ImportError> {
    match std::fs::metadata(out) {
        Err(_) => Ok(()),
        Ok(m) if !m.is_dir() => Err(bad(out, "exists and is not a directory")),
        Ok(_) => {
            let empty = std::fs::read_dir(out)
                .map_err(|e| ImportError::io(out, e))?
                .next()
                .is_none();
            if empty || (force && out.join(MANIFEST).is_file()) {
                Ok(())
            } else if force {
                Err(bad(
                    out,
                    format!(
                        "exists, is not empty and is not a package (no {MANIFEST}); --force \
                         replaces only a package: choose another --out or remove it yourself"
                    ),
                ))
            } else {
                Err(bad(
                    out,
                    "exists and is not empty; pass --force to replace the package",
                ))
            }
        }
    }
}

fn npy_err(path: &Path, e: impl std::fmt::Display) -> ImportError {
    bad(path, format!("cannot write: {e}"))
}

fn write_site(dir: &Path, l: usize, s: Site, site: &QuantSite) -> Result<(), ImportError> {
    let base = dir.join(stem(l, s));
    let p = |ext: &str| PathBuf::from(format!("{}.{ext}.npy", base.display()));
    let wp = p("weight");
    if site.format.weight_bits <= 8 {
        ndarray_npy::write_npy(&wp, &site.w.mapv(|v| v as i8)).map_err(|e| npy_err(&wp, e))?;
    } else {
        ndarray_npy::write_npy(&wp, &site.w.mapv(|v| v as i16)).map_err(|e| npy_err(&wp, e))?;
    }
    let bp = p("bias");
    ndarray_npy::write_npy(&bp, &site.bias).map_err(|e| npy_err(&bp, e))?;
    let sp = p("scale");
    ndarray_npy::write_npy(&sp, &site.scale_codes).map_err(|e| npy_err(&sp, e))?;
    let cp = p("column_scale");
    ndarray_npy::write_npy(&cp, &Array1::from(site.column_scales.clone()))
        .map_err(|e| npy_err(&cp, e))?;
    Ok(())
}

fn read_npy<T: ndarray_npy::ReadableElement, D: ndarray::Dimension>(
    path: &Path,
    what: &str,
) -> Result<ndarray::Array<T, D>, ImportError> {
    if !path.is_file() {
        return Err(bad(path, format!("missing ({what})")));
    }
    ndarray_npy::read_npy(path).map_err(|e| bad(path, format!("not a valid .npy of {what}: {e}")))
}

impl Package {
    /// Read and validate a package directory.
    pub fn read(dir: &Path) -> Result<Package, ImportError> {
        let mpath = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&mpath).map_err(|e| ImportError::io(&mpath, e))?;
        let manifest: Manifest = toml::from_str(&text)
            .map_err(|e| bad(&mpath, format!("not a package manifest: {e}")))?;
        if manifest.version != VERSION {
            return Err(bad(
                &mpath,
                format!(
                    "version = {}; this tool reads version {VERSION}",
                    manifest.version
                ),
            ));
        }
        let params = Params::new(manifest.config.clone())?;
        let dims = &manifest.dims;
        let steps = dims.time_steps;
        let mut layers = Vec::with_capacity(dims.layers);
        for l in 0..dims.layers {
            let mut sites = Vec::new();
            for s in Site::ALL {
                let matches: Vec<&SiteEntry> = manifest
                    .sites
                    .iter()
                    .filter(|e| e.layer == l && e.site == s)
                    .collect();
                let [e] = matches[..] else {
                    return Err(bad(
                        &mpath,
                        format!(
                            "[[sites]] layer = {l}, site = {}: {} entries; expected exactly one",
                            s.name(),
                            matches.len()
                        ),
                    ));
                };
                sites.push(read_site(dir, &manifest, &params, e)?);
            }
            let codes = |q: Quantiser| -> Result<Vec<i64>, ImportError> {
                let e = manifest
                    .quantisers
                    .iter()
                    .find(|e| e.layer == l && e.quantiser == q)
                    .ok_or_else(|| {
                        bad(
                            &mpath,
                            format!("[[quantisers]] layer = {l}, {}: missing", q.name()),
                        )
                    })?;
                let top = 1i64 << params.format().alpha_bits.min(62);
                if e.alpha_codes.len() != steps
                    || e.alpha_codes.iter().any(|&a| !(1..=top).contains(&a))
                {
                    return Err(bad(
                        &mpath,
                        format!(
                            "[[quantisers]] layer = {l}, {}: alpha_codes {:?}; expected T = {steps} codes in 1..={top}",
                            q.name(),
                            e.alpha_codes
                        ),
                    ));
                }
                Ok(e.alpha_codes.clone())
            };
            layers.push(QuantLayer {
                sites,
                key_codes: codes(Quantiser::Key)?,
                value_codes: codes(Quantiser::Value)?,
            });
        }
        Ok(Package {
            dir: dir.to_path_buf(),
            manifest,
            params,
            layers,
        })
    }

    /// One site of the package.
    pub fn site(&self, layer: usize, site: Site) -> Option<&QuantSite> {
        self.layers.get(layer).map(|l| l.site(site))
    }
}

fn read_site(
    dir: &Path,
    manifest: &Manifest,
    params: &Params,
    e: &SiteEntry,
) -> Result<QuantSite, ImportError> {
    let base = dir.join(stem(e.layer, e.site));
    let p = |ext: &str| PathBuf::from(format!("{}.{ext}.npy", base.display()));
    let (dout, din) = manifest.dims.site_shape(e.site);
    let wp = p("weight");
    let w: Array2<i64> = if params.format().weight_bits <= 8 {
        read_npy::<i8, ndarray::Ix2>(&wp, "int8 weights [Dout, Din]")?.mapv(i64::from)
    } else {
        read_npy::<i16, ndarray::Ix2>(&wp, "int16 weights [Dout, Din]")?.mapv(i64::from)
    };
    if w.dim() != (dout, din) {
        return Err(bad(
            &wp,
            format!("shape {:?}; expected [{dout}, {din}]", w.shape()),
        ));
    }
    let bias: Array1<i64> = read_npy(&p("bias"), "int64 bias codes [Dout]")?;
    let scale: Array2<i64> = read_npy(&p("scale"), "int64 scale codes [T, Dout]")?;
    let cs: Array1<f64> = read_npy(&p("column_scale"), "float64 column scales [Dout]")?;
    let format = crate::config::NumericFormat {
        frac_bits: e.frac_in,
        ..params.format().clone()
    };
    let what = format!("layer {} site {}", e.layer, e.site.name());
    if e.frac_in > 30 || e.frac_out > 30 {
        return Err(bad(
            &dir.join(MANIFEST),
            format!("{what}: frac_in/frac_out above 30"),
        ));
    }
    QuantSite::from_codes(
        format,
        e.frac_out,
        manifest.weight_scale,
        w,
        cs.to_vec(),
        bias,
        e.alphas.clone(),
        e.alpha_codes.clone(),
        scale,
        e.out_shift,
    )
    .map_err(|err| bad(&base, format!("{what}: {err}")))
}
