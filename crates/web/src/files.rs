//! Evidence files (minh chứng): what an upload is, judged from its content, and where it is kept.
//!
//! **Type.** An upload is accepted only as one of the formats a province's evidence comes in — PDF,
//! DOCX, XLSX, PNG, JPEG — recognised from its first bytes (and, for the two Office formats, from the
//! content types the archive declares), and only when its file name's extension says the same thing:
//! a `.pdf` that is really a web page or a program is refused, saying what it really is. The check is
//! written here rather than with a sniffing crate: five signatures and one part of a zip are a few
//! lines, and such crates tell a DOCX from an XLSX by guessing from file names inside the zip, where
//! the declared content types are what Word and Excel themselves go by. The zip is read through
//! [`egov_import::package`], the one guarded archive reader (entry count and declared sizes checked
//! before anything is inflated).
//!
//! **Storage.** Files go through the `object_store` crate, named by the SHA-256 of their content
//! (`sha256/ab/abcdef…`): a name never comes from the user, so there is no path to traverse, the
//! same file uploaded twice is stored once, and a stored file cannot be swapped without its name
//! changing. The database row (evidence) holds the hash, the user's file name (shown, and offered
//! on download) and the media type found here. The store is a local folder ([`crate::Config`]'s
//! `evidence_dir`), written with fsync so a file is on disk before its row commits. object_store's
//! S3 client is not compiled in: its `aws` feature brings reqwest, rustls and aws-lc-rs (a C build of
//! several minutes); [`Files`] holds an `Arc<dyn ObjectStore>`, so an S3-compatible store is one
//! constructor away when a province needs several servers without a shared folder.

use std::sync::Arc;

use bytes::Bytes;
use egov_core::Lang;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};

use crate::{Config, WebError};

/// A format evidence may come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
}

impl Kind {
    /// The media type stored with the file and sent when it is downloaded.
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Docx => &["docx"],
            Kind::Xlsx => &["xlsx"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "Word (DOCX)",
            Kind::Xlsx => "Excel (XLSX)",
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
        }
    }

    /// Whether `media` is one of the media types this module stores (a stored row's type is sent
    /// back only then; anything else is served as bytes).
    pub fn known_media(media: &str) -> bool {
        [Kind::Pdf, Kind::Docx, Kind::Xlsx, Kind::Png, Kind::Jpeg]
            .iter()
            .any(|k| k.media_type() == media)
    }
}

/// Words for what a refused content is (Vietnamese, English).
type What = (&'static str, &'static str);

/// What the content is, from its first bytes: one of the accepted kinds, or words for what it is not.
fn sniff(bytes: &[u8]) -> Result<Kind, What> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office(bytes);
    }
    if bytes.starts_with(b"MZ") || bytes.starts_with(b"\x7fELF") {
        return Err((
            "một chương trình chạy được (EXE/ELF)",
            "an executable program (EXE/ELF)",
        ));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if [
        "<!doctype",
        "<html",
        "<head",
        "<body",
        "<script",
        "<svg",
        "<?xml",
    ]
    .iter()
    .any(|m| head.starts_with(m))
    {
        return Err((
            "một trang web hoặc tệp XML/SVG",
            "a web page or an XML/SVG file",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err((
            "tệp Office đời cũ (DOC/XLS)",
            "an old Office file (DOC/XLS)",
        ));
    }
    Err((
        "không thuộc các loại được nhận",
        "none of the accepted kinds",
    ))
}

/// A zip: DOCX or XLSX by the content type `[Content_Types].xml` declares for the main part.
fn office(bytes: &[u8]) -> Result<Kind, What> {
    const TYPES: &str = "[Content_Types].xml";
    let mut zip = egov_import::package::open_archive(bytes, |n| n == TYPES).map_err(|_| {
        (
            "một tệp nén hỏng hoặc quá lớn",
            "a broken or oversized zip archive",
        )
    })?;
    let types = egov_import::package::read_part(&mut zip, TYPES).map_err(|_| {
        (
            "một tệp nén không phải tài liệu Office",
            "a zip archive that is not an Office document",
        )
    })?;
    if types.contains(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ) {
        Ok(Kind::Docx)
    } else if types
        .contains("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    {
        Ok(Kind::Xlsx)
    } else if types.contains("macroEnabled") {
        Err((
            "một tài liệu Office có macro",
            "an Office document with macros",
        ))
    } else {
        Err((
            "một tệp nén không phải DOCX hay XLSX",
            "a zip archive that is neither DOCX nor XLSX",
        ))
    }
}

/// The extension of a file name, lower-cased.
fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default()
}

/// The kind of an upload, when its content is one of the accepted kinds and its name's extension
/// agrees; else the message for the officer, naming the file.
pub fn check_upload(name: &str, bytes: &[u8], lang: Lang) -> Result<Kind, String> {
    let q = egov_core::text::quote_short(name);
    if bytes.is_empty() {
        return Err(match lang {
            Lang::Vi => format!("Tệp \"{q}\" rỗng."),
            Lang::En => format!("The file \"{q}\" is empty."),
        });
    }
    let ext = extension(name);
    match sniff(bytes) {
        Ok(kind) if kind.extensions().contains(&ext.as_str()) => Ok(kind),
        Ok(kind) => {
            let (k, e) = (kind.name(), kind.extensions()[0]);
            Err(match lang {
                Lang::Vi => format!(
                    "Tệp \"{q}\" có đuôi \".{ext}\" nhưng nội dung là {k}; hãy đặt đúng đuôi (.{e}) rồi tải lên lại."
                ),
                Lang::En => format!(
                    "The file \"{q}\" is named \".{ext}\" but its content is {k}; name it .{e} and upload it again."
                ),
            })
        }
        Err((vi, en)) => Err(match lang {
            Lang::Vi => format!(
                "Tệp \"{q}\" bị từ chối: nội dung là {vi}. Chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG."
            ),
            Lang::En => format!(
                "The file \"{q}\" was refused: its content is {en}. Only PDF, DOCX, XLSX, PNG and JPEG files are accepted."
            ),
        }),
    }
}

/// The user's file name as shown and offered on download: its last path component (browsers of
/// some systems send the whole path), cleaned, without control characters, at most 150 characters.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = egov_core::text::clean(last)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let cut: String = clean.chars().take(150).collect();
    if cut.trim().is_empty() {
        "minh-chung".to_string()
    } else {
        cut
    }
}

