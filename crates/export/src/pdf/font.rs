//! Fonts of the PDF annex: finding a serif face that covers Vietnamese, measuring text with it, and
//! embedding what was used as a subsetted CID font.
//!
//! The annex is set in Times New Roman as the decree asks; servers rarely have it, so the first family
//! of [`FAMILIES`] installed *and* covering every precomposed Vietnamese letter is used (Debian's old
//! `fonts-liberation` 1.07 has a "Liberation Serif" without Vietnamese; the coverage probe skips it).
//! Vietnamese text is NFC and these fonts have the precomposed glyphs, so one cmap lookup per char is all
//! the "shaping" needed; a char without a glyph falls back to its NFD decomposition (base + combining
//! marks) and is reported when even that fails. Each face is embedded once as a Type0/Identity-H font
//! whose CIDs are the glyph ids of a `subsetter` subset, with a `/W` width array and a ToUnicode CMap so
//! that text extraction gives back exactly the NFC text that was drawn.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use unicode_normalization::UnicodeNormalization;

use crate::ExportError;

/// Families tried in order: the decree's font, then metric-compatible and free serif faces.
pub const FAMILIES: [&str; 4] = [
    "Times New Roman",
    "Liberation Serif",
    "DejaVu Serif",
    "Noto Serif",
];

/// Every letter Vietnamese adds to the Latin alphabet, precomposed: a family must map all of them.
const VIETNAMESE_PROBE: &str = "ĂăÂâĐđÊêÔôƠơƯưÀàẢảÃãÁáẠạẰằẲẳẴẵẮắẶặẦầẨẩẪẫẤấẬậÈèẺẻẼẽÉéẸẹỀềỂểỄễẾếỆệ\
ÌìỈỉĨĩÍíỊịÒòỎỏÕõÓóỌọỒồỔổỖỗỐốỘộỜờỞởỠỡỚớỢợÙùỦủŨũÚúỤụỪừỬửỮữỨứỰựỲỳỶỷỸỹÝýỴỵ";

/// The three looks the annex uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Regular,
    Bold,
    Italic,
}

/// One face file (or collection member) as found on the system.
#[derive(Debug)]
pub struct FaceData {
    pub family: String,
    pub data: Vec<u8>,
    pub index: u32,
}

/// How a style is drawn: which face, and whether bold or italic must be imitated because the family
/// has no such face (stroke the outline; slant the text matrix).
#[derive(Debug, Clone, Copy)]
pub struct StyleFace {
    pub face: usize,
    pub fake_bold: bool,
    pub fake_italic: bool,
}

/// The faces found for the annex: distinct face files, and the face each style uses.
#[derive(Debug)]
pub struct FontSet {
    pub faces: Vec<FaceData>,
    pub regular: StyleFace,
    pub bold: StyleFace,
    pub italic: StyleFace,
}

impl FontSet {
    pub fn style(&self, s: Style) -> StyleFace {
        match s {
            Style::Regular => self.regular,
            Style::Bold => self.bold,
            Style::Italic => self.italic,
        }
    }

    pub fn family(&self) -> &str {
        &self.faces[self.regular.face].family
    }
}

