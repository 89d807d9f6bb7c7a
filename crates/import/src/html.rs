//! HTML pages: the tables provincial portals and newspapers publish, with the headings around them.
//!
//! The page is parsed with html5ever (via scraper), which repairs broken markup the way browsers do.
//! Reading order is kept: a leaf block (`<p>`, `<h2>`, a `<div>` without blocks inside) is one
//! paragraph, a `<caption>` is the heading of its table, a `<table>` is a grid. Merged cells are laid
//! out as Word's text export does (see [`crate::source`]): a `colspan` cell appears once and the rows
//! under a `rowspan` get a blank cell. Positions follow [`crate::source::table_pos`].

use std::collections::{BTreeMap, HashSet};

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use egov_core::table::Pos;
use scraper::{Html, Node};

use crate::budget::{Budget, BudgetError};
use crate::source::{Item, SrcCell, SrcRow, table_pos};

/// Limits on spans, so that `rowspan=99999999` in a hostile page cannot blow up memory on its own;
/// the blank cells spans lay out over a whole page are charged to the [`Budget`].
const MAX_SPAN: usize = 1000;

/// Splits an HTML page into paragraphs and table grids, charging `budget` for every cell and text.
/// Linear in the page: the tree is walked once to find which elements hold blocks, once to read it,
/// and every text node is read once.
pub(crate) fn read(text: &str, budget: &mut Budget) -> Result<Vec<Item>, BudgetError> {
    budget.scan(text.len() as u64);
    let doc = Html::parse_document(text);
    let mut w = Walker {
        items: Vec::new(),
        tables: 0,
        paragraphs: 0,
        with_blocks: with_blocks(doc.tree.root(), budget),
        budget,
    };
    w.walk(doc.tree.root(), 0)?;
    Ok(w.items)
}

struct Walker<'b> {
    items: Vec<Item>,
    tables: usize,
    paragraphs: usize,
    /// Elements with a block element somewhere inside (see [`with_blocks`]).
    with_blocks: HashSet<NodeId>,
    budget: &'b mut Budget,
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

/// The nodes with a block element (other than `<br>`) among their descendants, found in one
/// post-order pass (asking each element in turn would walk its subtree once per ancestor).
fn with_blocks(root: NodeRef<'_, Node>, budget: &mut Budget) -> HashSet<NodeId> {
    let mut out = HashSet::new();
    // For each open node: whether a block was seen inside it so far.
    let mut open: Vec<bool> = Vec::new();
    for edge in root.traverse() {
        budget.step(1);
        match edge {
            Edge::Open(_) => open.push(false),
            Edge::Close(node) => {
                let inside = open.pop().unwrap_or(false);
                if inside {
                    out.insert(node.id());
                }
                let own = matches!(node.value(), Node::Element(e) if is_block(e.name()) && e.name() != "br");
                if let Some(parent) = open.last_mut() {
                    *parent |= inside || own;
                }
            }
        }
    }
    out
}

