//! Hostile DOCX/XLSX files are refused at the limit they cross, quickly and without large memory.
//!
//! Each file here is tiny but would cost gigabytes read naively: a cell at the far corner of a sheet (a
//! dense grid of 17 billion cells), a zip entry of zeros that inflates past the part cap, an archive of
//! ten thousand entries, a forged shared-string count. A test finishing at all (in a debug build, in a
//! fraction of a second) is part of what it proves. The zips are written byte by byte so that they can
//! say what a hostile file would.

use std::io::{Cursor, Read};

use egov_import::package::{MAX_ENTRIES, MAX_PART_BYTES, MAX_TOTAL_BYTES, PackageError};
use egov_import::{Format, ImportError, import_bytes};
use rust_xlsxwriter::Workbook;

/// The package error behind an import that must have been refused for its size.
fn refused(name: &str, bytes: &[u8], format: Format) -> (PackageError, String) {
    match import_bytes(name, bytes, format) {
        Err(e @ ImportError::TooLarge { .. }) => {
            let text = e.to_string();
            let ImportError::TooLarge { source, .. } = e else {
                unreachable!()
            };
            (source, text)
        }
        Err(e) => panic!("{name}: refused, but not for its size: {e}"),
        Ok(_) => panic!("{name}: imported, but must be refused for its size"),
    }
}

/// A workbook of one sheet with `cells` written as text at 0-based (row, column).
fn workbook(sheet: &str, cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).expect("sheet name");
    for &(r, c, text) in cells {
        ws.write_string(r, c, text).expect("write");
    }
    book.save_to_buffer().expect("xlsx")
}

/// A small published table: header and three units.
fn table_cells() -> Vec<(u32, u16, &'static str)> {
    vec![
        (0, 0, "TT"),
        (0, 1, "Đơn vị"),
        (0, 2, "Điểm"),
        (1, 0, "1"),
        (1, 1, "Sở Y tế"),
        (1, 2, "74,4"),
        (2, 0, "2"),
        (2, 1, "Sở Tư pháp"),
        (2, 2, "70,1"),
        (3, 0, "3"),
        (3, 1, "Sở Nội vụ"),
        (3, 2, "69,5"),
    ]
}

#[test]
fn a_cell_at_the_far_corner_is_refused_where_it_is() {
    let bytes = workbook("Xếp hạng", &[(0, 0, "TT"), (1_048_575, 16_383, "x")]);
    for format in [Format::Xlsx, Format::Auto] {
        let (e, text) = refused("bom.xlsx", &bytes, format);
        assert!(
            matches!(&e, PackageError::TooManyRows { sheet, cell, row: 1_048_575, max: 100_000 }
                if sheet == "Xếp hạng" && cell == "XFD1048576"),
            "{e:?}"
        );
        assert!(
            text.starts_with(
                "bom.xlsx: tệp quá lớn để đọc: Xếp hạng!XFD1048576: ô ở hàng 1.048.576"
            ),
            "{text}"
        );
    }
}

#[test]
fn a_cell_far_to_the_right_is_refused_where_it_is() {
    let bytes = workbook("Sheet1", &[(0, 0, "TT"), (0, 16_383, "x")]);
    let (e, text) = refused("rong.xlsx", &bytes, Format::Xlsx);
    assert!(
        matches!(&e, PackageError::TooManyColumns { cell, column: 16_383, max: 2_000, .. } if cell == "XFD1"),
        "{e:?}"
    );
    assert!(text.contains("Sheet1!XFD1: ô ở cột thứ 16.384"), "{text}");
}

#[test]
fn a_stray_cell_far_below_a_table_costs_nothing() {
    // Within the row limit, but 99,996 empty rows away: they are one separator, not a grid.
    let mut cells = table_cells();
    cells.push((99_999, 0, "Ghi chú cuối trang"));
    let bytes = workbook("Sheet1", &cells);
    let imported = import_bytes("xa.xlsx", &bytes, Format::Xlsx).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imported.tables.len(), 1);
    assert_eq!(imported.tables[0].rows.len(), 3);
    assert!(imported.headings.iter().any(|h| h == "Ghi chú cuối trang"));
}

