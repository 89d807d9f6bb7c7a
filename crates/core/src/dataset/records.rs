//! Splitting the records of a wide values file, fast and exactly as the csv crate reads them.
//!
//! A province's values file is megabytes of short cells; reading it through the csv crate's records
//! (a copy and a UTF-8 check per field) was a third of loading it. Here the body is cut into pieces of
//! whole records, following the csv reader's quoting, so that the pieces can be read in parallel; a
//! record without quotes, or whose quotes only wrap whole cells (a decimal comma: `1,"27,5",Có`), is split
//! in place; any other goes through `csv_core`, the csv crate's own parser. Each record keeps its line
//! and byte offset in the whole file, counted as people count lines (also after `\r\n`). The tests
//! compare every reading with the csv crate's, on random text too. The separator is the one the file's
//! header uses (`,`, or `;` and tab as Excel writes CSV where the comma is the decimal mark).

/// Cuts CSV text into about `k` pieces of whole records: `(from, to, newlines before from, newlines in
/// the piece)`. The scan
/// follows the csv reader's quoting (a quote opens a quoted cell only at the start of a cell; `""`
/// inside one is a quote), so a newline inside a quoted cell never cuts a record, and a stray quote
/// inside an unquoted cell (`Trường "A"`) does not throw the count off. Only quotes and newlines are
/// visited (memchr), so the scan costs little next to reading the pieces. Also gives where a quote
/// that is never closed opens (the csv reader would take the rest of the file into one cell silently).
pub(super) fn record_pieces(body: &str, k: usize, sep: u8) -> (Vec<Cut>, Option<usize>) {
    let (cuts, unclosed, lines) = cut_records(body, (body.len() / k.max(1)).max(64 * 1024), sep);
    (with_line_counts(&cuts, lines), unclosed)
}

/// A piece of the body: `(from, to, newlines before from, newlines in it)`.
pub(super) type Cut = (usize, usize, usize, usize);

fn with_line_counts(cuts: &[(usize, usize, usize)], lines: usize) -> Vec<Cut> {
    cuts.iter()
        .enumerate()
        .map(|(i, &(from, to, before))| {
            (
                from,
                to,
                before,
                cuts.get(i + 1).map_or(lines, |c| c.2) - before,
            )
        })
        .collect()
}

/// Where a quoted cell that is never closed opens in `text` (byte offset), if one does.
pub(super) fn unclosed_quote(text: &str, sep: u8) -> Option<usize> {
    cut_records(text, usize::MAX, sep).1
}

/// [`record_pieces`] with pieces of at least `target` bytes, and the number of newlines of the body.
#[allow(clippy::type_complexity)]
fn cut_records(
    body: &str,
    target: usize,
    sep: u8,
) -> (Vec<(usize, usize, usize)>, Option<usize>, usize) {
    let bytes = body.as_bytes();
    let mut pieces = Vec::new();
    let (mut from, mut lines_at_from, mut lines) = (0usize, 0usize, 0usize);
    let mut in_quotes = false;
    let mut opened = 0;
    let mut at = 0;
    while let Some(i) = memchr::memchr2(b'"', b'\n', &bytes[at..]).map(|i| at + i) {
        at = i + 1;
        match (bytes[i], in_quotes) {
            (b'\n', _) => {
                lines += 1;
                if !in_quotes && i + 1 - from >= target {
                    pieces.push((from, i + 1, lines_at_from));
                    from = i + 1;
                    lines_at_from = lines;
                }
            }
            (_, false) => {
                // A quote opens a quoted cell only where a cell starts.
                in_quotes = i == 0 || matches!(bytes[i - 1], b'\n' | b'\r') || bytes[i - 1] == sep;
                opened = i;
            }
            (_, true) => {
                if bytes.get(i + 1) == Some(&b'"') {
                    at = i + 2; // `""`: a quote inside the cell
                } else {
                    in_quotes = false;
                }
            }
        }
    }
    if from < bytes.len() || pieces.is_empty() {
        pieces.push((from, bytes.len(), lines_at_from));
    }
    (pieces, in_quotes.then_some(opened), lines)
}

