//! Design-space sweeps: the cartesian product of `--vary key=v1,v2,...` lists, each point a list
//! of `key=value` overrides, and the table and plot of their results.

use crate::report::svg::{self, Point};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(
        "--vary {0}: expected key=v1,v2,... (for example array=4x4,8x8 or alpha_mode=exact,csd:2)"
    )]
    BadVary(String),
    #[error("--vary: {0} combinations is more than the limit of {1}; vary fewer keys")]
    TooMany(usize, usize),
}

/// Largest number of configurations one sweep runs.
pub const MAX_POINTS: usize = 256;

/// Expand `key=v1,v2` specs into one override list per combination (first key varies slowest).
pub fn expand(varies: &[String]) -> Result<Vec<Vec<String>>, SweepError> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for spec in varies {
        let (key, values) = spec
            .split_once('=')
            .ok_or_else(|| SweepError::BadVary(spec.clone()))?;
        let values: Vec<&str> = values
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if key.trim().is_empty() || values.is_empty() {
            return Err(SweepError::BadVary(spec.clone()));
        }
        if points.len() * values.len() > MAX_POINTS {
            return Err(SweepError::TooMany(points.len() * values.len(), MAX_POINTS));
        }
        points = points
            .iter()
            .flat_map(|p| {
                values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(format!("{}={v}", key.trim()));
                    q
                })
            })
            .collect();
    }
    Ok(points)
}

/// One measured configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    pub sets: Vec<String>,
    pub ok: bool,
    pub error: Option<String>,
    pub pes: u32,
    /// LUT4-equivalents on FPGA targets, NAND2-equivalents for `gates`.
    pub area: f64,
    pub area_unit: String,
    pub fmax_mhz: f64,
    pub tokens_per_s: f64,
    pub on_pareto_front: bool,
}

impl SweepPoint {
    /// A point that produced no figures, with the reason.
    pub fn failed(sets: Vec<String>, error: Option<String>) -> Self {
        SweepPoint {
            sets,
            ok: false,
            error,
            pes: 0,
            area: 0.0,
            area_unit: String::new(),
            fmax_mhz: 0.0,
            tokens_per_s: 0.0,
            on_pareto_front: false,
        }
    }
}

/// Mark the Pareto front (less area, more throughput) among the points that succeeded.
pub fn mark_front(points: &mut [SweepPoint]) {
    let ok: Vec<usize> = (0..points.len()).filter(|&i| points[i].ok).collect();
    let pts: Vec<Point> = ok
        .iter()
        .map(|&i| Point {
            x: points[i].area,
            y: points[i].tokens_per_s,
            label: String::new(),
        })
        .collect();
    for f in svg::pareto_front(&pts) {
        points[ok[f]].on_pareto_front = true;
    }
}

/// Markdown table of a sweep.
pub fn table(points: &[SweepPoint]) -> String {
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            if p.ok {
                vec![
                    p.sets.join(" "),
                    p.pes.to_string(),
                    format!("{:.0} {}", p.area, p.area_unit),
                    format!("{:.1}", p.fmax_mhz),
                    format!("{:.1}", p.tokens_per_s),
                    if p.on_pareto_front { "yes" } else { "" }.to_string(),
                ]
            } else {
                let mut row = vec![
                    p.sets.join(" "),
                    format!("failed: {}", p.error.as_deref().unwrap_or("?")),
                ];
                row.resize(6, String::new());
                row
            }
        })
        .collect();
    crate::report::markdown_table(
        &[
            "configuration",
            "PEs",
            "area",
            "Fmax MHz",
            "tokens/s",
            "Pareto",
        ],
        &rows,
    )
}

/// Scatter plot of area against throughput with the front marked.
pub fn plot(title: &str, points: &[SweepPoint]) -> String {
    let pts: Vec<Point> = points
        .iter()
        .filter(|p| p.ok)
        .map(|p| Point {
            x: p.area,
            y: p.tokens_per_s,
            label: p.sets.join(" "),
        })
        .collect();
    let unit = points
        .iter()
        .find(|p| p.ok)
        .map_or("", |p| p.area_unit.as_str());
    svg::scatter(title, &format!("area ({unit})"), "tokens per second", &pts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_the_cartesian_product_in_order() {
        let v = expand(&["array=4x4,8x8".into(), "alpha_mode=exact,csd:2".into()]).unwrap();
        assert_eq!(v.len(), 4);
        assert_eq!(v[0], vec!["array=4x4", "alpha_mode=exact"]);
        assert_eq!(v[3], vec!["array=8x8", "alpha_mode=csd:2"]);
    }

    #[test]
    fn refuses_malformed_specs() {
        assert!(matches!(
            expand(&["array".into()]),
            Err(SweepError::BadVary(_))
        ));
        assert!(matches!(
            expand(&["array=".into()]),
            Err(SweepError::BadVary(_))
        ));
        let big: Vec<String> = (0..9).map(|i| format!("k{i}=a,b")).collect();
        assert!(matches!(expand(&big), Err(SweepError::TooMany(..))));
    }

    #[test]
    fn front_ignores_failed_points() {
        let mk = |a: f64, t: f64, ok: bool| SweepPoint {
            sets: vec![],
            ok,
            error: None,
            pes: 1,
            area: a,
            area_unit: "LUT4-eq".into(),
            fmax_mhz: 1.0,
            tokens_per_s: t,
            on_pareto_front: false,
        };
        let mut pts = vec![
            mk(10.0, 5.0, true),
            mk(20.0, 4.0, true),
            mk(1.0, 100.0, false),
        ];
        mark_front(&mut pts);
        assert!(pts[0].on_pareto_front && !pts[1].on_pareto_front && !pts[2].on_pareto_front);
    }
}
