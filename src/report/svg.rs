//! Small self-contained SVG charts for the HTML report: grouped bars and a scatter plot with a
//! marked Pareto front. No scripts, no external fonts.

use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 320.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 60.0;
const COLOURS: [&str; 4] = ["#3b6ea8", "#d9822b", "#4a9c5d", "#a33b5c"];

/// Escape text for HTML and SVG (element content and attribute values).
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Round a positive maximum up to 1, 2 or 5 times a power of ten.
fn nice_max(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * p)
}

fn frame(out: &mut String, title: &str, y_label: &str, y_max: f64) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        out,
        r#"<text x="{}" y="20" text-anchor="middle" font-size="14">{}</text>"#,
        W / 2.0,
        escape(title)
    );
    let plot_h = H - TOP - BOTTOM;
    for i in 0..=4 {
        let v = y_max * i as f64 / 4.0;
        let y = H - BOTTOM - plot_h * i as f64 / 4.0;
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            tick_label(v)
        );
    }
    let _ = write!(
        out,
        r#"<text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + plot_h / 2.0,
        escape(y_label)
    );
}

/// An axis tick: like [`fmt_num`], but a tick between whole numbers keeps its fraction (a 0–50
/// axis in quarters is labelled 12.5 and 37.5, not 12 and 38).
fn tick_label(v: f64) -> String {
    if v.abs() < 1e4 && v.abs() >= 10.0 && (v - v.round()).abs() > 1e-9 {
        format!("{v:.1}")
    } else {
        fmt_num(v)
    }
}

/// Compact number for axis labels.
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.3}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.3}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// Grouped bar chart: one group per label, one bar per series.
pub fn bars(title: &str, y_label: &str, labels: &[String], series: &[(&str, Vec<f64>)]) -> String {
    let y_max = nice_max(
        series
            .iter()
            .flat_map(|s| s.1.iter().copied())
            .fold(0.0, f64::max),
    );
    let mut out = String::new();
    frame(&mut out, title, y_label, y_max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let group_w = plot_w / labels.len().max(1) as f64;
    let bar_w = group_w * 0.8 / series.len().max(1) as f64;
    for (g, label) in labels.iter().enumerate() {
        let gx = LEFT + g as f64 * group_w + group_w * 0.1;
        for (s, (name, values)) in series.iter().enumerate() {
            let v = values.get(g).copied().unwrap_or(0.0);
            let h = if v.is_finite() {
                plot_h * v / y_max
            } else {
                0.0
            };
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{}: {}</title></rect>"#,
                gx + s as f64 * bar_w,
                H - BOTTOM - h,
                bar_w * 0.95,
                COLOURS[s % COLOURS.len()],
                escape(name),
                fmt_num(v)
            );
        }
        // Many groups: slant the labels so they do not overlap.
        let (x, y) = (gx + group_w * 0.4, H - BOTTOM + 14.0);
        let _ = if labels.len() > 6 {
            write!(
                out,
                r#"<text transform="translate({x:.1} {y:.1}) rotate(-25)" text-anchor="end" font-size="9">{}</text>"#,
                escape(label)
            )
        } else {
            write!(
                out,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle">{}</text>"#,
                escape(label)
            )
        };
    }
    // One series: the title names it, and a legend would only crowd the slanted labels.
    if series.len() > 1 {
        legend(&mut out, &series.iter().map(|s| s.0).collect::<Vec<_>>());
    }
    out.push_str("</svg>");
    out
}

fn legend(out: &mut String, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        let x = LEFT + i as f64 * 150.0;
        let y = H - 18.0;
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{y}">{}</text>"#,
            y - 9.0,
            COLOURS[i % COLOURS.len()],
            x + 14.0,
            escape(name)
        );
    }
}

/// One point of a scatter plot.
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// Indices of the points not dominated by another (smaller x and larger y are better).
pub fn pareto_front(points: &[Point]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| {
            let p = &points[i];
            !points
                .iter()
                .any(|q| q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y))
        })
        .collect()
}

/// Scatter plot (area on x, throughput on y) with the Pareto front joined and highlighted.
pub fn scatter(title: &str, x_label: &str, y_label: &str, points: &[Point]) -> String {
    let x_max = nice_max(points.iter().map(|p| p.x).fold(0.0, f64::max));
    let y_max = nice_max(points.iter().map(|p| p.y).fold(0.0, f64::max));
    let mut out = String::new();
    frame(&mut out, title, y_label, y_max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let px = |x: f64| LEFT + plot_w * x / x_max;
    let py = |y: f64| H - BOTTOM - plot_h * y / y_max;
    for i in 0..=4 {
        let v = x_max * i as f64 / 4.0;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            px(v),
            H - BOTTOM + 16.0,
            fmt_num(v)
        );
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        H - BOTTOM + 34.0,
        escape(x_label)
    );
    let mut front = pareto_front(points);
    front.sort_by(|&a, &b| points[a].x.total_cmp(&points[b].x));
    let path: Vec<String> = front
        .iter()
        .map(|&i| format!("{:.1},{:.1}", px(points[i].x), py(points[i].y)))
        .collect();
    let _ = write!(
        out,
        r##"<polyline points="{}" fill="none" stroke="#d9822b" stroke-width="2"/>"##,
        path.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let on_front = front.contains(&i);
        let _ = write!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{}"><title>{}</title></circle><text x="{:.1}" y="{:.1}">{}</text>"##,
            px(p.x),
            py(p.y),
            if on_front { 6 } else { 4 },
            if on_front { "#d9822b" } else { "#3b6ea8" },
            escape(&p.label),
            px(p.x) + 7.0,
            py(p.y) - 5.0,
            escape(&p.label)
        );
    }
    legend(&mut out, &["configuration", "Pareto front"]);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pareto_front_keeps_only_undominated_points() {
        let pts = vec![
            Point {
                x: 1.0,
                y: 1.0,
                label: "a".into(),
            },
            Point {
                x: 2.0,
                y: 3.0,
                label: "b".into(),
            },
            Point {
                x: 3.0,
                y: 2.0,
                label: "c".into(),
            }, // dominated by b
            Point {
                x: 4.0,
                y: 5.0,
                label: "d".into(),
            },
        ];
        assert_eq!(pareto_front(&pts), vec![0, 1, 3]);
    }

    #[test]
    fn charts_are_well_formed_and_escape_labels() {
        let svg = bars("t<1>", "y", &["a&b".into()], &[("s", vec![3.0])]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&amp;b") && svg.contains("t&lt;1&gt;"));
        assert_eq!(svg.matches("<rect").count(), 1); // one bar, no legend for one series
        let two = bars(
            "t",
            "y",
            &["a".into()],
            &[("s", vec![3.0]), ("u", vec![1.0])],
        );
        assert_eq!(two.matches("<rect").count(), 4); // two bars, two legend swatches
    }

    #[test]
    fn ticks_between_whole_numbers_keep_their_fraction() {
        assert_eq!(tick_label(12.5), "12.5");
        assert_eq!(tick_label(25.0), "25");
        assert_eq!(tick_label(0.25), "0.250");
        assert_eq!(tick_label(12_500.0), "12.5k");
    }

    #[test]
    fn nice_max_rounds_up() {
        assert_eq!(nice_max(7.3), 10.0);
        assert_eq!(nice_max(0.12), 0.2);
        assert_eq!(nice_max(0.0), 1.0);
    }
}