/// The system's fonts for the annex, searched once per process (a scan of every installed font costs
/// far more than laying out a small annex). A failed search is not remembered, so installing the fonts
/// helps without a restart.
pub fn system_fonts() -> Result<Arc<FontSet>, ExportError> {
    static CACHE: Mutex<Option<Arc<FontSet>>> = Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(set) = cache.as_ref() {
        return Ok(Arc::clone(set));
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    // The decree's Times New Roman when installed; otherwise the metric-compatible face shipped in
    // the binary, so that the PDF looks the same on every machine (never DejaVu on one, Noto on another).
    let set = Arc::new(match find_family(&db, FAMILIES[0]) {
        Ok(Some(set)) => set,
        _ => embedded()?,
    });
    *cache = Some(Arc::clone(&set));
    Ok(set)
}

/// Liberation Serif 2 (SIL Open Font License 1.1, `crates/export/fonts/LICENSE-OFL.txt`): Times New
/// Roman's metrics, every Vietnamese letter, real bold and italic. About 1.1 MB of the binary.
const EMBEDDED: [(&str, &[u8]); 3] = [
    (
        "Regular",
        include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    ),
    (
        "Bold",
        include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    ),
    (
        "Italic",
        include_bytes!("../../fonts/LiberationSerif-Italic.ttf"),
    ),
];

/// The family name of the font shipped in the binary.
pub const EMBEDDED_FAMILY: &str = "Liberation Serif";

/// The font shipped in the binary ([`EMBEDDED`]).
pub fn embedded() -> Result<FontSet, ExportError> {
    let mut db = fontdb::Database::new();
    for (_, data) in EMBEDDED {
        db.load_font_data(data.to_vec());
    }
    find(&db)
}

/// The faces of one family, `None` when the family is not installed, an error when it is but cannot be
/// used (not TrueType, no Vietnamese).
fn find_family(db: &fontdb::Database, family: &str) -> Result<Option<FontSet>, String> {
    let Some(regular) = query(db, family, fontdb::Weight::NORMAL, fontdb::Style::Normal) else {
        return Ok(None);
    };
    let face = load(db, regular, family)?;
    Ok(Some(assemble(db, family, regular, face)))
}

/// Picks the first family of [`FAMILIES`] whose regular face is TrueType and covers Vietnamese.
pub fn find(db: &fontdb::Database) -> Result<FontSet, ExportError> {
    let mut rejected = Vec::new();
    for family in FAMILIES {
        match find_family(db, family) {
            Ok(Some(set)) => return Ok(set),
            Ok(None) => {}
            Err(why) => rejected.push(format!("{family} ({why})")),
        }
    }
    let mut message = egov_core::msg!(
        "không tìm thấy phông chữ có chân (serif) TrueType đủ dấu tiếng Việt để xuất PDF; đã thử {}",
        "no TrueType serif font with every Vietnamese letter was found to export the PDF; tried {}",
        FAMILIES.join(", ")
    );
    if !rejected.is_empty() {
        message.push_str(&egov_core::msg!(
            " (bỏ qua: {})",
            " (left out: {})",
            rejected.join("; ")
        ));
    }
    message.push_str(&egov_core::msg!(
        ". Hãy cài một trong các phông này, ví dụ trên Debian/Ubuntu: apt-get install fonts-liberation2 \
         (hoặc fonts-dejavu-core, fonts-noto-core)",
        ". Install one of these fonts, for example on Debian/Ubuntu: apt-get install fonts-liberation2 \
         (or fonts-dejavu-core, fonts-noto-core)"
    ));
    Err(ExportError::Tool {
        tool: "PDF".into(),
        message,
    })
}

/// A family's faces: the regular one found, and bold and italic when installed (else imitated).
fn assemble(db: &fontdb::Database, family: &str, regular: fontdb::ID, face: FaceData) -> FontSet {
    let mut faces = vec![face];
    let style = |weight, slant, faces: &mut Vec<FaceData>| -> StyleFace {
        let plain = StyleFace {
            face: 0,
            fake_bold: weight == fontdb::Weight::BOLD,
            fake_italic: slant == fontdb::Style::Italic,
        };
        let Some(id) = query(db, family, weight, slant).filter(|&id| id != regular) else {
            return plain;
        };
        let info = db.face(id).expect("a queried face exists");
        let real_bold = info.weight.0 >= 600;
        let real_italic = info.style != fontdb::Style::Normal;
        match load(db, id, family) {
            Ok(f) => {
                faces.push(f);
                StyleFace {
                    face: faces.len() - 1,
                    fake_bold: weight == fontdb::Weight::BOLD && !real_bold,
                    fake_italic: slant == fontdb::Style::Italic && !real_italic,
                }
            }
            Err(_) => plain,
        }
    };
    let bold = style(fontdb::Weight::BOLD, fontdb::Style::Normal, &mut faces);
    let italic = style(fontdb::Weight::NORMAL, fontdb::Style::Italic, &mut faces);
    FontSet {
        faces,
        regular: StyleFace {
            face: 0,
            fake_bold: false,
            fake_italic: false,
        },
        bold,
        italic,
    }
}

fn query(
    db: &fontdb::Database,
    family: &str,
    weight: fontdb::Weight,
    style: fontdb::Style,
) -> Option<fontdb::ID> {
    db.query(&fontdb::Query {
        families: &[fontdb::Family::Name(family)],
        weight,
        stretch: fontdb::Stretch::Normal,
        style,
    })
}

/// Reads a face and checks it can be embedded (TrueType outlines) and covers Vietnamese.
fn load(db: &fontdb::Database, id: fontdb::ID, family: &str) -> Result<FaceData, String> {
    let (data, index) = db
        .with_face_data(id, |data, index| (data.to_vec(), index))
        .ok_or("không đọc được tệp phông")?;
    let face = ttf_parser::Face::parse(&data, index).map_err(|e| format!("tệp phông hỏng: {e}"))?;
    if face.tables().glyf.is_none() {
        return Err(egov_core::msg!(
            "không phải phông TrueType",
            "not a TrueType font"
        ));
    }
    let missing: String = VIETNAMESE_PROBE
        .chars()
        .filter(|&c| face.glyph_index(c).is_none())
        .take(8)
        .collect();
    if !missing.is_empty() {
        return Err(egov_core::msg!(
            "thiếu chữ tiếng Việt: {missing}",
            "Vietnamese letters missing: {missing}"
        ));
    }
    Ok(FaceData {
        family: family.to_string(),
        data,
        index,
    })
}

/// Chars that print nothing and need no glyph (zero-width and format characters, soft hyphen).
fn ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    ) || (c.is_control() && !c.is_whitespace())
}

