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
            other => Err(format!("unknown language '{other}' (vi or en)")),
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
}
