//! Laying a TOML file and `--set key=value` overrides over a preset. Unknown keys are refused
//! with the list of known ones; values keep the type the preset gives the field.

use super::{Config, ConfigError};
use std::path::Path;
use toml::Value;

pub(super) fn apply(
    base: Config,
    file: Option<&Path>,
    sets: &[String],
) -> Result<Config, ConfigError> {
    let mut tree = Value::try_from(&base).map_err(|e| ConfigError::Toml {
        path: "<preset>".into(),
        message: e.to_string(),
    })?;
    // A field left out of the serialized configuration while default (so the hashes of
    // existing configurations stand) is still a key a user may set.
    if let Some(Value::Table(array)) = tree.get_mut("array") {
        array
            .entry("dataflow")
            .or_insert_with(|| Value::String(base.array.dataflow.to_string()));
    }
    if let Some(path) = file {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: shown.clone(),
            source,
        })?;
        let overlay: Value = toml::from_str(&text).map_err(|e| ConfigError::Toml {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        merge(&mut tree, overlay, "", &shown)?;
    }
    for set in sets {
        let (key, raw) = set
            .split_once('=')
            .ok_or_else(|| ConfigError::BadOverride(set.clone()))?;
        set_key(&mut tree, key.trim(), raw.trim())?;
    }
    let text = toml::to_string(&tree).map_err(|e| ConfigError::Toml {
        path: "<merged>".into(),
        message: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Toml {
        path: file
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "--set".into()),
        message: e.to_string(),
    })
}

/// Lay `overlay` over `base`; every key of the overlay must exist in the base.
fn merge(base: &mut Value, overlay: Value, prefix: &str, path: &str) -> Result<(), ConfigError> {
    match (base, overlay) {
        (Value::Table(b), Value::Table(o)) => {
            for (k, v) in o {
                let full = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let slot = b.get_mut(&k).ok_or_else(|| ConfigError::Toml {
                    path: path.to_string(),
                    message: format!("unknown key `{full}`"),
                })?;
                merge(slot, v, &full, path)?;
            }
            Ok(())
        }
        (slot, v) => {
            *slot = v;
            Ok(())
        }
    }
}

/// All dotted leaf keys of a tree, for error messages and short-key lookup.
fn leaf_keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Table(t) = v {
        for (k, v) in t {
            let full = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if v.is_table() {
                leaf_keys(v, &full, out);
            } else {
                out.push(full);
            }
        }
    }
}

/// Set one key. `array=RxC` sets rows and columns; a key without a dot that names exactly one
/// leaf (for example `alpha_mode`) stands for that leaf.
fn set_key(tree: &mut Value, key: &str, raw: &str) -> Result<(), ConfigError> {
    if key == "array" {
        let (r, c) = raw.split_once('x').ok_or_else(|| {
            ConfigError::invalid("array", raw, "expected ROWSxCOLS, for example 16x16")
        })?;
        set_key(tree, "array.rows", r)?;
        return set_key(tree, "array.cols", c);
    }
    let mut keys = Vec::new();
    leaf_keys(tree, "", &mut keys);
    let full = if keys.iter().any(|k| k == key) {
        key.to_string()
    } else {
        let matches: Vec<&String> = keys
            .iter()
            .filter(|k| k.rsplit('.').next() == Some(key))
            .collect();
        match matches.as_slice() {
            [one] => (*one).clone(),
            _ => {
                return Err(ConfigError::UnknownKey {
                    key: key.to_string(),
                    known: keys.join(", "),
                })
            }
        }
    };
    let mut slot = &mut *tree;
    for part in full.split('.') {
        slot = slot.get_mut(part).ok_or_else(|| ConfigError::UnknownKey {
            key: key.to_string(),
            known: keys.join(", "),
        })?;
    }
    *slot = match slot {
        Value::Integer(_) => Value::Integer(
            raw.parse()
                .map_err(|_| ConfigError::invalid(&full, raw, "expected a whole number"))?,
        ),
        Value::Boolean(_) => Value::Boolean(
            raw.parse()
                .map_err(|_| ConfigError::invalid(&full, raw, "expected true or false"))?,
        ),
        _ => Value::String(raw.trim_matches('"').to_string()),
    };
    Ok(())
}