/// One record of a body read in pieces, in 40 bytes: a province's file has 100,000 of them, held
/// until every unit's row is read. The text of a record read in place is `start..end` of the whole
/// file; a record the csv reader read keeps its unquoted fields aside ([`Body::quoted`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    /// Byte offset of the record in the whole file (for columns in messages).
    pub(super) start: usize,
    /// Where its text ends in the whole file (before its line end), for a record read in place.
    pub(super) end: usize,
    pub(super) line: usize,
    /// Number of fields.
    pub(super) len: u32,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A line without quotes: split at the separator.
    Plain,
    /// A line whose quotes only wrap whole cells (see [`whole_cell_quotes`]): split in place too.
    Wrapped,
    /// A record the csv reader read: its fields are `Body::quoted[i]`.
    Quoted(u32),
    /// A line the csv reader could not read: the message is `Body::errors[i]` (at `line`).
    Error(u32),
}

/// The records of a whole body (or of one piece of it), in file order.
#[derive(Debug, Default)]
pub(super) struct Body {
    pub(super) records: Vec<Record>,
    /// The unquoted fields one after another, and where each ends, of the records the csv reader read.
    pub(super) quoted: Vec<(String, Vec<usize>)>,
    pub(super) errors: Vec<String>,
}

/// The fields of one record.
#[derive(Clone, Copy)]
pub(super) enum Fields<'a> {
    /// A line read in place (without quotes, or with quotes around whole cells only).
    InPlace(&'a str),
    /// The unquoted fields one after another, and where each ends.
    Quoted(&'a str, &'a [usize]),
}

impl Body {
    /// Joins the records of pieces read one after another, in their order.
    pub(super) fn concat(pieces: Vec<Body>) -> Body {
        let mut all = Body {
            records: Vec::with_capacity(pieces.iter().map(|p| p.records.len()).sum()),
            ..Body::default()
        };
        for p in pieces {
            let (q, e) = (all.quoted.len() as u32, all.errors.len() as u32);
            all.records.extend(p.records.into_iter().map(|mut r| {
                r.kind = match r.kind {
                    Kind::Quoted(i) => Kind::Quoted(i + q),
                    Kind::Error(i) => Kind::Error(i + e),
                    k => k,
                };
                r
            }));
            all.quoted.extend(p.quoted);
            all.errors.extend(p.errors);
        }
        all
    }

    /// The fields of `r`, a record of this body read from `text` (the whole file).
    pub(super) fn fields<'a>(&'a self, text: &'a str, r: &Record) -> Fields<'a> {
        match r.kind {
            Kind::Quoted(i) => {
                let (t, ends) = &self.quoted[i as usize];
                Fields::Quoted(t, ends)
            }
            Kind::Error(_) => Fields::Quoted("", &[]),
            Kind::Plain | Kind::Wrapped => Fields::InPlace(&text[r.start..r.end]),
        }
    }
}

impl<'a> Fields<'a> {
    /// Every field, in order.
    #[inline(always)]
    pub(super) fn for_each(self, sep: u8, mut f: impl FnMut(&'a str)) {
        for (c, _) in self.words(sep) {
            f(c)
        }
    }

    /// Every field with its [`Word`] beside it, in order. An iterator rather than a callback: the
    /// values file's loop over ten million cells is then one loop, where a closure as large as the
    /// reading of a cell was not inlined and cost a call a cell (its registers saved and restored).
    #[inline(always)]
    pub(super) fn words(self, sep: u8) -> Words<'a> {
        match self {
            Fields::InPlace(t) => Words::InPlace(Cells::new(t, sep)),
            Fields::Quoted(text, ends) => Words::Quoted {
                text,
                ends: ends.iter(),
                from: 0,
            },
        }
    }

    /// The first field ("" for a record without any).
    pub(super) fn first(self, sep: u8) -> &'a str {
        match self {
            Fields::InPlace(t) => Cells::new(t, sep).next_cell().unwrap_or(""),
            Fields::Quoted(text, ends) => ends.first().map_or("", |&e| &text[..e]),
        }
    }

    /// Whether every field is blank.
    pub(super) fn is_blank(self, sep: u8) -> bool {
        let mut blank = true;
        self.for_each(sep, |c| blank &= crate::text::is_blank(c));
        blank
    }
}