impl Walker<'_> {
    fn paragraph(&mut self, raw: String) -> Result<(), BudgetError> {
        if raw.trim().is_empty() {
            return Ok(());
        }
        self.paragraphs += 1;
        let k = self.paragraphs;
        let pos = Pos::paragraph(u32::try_from(k).unwrap_or(u32::MAX));
        self.budget.charge_text(raw.len() as u64, || pos.clone())?;
        self.items.push(Item::Text { raw, pos });
        Ok(())
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: u32) -> Result<(), BudgetError> {
        self.budget.step(1);
        match node.value() {
            // Real pages nest a few dozen levels; deeper than the budget's depth, read the rest as one
            // paragraph rather than recurse without bound on a hostile page.
            Node::Element(_) if self.budget.past_depth(depth) => {
                let text = text_of(node, self.budget);
                self.paragraph(text)
            }
            Node::Text(t) => self.paragraph(t.trim().to_string()),
            Node::Element(e) if skipped(e.name()) => Ok(()),
            Node::Element(e) if e.name() == "table" => self.table(node),
            Node::Element(_) if !self.with_blocks.contains(&node.id()) => {
                let text = text_of(node, self.budget);
                self.paragraph(text)
            }
            _ => {
                for child in node.children() {
                    self.walk(child, depth + 1)?;
                }
                Ok(())
            }
        }
    }

    fn table(&mut self, table: NodeRef<'_, Node>) -> Result<(), BudgetError> {
        self.tables += 1;
        let t = self.tables;
        let mut trs = Vec::new();
        let mut captions = Vec::new();
        collect_rows(table, &mut trs, &mut captions, self.budget);
        for caption in captions {
            self.paragraph(caption)?;
        }
        // Open vertical merges by first column: (width, rows still covered). They never overlap: a
        // new merge removes those it covers.
        let mut open: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        let mut rows = Vec::new();
        for (ri, tr) in trs.into_iter().enumerate() {
            let mut cells: Vec<SrcCell> = Vec::new();
            let mut col = 0;
            let budget = &mut *self.budget;
            for td in tr.children() {
                budget.step(1);
                let Node::Element(e) = td.value() else {
                    continue;
                };
                if !matches!(e.name(), "td" | "th") {
                    continue;
                }
                fill(&mut cells, &mut col, &mut open, t, ri, budget)?;
                let span = |a: &str| {
                    e.attr(a)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPAN)
                };
                let (colspan, rowspan) = (span("colspan"), span("rowspan"));
                if rowspan > 1 {
                    let end = col + colspan;
                    let mut covered: Vec<usize> = open.range(col..end).map(|(&c, _)| c).collect();
                    if let Some((&c, &(w, _))) = open.range(..col).next_back()
                        && c + w > col
                    {
                        covered.push(c);
                    }
                    budget.step(covered.len() as u64 + 1);
                    for c in covered {
                        open.remove(&c);
                    }
                    open.insert(col, (colspan, rowspan - 1));
                }
                let c = cells.len() + 1;
                let pos = || table_pos(t, ri + 1, c);
                budget.charge_cells(1, pos)?;
                let raw = text_of(td, budget);
                budget.charge_text(raw.len() as u64, pos)?;
                cells.push(SrcCell {
                    typed: false,
                    raw,
                    pos: pos(),
                });
                col += colspan;
            }
            fill(&mut cells, &mut col, &mut open, t, ri, budget)?;
            let pos = table_pos(t, ri + 1, 1);
            rows.push(SrcRow { cells, pos });
        }
        self.items.push(Item::Grid(rows));
        Ok(())
    }
}

/// The blank cells of the merges open at `col` and right after, as Word lays out a vertical merge.
fn fill(
    cells: &mut Vec<SrcCell>,
    col: &mut usize,
    open: &mut BTreeMap<usize, (usize, usize)>,
    table: usize,
    row: usize,
    budget: &mut Budget,
) -> Result<(), BudgetError> {
    while let Some(o) = open.get_mut(col) {
        budget.step(1);
        let (width, left) = *o;
        if left <= 1 {
            open.remove(col);
        } else {
            o.1 = left - 1;
        }
        let c = cells.len() + 1;
        let pos = || table_pos(table, row + 1, c);
        budget.charge_spans(1, pos)?;
        cells.push(SrcCell {
            typed: false,
            raw: String::new(),
            pos: pos(),
        });
        *col += width;
    }
    Ok(())
}

/// The rows of a table (through thead/tbody/tfoot, not into nested tables); the text of its captions
/// goes to `captions`.
fn collect_rows<'a>(
    node: NodeRef<'a, Node>,
    out: &mut Vec<NodeRef<'a, Node>>,
    captions: &mut Vec<String>,
    budget: &mut Budget,
) {
    for child in node.children() {
        budget.step(1);
        let Node::Element(e) = child.value() else {
            continue;
        };
        match e.name() {
            "tr" => out.push(child),
            "caption" => captions.push(text_of(child, budget)),
            "thead" | "tbody" | "tfoot" => collect_rows(child, out, captions, budget),
            _ => {}
        }
    }
}

/// Text of an element as a reader sees it: `<br>` and inner blocks break lines; ASCII layout
/// whitespace at the ends is dropped, non-breaking spaces are kept (they mark blank cells). One pass
/// over the subtree, counting the skipped elements (`<script>`…) it is inside of on the way down.
fn text_of(node: NodeRef<'_, Node>, budget: &mut Budget) -> String {
    let mut s = String::new();
    let mut in_skipped = 0usize;
    for edge in node.traverse() {
        budget.step(1);
        match edge {
            Edge::Open(d) => match d.value() {
                Node::Text(t) if in_skipped == 0 => {
                    budget.scan(t.len() as u64);
                    s.push_str(t);
                }
                Node::Element(e) => {
                    if skipped(e.name()) {
                        in_skipped += 1;
                    }
                    if e.name() == "br" || (is_block(e.name()) && !s.is_empty()) {
                        s.push('\n');
                    }
                }
                _ => {}
            },
            Edge::Close(d) => {
                if matches!(d.value(), Node::Element(e) if skipped(e.name())) {
                    in_skipped -= 1;
                }
            }
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
            &mut Budget::default(),
        )
        .unwrap();
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