#[test]
fn rows_spread_over_a_wide_sheet_are_bounded() {
    // 2,001 rows read across 2,000 columns: 4,002,000 grid cells, past the 4,000,000 budget, from only
    // 2,002 values. The budget is crossed at the last cell of row 2,001.
    let mut cells: Vec<(u32, u16, &str)> = vec![(0, 1_999, "x")];
    cells.extend((0..2_001).map(|r| (r, 0, "1")));
    let bytes = workbook("Sheet1", &cells);
    let (e, text) = refused("luoi.xlsx", &bytes, Format::Xlsx);
    assert!(
        matches!(&e, PackageError::GridTooLarge { cell, max: 4_000_000, .. } if cell == "BXX2001"),
        "{e:?}"
    );
    assert!(text.contains("Sheet1!BXX2001"), "{text}");
}

#[test]
fn a_forged_shared_string_count_is_refused_before_calamine_reserves_it() {
    let bytes = workbook("Sheet1", &table_cells());
    let mut entries = entries_of(&bytes);
    let (_, sst) = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .expect("rust_xlsxwriter writes shared strings");
    let text = String::from_utf8(sst.clone()).expect("utf-8");
    let at = text.find("uniqueCount=\"").expect("uniqueCount") + "uniqueCount=\"".len();
    let end = at + text[at..].find('"').expect("closing quote");
    *sst = format!("{}100000000000000{}", &text[..at], &text[end..]).into_bytes();
    let forged = raw_zip(
        &entries
            .iter()
            .map(|(n, d)| stored(n, d))
            .collect::<Vec<_>>(),
    );
    let (e, _) = refused("sst.xlsx", &forged, Format::Xlsx);
    assert!(
        matches!(&e, PackageError::TooManyStrings { part, count, .. }
            if part == "xl/sharedStrings.xml" && count == "100000000000000"),
        "{e:?}"
    );
    // The same file with its honest count reads.
    let honest = raw_zip(
        &entries_of(&bytes)
            .iter()
            .map(|(n, d)| stored(n, d))
            .collect::<Vec<_>>(),
    );
    let imported =
        import_bytes("sst.xlsx", &honest, Format::Xlsx).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imported.tables.len(), 1);
}

#[test]
fn too_many_zip_entries_are_refused() {
    let pads = |prefix: &str| -> Vec<RawEntry> {
        (0..MAX_ENTRIES)
            .map(|i| stored(&format!("{prefix}/pad{i}.bin"), b""))
            .collect()
    };
    let mut docx = docx_parts(DOCUMENT.as_bytes());
    // The document alone reads.
    assert!(import_bytes("qd.docx", &raw_zip(&docx), Format::Auto).is_ok());
    docx.extend(pads("word/media"));
    let (e, text) = refused("qd.docx", &raw_zip(&docx), Format::Auto);
    assert_eq!(
        e,
        PackageError::TooManyEntries {
            count: MAX_ENTRIES + 3,
            max: MAX_ENTRIES
        }
    );
    assert!(
        text.contains("tệp nén có 10.003 mục, vượt giới hạn 10.000 mục"),
        "{text}"
    );

    let mut xlsx: Vec<RawEntry> = entries_of(&workbook("Sheet1", &table_cells()))
        .iter()
        .map(|(n, d)| stored(n, d))
        .collect();
    let n = xlsx.len();
    xlsx.extend(pads("xl/media"));
    let (e, _) = refused("bang.xlsx", &raw_zip(&xlsx), Format::Xlsx);
    assert_eq!(
        e,
        PackageError::TooManyEntries {
            count: MAX_ENTRIES + n,
            max: MAX_ENTRIES
        }
    );
}