/// The fields of a record with their words ([`Fields::words`]).
pub(super) enum Words<'a> {
    InPlace(Cells<'a>),
    Quoted {
        text: &'a str,
        ends: std::slice::Iter<'a, usize>,
        from: usize,
    },
}

impl<'a> Iterator for Words<'a> {
    type Item = (&'a str, Word);

    #[inline(always)]
    fn next(&mut self) -> Option<(&'a str, Word)> {
        match self {
            Words::InPlace(cells) => cells.next_cell_word(),
            Words::Quoted { text, ends, from } => {
                let e = *ends.next()?;
                let c = &text[*from..e];
                *from = e;
                Some((c, Word::of(c.as_bytes())))
            }
        }
    }
}

/// The number of cells of a line whose quotes only wrap whole cells (`1,"27,5",Có`: a decimal comma, the
/// usual reason for a quote): each quote opens a cell or closes it right before a comma or the end, and
/// there is no `""` and no carriage return. `None` for any other line, which the csv reader reads.
pub(super) fn whole_cell_quotes(line: &str, sep: u8) -> Option<usize> {
    let b = line.as_bytes();
    if memchr::memchr(b'\r', b).is_some() {
        return None;
    }
    // Every separator counted at once (vectorised), less those inside quoted cells: only the quotes
    // are visited, not every byte of a line of hundreds.
    let mut cells = 1 + count_byte(b, sep);
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'"', &b[at..]).map(|i| at + i) {
        // A quote opens a cell only where one starts; elsewhere the csv reader reads the line.
        if open > 0 && b[open - 1] != sep {
            return None;
        }
        let close = open + 1 + memchr::memchr(b'"', &b[open + 1..])?;
        if b.get(close + 1).is_some_and(|&c| c != sep) {
            return None;
        }
        cells -= count_byte(&b[open + 1..close], sep);
        at = close + 1;
    }
    Some(cells)
}

/// The cells of a line read in place, without their quotes (a line [`whole_cell_quotes`] accepted, or
/// one without quotes). Cells are a few bytes: their ends are looked for a word (eight bytes) at a time
/// in place, which beats both a search call per cell and a loop over bytes.
pub(super) struct Cells<'a> {
    text: &'a str,
    at: usize,
    sep: u8,
    done: bool,
}

impl<'a> Cells<'a> {
    pub(super) fn new(text: &'a str, sep: u8) -> Cells<'a> {
        Cells {
            text,
            at: 0,
            sep,
            done: false,
        }
    }

    #[inline]
    pub(super) fn next_cell(&mut self) -> Option<&'a str> {
        self.next_cell_word().map(|(c, _)| c)
    }

    /// The next cell and its [`Word`]. A cell's end is looked for eight bytes at a time: the usual cell
    /// (`163`, `0.25`, `Không`) ends within the first word, so that the search takes the same branch
    /// whatever the cell's length, where a loop over bytes left it at an unforeseeable place, cell
    /// after cell; the word read is the cell's own.
    #[inline(always)]
    pub(super) fn next_cell_word(&mut self) -> Option<(&'a str, Word)> {
        if self.done {
            return None;
        }
        let b = self.text.as_bytes();
        let at = self.at;
        let (from, to, next, word) = if b.get(at) == Some(&b'"') {
            // Closed right before a separator or the end ([`whole_cell_quotes`]).
            let close = b[at + 1..]
                .iter()
                .position(|&c| c == b'"')
                .map_or(b.len(), |i| at + 1 + i);
            (at + 1, close, close + 1, Word::of(&b[at + 1..close]))
        } else {
            let splat = Word::ONES * u64::from(self.sep);
            let mut end = at;
            let mut first = None;
            loop {
                let Some(w) = Word::load(b, end) else {
                    while end < b.len() && b[end] != self.sep {
                        end += 1;
                    }
                    break;
                };
                first.get_or_insert(w);
                let k = Word::first_equal(w, splat);
                end += k;
                if k < 8 {
                    break;
                }
            }
            let word = match first {
                Some(w) => Word::masked(w, end - at),
                None => Word::of(&b[at..end]),
            };
            (at, end, end, word)
        };
        if next >= b.len() {
            self.done = true;
        } else {
            self.at = next + 1;
        }
        // Cut at ASCII bytes (quotes, separators), so at character boundaries.
        Some((&self.text[from..to], word))
    }
}