/// The object store of evidence files.
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

fn internal(e: impl std::fmt::Display) -> WebError {
    WebError::Internal(format!("evidence files: {e}"))
}

/// Where a content hash is kept: two levels keep folders small.
fn location(hash: &str) -> Result<ObjectPath, WebError> {
    // A hash from the database is 64 hex digits; anything else is not a name this module made.
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    Ok(ObjectPath::from(format!("sha256/{}/{hash}", &hash[..2])))
}

impl Files {
    /// The local folder of `config` (created if missing).
    pub fn open(config: &Config) -> Result<Files, WebError> {
        let dir = &config.evidence_dir;
        std::fs::create_dir_all(dir).map_err(internal)?;
        let local = LocalFileSystem::new_with_prefix(dir)
            .map_err(internal)?
            .with_fsync(true);
        Ok(Files {
            store: Arc::new(local),
        })
    }

    /// Stores `bytes` under their SHA-256 and returns it. A file already there (the same content) is
    /// left as it is.
    pub async fn put(&self, bytes: Bytes) -> Result<String, WebError> {
        let hash = egov_store::sha256_hex(&bytes);
        let opts = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(&location(&hash)?, PutPayload::from(bytes), opts)
            .await
        {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(hash),
            Err(e) => Err(internal(e)),
        }
    }

    /// The content stored under `hash`.
    pub async fn get(&self, hash: &str) -> Result<Bytes, WebError> {
        let got = match self.store.get(&location(hash)?).await {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(WebError::Internal(format!(
                    "evidence file {hash} is in the database but not in the store"
                )));
            }
            Err(e) => return Err(internal(e)),
        };
        let bytes = got.bytes().await.map_err(internal)?;
        // What comes back must be what was stored: a file changed on disk is not served.
        if egov_store::sha256_hex(&bytes) != hash {
            return Err(WebError::Internal(format!(
                "evidence file {hash} does not match its hash"
            )));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_content_and_name() {
        assert_eq!(
            check_upload("a.pdf", b"%PDF-1.7\n", Lang::Vi),
            Ok(Kind::Pdf)
        );
        assert_eq!(
            check_upload("A.PDF", b"%PDF-1.4\n", Lang::Vi),
            Ok(Kind::Pdf)
        );
        assert_eq!(
            check_upload("x.png", b"\x89PNG\r\n\x1a\n....", Lang::Vi),
            Ok(Kind::Png)
        );
        assert_eq!(
            check_upload("x.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0], Lang::Vi),
            Ok(Kind::Jpeg)
        );
        let html = check_upload("bao-cao.pdf", b"<!DOCTYPE html><script>", Lang::Vi).unwrap_err();
        assert!(html.contains("trang web"), "{html}");
        let exe = check_upload("bao-cao.pdf", b"MZ\x90\x00", Lang::Vi).unwrap_err();
        assert!(exe.contains("chương trình"), "{exe}");
        let renamed = check_upload("anh.pdf", b"\x89PNG\r\n\x1a\n", Lang::Vi).unwrap_err();
        assert!(
            renamed.contains("PNG") && renamed.contains(".png"),
            "{renamed}"
        );
        assert!(check_upload("rong.pdf", b"", Lang::Vi).is_err());
        assert!(check_upload("x.txt", b"hello", Lang::Vi).is_err());
        assert!(check_upload("zip.docx", b"PK\x03\x04garbage", Lang::Vi).is_err());
    }

    #[test]
    fn names_are_cut_to_their_last_component() {
        assert_eq!(display_name("C:\\Users\\a\\Báo cáo.pdf"), "Báo cáo.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\u{0}b.pdf"), "ab.pdf");
        assert_eq!(display_name("/"), "minh-chung");
    }

    #[test]
    fn only_hashes_are_locations() {
        assert!(location("../x").is_err());
        assert!(location(&"a".repeat(64)).is_ok());
    }
}
