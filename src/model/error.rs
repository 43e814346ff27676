//! The one error type of the model: every variant names the argument, the value and the rule.

/// Invalid input to the reference model. Nothing in the model panics on user data; it returns
/// one of these instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// An array or list has the wrong shape or length.
    #[error("{arg}: shape {shape:?}: {rule}")]
    Shape {
        arg: String,
        shape: Vec<usize>,
        rule: String,
    },
    /// One element (or scalar argument) is out of range.
    #[error("{arg}{index} = {value}: {rule}")]
    Value {
        arg: String,
        /// Where the value sits, e.g. `[2, 0, 17]`; empty for a scalar.
        index: String,
        value: String,
        rule: String,
    },
}

impl ModelError {
    pub(crate) fn shape(arg: &str, shape: &[usize], rule: impl Into<String>) -> Self {
        ModelError::Shape {
            arg: arg.to_string(),
            shape: shape.to_vec(),
            rule: rule.into(),
        }
    }

    pub(crate) fn value(
        arg: &str,
        index: Option<&[usize]>,
        value: impl std::fmt::Display,
        rule: impl Into<String>,
    ) -> Self {
        ModelError::Value {
            arg: arg.to_string(),
            index: index.map(|i| format!("{i:?}")).unwrap_or_default(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }
}

use ndarray::IntoDimension;

/// Check that every element of `values` lies in `lo..=hi`; the error names the first that does not.
pub(crate) fn check_range<S, D>(
    arg: &str,
    values: &ndarray::ArrayBase<S, D>,
    lo: i64,
    hi: i64,
    rule: &str,
) -> Result<(), ModelError>
where
    S: ndarray::Data<Elem = i64>,
    D: ndarray::Dimension,
{
    // Fast path first: the indexed search only runs to report a violation.
    if values.iter().all(|&v| v >= lo && v <= hi) {
        return Ok(());
    }
    for (index, &v) in values.indexed_iter() {
        if v < lo || v > hi {
            return Err(ModelError::Value {
                arg: arg.to_string(),
                index: format!("{:?}", index.into_dimension().slice()),
                value: v.to_string(),
                rule: format!("{rule} ({lo}..={hi})"),
            });
        }
    }
    Ok(())
}
