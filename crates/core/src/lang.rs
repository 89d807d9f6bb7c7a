//! Output language. Vietnamese is the default everywhere a unit officer reads; English is for analysts and
//! foreign readers. Names that editions give in both languages pick with [`Lang::pick`].
//!
//! Messages (errors, warnings, notes) are written in one language at a time, the process's
//! [`messages`] language, which the binary sets once from `--lang` or `LANG` before reading anything.
//! Messages are made deep inside parsers that have no reason to carry a language parameter through
//! every call, so this one setting is process-wide (an atomic, read where a message is formatted);
//! documents (annex, audit reports) keep taking an explicit [`Lang`], since one run may write both.
//! [`msg!`](crate::msg) formats a message in that language: `msg!("thiếu {x}", "missing {x}")`.

use std::sync::atomic::{AtomicU8, Ordering};

use serde::{Deserialize, Serialize};

static MESSAGES: AtomicU8 = AtomicU8::new(0);

/// Sets the language of every message formatted from now on in this process.
pub fn set_messages(lang: Lang) {
    MESSAGES.store(
        match lang {
            Lang::Vi => 0,
            Lang::En => 1,
        },
        Ordering::Relaxed,
    );
}

/// The language messages are formatted in (Vietnamese unless [`set_messages`] said otherwise).
pub fn messages() -> Lang {
    match MESSAGES.load(Ordering::Relaxed) {
        1 => Lang::En,
        _ => Lang::Vi,
    }
}

/// A message in the process's message language ([`messages`]): the Vietnamese and the English
/// format strings, with the same arguments (inline `{name}` captures work in both).
#[macro_export]
macro_rules! msg {
    ($vi:literal, $en:literal $(, $args:expr)* $(,)?) => {
        match $crate::lang::messages() {
            $crate::lang::Lang::Vi => format!($vi $(, $args)*),
            $crate::lang::Lang::En => format!($en $(, $args)*),
        }
    };
}

/// Why an operating-system call failed, in the message language, without the system's own English text
/// (`No such file or directory (os error 2)`): egov's messages are in one language, and the kinds
/// people meet (a missing file, no permission, a full disk, a folder where a file was expected) have
/// plain words in both. The path is the caller's to add. A kind without words here says its number.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let (vi, en) = match e.kind() {
        K::NotFound => ("không có tệp hoặc thư mục này", "no such file or folder"),
        K::PermissionDenied => ("không có quyền truy cập", "permission denied"),
        K::AlreadyExists => (
            "đã có một tệp trùng tên",
            "a file of that name already exists",
        ),
        K::IsADirectory => (
            "đây là một thư mục, không phải tệp",
            "this is a folder, not a file",
        ),
        K::NotADirectory => (
            "một phần của đường dẫn là tệp, không phải thư mục",
            "a part of the path is a file, not a folder",
        ),
        K::DirectoryNotEmpty => ("thư mục không trống", "the folder is not empty"),
        K::StorageFull => ("ổ đĩa đã đầy", "the disk is full"),
        K::QuotaExceeded => (
            "đã vượt hạn mức dung lượng đĩa",
            "the disk quota is exceeded",
        ),
        K::FileTooLarge => ("tệp quá lớn", "the file is too large"),
        K::ReadOnlyFilesystem => ("ổ đĩa chỉ cho phép đọc", "the disk is read-only"),
        K::InvalidFilename => (
            "tên tệp không hợp lệ hoặc quá dài",
            "the file name is invalid or too long",
        ),
        K::CrossesDevices => (
            "không chuyển được tệp sang ổ đĩa khác",
            "cannot move a file to another disk",
        ),
        K::ResourceBusy | K::ExecutableFileBusy => (
            "tệp đang được chương trình khác sử dụng",
            "the file is in use by another program",
        ),
        K::InvalidData => (
            "nội dung không phải văn bản UTF-8",
            "the content is not UTF-8 text",
        ),
        K::UnexpectedEof => ("tệp bị cắt cụt", "the file is cut short"),
        K::BrokenPipe => (
            "chương trình nhận kết quả đã đóng",
            "the program reading the output has closed",
        ),
        K::OutOfMemory => ("không đủ bộ nhớ", "out of memory"),
        K::TimedOut => ("hết thời gian chờ", "timed out"),
        K::Interrupted => ("bị ngắt", "interrupted"),
        K::Unsupported => (
            "hệ điều hành không hỗ trợ thao tác này",
            "the operating system does not support this",
        ),
        _ => {
            let code = e.raw_os_error().map(|c| c.to_string()).unwrap_or_default();
            return crate::msg!(
                "lỗi hệ điều hành {code} ({:?})",
                "operating-system error {code} ({:?})",
                e.kind()
            );
        }
    };
    match messages() {
        Lang::Vi => vi.to_string(),
        Lang::En => en.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The English text when asked for English and one exists, otherwise the Vietnamese.
    pub fn pick<'a>(self, vi: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => vi,
        }
    }

    /// Chooses between two fixed labels.
    pub fn tr(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            other => Err(crate::msg!(
                "không có ngôn ngữ '{other}' (vi hoặc en)",
                "unknown language '{other}' (vi or en)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_vietnamese_unless_set() {
        // In-process tests never call `set_messages`: tests run in parallel threads of one process and
        // assert Vietnamese messages. English messages are tested through the binary (`--lang en`).
        let x = 3;
        assert_eq!(messages(), Lang::Vi);
        assert_eq!(crate::msg!("có {x} lỗi", "{x} errors"), "có 3 lỗi");
        assert_eq!(crate::msg!("{} và {}", "{} and {}", 1, 2), "1 và 2");
    }

    #[test]
    fn os_errors_have_words_not_the_system_text() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_reason(&e), "không có tệp hoặc thư mục này");
        let e = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        assert_eq!(io_reason(&e), "ổ đĩa đã đầy");
        let e = std::io::Error::other("boom");
        assert!(!io_reason(&e).contains("boom"));
    }
}
