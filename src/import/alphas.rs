//! SpikeLM's α tensors in a checkpoint: one scalar per time step, `…{site}.act_clip_val.{t}` on
//! the six linear layers and `…attention.self.clip_key.{t}` / `clip_value.{t}` on the K/V
//! quantisers. Where any is present all must be; their count of time steps gives T.

use super::checkpoint::Reader;
use super::ImportError;
use crate::model::encoder::{BertDims, LayerAlphas, Quantiser, Site};
use safetensors::SafeTensors;
use std::path::Path;

/// The name pieces of SpikeLM's α tensors (`…act_clip_val.{t}`, `…clip_key.{t}`,
/// `…clip_value.{t}`).
const ALPHA_MARKERS: [&str; 3] = [".act_clip_val.", ".clip_key.", ".clip_value."];

/// The time step of an encoder α tensor's name (`…encoder.layer.0.….act_clip_val.3` → 3), if
/// it is one (α of a pooler or classifier are not the encoder's and are ignored).
fn alpha_step(name: &str) -> Option<usize> {
    if !name.contains("encoder.layer.") {
        return None;
    }
    ALPHA_MARKERS.iter().find_map(|m| {
        let (_, t) = name.rsplit_once(m)?;
        t.parse().ok()
    })
}

/// The number of time steps the α tensors of `files` cover (largest t + 1), if there are any.
pub(super) fn alpha_steps(files: &[(&Path, SafeTensors)]) -> Option<usize> {
    files
        .iter()
        .flat_map(|(_, st)| st.names())
        .filter_map(|n| alpha_step(n))
        .max()
        .map(|t| t + 1)
}

/// The name (without prefix) of every α tensor a SpikeLM checkpoint of `dims` holds: per layer
/// the six sites' `act_clip_val.{t}`, then `clip_key.{t}` and `clip_value.{t}`.
fn alpha_names(dims: &BertDims, l: usize) -> (Vec<Vec<String>>, Vec<String>, Vec<String>) {
    let base = format!("encoder.layer.{l}");
    let steps = |stem: String| -> Vec<String> {
        (0..dims.time_steps)
            .map(|t| format!("{stem}.{t}"))
            .collect()
    };
    let sites = Site::ALL
        .iter()
        .map(|s| steps(format!("{base}.{}.act_clip_val", s.hf_module())))
        .collect();
    let q = |k: Quantiser| steps(format!("{base}.attention.self.{}", k.hf_name()));
    (sites, q(Quantiser::Key), q(Quantiser::Value))
}

/// Refuse a checkpoint that has some SpikeLM α tensors but not all, or α for more time steps
/// than T: the missing ones are named.
fn check_alpha_set(r: &Reader, dims: &BertDims, present: &[String]) -> Result<(), ImportError> {
    let expected: Vec<String> = (0..dims.layers)
        .flat_map(|l| {
            let (sites, key, value) = alpha_names(dims, l);
            sites.into_iter().flatten().chain(key).chain(value)
        })
        .collect();
    let missing: Vec<&String> = expected.iter().filter(|n| !r.has(n)).collect();
    if let Some(first) = missing.first() {
        return Err(ImportError::Missing {
            path: r.shown(),
            name: format!("{}{first}", r.prefix),
            expected: format!(
                "a scalar α > 0: the checkpoint has SpikeLM α tensors ({} found, e.g. `{}`), so \
                 it needs every site's act_clip_val and every clip_key / clip_value for t = 0..{}; \
                 {} of {} are missing",
                present.len(),
                present[0],
                dims.time_steps,
                missing.len(),
                expected.len()
            ),
        });
    }
    if let Some(extra) = present
        .iter()
        .find(|n| alpha_step(n) >= Some(dims.time_steps))
    {
        return Err(ImportError::field(
            r.path,
            extra,
            format!(
                "an α for a time step ≥ T = {} (config.json's `T`); the α tensors must cover \
                 exactly t = 0..T",
                dims.time_steps
            ),
        ));
    }
    Ok(())
}

/// Refuse an encoder α stored without a time step (`….act_clip_val` as one tensor): its layout
/// is not SpikeLM's, and ignoring it would calibrate α the checkpoint meant to give.
fn check_alpha_naming(r: &Reader) -> Result<(), ImportError> {
    let unstepped = r.names().into_iter().find(|n| {
        n.contains("encoder.layer.")
            && ALPHA_MARKERS
                .iter()
                .any(|m| n.ends_with(m.trim_end_matches('.')))
    });
    match unstepped {
        Some(n) => Err(ImportError::field(
            r.path,
            n,
            "an α tensor without a time step; SpikeLM's α are one scalar per t, named \
             `….act_clip_val.{t}`, `….clip_key.{t}` and `….clip_value.{t}`: save them that way",
        )),
        None => Ok(()),
    }
}

/// SpikeLM's α tensors, if the checkpoint has any (then it must have all).
pub(super) fn read_alphas(
    r: &Reader,
    dims: &BertDims,
) -> Result<Option<Vec<LayerAlphas>>, ImportError> {
    check_alpha_naming(r)?;
    let present: Vec<String> = r
        .names()
        .into_iter()
        .filter(|n| n.starts_with(&format!("{}encoder.", r.prefix)) && alpha_step(n).is_some())
        .collect();
    if present.is_empty() {
        return Ok(None);
    }
    check_alpha_set(r, dims, &present)?;
    let scalar = |name: &String| -> Result<f64, ImportError> {
        let v = r.floats(name, &[], "a scalar α > 0")?[0];
        if v > 0.0 {
            Ok(v)
        } else {
            Err(ImportError::field(
                r.path,
                format!("{}{name}", r.prefix),
                format!(
                    "α = {v}; every α must be > 0 (it is the neuron's threshold and amplitude)"
                ),
            ))
        }
    };
    let values = |names: &[String]| names.iter().map(scalar).collect::<Result<Vec<_>, _>>();
    let mut out = Vec::new();
    for l in 0..dims.layers {
        let (sites, key, value) = alpha_names(dims, l);
        out.push(LayerAlphas {
            sites: sites
                .iter()
                .map(|s| values(s))
                .collect::<Result<Vec<_>, _>>()?,
            key: values(&key)?,
            value: values(&value)?,
        });
    }
    Ok(Some(out))
}