#[test]
fn a_zero_filled_part_past_the_cap_is_refused_without_inflating_it() {
    // Just over 256 MiB of zeros, about 1.7 MB compressed, with an honest declared size.
    let reps = usize::try_from(MAX_PART_BYTES / 258).expect("fits") + 1;
    let (zeros, size) = deflated_zeros(reps);
    assert!(u64::from(size) > MAX_PART_BYTES);
    let bomb = |name: &str| RawEntry {
        name: name.to_string(),
        method: DEFLATED,
        data: zeros.clone(),
        // Never checked: nothing of the entry is inflated.
        crc: 0,
        size,
    };

    let mut docx = docx_parts(b"");
    docx.retain(|e| e.name != "word/document.xml");
    docx.push(bomb("word/document.xml"));
    let (e, text) = refused("bom.docx", &raw_zip(&docx), Format::Auto);
    assert_eq!(
        e,
        PackageError::PartTooLarge {
            part: "word/document.xml".into(),
            size: u64::from(size),
            max: MAX_PART_BYTES
        }
    );
    assert!(
        text.contains("word/document.xml: giải nén ra 256 MiB, vượt giới hạn 256 MiB"),
        "{text}"
    );

    let mut xlsx: Vec<RawEntry> = entries_of(&workbook("Sheet1", &table_cells()))
        .iter()
        .map(|(n, d)| stored(n, d))
        .collect();
    let sheet = xlsx
        .iter()
        .position(|e| e.name == "xl/worksheets/sheet1.xml")
        .expect("sheet part");
    xlsx[sheet] = bomb("xl/worksheets/sheet1.xml");
    let (e, _) = refused("bom.xlsx", &raw_zip(&xlsx), Format::Xlsx);
    assert!(
        matches!(&e, PackageError::PartTooLarge { part, .. } if part == "xl/worksheets/sheet1.xml"),
        "{e:?}"
    );
}

#[test]
fn parts_past_the_total_cap_are_refused() {
    // Three parts of 200 MiB of zeros: each under the part cap, together past the total cap.
    let (zeros, size) = deflated_zeros(200 * 1024 * 1024 / 258);
    let mut xlsx: Vec<RawEntry> = entries_of(&workbook("Sheet1", &table_cells()))
        .iter()
        .map(|(n, d)| stored(n, d))
        .collect();
    for k in 1..=3 {
        xlsx.push(RawEntry {
            name: format!("xl/extra{k}.xml"),
            method: DEFLATED,
            data: zeros.clone(),
            crc: 0,
            size,
        });
    }
    let (e, text) = refused("tong.xlsx", &raw_zip(&xlsx), Format::Xlsx);
    assert!(
        matches!(&e, PackageError::TotalTooLarge { part, max, .. }
            if part == "xl/extra3.xml" && *max == MAX_TOTAL_BYTES),
        "{e:?}"
    );
    assert!(text.contains("vượt giới hạn 512 MiB"), "{text}");
}

#[test]
fn a_part_inflating_past_its_declared_size_fails_early() {
    // A regression guard: the caps trust declared sizes because the zip crate stops an entry at its
    // declared size. 1 MiB of zeros declared as 1,000 bytes must fail, not be read.
    let (zeros, _) = deflated_zeros(4_000);
    let mut docx = docx_parts(b"");
    docx.retain(|e| e.name != "word/document.xml");
    docx.push(RawEntry {
        name: "word/document.xml".into(),
        method: DEFLATED,
        data: zeros,
        crc: 0,
        size: 1_000,
    });
    let err = import_bytes("gia.docx", &raw_zip(&docx), Format::Auto).expect_err("forged size");
    assert!(
        matches!(&err, ImportError::Archive { message, .. } if message.starts_with("word/document.xml:")),
        "{err:?}"
    );
}

