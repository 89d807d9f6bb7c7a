//! HTML pages: the tables provincial portals and newspapers publish, with the headings around them.
//!
//! The page is parsed with html5ever (via scraper), which repairs broken markup the way browsers do.
//! Reading order is kept: a leaf block (`<p>`, `<h2>`, a `<div>` without blocks inside) is one
//! paragraph, a `<caption>` is the heading of its table, a `<table>` is a grid. Merged cells are laid
//! out as Word's text export does (see [`crate::source`]): a `colspan` cell appears once and the rows
//! under a `rowspan` get a blank cell. Positions follow [`crate::source::table_pos`].

use ego_tree::NodeRef;
use egov_core::table::Pos;
use scraper::{Html, Node};

use crate::source::{Item, SrcCell, SrcRow, table_pos};

/// Limits on spans, so that `rowspan=99999999` in a hostile page cannot blow up memory.
const MAX_SPAN: usize = 1000;
/// Element nesting followed before the rest of a subtree is read as text.
const MAX_DEPTH: usize = 200;

/// Splits an HTML page into paragraphs and table grids.
pub(crate) fn read(text: &str) -> Vec<Item> {
    let doc = Html::parse_document(text);
    let mut w = Walker {
        items: Vec::new(),
        tables: 0,
        paragraphs: 0,
    };
    w.walk(doc.tree.root(), 0);
    w.items
}

struct Walker {
    items: Vec<Item>,
    tables: usize,
    paragraphs: usize,
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "ul"
            | "ol"
            | "li"
            | "table"
            | "caption"
            | "blockquote"
            | "dl"
            | "dt"
            | "dd"
            | "figure"
            | "figcaption"
            | "nav"
            | "aside"
            | "form"
            | "pre"
            | "center"
            | "body"
            | "html"
            | "tr"
            | "br"
    )
}

fn skipped(name: &str) -> bool {
    matches!(name, "script" | "style" | "head" | "template" | "noscript")
}

fn has_block_inside(node: NodeRef<'_, Node>) -> bool {
    node.descendants()
        .skip(1)
        .any(|d| matches!(d.value(), Node::Element(e) if is_block(e.name()) && e.name() != "br"))
}

impl Walker {
    fn paragraph(&mut self, raw: String) {
        if raw.trim().is_empty() {
            return;
        }
        self.paragraphs += 1;
        let k = self.paragraphs;
        let pos = Pos::paragraph(u32::try_from(k).unwrap_or(u32::MAX));
        self.items.push(Item::Text { raw, pos });
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        match node.value() {
            // Real pages nest a few dozen levels; deeper than this, read the rest as one paragraph
            // rather than recurse without bound on a hostile page.
            Node::Element(_) if depth > MAX_DEPTH => self.paragraph(text_of(node)),
            Node::Text(t) => self.paragraph(t.trim().to_string()),
            Node::Element(e) if skipped(e.name()) => {}
            Node::Element(e) if e.name() == "table" => self.table(node),
            Node::Element(_) if !has_block_inside(node) => self.paragraph(text_of(node)),
            _ => {
                for child in node.children() {
                    self.walk(child, depth + 1);
                }
            }
        }
    }

    fn table(&mut self, table: NodeRef<'_, Node>) {
        self.tables += 1;
        let t = self.tables;
        let mut trs = Vec::new();
        collect_rows(table, &mut trs, &mut |caption| self.paragraph(caption));
        // Open vertical merges: (first column, width, rows still covered).
        let mut open: Vec<(usize, usize, usize)> = Vec::new();
        let mut rows = Vec::new();
        for (ri, tr) in trs.into_iter().enumerate() {
            let mut cells = Vec::new();
            let mut col = 0;
            let push = |cells: &mut Vec<SrcCell>, raw: String| {
                let c = cells.len() + 1;
                cells.push(SrcCell {
                    typed: false,
                    raw,
                    pos: table_pos(t, ri + 1, c),
                });
            };
            let fill = |cells: &mut Vec<SrcCell>,
                        col: &mut usize,
                        open: &mut Vec<(usize, usize, usize)>| {
                while let Some(o) = open.iter_mut().find(|o| o.0 == *col && o.2 > 0) {
                    o.2 -= 1;
                    *col += o.1;
                    push(cells, String::new());
                }
            };
            for td in tr.children() {
                let Node::Element(e) = td.value() else {
                    continue;
                };
                if !matches!(e.name(), "td" | "th") {
                    continue;
                }
                fill(&mut cells, &mut col, &mut open);
                let span = |a: &str| {
                    e.attr(a)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPAN)
                };
                let (colspan, rowspan) = (span("colspan"), span("rowspan"));
                if rowspan > 1 {
                    open.retain(|o| o.2 > 0 && (o.0 + o.1 <= col || o.0 >= col + colspan));
                    open.push((col, colspan, rowspan - 1));
                }
                push(&mut cells, text_of(td));
                col += colspan;
            }
            fill(&mut cells, &mut col, &mut open);
            let pos = table_pos(t, ri + 1, 1);
            rows.push(SrcRow { cells, pos });
        }
        self.items.push(Item::Grid(rows));
    }
}

/// The rows of a table (through thead/tbody/tfoot, not into nested tables); captions go to `caption`.
fn collect_rows<'a>(
    node: NodeRef<'a, Node>,
    out: &mut Vec<NodeRef<'a, Node>>,
    caption: &mut dyn FnMut(String),
) {
    for child in node.children() {
        let Node::Element(e) = child.value() else {
            continue;
        };
        match e.name() {
            "tr" => out.push(child),
            "caption" => caption(text_of(child)),
            "thead" | "tbody" | "tfoot" => collect_rows(child, out, caption),
            _ => {}
        }
    }
}

/// Text of an element as a reader sees it: `<br>` and inner blocks break lines; ASCII layout
/// whitespace at the ends is dropped, non-breaking spaces are kept (they mark blank cells).
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match d.value() {
            Node::Text(t)
                if !d
                    .ancestors()
                    .any(|a| matches!(a.value(), Node::Element(e) if skipped(e.name()))) =>
            {
                s.push_str(t);
            }
            Node::Element(e) if e.name() == "br" || (is_block(e.name()) && !s.is_empty()) => {
                s.push('\n')
            }
            _ => {}
        }
    }
    s.trim_matches(|c: char| c.is_ascii_whitespace())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_laid_out_like_word() {
        let items = read(
            "<h2>Bảng 1</h2><table><tr><th rowspan=2>TT</th><th colspan=2>Điểm</th><th rowspan=2>Hạng</th></tr>\
             <tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2,5</td><td>&nbsp;</td><td>1</td></tr></table>",
        );
        assert_eq!(
            items[0],
            Item::Text {
                raw: "Bảng 1".into(),
                pos: Pos::paragraph(1)
            }
        );
        let Item::Grid(rows) = &items[1] else {
            panic!("a grid")
        };
        let raw = |r: usize| {
            rows[r]
                .cells
                .iter()
                .map(|c| c.raw.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(raw(0), ["TT", "Điểm", "Hạng"]);
        assert_eq!(raw(1), ["", "A", "B", ""]);
        assert_eq!(raw(2), ["1", "2,5", "\u{a0}", "1"]);
        assert_eq!(rows[2].cells[1].pos.to_string(), "bảng 1, hàng 3, ô 2");
    }
}