/// A cell of at most eight bytes as one little-endian word, zero past its end (`0` for a longer
/// cell, whose bytes are read the usual way): [`super::PlainNumber`] reads a number from it with a
/// few operations on the word, without a loop over bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Word(pub(super) u64);

impl Word {
    pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
    pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

    /// The eight bytes of `b` from `at`, if there are eight.
    #[inline(always)]
    fn load(b: &[u8], at: usize) -> Option<u64> {
        let w: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(u64::from_le_bytes(w))
    }

    /// The index of the first byte of `w` equal to the byte repeated in `splat`, 8 when none is: a
    /// byte equal gives a zero byte in `w ^ splat`, found by the borrow it leaves (exact for the
    /// first one, which is the one wanted).
    #[inline(always)]
    fn first_equal(w: u64, splat: u64) -> usize {
        let x = w ^ splat;
        ((x.wrapping_sub(Word::ONES) & !x & Word::HIGHS).trailing_zeros() / 8) as usize
    }

    /// `w` (read at a cell's start) as the word of a cell of `len` bytes.
    #[inline(always)]
    fn masked(w: u64, len: usize) -> Word {
        if len > 8 {
            return Word(0);
        }
        // Bytes past the cell cleared: `len` of 8 keeps them all, 0 none.
        Word(w & u64::MAX.checked_shr(64 - 8 * len as u32).unwrap_or(0))
    }

    /// The word of a cell's bytes.
    #[inline]
    pub(super) fn of(cell: &[u8]) -> Word {
        if cell.len() > 8 {
            return Word(0);
        }
        let mut w = [0u8; 8];
        w[..cell.len()].copy_from_slice(cell);
        Word(u64::from_le_bytes(w))
    }
}

/// How many times `x` occurs in `b` (vectorised: counted in bytes, 255 at a time).
fn count_byte(b: &[u8], x: u8) -> usize {
    b.chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &y| n + u8::from(y == x))))
        .sum()
}

/// Reads the records of one piece of the body (whole records, see [`record_pieces`]). `base` is the
/// piece's byte offset in the whole file, `line` the file line it starts on, and `lines` how many line
/// ends it holds (to size its list once).
pub(super) fn read_piece(piece: &str, base: usize, mut line: usize, sep: u8, lines: usize) -> Body {
    let mut out = Body {
        records: Vec::with_capacity(lines + 1),
        ..Body::default()
    };
    let mut quoted: Option<QuotedReader> = None;
    let bytes = piece.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let nl = memchr::memchr(b'\n', rest);
        let end = nl.unwrap_or(rest.len());
        let text = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
        // A line read in place: `Some(None)` for an empty one, which is skipped as the csv reader does.
        let in_place = if memchr::memchr2(b'"', b'\r', text).is_none() {
            Some((!text.is_empty()).then(|| (Kind::Plain, 1 + count_byte(text, sep))))
        } else {
            // Cut at ASCII bytes, so at character boundaries.
            whole_cell_quotes(&piece[pos..pos + text.len()], sep).map(|n| Some((Kind::Wrapped, n)))
        };
        if let Some(record) = in_place {
            if let Some((kind, len)) = record {
                out.records.push(Record {
                    start: base + pos,
                    end: base + pos + text.len(),
                    line,
                    len: len as u32,
                    kind,
                });
            }
            pos += nl.map_or(end, |n| n + 1);
            line += 1;
            continue;
        }
        // Line ends before the record are not part of it (the csv reader skips empty lines too).
        let skip = rest
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        if skip > 0 {
            line += count_byte(&rest[..skip], b'\n');
            pos += skip;
            continue;
        }
        let reader = quoted.get_or_insert_with(|| QuotedReader::new(sep));
        let (consumed, fields) = reader.read(&piece[pos..], end);
        match fields {
            Some(Ok((text, ends))) => {
                out.records.push(Record {
                    start: base + pos,
                    end: base + pos,
                    line,
                    len: ends.len() as u32,
                    kind: Kind::Quoted(out.quoted.len() as u32),
                });
                out.quoted.push((text, ends));
            }
            Some(Err(e)) => {
                out.records.push(Record {
                    start: base + pos,
                    end: base + pos,
                    line,
                    len: 0,
                    kind: Kind::Error(out.errors.len() as u32),
                });
                out.errors.push(crate::msg!(
                    "dòng CSV không đọc được: {e}",
                    "unreadable CSV line: {e}"
                ));
            }
            None => {}
        }
        let consumed = consumed.max(1).min(rest.len());
        line += count_byte(&rest[..consumed], b'\n');
        pos += consumed;
    }
    out
}