/// A glyph of the original face with its advance (font units).
#[derive(Debug, Clone, Copy)]
struct Glyph {
    id: u16,
    advance: u16,
}

/// How one char is drawn: one glyph, its NFD decomposition, nothing, or not at all.
#[derive(Debug, Clone)]
enum Mapping {
    One(Glyph),
    Decomposed(Vec<(char, Glyph)>),
    Ignored,
    Missing,
}

/// A face in use during one rendering: metrics, the glyphs drawn so far and their text.
pub struct FaceUse<'a> {
    face: ttf_parser::Face<'a>,
    data: &'a FaceData,
    /// Font units per em, as f32 for scaling.
    upem: f32,
    chars: HashMap<char, Mapping>,
    remapper: GlyphRemapper,
    /// Text of each subset glyph id, the first one drawn with it (index = new glyph id).
    unicode: Vec<Option<Vec<char>>>,
    advances: Vec<u16>,
    space: Glyph,
}

impl<'a> FaceUse<'a> {
    pub fn new(data: &'a FaceData) -> Result<FaceUse<'a>, ExportError> {
        let face =
            ttf_parser::Face::parse(&data.data, data.index).map_err(|e| ExportError::Tool {
                tool: "PDF".into(),
                message: egov_core::msg!(
                    "phông {} không đọc được (tệp phông hỏng)",
                    "cannot read the font {} ({e})",
                    data.family
                ),
            })?;
        let upem = f32::from(face.units_per_em());
        let space_id = face.glyph_index(' ').map_or(0, |g| g.0);
        let space = Glyph {
            id: space_id,
            advance: face
                .glyph_hor_advance(ttf_parser::GlyphId(space_id))
                .unwrap_or(face.units_per_em() / 4),
        };
        Ok(FaceUse {
            face,
            data,
            upem,
            chars: HashMap::new(),
            remapper: GlyphRemapper::new(),
            unicode: vec![None],
            advances: vec![0],
            space,
        })
    }

    /// Ascender, descender (negative) and line gap, in ems.
    pub fn vertical_metrics(&self) -> (f32, f32, f32) {
        (
            f32::from(self.face.ascender()) / self.upem,
            f32::from(self.face.descender()) / self.upem,
            f32::from(self.face.line_gap()) / self.upem,
        )
    }

    fn glyph(&self, c: char) -> Option<Glyph> {
        let id = self.face.glyph_index(c)?;
        Some(Glyph {
            id: id.0,
            advance: self.face.glyph_hor_advance(id).unwrap_or(0),
        })
    }

    fn mapping(&mut self, c: char) -> &Mapping {
        if !self.chars.contains_key(&c) {
            let m = if c.is_whitespace() {
                Mapping::One(self.space)
            } else if ignorable(c) {
                Mapping::Ignored
            } else if let Some(g) = self.glyph(c) {
                Mapping::One(g)
            } else {
                let parts: Option<Vec<(char, Glyph)>> = std::iter::once(c)
                    .nfd()
                    .filter(|&p| !ignorable(p))
                    .map(|p| self.glyph(p).map(|g| (p, g)))
                    .collect();
                match parts {
                    Some(p) if !p.is_empty() && p.len() > 1 => Mapping::Decomposed(p),
                    _ => Mapping::Missing,
                }
            };
            self.chars.insert(c, m);
        }
        &self.chars[&c]
    }

    /// The first char of `text` the face cannot draw, even decomposed.
    pub fn missing(&mut self, text: &str) -> Option<char> {
        text.chars()
            .find(|&c| matches!(self.mapping(c), Mapping::Missing))
    }

    /// Width of `text` in ems (a missing char counts as nothing; [`FaceUse::missing`] reports it).
    pub fn width_em(&mut self, text: &str) -> f32 {
        let mut units = 0u32;
        for c in text.chars() {
            units += match self.mapping(c) {
                Mapping::One(g) => u32::from(g.advance),
                Mapping::Decomposed(parts) => parts.iter().map(|(_, g)| u32::from(g.advance)).sum(),
                Mapping::Ignored | Mapping::Missing => 0,
            };
        }
        units as f32 / self.upem
    }

    fn use_glyph(&mut self, g: Glyph, text: &[char], out: &mut Vec<u8>) {
        let new = self.remapper.remap(g.id);
        let i = usize::from(new);
        if i >= self.unicode.len() {
            self.unicode.resize(i + 1, None);
            self.advances.resize(i + 1, 0);
        }
        if self.unicode[i].is_none() {
            self.unicode[i] = Some(text.to_vec());
            self.advances[i] = g.advance;
        }
        out.extend_from_slice(&new.to_be_bytes());
    }

    /// Appends the two-byte CIDs (subset glyph ids) that draw `text`.
    pub fn encode(&mut self, text: &str, out: &mut Vec<u8>) {
        for c in text.chars() {
            match self.mapping(c).clone() {
                Mapping::One(g) => {
                    // Whitespace of any kind is drawn (and extracted) as a plain space.
                    let shown = if c.is_whitespace() { ' ' } else { c };
                    self.use_glyph(g, &[shown], out);
                }
                Mapping::Decomposed(parts) => {
                    for (p, g) in parts {
                        self.use_glyph(g, &[p], out);
                    }
                }
                Mapping::Ignored | Mapping::Missing => {}
            }
        }
    }

    /// Whether any glyph was drawn with this face.
    pub fn used(&self) -> bool {
        self.remapper.num_gids() > 1
    }

    /// Writes the Type0 font `type0` with its CIDFont, descriptor, subsetted font file and ToUnicode
    /// CMap, allocating object ids from `next`.
    pub fn embed(
        &self,
        pdf: &mut Pdf,
        type0: Ref,
        next: &mut impl FnMut() -> Ref,
    ) -> Result<(), ExportError> {
        let subset =
            subsetter::subset(&self.data.data, self.data.index, &self.remapper).map_err(|e| {
                ExportError::Tool {
                    tool: "PDF".into(),
                    message: egov_core::msg!(
                        "không tạo được tập con của phông {}",
                        "cannot subset the font {} ({e})",
                        self.data.family
                    ),
                }
            })?;
        let scale = 1000.0 / self.upem;

        let ps_name = self
            .face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| self.data.family.clone());
        let ps_name: String = ps_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        // The subset tag names which glyphs the file holds, so two different subsets never share a name.
        let mut h = DefaultHasher::new();
        self.advances.hash(&mut h);
        self.unicode.hash(&mut h);
        let mut tag_hash = Hasher::finish(&h);
        let mut tag = String::with_capacity(7);
        for _ in 0..6 {
            tag.push(char::from(b'A' + (tag_hash % 26) as u8));
            tag_hash /= 26;
        }
        let base_font = format!("{tag}+{ps_name}");
        let base_font = Name(base_font.as_bytes());

        let cid = next();
        let descriptor = next();
        let file = next();
        let cmap_ref = next();

        pdf.type0_font(type0)
            .base_font(base_font)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_ref);

        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base_font)
            .system_info(system_info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font
            .widths()
            .consecutive(0, self.advances.iter().map(|&a| f32::from(a) * scale));
        cid_font.finish();

        let bbox = self.face.global_bounding_box();
        let italic = self.face.is_italic() || self.face.is_oblique();
        let mut flags = FontFlags::SERIF | FontFlags::NON_SYMBOLIC;
        if italic {
            flags |= FontFlags::ITALIC;
        }
        let weight = self.face.weight().to_number();
        let ascent = f32::from(self.face.ascender()) * scale;
        pdf.font_descriptor(descriptor)
            .name(base_font)
            .flags(flags)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(self.face.italic_angle())
            .ascent(ascent)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(
                self.face
                    .capital_height()
                    .map_or(ascent * 0.7, |h| f32::from(h) * scale),
            )
            // The usual estimate from the weight class; readers only use it for substitution.
            .stem_v(10.0 + 220.0 * (f32::from(weight) - 50.0) / 900.0)
            .font_file2(file);

        let compressed = deflate(&subset);
        pdf.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);

        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (gid, text) in self.unicode.iter().enumerate() {
            if let Some(text) = text {
                cmap.pair_with_multiple(gid as u16, text.iter().copied());
            }
        }
        let cmap = cmap.finish();
        pdf.cmap(cmap_ref, &cmap);
        Ok(())
    }
}

