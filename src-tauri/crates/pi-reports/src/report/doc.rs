//! A small document model (title, sections, lines, bullets, tables with marked spans) and its
//! three renderings: terminal text, markdown and a standalone HTML page. Every piece of plan text
//! is escaped for the target format; nothing from a plan is ever emitted as markup.

use std::fmt::Write as _;

/// A piece of inline text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Strong(String),
    /// Words only in the new version.
    Ins(String),
    /// Words only in the old version.
    Del(String),
}

/// A paragraph, a bullet (with its nesting level), or a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Line(Vec<Span>),
    Item(usize, Vec<Span>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub title: String,
    pub sections: Vec<Section>,
}

/// Terminal text: `{+inserted+}` and `[-deleted-]` words, aligned tables.
pub fn text(doc: &Doc) -> String {
    let mut out = format!("{}\n{}\n", doc.title, "=".repeat(doc.title.chars().count()));
    for s in &doc.sections {
        let _ = write!(out, "\n{}\n", s.heading);
        for b in &s.blocks {
            match b {
                Block::Line(spans) => out.push_str(&format!("{}\n", spans_text(spans))),
                Block::Item(level, spans) => {
                    let indent = "  ".repeat(*level);
                    out.push_str(&format!("{indent}- {}\n", spans_text(spans)));
                }
                Block::Table { header, rows } => out.push_str(&table_text(header, rows)),
            }
        }
    }
    out
}

fn spans_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) | Span::Strong(t) => t.clone(),
            Span::Ins(t) => format!("{{+{t}+}}"),
            Span::Del(t) => format!("[-{t}-]"),
        })
        .collect()
}

fn table_text(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header);
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// Markdown: `<ins>`/`<del>` for word changes, every plan text escaped.
pub fn markdown(doc: &Doc) -> String {
    let mut out = format!("# {}\n", md_escape(&doc.title));
    for s in &doc.sections {
        let _ = write!(out, "\n## {}\n\n", md_escape(&s.heading));
        for b in &s.blocks {
            match b {
                Block::Line(spans) => out.push_str(&format!("{}\n\n", spans_md(spans))),
                Block::Item(level, spans) => {
                    let indent = "  ".repeat(*level);
                    out.push_str(&format!("{indent}- {}\n", spans_md(spans)));
                }
                Block::Table { header, rows } => {
                    let row = |cells: &[String]| {
                        let cells: Vec<String> = cells.iter().map(|c| md_escape(c)).collect();
                        format!("| {} |\n", cells.join(" | "))
                    };
                    out.push_str(&row(header));
                    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
                    for r in rows {
                        out.push_str(&row(r));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn spans_md(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => md_escape(t),
            Span::Strong(t) => format!("**{}**", md_escape(t)),
            Span::Ins(t) => format!("<ins>{}</ins>", md_escape(t)),
            Span::Del(t) => format!("<del>{}</del>", md_escape(t)),
        })
        .collect()
}

/// Escapes markdown punctuation with backslashes and HTML's `<`, `>`, `&` as entities; line
/// breaks become `<br>` so a value stays in its bullet or cell.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// HTML text and attribute escaping.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
padding:0 1rem;color:#1d1d1f}ins{background:#d5f5d5;text-decoration:none}\
del{background:#fbd5d5}li,td{white-space:pre-wrap}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:.2rem .6rem;text-align:left}";

/// A standalone HTML page (inline style, no scripts, no external resources).
pub fn html(doc: &Doc) -> String {
    let title = html_escape(&doc.title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    for s in &doc.sections {
        let _ = writeln!(out, "<h2>{}</h2>", html_escape(&s.heading));
        let mut open = 0usize;
        for b in &s.blocks {
            let level = match b {
                Block::Item(level, _) => level + 1,
                _ => 0,
            };
            while open < level {
                out.push_str("<ul>\n");
                open += 1;
            }
            while open > level {
                out.push_str("</ul>\n");
                open -= 1;
            }
            match b {
                Block::Line(spans) => out.push_str(&format!("<p>{}</p>\n", spans_html(spans))),
                Block::Item(_, spans) => out.push_str(&format!("<li>{}</li>\n", spans_html(spans))),
                Block::Table { header, rows } => out.push_str(&table_html(header, rows)),
            }
        }
        out.push_str(&"</ul>\n".repeat(open));
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn spans_html(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => html_escape(t),
            Span::Strong(t) => format!("<strong>{}</strong>", html_escape(t)),
            Span::Ins(t) => format!("<ins>{}</ins>", html_escape(t)),
            Span::Del(t) => format!("<del>{}</del>", html_escape(t)),
        })
        .collect()
}

fn table_html(header: &[String], rows: &[Vec<String>]) -> String {
    let cells = |tag: &str, row: &[String]| {
        let inner: String = row
            .iter()
            .map(|c| format!("<{tag}>{}</{tag}>", html_escape(c)))
            .collect();
        format!("<tr>{inner}</tr>\n")
    };
    let body: String = rows.iter().map(|r| cells("td", r)).collect();
    format!("<table>\n{}{body}</table>\n", cells("th", header))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> Doc {
        let evil = "<script>alert('x')</script> & \"q\" *b* | c";
        Doc {
            title: evil.to_owned(),
            sections: vec![Section {
                heading: evil.to_owned(),
                blocks: vec![
                    Block::Item(0, vec![Span::Strong(evil.to_owned())]),
                    Block::Item(
                        1,
                        vec![Span::Del(evil.to_owned()), Span::Ins(evil.to_owned())],
                    ),
                    Block::Table {
                        header: vec![evil.to_owned()],
                        rows: vec![vec![evil.to_owned()]],
                    },
                ],
            }],
        }
    }

    #[test]
    fn html_escapes_every_plan_text() {
        let page = html(&hostile());
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("'x'"), "{page}");
        assert_eq!(page.matches("&lt;script&gt;").count(), 8, "{page}");
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
        assert_eq!(page.matches("<ul>").count(), page.matches("</ul>").count());
    }

    #[test]
    fn markdown_escapes_markup_and_punctuation() {
        let md = markdown(&hostile());
        assert!(!md.contains("<script"), "{md}");
        insta::assert_snapshot!(md.lines().next().unwrap_or_default(), @r#"# &lt;script&gt;alert('x')&lt;/script&gt; &amp; "q" \*b\* \| c"#);
    }
}