/// Reads one record that holds a quote with `csv_core` (the csv crate's own parser, without its
/// buffering), reusing its buffers from record to record.
struct QuotedReader {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl QuotedReader {
    fn new(sep: u8) -> Self {
        QuotedReader {
            rdr: csv_core::ReaderBuilder::new().delimiter(sep).build(),
            out: vec![0; 4096],
            ends: vec![0; 256],
        }
    }
}

impl QuotedReader {
    /// The bytes of `input` the record took, and its fields (`None`: no record, only line ends).
    /// `line_len` is where the record's first line ends, to size the buffers.
    #[allow(clippy::type_complexity)]
    fn read(
        &mut self,
        input: &str,
        line_len: usize,
    ) -> (
        usize,
        Option<Result<(String, Vec<usize>), std::str::Utf8Error>>,
    ) {
        use csv_core::ReadRecordResult as R;
        self.rdr.reset();
        if self.out.len() < line_len + 1 {
            self.out.resize(line_len + 1, 0);
        }
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        let input = input.as_bytes();
        loop {
            let (res, i, o, e) =
                self.rdr
                    .read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::Record => break,
                R::End => return (nin, None),
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0)
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0)
                }
                // The input is used up: the next call (with nothing left) ends the record.
                R::InputEmpty => {}
            }
        }
        let fields = std::str::from_utf8(&self.out[..nout])
            .map(|t| (t.to_string(), self.ends[..nend].to_vec()));
        (nin, Some(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the csv crate reads from `body`: per record its fields, line and byte offset. The csv
    /// crate places a record after a `\r\n` at the `\n` (and on the line before); people count lines,
    /// so the record starts at its first byte and its line is one more than the newlines before it.
    fn with_csv(body: &str, sep: u8) -> Vec<(Vec<String>, usize, usize)> {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes());
        let (mut counted, mut lines) = (0, 1);
        r.records()
            .map(|rec| {
                let rec = rec.expect("text is UTF-8");
                let mut at = rec.position().expect("position").byte() as usize;
                while matches!(body.as_bytes().get(at), Some(b'\r' | b'\n')) {
                    at += 1;
                }
                lines += body.as_bytes()[counted..at]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                counted = at;
                (rec.iter().map(str::to_string).collect(), lines, at)
            })
            .collect()
    }

    /// The first difference between two readings, for a short failure message.
    fn first_difference(
        a: &[(Vec<String>, usize, usize)],
        b: &[(Vec<String>, usize, usize)],
    ) -> Option<String> {
        if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
            return Some(format!("record {i}: {:?} ≠ {:?}", a[i], b[i]));
        }
        (a.len() != b.len()).then(|| format!("{} records ≠ {}", a.len(), b.len()))
    }

    /// What the wide reader reads from `body` cut into pieces of at least `target` bytes.
    fn with_pieces(body: &str, target: usize, sep: u8) -> Vec<(Vec<String>, usize, usize)> {
        let (cuts, _, lines) = cut_records(body, target, sep);
        let pieces = with_line_counts(&cuts, lines)
            .into_iter()
            .map(|(from, to, before, n)| read_piece(&body[from..to], from, 1 + before, sep, n))
            .collect();
        let all = Body::concat(pieces);
        all.records
            .iter()
            .map(|r| {
                assert!(!matches!(r.kind, Kind::Error(_)), "no read error");
                let mut fields = Vec::new();
                for (f, w) in all.fields(body, r).words(sep) {
                    // Each cell's word is its bytes (found with its end, eight bytes at a time).
                    assert_eq!(w, Word::of(f.as_bytes()), "{f:?}");
                    fields.push(f.to_string())
                }
                assert_eq!(r.len as usize, fields.len());
                // The first field alone (how a record's unit is found) is the first of them all.
                assert_eq!(all.fields(body, r).first(sep), fields[0]);
                (fields, r.line, r.start)
            })
            .collect()
    }

    #[test]
    fn reads_as_the_csv_crate_does() {
        for body in [
            "a,b\nc,d\n",
            "a,b\r\nc,d",
            "\n\na,\"b,c\"\n\"x\ny\",z\n",
            "1,\"27,5\",\"he said \"\"hi\"\"\"\r\n2,3\r\n",
            "a\rb,c\n",
            "Trường \"A\",1\nb,\"q\nr\"\n",
            "\"ab\"cd,e\n\"unterminated,\nx",
            "x,y",
            "",
        ] {
            // The same text as Excel writes it with a semicolon or a tab between cells.
            for sep in [b',', b';', b'\t'] {
                let body = &body.replace(',', &char::from(sep).to_string());
                for target in [1, 3, 1 << 20] {
                    let d = first_difference(&with_pieces(body, target, sep), &with_csv(body, sep));
                    assert!(
                        d.is_none(),
                        "{body:?} ({target}): {}",
                        d.unwrap_or_default()
                    );
                }
            }
        }
    }

    #[test]
    fn finds_the_quote_that_is_never_closed() {
        assert_eq!(unclosed_quote("a,b\nc,\"d\n", b','), Some(6));
        assert_eq!(unclosed_quote("a,\"b\"\"\n", b','), Some(2));
        assert_eq!(unclosed_quote("a;\"b\nc\";d\n", b';'), None);
        // A quote inside an unquoted cell is a character, as the csv reader reads it.
        assert_eq!(unclosed_quote("Trường \"A,1\n", b','), None);
        assert_eq!(unclosed_quote("a,\"b,c\"\n", b','), None);
        assert_eq!(unclosed_quote("a;\"b\n", b','), None);
    }

    #[test]
    fn cuts_only_between_records() {
        // Large enough for several pieces of 64 KiB, with quoted newlines and stray quotes throughout.
        let mut body = String::new();
        for i in 0..30_000 {
            match i % 4 {
                0 => body.push_str(&format!("u{i},\"{i},5\",Có\n")),
                1 => body.push_str(&format!("u{i},\"dòng\nhai\",x\r\n")),
                2 => body.push_str(&format!("u{i},Trường \"A\",1\n")),
                _ => body.push_str(&format!("u{i},1,2\n")),
            }
        }
        let plain: String = (0..30_000).map(|i| format!("u{i},1,2\n")).collect();
        for body in [body, plain] {
            assert!(record_pieces(&body, 8, b',').0.len() > 4);
            let target = (body.len() / 8).max(64 * 1024);
            let d = first_difference(&with_pieces(&body, target, b','), &with_csv(&body, b','));
            assert!(d.is_none(), "{}", d.unwrap_or_default());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn any_text_reads_as_the_csv_crate_does(body in "[ab,;\t\"\n\r Đ1]{0,60}", target in 1usize..12, sep in proptest::sample::select(vec![b',', b';', b'\t'])) {
            let d = first_difference(&with_pieces(&body, target, sep), &with_csv(&body, sep));
            proptest::prop_assert!(d.is_none(), "{:?}: {}", body, d.unwrap_or_default());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Lines of many cells, as a province's values files have (hundreds of bytes, where the cases
        /// above are a few dozen): cells of every length, some long, and cells quoted whole (a decimal
        /// comma, a choice with a comma). Stray quotes send a line to the csv reader: the short lines
        /// above have them.
        #[test]
        fn long_lines_read_as_the_csv_crate_does(
            lines in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        6 => "[a1Đ ]{0,12}",
                        1 => "[a1Đ ]{20,90}",
                        2 => "\"[a1,;\tĐ ]{0,9}\"",
                    ],
                    0..70,
                ),
                1..4,
            ),
            sep in proptest::sample::select(vec![b',', b';', b'\t']),
        ) {
            let sep_text = char::from(sep).to_string();
            let body: String = lines
                .iter()
                .map(|cells| cells.join(&sep_text) + "\n")
                .collect();
            for target in [1, 1 << 20] {
                let d = first_difference(&with_pieces(&body, target, sep), &with_csv(&body, sep));
                proptest::prop_assert!(d.is_none(), "{:?}: {}", body, d.unwrap_or_default());
            }
        }
    }
}