/// zlib-compresses a stream for `/FlateDecode`.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 4),
        flate2::Compression::new(6),
    );
    e.write_all(data).expect("writing to memory cannot fail");
    e.finish().expect("writing to memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_font_is_a_clear_vietnamese_error() {
        let db = fontdb::Database::new();
        let err = find(&db).unwrap_err().to_string();
        assert!(err.contains("fonts-liberation2"), "{err}");
        assert!(err.contains("Liberation Serif"), "{err}");
        assert!(err.contains("không tìm thấy phông chữ"), "{err}");
    }

    /// The machines of this project install fonts-liberation2 (see .ci); without any serif font the
    /// error above is what a user gets, which the other test pins.
    #[test]
    #[cfg_attr(
        not(egov_test_tools),
        ignore = "needs the system fonts CI installs: set EGOV_TEST_TOOLS=1"
    )]
    fn system_font_covers_vietnamese_and_maps_text() {
        let set = system_fonts().expect("EGOV_TEST_TOOLS=1 needs a serif font (fonts-liberation2)");
        let mut f = FaceUse::new(&set.faces[set.regular.face]).unwrap();
        assert_eq!(f.missing("Sở Giáo dục và Đào tạo tỉnh Hòa Bình"), None);
        assert!(f.width_em("Sở") > 0.5);
        let mut out = Vec::new();
        f.encode("Đà", &mut out);
        assert_eq!(out.len(), 4);
        assert_eq!(out[..2], [0, 1]);
        assert_eq!(out[2..], [0, 2]);
        assert_eq!(f.unicode[1].as_deref(), Some(&['Đ'][..]));
        // An unassigned code point has no glyph and no decomposition.
        assert_eq!(f.missing("a\u{10FFFD}b"), Some('\u{10FFFD}'));
        // Zero-width characters need no glyph.
        assert_eq!(f.missing("a\u{200B}b"), None);
    }

    /// A char without its own glyph is drawn as its NFD parts, and extracts as them. DejaVu Serif
    /// (Debian fonts-dejavu-core, installed by CI) has '≡' and the combining long solidus but no '≢'.
    #[test]
    #[cfg_attr(
        not(egov_test_tools),
        ignore = "needs the system fonts CI installs: set EGOV_TEST_TOOLS=1"
    )]
    fn a_char_without_glyph_falls_back_to_its_decomposition() {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let Some(id) = query(
            &db,
            "DejaVu Serif",
            fontdb::Weight::NORMAL,
            fontdb::Style::Normal,
        ) else {
            panic!("EGOV_TEST_TOOLS=1 needs fonts-dejavu-core");
        };
        let face = load(&db, id, "DejaVu Serif").unwrap();
        let mut f = FaceUse::new(&face).unwrap();
        assert!(f.glyph('≢').is_none());
        assert_eq!(f.missing("a ≢ b"), None);
        let parts = f.width_em("≡") + f.width_em("\u{338}");
        assert!((f.width_em("≢") - parts).abs() < 1e-6);
        let mut out = Vec::new();
        f.encode("≢", &mut out);
        assert_eq!(out, [0, 1, 0, 2]);
        assert_eq!(f.unicode[1].as_deref(), Some(&['≡'][..]));
        assert_eq!(f.unicode[2].as_deref(), Some(&['\u{338}'][..]));
    }
}