#[test]
fn the_crafted_deflate_stream_inflates_to_zeros() {
    // The bombs above are only meaningful if the hand-made stream is real deflate.
    let (data, size) = deflated_zeros(10);
    assert_eq!(size, 2_581);
    let zeros = vec![0u8; 2_581];
    let zip = raw_zip(&[RawEntry {
        name: "z.bin".into(),
        method: DEFLATED,
        data,
        crc: crc32(&zeros),
        size,
    }]);
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("zip");
    let mut back = Vec::new();
    archive
        .by_name("z.bin")
        .expect("entry")
        .read_to_end(&mut back)
        .expect("inflate");
    assert_eq!(back, zeros);
}

// ---- hand-made zips ----

const STORED: u16 = 0;
const DEFLATED: u16 = 8;

const DOCUMENT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
<w:p><w:r><w:t>Quyết định</w:t></w:r></w:p></w:body></w:document>";

/// One entry as it will be written: `data` already compressed with `method`, and the CRC and
/// decompressed size the headers declare (true or not).
struct RawEntry {
    name: String,
    method: u16,
    data: Vec<u8>,
    crc: u32,
    size: u32,
}

fn stored(name: &str, data: &[u8]) -> RawEntry {
    RawEntry {
        name: name.to_string(),
        method: STORED,
        data: data.to_vec(),
        crc: crc32(data),
        size: u32::try_from(data.len()).expect("small"),
    }
}

/// The parts of a minimal DOCX with `document` as its body part.
fn docx_parts(document: &[u8]) -> Vec<RawEntry> {
    vec![
        stored(
            "[Content_Types].xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>",
        ),
        stored(
            "_rels/.rels",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>",
        ),
        stored("word/document.xml", document),
    ]
}

/// Every entry of a zip, decompressed.
fn entries_of(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read");
            (f.name().expect("name").into_owned(), data)
        })
        .collect()
}

/// A zip (no zip64) with local headers, central directory and end record, written as declared.
fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let len32 = |n: usize| u32::try_from(n).expect("under 4 GiB");
    let mut out = Vec::new();
    let mut offsets = Vec::with_capacity(entries.len());
    for e in entries {
        offsets.push(len32(out.len()));
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, 0);
        u16le(&mut out, e.method);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21); // 1 January 1980
        u32le(&mut out, e.crc);
        u32le(&mut out, len32(e.data.len()));
        u32le(&mut out, e.size);
        u16le(&mut out, u16::try_from(e.name.len()).expect("name"));
        u16le(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);
    }
    let cd_start = len32(out.len());
    for (e, &offset) in entries.iter().zip(&offsets) {
        u32le(&mut out, 0x0201_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, 20);
        u16le(&mut out, 0);
        u16le(&mut out, e.method);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21);
        u32le(&mut out, e.crc);
        u32le(&mut out, len32(e.data.len()));
        u32le(&mut out, e.size);
        u16le(&mut out, u16::try_from(e.name.len()).expect("name"));
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u32le(&mut out, 0);
        u32le(&mut out, offset);
        out.extend_from_slice(e.name.as_bytes());
    }
    let cd_len = len32(out.len()) - cd_start;
    let count = u16::try_from(entries.len()).expect("entries");
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, cd_len);
    u32le(&mut out, cd_start);
    u16le(&mut out, 0);
    out
}

/// A raw deflate stream of `1 + 258 × reps` zero bytes, and that size: one block with the fixed
/// Huffman codes, a literal 0 and then `reps` copies of (length 258, distance 1), 13 bits each.
fn deflated_zeros(reps: usize) -> (Vec<u8>, u32) {
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE 01: fixed codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..reps {
        bits.code(0xC5, 8); // length symbol 285: 258
        bits.code(0, 5); // distance code 0: 1
    }
    bits.code(0, 7); // end of block (256)
    let size = 1 + 258 * u64::try_from(reps).expect("reps");
    (bits.finish(), u32::try_from(size).expect("under 4 GiB"))
}

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// Header fields go least significant bit first.
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push((self.acc & 0xFF) as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Huffman codes go most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let reversed = (0..len).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.put(reversed, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push((self.acc & 0xFF) as u8);
        }
        self.out
    }
}

/// CRC-32 (IEEE), bit by bit: only small parts are checksummed.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
