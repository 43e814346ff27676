//! The report as a list of blocks (headings, paragraphs, notes, tables, plots), written once and
//! rendered twice: as Markdown (`report.md`, plots left out) and as HTML (`report.html`, tables
//! as real `<table>`s with numbers right-aligned, plots inline).

use super::svg::escape;
use std::fmt::Write;

/// A table: header cells and rows of cells, already formatted with their units.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(head: &[&str]) -> Self {
        Table {
            head: head.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn to_markdown(&self) -> String {
        let head: Vec<&str> = self.head.iter().map(String::as_str).collect();
        super::markdown_table(&head, &self.rows)
    }

    /// Numeric columns (every non-empty cell a number, units allowed after it) are right-aligned.
    pub fn to_html(&self) -> String {
        let numeric: Vec<bool> = (0..self.head.len())
            .map(|c| {
                let mut cells = self.rows.iter().filter_map(|r| r.get(c)).peekable();
                cells.peek().is_some() && cells.all(|v| is_numeric(v) || v == "n/a")
            })
            .collect();
        let class = |c: usize| if numeric[c] { " class=\"num\"" } else { "" };
        let mut out = String::from("<div class=\"table\"><table>\n<thead><tr>");
        for (c, h) in self.head.iter().enumerate() {
            let _ = write!(out, "<th{}>{}</th>", class(c), escape(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for (c, v) in r.iter().enumerate() {
                let _ = write!(
                    out,
                    "<td{}>{}</td>",
                    class(c.min(numeric.len().saturating_sub(1))),
                    escape(v)
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
        out
    }
}

/// A number, optionally signed and with thousands separators, optionally followed by a unit
/// (`1,289.6 tokens/s`, `92.5 %`, `-3`).
pub fn is_numeric(cell: &str) -> bool {
    let first = cell.split_whitespace().next().unwrap_or("");
    let digits = first.trim_start_matches(['-', '+', '≈']);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '×')
}

/// One piece of the report.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// Something that did not run or needs the reader's attention.
    Note(String),
    Table(Table),
    /// Preformatted text (the configuration).
    Code {
        summary: String,
        text: String,
    },
    /// Charts, (caption, SVG); HTML only.
    Plots(Vec<(String, String)>),
    /// Raw HTML (the summary block); `markdown` is its Markdown form.
    Html {
        html: String,
        markdown: String,
    },
}

pub fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(out, "## {h}\n");
            }
            Block::Paragraph(p) => {
                let _ = writeln!(out, "{p}\n");
            }
            Block::Note(n) => {
                let _ = writeln!(out, "> **Note:** {n}\n");
            }
            Block::Table(t) => {
                let _ = writeln!(out, "{}", t.to_markdown());
            }
            Block::Code { text, .. } => {
                let _ = writeln!(out, "```toml\n{}```\n", text);
            }
            Block::Plots(_) => {}
            Block::Html { markdown, .. } => out.push_str(markdown),
        }
    }
    out
}

pub fn to_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(h));
            }
            Block::Paragraph(p) => {
                let _ = writeln!(out, "<p>{}</p>", escape(p));
            }
            Block::Note(n) => {
                let _ = writeln!(out, "<p class=\"note\"><b>Note:</b> {}</p>", escape(n));
            }
            Block::Table(t) => out.push_str(&t.to_html()),
            Block::Code { summary, text } => {
                let _ = writeln!(
                    out,
                    "<details><summary>{}</summary><pre>{}</pre></details>",
                    escape(summary),
                    escape(text)
                );
            }
            Block::Plots(plots) => {
                out.push_str("<div class=\"plots\">\n");
                for (caption, svg) in plots {
                    let _ = writeln!(
                        out,
                        "<figure>{svg}<figcaption>{}</figcaption></figure>",
                        escape(caption)
                    );
                }
                out.push_str("</div>\n");
            }
            Block::Html { html, .. } => out.push_str(html),
        }
    }
    out
}

/// The page's style: the full width of the window, tables with aligned figures, plots in as
/// many columns as fit. Inline, so the page needs no network.
pub const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1d2329;margin:0;padding:20px 32px;\
font-size:14px;line-height:1.45}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccd3da;\
padding-bottom:4px}\
.sub{color:#56606b;margin:0 0 16px}\
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin:12px 0}\
.kpi{border:1px solid #ccd3da;border-radius:6px;padding:10px 14px;background:#f7f9fb}\
.kpi .label{color:#56606b;font-size:12px;text-transform:uppercase;letter-spacing:.04em}\
.kpi .value{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums;margin:2px 0}\
.kpi .detail{color:#56606b;font-size:12px}\
.kpi.pass{border-color:#4a9c5d;background:#eef7f0}.kpi.fail{border-color:#b3261e;background:#fbeeee}\
.table{overflow-x:auto;margin:8px 0 12px}\
table{border-collapse:collapse;font-variant-numeric:tabular-nums}\
th,td{padding:4px 12px;border-bottom:1px solid #e3e7eb;text-align:left;vertical-align:top}\
th{background:#eef1f4;font-weight:600;border-bottom:2px solid #ccd3da}\
.num{text-align:right;white-space:nowrap}\
tbody tr:nth-child(even){background:#fafbfc}\
.note{background:#fff8e6;border-left:4px solid #d9822b;padding:6px 10px;margin:6px 0}\
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px;margin:8px 0}\
figure{margin:0;border:1px solid #e3e7eb;border-radius:6px;padding:6px}\
figure svg{width:100%;height:auto;display:block}\
figcaption{text-align:center;color:#56606b;font-size:12px}\
pre{background:#f4f6f8;padding:10px;overflow-x:auto;font-size:12px}\
details{margin:8px 0}summary{cursor:pointer;color:#3b6ea8}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_units_are_numeric_and_words_are_not() {
        for n in [
            "1,289.6 tokens/s",
            "92.5 %",
            "-3",
            "0",
            "4.00×",
            "128 → 384",
        ] {
            assert!(is_numeric(n), "{n}");
        }
        for w in ["qkv", "", "n/a", "ecp5-85k", "u_core.x", "PASS", "≈ 4"] {
            assert!(!is_numeric(w), "{w}");
        }
    }

    #[test]
    fn tables_render_as_html_with_numeric_columns_aligned() {
        let mut t = Table::new(&["layer", "cycles"]);
        t.row(vec!["qkv".into(), "425,026".into()]);
        t.row(vec!["a<b".into(), "n/a".into()]);
        let html = t.to_html();
        assert!(html.contains("<th class=\"num\">cycles</th>"), "{html}");
        assert!(
            html.contains("<td>a&lt;b</td><td class=\"num\">n/a</td>"),
            "{html}"
        );
        assert_eq!(html.matches("<tr>").count(), 3);
        let md = to_markdown(&[Block::Table(t)]);
        assert!(md.contains("| qkv | 425,026 |"), "{md}");
    }
}
