//! The command line in one language: which language messages are in, the help of every command in
//! it (with examples), and clap's own errors rewritten in it.
//!
//! clap's derive takes one doc comment per argument and writes its headings, usage line and errors in
//! English, so the [`Command`] the derive builds is rewritten here before parsing: every about and
//! argument help comes from the tables below in both languages (a test checks that none is missing),
//! headings, value names, defaults and possible values are set in the chosen language, the built-in
//! `--help`/`--version` flags and `help` subcommand are replaced by ours, and a parse error is rendered
//! from its kind and context ([`render_error`]) instead of clap's English sentence.
//!
//! The language is decided once, before anything is read: `--lang` (before or after the subcommand)
//! wins; otherwise the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG` (POSIX order) makes it English
//! when it begins with `en`; otherwise Vietnamese. The environment sets only the language of messages;
//! `--lang` also sets the language of the documents a command writes (annex, audit report, entry form),
//! since one switch for both is what a reader of either expects, and a server's `LANG=en_US` must not
//! turn a province's published annex into English.

use std::ffi::OsString;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use egov_core::Lang;

/// The message language from the command line and the environment (see the module documentation).
/// `env` looks a variable up (injected so that tests do not depend on the machine).
pub fn message_lang(args: &[OsString], env: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(l) = lang_arg(args) {
        return l;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| env(k))
        .find(|v| !v.is_empty());
    match locale {
        Some(v) if v.to_ascii_lowercase().starts_with("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// The value of a valid `--lang` anywhere before `--` (the last one wins, as in clap).
fn lang_arg(args: &[OsString]) -> Option<Lang> {
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = if a == "--lang" {
            it.next()
        } else {
            a.strip_prefix("--lang=")
        };
        match value {
            Some("vi") => found = Some(Lang::Vi),
            Some("en") => found = Some(Lang::En),
            _ => {}
        }
    }
    found
}

/// `egov help [COMMAND]` as `egov [COMMAND] --help`: the built-in `help` subcommand is English-only, so
/// it is replaced by this rewrite.
pub fn help_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_str().unwrap_or("");
        if a == "--lang" {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        if a == "help" {
            args.remove(i);
            args.push(OsString::from("--help"));
        }
        break;
    }
    args
}

/// The value parser of `--lang`: a closed list.
pub fn lang_parser() -> impl TypedValueParser<Value = Lang> {
    PossibleValuesParser::new(["vi", "en"]).map(|s| if s == "en" { Lang::En } else { Lang::Vi })
}

/// A closed list of names (`--format` and the like) mapped to values by `parse`, which must accept
/// every name listed; `aliases` are accepted but not shown.
pub fn choice<T: Clone + Send + Sync + 'static>(
    names: &'static [(&'static str, &'static [&'static str])],
    parse: fn(&str) -> T,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        names
            .iter()
            .map(|(n, aliases)| PossibleValue::new(*n).aliases(aliases.iter().copied())),
    )
    .map(move |s| parse(&s))
}

fn tr(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    lang.tr(vi, en)
}

/// About of the program and of each command: (command, Vietnamese, English); `""` is the program.
const ABOUT: &[(&str, &str, &str)] = &[
    (
        "",
        "Chỉ số và xếp hạng Chính quyền điện tử / chuyển đổi số: tính điểm, xếp hạng, phụ lục, kiểm tra.",
        "E-government / digital transformation indexes and rankings: scoring, ranking, annexes, audits.",
    ),
    (
        "validate",
        "Kiểm tra một bộ chỉ số (và một bộ dữ liệu nếu có), liệt kê mọi lỗi kèm vị trí.",
        "Check an edition (and optionally a dataset) and list every problem with its place.",
    ),
    (
        "score",
        "Tính điểm mọi đơn vị; --explain MÃ cho biết từng điểm được tính thế nào.",
        "Score every unit; --explain CODE shows how each point came about.",
    ),
    (
        "rank",
        "Xếp hạng đơn vị theo khối tại một tiêu chí (mặc định: tổng điểm).",
        "Rank units per ranking block at a criterion (default: the total).",
    ),
    (
        "annex",
        "In phụ lục của quyết định (các bảng công bố).",
        "Print the decision annex (the published tables).",
    ),
    (
        "export",
        "Ghi phụ lục ra nhiều định dạng vào một thư mục (docx, xlsx, pdf, csv, json, html, svg, png).",
        "Write the annex in several formats into a folder (docx, xlsx, pdf, csv, json, html, svg, png).",
    ),
    (
        "import",
        "Đọc bảng xếp hạng đã công bố (văn bản Word, DOCX, XLSX, HTML, Markdown, CSV) thành dữ liệu.",
        "Read published ranking tables (Word text, DOCX, XLSX, HTML, Markdown, CSV) into data.",
    ),
    (
        "audit",
        "Kiểm tra một bảng xếp hạng đã công bố và báo mọi chỗ không khớp (mã thoát 0 = không có, 1 = có phát hiện, 2 = không đọc được).",
        "Check a published ranking and report every inconsistency (exit 0 = none, 1 = findings, 2 = unreadable).",
    ),
    (
        "robustness",
        "Độ vững của xếp hạng: khoảng thứ hạng của mỗi đơn vị khi các lựa chọn của bộ chỉ số (điểm tối đa, không áp dụng, làm tròn, xếp hạng trên điểm nào…) thay đổi, và lựa chọn nào ảnh hưởng nhiều nhất.",
        "How sure each rank is: every unit's rank interval when the edition's choices (maximum points, not applicable, rounding, what is ranked…) vary, and which choice matters most.",
    ),
    (
        "template",
        "Ghi biểu mẫu Excel nhập liệu của một bộ chỉ số (trống, cho các đơn vị cho trước, hoặc điền sẵn từ một bộ dữ liệu).",
        "Write the Excel entry form of an edition (blank, for given units, or pre-filled from a dataset).",
    ),
    (
        "import-values",
        "Đọc biểu mẫu đã điền thành một thư mục dữ liệu; báo mọi ô sai, không ghi gì nếu còn lỗi.",
        "Read a filled entry form back into a dataset folder; every bad cell is reported, nothing partial.",
    ),
    (
        "synth",
        "Sinh một bộ chỉ số và bộ dữ liệu tổng hợp giống thật (cùng seed cho cùng kết quả).",
        "Generate a realistic synthetic edition and dataset (deterministic for a seed).",
    ),
    (
        "editions",
        "Liệt kê các bộ chỉ số có sẵn.",
        "List the shipped editions.",
    ),
    (
        "completions",
        "In tập lệnh tự hoàn thành của một shell (bash, zsh, fish, powershell, elvish).",
        "Print the completion script of a shell (bash, zsh, fish, powershell, elvish).",
    ),
    (
        "man",
        "In trang hướng dẫn (man), hoặc ghi mỗi lệnh một trang vào một thư mục (--out).",
        "Print the manual page, or write one page per command into a folder (--out).",
    ),
    (
        "migrate",
        "Tạo cơ sở dữ liệu, hoặc cập nhật nó lên cấu trúc hiện tại.",
        "Create a database, or bring it to the current schema.",
    ),
    (
        "verify-log",
        "Kiểm tra chuỗi mã băm của nhật ký thay đổi (mã thoát 0 = nguyên vẹn, 1 = bị can thiệp, 2 = không mở được).",
        "Check the audit log's hash chain (exit 0 = intact, 1 = tampered with, 2 = cannot open).",
    ),
    (
        "backup",
        "Sao lưu cơ sở dữ liệu nhúng vào một tệp, ngay cả khi đang được dùng.",
        "Back up the embedded database into one file, while it is in use.",
    ),
    (
        "restore",
        "Khôi phục cơ sở dữ liệu nhúng từ một bản sao lưu, sau khi kiểm tra bản sao lưu.",
        "Restore the embedded database from a backup, after checking the backup.",
    ),
    (
        "serve",
        "Chạy ứng dụng web (tạo và cập nhật cơ sở dữ liệu; cơ sở dữ liệu trống được nạp dữ liệu mẫu).",
        "Run the web application (creates and migrates the database; an empty one gets a demo).",
    ),
    (
        "add-user",
        "Tạo một tài khoản với một vai trò (quản trị viên đầu tiên của cơ sở dữ liệu chính thức); in mật khẩu một lần.",
        "Create an account with one role (a production database's first administrator); prints its password once.",
    ),
];

/// Help of every argument: (command or `*` for every command, argument id, value name in Vietnamese
/// and English, help in Vietnamese and English). A command's own row wins over a `*` row.
type ArgText = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const ARGS: &[ArgText] = &[
    (
        "*",
        "lang",
        "NGÔN_NGỮ",
        "LANG",
        "Ngôn ngữ của thông báo, trợ giúp và văn bản xuất ra: vi (mặc định) hoặc en. Không có tùy chọn này thì LC_ALL, LC_MESSAGES hoặc LANG bắt đầu bằng \"en\" chọn tiếng Anh cho thông báo.",
        "Language of messages, help and the documents written: vi (default) or en. Without it, LC_ALL, LC_MESSAGES or LANG beginning with \"en\" chooses English messages.",
    ),
    ("*", "help", "", "", "In trợ giúp này.", "Print this help."),
    (
        "*",
        "version",
        "",
        "",
        "In phiên bản.",
        "Print the version.",
    ),
    (
        "*",
        "edition",
        "BỘ_CHỈ_SỐ",
        "EDITION",
        "Bộ chỉ số: mã có sẵn (xem `egov editions`) hoặc đường dẫn tới tệp .toml.",
        "Edition: a shipped id (see `egov editions`) or a path to a .toml file.",
    ),
    (
        "*",
        "data",
        "DỮ_LIỆU",
        "DATA",
        "Bộ dữ liệu: thư mục (units.csv, values.csv, dataset.toml) hoặc tệp JSON.",
        "Dataset: a folder (units.csv, values.csv, dataset.toml) or a JSON file.",
    ),
    (
        "validate",
        "data",
        "DỮ_LIỆU",
        "DATA",
        "Bộ dữ liệu cần kiểm tra theo bộ chỉ số: thư mục (units.csv, values.csv) hoặc tệp JSON.",
        "Dataset folder (units.csv, values.csv) or JSON file to check against the edition.",
    ),
    (
        "*",
        "out",
        "TỆP",
        "FILE",
        "Ghi vào tệp này thay vì ra màn hình.",
        "Write here instead of standard output.",
    ),
    (
        "*",
        "format",
        "DẠNG",
        "FORMAT",
        "Định dạng kết quả.",
        "Output format.",
    ),
    (
        "score",
        "explain",
        "MÃ_ĐƠN_VỊ",
        "UNIT_CODE",
        "Giải thích một đơn vị (theo mã) từng tiêu chí: đầu vào, quy tắc, điểm.",
        "Explain one unit (by code) node by node: inputs, rule, points.",
    ),
    (
        "rank",
        "node",
        "MÃ_TIÊU_CHÍ",
        "CRITERION",
        "Mã tiêu chí để xếp hạng (mặc định: tổng điểm).",
        "Criterion code to rank on (default: the total).",
    ),
    (
        "annex",
        "format",
        "DẠNG",
        "FORMAT",
        "Định dạng phụ lục; docx, xlsx và pdf cần --out (hoặc chuyển hướng ra tệp).",
        "Format of the annex; docx, xlsx and pdf need --out (or a redirection to a file).",
    ),
    (
        "annex",
        "compact",
        "",
        "",
        "JSON trên một dòng, không thụt lề (với --format json).",
        "JSON on one line without indentation (with --format json).",
    ),
    (
        "export",
        "format",
        "DẠNG",
        "FORMAT",
        "Các định dạng, cách nhau bằng dấu phẩy.",
        "Formats, comma-separated.",
    ),
    (
        "export",
        "out",
        "THƯ_MỤC",
        "FOLDER",
        "Thư mục kết quả (ghi tất cả hoặc không ghi gì).",
        "Output folder (every file written, or none).",
    ),
    (
        "export",
        "unit",
        "ĐƠN_VỊ",
        "UNIT",
        "Đơn vị (mã hoặc tên) được vẽ biểu đồ hồ sơ so với trung vị và mức cao nhất của khối.",
        "Unit (code or name) whose profile chart is drawn against its block's median and maximum.",
    ),
    (
        "export",
        "previous",
        "DỮ_LIỆU",
        "DATA",
        "Bộ dữ liệu năm trước, để vẽ biểu đồ thay đổi thứ hạng giữa hai năm.",
        "Previous year's dataset, for the slope chart of ranks between the two years.",
    ),
    (
        "export",
        "previous_edition",
        "BỘ_CHỈ_SỐ",
        "EDITION",
        "Bộ chỉ số của dữ liệu năm trước (mặc định: cùng bộ chỉ số).",
        "Edition of the previous dataset (default: the same edition).",
    ),
    (
        "export",
        "decision_number",
        "SỐ",
        "NUMBER",
        "Số quyết định ở đầu phụ lục (\"2870/QĐ-UBND\").",
        "Decision number for the annex heading (\"2870/QĐ-UBND\").",
    ),
    (
        "export",
        "decision_date",
        "NGÀY",
        "DATE",
        "Ngày quyết định ở đầu phụ lục, dd/mm/yyyy.",
        "Decision date for the annex heading, dd/mm/yyyy.",
    ),
    (
        "export",
        "issuer",
        "CƠ_QUAN",
        "BODY",
        "Cơ quan ban hành (mặc định: theo quyết định công bố kết quả trong bộ chỉ số), ví dụ \"Ủy ban nhân dân tỉnh Hòa Bình\".",
        "The issuing body (default: from the edition's decision publishing the results), e.g. \"Ủy ban nhân dân tỉnh Hòa Bình\".",
    ),
    (
        "export",
        "annex_number",
        "SỐ",
        "NUMBER",
        "Số của phụ lục, in thành \"Phụ lục I\".",
        "The annex's number, printed \"Phụ lục I\".",
    ),
    (
        "export",
        "signer",
        "NGƯỜI_KÝ",
        "SIGNER",
        "Khối chữ ký: \"KT. CHỦ TỊCH; PHÓ CHỦ TỊCH; họ tên\" (hoặc \"chức vụ; họ tên\").",
        "The signature block: \"KT. CHỦ TỊCH; PHÓ CHỦ TỊCH; name\" (or \"position; name\").",
    ),
    (
        "export",
        "recipient",
        "NƠI_NHẬN",
        "RECIPIENT",
        "Một nơi nhận; lặp lại cho mỗi nơi nhận.",
        "A recipient (\"Nơi nhận\"); repeat for each.",
    ),
    (
        "export",
        "published",
        "TỆP",
        "FILE",
        "Quyết định đã ký (mọi dạng đọc được): phụ lục tính lại kèm bảng đính chính các giá trị đã công bố khác với giá trị tính lại, với lý do theo egov audit.",
        "The signed decision (any importable form): the recomputed annex gets an errata table of every published value it does not reproduce, with the reason from egov audit.",
    ),
    (
        "export",
        "as_published",
        "TỆP",
        "FILE",
        "Tái hiện đúng quyết định đã ký (giá trị, thứ hạng và thứ tự như đã in), để lưu trữ.",
        "Reproduce the signed decision exactly as printed (values, ranks and order), for archival copies.",
    ),
    (
        "import",
        "path",
        "TỆP",
        "FILE",
        "Văn bản đã công bố.",
        "The published document.",
    ),
    (
        "import",
        "from",
        "DẠNG",
        "FORMAT",
        "Dạng của tệp đọc vào (mặc định: nhận ra từ nội dung).",
        "Input form (default: recognised from the content).",
    ),
    (
        "audit",
        "path",
        "TỆP",
        "FILE",
        "Văn bản đã công bố: văn bản Word, DOCX, XLSX, HTML, Markdown hoặc CSV.",
        "The published document: Word text, DOCX, XLSX, HTML, Markdown or CSV.",
    ),
    (
        "audit",
        "edition",
        "BỘ_CHỈ_SỐ",
        "EDITION",
        "Bộ chỉ số văn bản theo (mã có sẵn hoặc .toml): thêm kiểm tra điểm tối đa, khối và tổng.",
        "The edition the document follows (shipped id or .toml): adds maximum, block and total checks.",
    ),
    (
        "audit",
        "aliases",
        "TỆP",
        "FILE",
        "Đổi tên và sáp nhập đơn vị (TOML hoặc CSV: tên cũ → tên chuẩn).",
        "Renames and mergers of units (TOML or CSV: alias → canonical name).",
    ),
    (
        "audit",
        "out",
        "TỆP",
        "FILE",
        "Ghi báo cáo vào tệp này thay vì ra màn hình.",
        "Write the report here instead of standard output.",
    ),
    (
        "export",
        "robustness",
        "",
        "",
        "Phân tích thêm độ vững của xếp hạng (như egov robustness, theo bảng [robustness] của bộ chỉ số hoặc mặc định): báo cáo HTML, văn bản DOCX và PDF kết thúc bằng phần này, biểu đồ có thêm biểu đồ khoảng thứ hạng. Dùng với html, docx, pdf, svg hoặc png.",
        "Also analyse how sure each rank is (as egov robustness, with the edition's [robustness] table or the defaults): the HTML report and the DOCX and PDF annex end with it, the charts include the rank-interval chart. Goes with html, docx, pdf, svg or png.",
    ),
    (
        "export",
        "robustness_runs",
        "SỐ",
        "N",
        "Số lượt tính của --robustness (mặc định 2000, ít hơn 10000 của egov robustness để xuất nhanh; hạt giống theo bộ chỉ số, mặc định 1).",
        "Model evaluations of --robustness (default 2000, fewer than egov robustness's 10000 so that an export stays quick; the seed is the edition's, 1 by default).",
    ),
    (
        "robustness",
        "runs",
        "SỐ",
        "N",
        "Số lượt tính của mô hình (mặc định 10000, hoặc runs trong bảng [robustness]); từ 2 đến 10000000.",
        "Model evaluations (default 10000, or runs in the [robustness] table); 2 to 10000000.",
    ),
    (
        "robustness",
        "seed",
        "SỐ",
        "N",
        "Hạt giống của các lượt rút (mặc định 1, hoặc seed trong bảng [robustness]): cùng hạt giống cho cùng kết quả với bất kỳ số luồng nào.",
        "Seed of the draws (default 1, or seed in the [robustness] table): the same seed gives the same numbers on any number of threads.",
    ),
    (
        "robustness",
        "spec",
        "TỆP",
        "FILE",
        "Tệp TOML có bảng [robustness] khai báo các lựa chọn bất định (mặc định: bảng của bộ chỉ số, nếu không có thì các lựa chọn mặc định).",
        "A TOML file with a [robustness] table declaring the uncertain choices (default: the edition's own table, else the default choices).",
    ),
    (
        "robustness",
        "format",
        "DẠNG",
        "FORMAT",
        "Định dạng kết quả: text (đọc), json hoặc csv (cho chương trình khác).",
        "Output format: text (to read), json or csv (for other programs).",
    ),
    (
        "robustness",
        "chart",
        "TỆP",
        "FILE",
        "Ghi thêm biểu đồ khoảng thứ hạng của mọi khối được xếp hạng; phần mở rộng .svg hoặc .png chọn định dạng.",
        "Also write the rank-interval chart of every ranked block; the extension .svg or .png chooses the format.",
    ),
    (
        "robustness",
        "write_problem",
        "THƯ_MỤC",
        "FOLDER",
        "Ghi thêm các lượt rút và điểm lá vào thư mục này (problem.json và các tệp .npy) để một chương trình khác tính lại (bench/compare-robustness).",
        "Also write the draws and leaf points into this folder (problem.json and .npy files) for another program to redo the computation (bench/compare-robustness).",
    ),
    (
        "template",
        "units",
        "ĐƠN_VỊ",
        "UNITS",
        "Các đơn vị cần cột nhập: một units.csv (code,name,category,flags), hoặc thư mục/JSON dữ liệu để điền sẵn giá trị. Không có thì mỗi trang khối có các cột đơn vị trống.",
        "Units to prepare columns for: a units.csv (code,name,category,flags), or a dataset folder/JSON whose values pre-fill the form. Without it, each block sheet has blank unit columns.",
    ),
    (
        "template",
        "out",
        "TỆP",
        "FILE",
        "Tệp .xlsx cần ghi.",
        "The .xlsx file to write.",
    ),
    (
        "import-values",
        "path",
        "TỆP",
        "FILE",
        "Biểu mẫu nhập liệu đã điền (.xlsx).",
        "The filled entry form (.xlsx).",
    ),
    (
        "import-values",
        "edition",
        "BỘ_CHỈ_SỐ",
        "EDITION",
        "Bộ chỉ số của biểu mẫu: mã có sẵn hoặc đường dẫn tới tệp .toml.",
        "Edition the form was made for: a shipped id or a path to a .toml file.",
    ),
    (
        "import-values",
        "out",
        "THƯ_MỤC",
        "FOLDER",
        "Thư mục ghi units.csv, values.csv và dataset.toml (chỉ khi cả biểu mẫu hợp lệ).",
        "Folder to write units.csv, values.csv and dataset.toml into (only when the whole form is valid).",
    ),
    (
        "synth",
        "units",
        "SỐ",
        "N",
        "Số đơn vị.",
        "Number of units.",
    ),
    (
        "synth",
        "indicators",
        "SỐ",
        "N",
        "Số chỉ tiêu lá.",
        "Number of leaf indicators.",
    ),
    (
        "synth",
        "seed",
        "SỐ",
        "N",
        "Seed: cùng tùy chọn cho ra các tệp giống hệt từng byte.",
        "Seed: the same options give byte-identical files.",
    ),
    (
        "synth",
        "level",
        "CẤP",
        "LEVEL",
        "Loại đơn vị: xa (xã trước 2025), xa-2025 (xã, phường, đặc khu), so-huyen (sở, huyện).",
        "Kind of units: xa (communes before 2025), xa-2025 (communes, wards, special zones), so-huyen (departments, districts).",
    ),
    (
        "synth",
        "missing_rate",
        "TỈ_LỆ",
        "RATE",
        "Tỉ lệ ô đầu vào bỏ trống (0–1).",
        "Share of blank input cells (0–1).",
    ),
    (
        "synth",
        "na_rate",
        "TỈ_LỆ",
        "RATE",
        "Tỉ lệ khai báo \"Không áp dụng\" (0–1).",
        "Share of \"Không áp dụng\" (not applicable) declarations (0–1).",
    ),
    (
        "completions",
        "shell",
        "SHELL",
        "SHELL",
        "Shell cần tập lệnh.",
        "The shell to write the script for.",
    ),
    (
        "man",
        "out",
        "THƯ_MỤC",
        "FOLDER",
        "Thư mục ghi egov.1 và mỗi lệnh một trang (egov-score.1 …); không có thì in egov.1.",
        "Folder to write egov.1 and one page per subcommand (egov-score.1 …) into; without it, egov.1 is printed.",
    ),
    (
        "synth",
        "out",
        "THƯ_MỤC",
        "FOLDER",
        "Thư mục kết quả.",
        "Output folder.",
    ),
    (
        "migrate",
        "database",
        "CSDL",
        "DATABASE",
        "Cơ sở dữ liệu: một tệp SQLite (được tạo nếu chưa có) hoặc địa chỉ postgres://.",
        "The database: an SQLite file (created if missing) or a postgres:// URL.",
    ),
    (
        "verify-log",
        "database",
        "CSDL",
        "DATABASE",
        "Cơ sở dữ liệu: một tệp SQLite hoặc địa chỉ postgres://.",
        "The database: an SQLite file or a postgres:// URL.",
    ),
    (
        "backup",
        "database",
        "TỆP",
        "FILE",
        "Cơ sở dữ liệu SQLite cần sao lưu (có thể đang được dùng).",
        "The SQLite database to back up (it may be in use).",
    ),
    (
        "backup",
        "out",
        "TỆP",
        "FILE",
        "Tệp sao lưu cần ghi (ghi trọn vẹn hoặc không ghi gì).",
        "The backup file to write (written whole, or not at all).",
    ),
    (
        "restore",
        "path",
        "TỆP",
        "FILE",
        "Tệp sao lưu (do egov backup tạo).",
        "The backup file (written by egov backup).",
    ),
    (
        "restore",
        "database",
        "TỆP",
        "FILE",
        "Cơ sở dữ liệu SQLite cần khôi phục vào.",
        "The SQLite database to restore into.",
    ),
    (
        "restore",
        "force",
        "",
        "",
        "Thay cơ sở dữ liệu đang có (bản cũ được giữ lại bên cạnh, dưới tên khác).",
        "Replace an existing database (the old one is kept beside it, renamed).",
    ),
    (
        "add-user",
        "database",
        "CSDL",
        "DATABASE",
        "Cơ sở dữ liệu: một tệp SQLite (được tạo nếu chưa có) hoặc địa chỉ postgres://.",
        "The database: an SQLite file (created if missing) or a postgres:// URL.",
    ),
    (
        "add-user",
        "login",
        "TÊN",
        "LOGIN",
        "Tên đăng nhập.",
        "The login name.",
    ),
    (
        "add-user",
        "name",
        "TÊN",
        "NAME",
        "Tên hiển thị trong ứng dụng (mặc định: tên đăng nhập).",
        "The name shown in the application (default: the login).",
    ),
    (
        "add-user",
        "role",
        "VAI_TRÒ",
        "ROLE",
        "Vai trò: admin (quản trị), unit_officer (cán bộ đầu mối), unit_head (thủ trưởng đơn vị), reviewer (thẩm định viên), council (hội đồng).",
        "The role: admin, unit_officer, unit_head, reviewer or council.",
    ),
    (
        "add-user",
        "unit",
        "MÃ",
        "CODE",
        "Đơn vị của cán bộ đầu mối hoặc thủ trưởng (mã trong danh mục đơn vị).",
        "The unit of a unit officer or head (its code in the registry).",
    ),
    (
        "serve",
        "database",
        "CSDL",
        "DATABASE",
        "Cơ sở dữ liệu: một tệp SQLite (được tạo nếu chưa có) hoặc địa chỉ postgres://.",
        "The database: an SQLite file (created if missing) or a postgres:// URL.",
    ),
    (
        "serve",
        "listen",
        "ĐỊA_CHỈ",
        "ADDRESS",
        "Địa chỉ và cổng lắng nghe (cổng 0: một cổng trống bất kỳ).",
        "Address and port to listen on (port 0: any free port).",
    ),
    (
        "serve",
        "no_demo",
        "",
        "",
        "Không nạp dữ liệu mẫu vào cơ sở dữ liệu trống (khi vận hành thật).",
        "Seed no demo into an empty database (production).",
    ),
    (
        "serve",
        "insecure_cookies",
        "",
        "",
        "Cookie không có cờ Secure: chỉ để thử qua HTTP thường trên máy này, không bao giờ khi vận hành thật.",
        "Cookies without the Secure flag: only for trying over plain HTTP on this machine, never in production.",
    ),
    (
        "serve",
        "evidence_dir",
        "THƯ_MỤC",
        "FOLDER",
        "Thư mục lưu tệp minh chứng (mặc định: cạnh tệp SQLite; với PostgreSQL là egov-evidence trong thư mục hiện tại). Các máy chủ dùng chung một PostgreSQL phải dùng chung thư mục này.",
        "The folder of evidence files (default: beside the SQLite file; egov-evidence in the current folder with PostgreSQL). Servers sharing one PostgreSQL must share this folder too.",
    ),
];

/// Examples of every command, run from the repository's root (a test runs each of them).
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "",
        "  egov editions\n  egov validate --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov --lang en score --help",
        "  egov editions\n  egov validate --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019 --lang en\n  egov --lang en score --help",
    ),
    (
        "validate",
        "  egov validate --edition hoabinh-2019\n  egov validate --edition data/editions/commune-2392.toml --data data/examples/commune-2392",
        "  egov validate --edition hoabinh-2019\n  egov validate --edition data/editions/commune-2392.toml --data data/examples/commune-2392",
    ),
    (
        "score",
        "  egov score --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov score --edition hoabinh-2019 --data data/published/hoabinh-2019 --explain SYT\n  egov score --edition hoabinh-2019 --data data/published/hoabinh-2019 --format csv --out diem.csv",
        "  egov score --edition hoabinh-2019 --data data/published/hoabinh-2019 --lang en\n  egov score --edition hoabinh-2019 --data data/published/hoabinh-2019 --explain SYT --lang en\n  egov score --edition hoabinh-2019 --data data/published/hoabinh-2019 --format csv --out scores.csv",
    ),
    (
        "rank",
        "  egov rank --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov rank --edition hoabinh-2019 --data data/published/hoabinh-2019 --node A --format json",
        "  egov rank --edition hoabinh-2019 --data data/published/hoabinh-2019 --lang en\n  egov rank --edition hoabinh-2019 --data data/published/hoabinh-2019 --node A --format json",
    ),
    (
        "annex",
        "  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019 --format docx --out phu-luc.docx\n  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019 --format json --compact",
        "  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019 --lang en\n  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019 --format docx --out annex.docx\n  egov annex --edition hoabinh-2019 --data data/published/hoabinh-2019 --format json --compact",
    ),
    (
        "export",
        "  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format docx,xlsx,csv --out ket-qua\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format html,svg --unit SYT --decision-number 2870/QĐ-UBND --decision-date 31/12/2019 --out bao-cao\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format docx,pdf --published tests/data/hoabinh-2870-QD-UBND-2019.txt --out tinh-lai\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format pdf --as-published tests/data/hoabinh-2870-QD-UBND-2019.txt --annex-number I --out luu-tru\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format html --robustness --out bao-cao-do-vung",
        "  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format docx,xlsx,csv --out results\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format html,svg --unit SYT --decision-number 2870/QD-UBND --decision-date 31/12/2019 --out report --lang en\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format docx,pdf --published tests/data/hoabinh-2870-QD-UBND-2019.txt --out recomputed --lang en\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format pdf --as-published tests/data/hoabinh-2870-QD-UBND-2019.txt --annex-number I --out archive --lang en\n  egov export --edition hoabinh-2019 --data data/published/hoabinh-2019 --format html --robustness --out robustness-report --lang en",
    ),
    (
        "import",
        "  egov import tests/data/hoabinh-2870-QD-UBND-2019.txt\n  egov import tests/data/hoabinh-2870-QD-UBND-2019.txt --format csv --out bang.csv",
        "  egov import tests/data/hoabinh-2870-QD-UBND-2019.txt\n  egov import tests/data/hoabinh-2870-QD-UBND-2019.txt --format csv --out tables.csv",
    ),
    (
        "audit",
        "  egov audit tests/data/hoabinh-2870-QD-UBND-2019.txt --edition hoabinh-2019\n  egov audit tests/data/hoabinh-2870-QD-UBND-2019.txt --format markdown --out kiem-tra.md",
        "  egov audit tests/data/hoabinh-2870-QD-UBND-2019.txt --edition hoabinh-2019 --lang en\n  egov audit tests/data/hoabinh-2870-QD-UBND-2019.txt --format markdown --out audit.md --lang en",
    ),
    (
        "robustness",
        "  egov robustness --edition hoabinh-2019 --data data/published/hoabinh-2019\n  egov robustness --edition hoabinh-2019 --data data/published/hoabinh-2019 --format json --out do-vung.json\n  egov robustness --edition hoabinh-2019 --data data/published/hoabinh-2019 --runs 2000 --seed 7 --chart khoang-thu-hang.svg",
        "  egov robustness --edition hoabinh-2019 --data data/published/hoabinh-2019 --lang en\n  egov robustness --edition hoabinh-2019 --data data/published/hoabinh-2019 --format json --out robustness.json\n  egov robustness --edition hoabinh-2019 --data data/published/hoabinh-2019 --runs 2000 --seed 7 --chart rank-intervals.svg --lang en",
    ),
    (
        "template",
        "  egov template --edition hoabinh-2019 --out bieu-mau.xlsx\n  egov template --edition commune-2392 --units data/examples/commune-2392 --out bieu-mau-xa.xlsx",
        "  egov template --edition hoabinh-2019 --out form.xlsx --lang en\n  egov template --edition commune-2392 --units data/examples/commune-2392 --out commune-form.xlsx",
    ),
    (
        "import-values",
        "  egov template --edition commune-2392 --units data/examples/commune-2392 --out bieu-mau-xa.xlsx\n  egov import-values bieu-mau-xa.xlsx --edition commune-2392 --out du-lieu-xa",
        "  egov template --edition commune-2392 --units data/examples/commune-2392 --out commune-form.xlsx\n  egov import-values commune-form.xlsx --edition commune-2392 --out commune-data",
    ),
    (
        "synth",
        "  egov synth --units 200 --indicators 30 --out tong-hop\n  egov validate --edition tong-hop/edition.toml --data tong-hop",
        "  egov synth --units 200 --indicators 30 --out synthetic\n  egov validate --edition synthetic/edition.toml --data synthetic",
    ),
    ("editions", "  egov editions", "  egov editions"),
    (
        "completions",
        "  egov completions bash > egov.bash\n  egov completions zsh",
        "  egov completions bash > egov.bash\n  egov completions zsh",
    ),
    (
        "man",
        "  egov man > egov.1\n  egov man --out man",
        "  egov --lang en man > egov.1\n  egov --lang en man --out man",
    ),
    (
        "migrate",
        "  egov migrate --database egov.db",
        "  egov migrate --database egov.db --lang en",
    ),
    (
        "verify-log",
        "  egov migrate --database egov.db\n  egov verify-log --database egov.db",
        "  egov migrate --database egov.db\n  egov verify-log --database egov.db --lang en",
    ),
    (
        "backup",
        "  egov migrate --database egov.db\n  egov backup --database egov.db --out sao-luu.db",
        "  egov migrate --database egov.db\n  egov backup --database egov.db --out backup.db --lang en",
    ),
    (
        "restore",
        "  egov backup --database egov.db --out sao-luu.db\n  egov restore sao-luu.db --database khoi-phuc.db --force",
        "  egov backup --database egov.db --out backup.db\n  egov restore backup.db --database restored.db --force --lang en",
    ),
    (
        "add-user",
        "  egov add-user --database egov.db --login quan-tri --role admin",
        "  egov add-user --database egov.db --login admin --role admin --lang en",
    ),
    (
        "serve",
        "  egov serve\n  egov serve --database egov.db --listen 0.0.0.0:8080 --no-demo",
        "  egov serve --lang en\n  egov serve --database postgres://egov@localhost/egov --no-demo --lang en",
    ),
];

/// The examples of a command (`""`: the program) in `lang`, one command line per line.
pub fn examples(command: &str, lang: Lang) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(c, _, _)| *c == command)
        .map(|(_, vi, en)| tr(lang, vi, en))
}

fn arg_text(command: &str, id: &str) -> Option<&'static ArgText> {
    ARGS.iter()
        .find(|t| t.0 == command && t.1 == id)
        .or_else(|| ARGS.iter().find(|t| t.0 == "*" && t.1 == id))
}

/// The help, value names, defaults and possible values of one argument in `lang`.
fn localize_arg(command: &str, arg: Arg, lang: Lang) -> Arg {
    let id = arg.get_id().as_str().to_string();
    let Some(&(_, _, value_vi, value_en, help_vi, help_en)) = arg_text(command, &id) else {
        return arg;
    };
    let mut help = tr(lang, help_vi, help_en).to_string();
    let takes_value = !matches!(
        arg.get_action(),
        ArgAction::SetTrue
            | ArgAction::SetFalse
            | ArgAction::Count
            | ArgAction::Help
            | ArgAction::Version
    );
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if takes_value && !values.is_empty() {
        help.push_str(&format!(
            " [{}: {}]",
            tr(lang, "giá trị", "possible values"),
            values.join(", ")
        ));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if takes_value && !defaults.is_empty() {
        help.push_str(&format!(
            " [{}: {}]",
            tr(lang, "mặc định", "default"),
            defaults.join(", ")
        ));
    }
    let heading = if arg.is_positional() {
        tr(lang, "Đối số", "Arguments")
    } else {
        tr(lang, "Tùy chọn", "Options")
    };
    let mut arg = arg.help(help).long_help(None::<&str>).help_heading(heading);
    if takes_value {
        arg = arg.hide_possible_values(true).hide_default_value(true);
        if !value_vi.is_empty() {
            arg = arg.value_name(tr(lang, value_vi, value_en));
        }
    }
    arg
}

fn localize_command(name: &str, cmd: Command, lang: Lang) -> Command {
    let about = ABOUT
        .iter()
        .find(|(c, _, _)| *c == name)
        .map(|(_, vi, en)| tr(lang, vi, en));
    let mut cmd = cmd
        .long_about(None::<&str>)
        .subcommand_help_heading(tr(lang, "Lệnh", "Commands"))
        .subcommand_value_name(tr(lang, "LỆNH", "COMMAND"))
        .help_template(tr(
            lang,
            "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}",
            "{before-help}{about-with-newline}\nUsage: {usage}\n\n{all-args}{after-help}",
        ));
    if let Some(about) = about {
        cmd = cmd.about(about);
    }
    if let Some(ex) = examples(name, lang) {
        cmd = cmd.after_help(format!("{}\n{ex}", tr(lang, "Ví dụ:", "Examples:")));
    }
    let owner = name.to_string();
    cmd.mut_args(|a| localize_arg(&owner, a, lang))
}

/// The program's [`Command`] (as the derive builds it) in `lang`: help, headings, value names, usage
/// line, examples; clap's English `--help`, `--version` and `help` subcommand replaced.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let cmd = cmd
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version),
        );
    let mut cmd = localize_command("", cmd, lang).mut_subcommands(|sub| {
        let name = sub.get_name().to_string();
        localize_command(&name, sub, lang)
    });
    // Global arguments are copied into the subcommands when the command is built: their help is
    // localized before, so the copies are too. The usage line is then rendered by clap and its English
    // placeholders replaced.
    cmd.build();
    let usage = |c: &mut Command| -> String {
        let u = c.render_usage().to_string();
        let u = u.strip_prefix("Usage: ").unwrap_or(&u).to_string();
        match lang {
            Lang::Vi => u.replace("[OPTIONS]", "[TÙY_CHỌN]"),
            Lang::En => u,
        }
    };
    let root = usage(&mut cmd);
    let subs: Vec<(String, String)> = cmd
        .get_subcommands_mut()
        .map(|s| (s.get_name().to_string(), usage(s)))
        .collect();
    let mut cmd = cmd.override_usage(root);
    for (name, u) in subs {
        if let Some(s) = cmd.find_subcommand_mut(&name) {
            *s = s.clone().override_usage(u);
        }
    }
    cmd
}

#[cfg(test)]
/// The names of every argument that has no text in the tables, as `command.argument` (for the test
/// that keeps the tables complete).
pub fn missing_texts(cmd: &Command) -> Vec<String> {
    let mut missing = Vec::new();
    let mut check = |name: &str, c: &Command| {
        if !ABOUT.iter().any(|(n, _, _)| *n == name) {
            missing.push(format!("{name} (about)"));
        }
        if examples(name, Lang::Vi).is_none() {
            missing.push(format!("{name} (examples)"));
        }
        for a in c.get_arguments() {
            let id = a.get_id().as_str();
            if arg_text(name, id).is_none() {
                missing.push(format!("{name}.{id}"));
            }
        }
    };
    check("", cmd);
    for s in cmd.get_subcommands() {
        check(s.get_name(), s);
    }
    missing
}

/// A parse error of clap in `lang`: what is wrong, the usage of the command given in `args` (found in
/// `cmd`, the localized command line) and where to read more.
pub fn render_error(err: &clap::Error, lang: Lang, cmd: &Command, args: &[OsString]) -> String {
    let get = |k| err.get(k);
    let text = |k| match get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let mut msg = match err.kind() {
        ErrorKind::InvalidValue if value.is_empty() => {
            tr(lang, "'{arg}' cần một giá trị", "'{arg}' needs a value").replace("{arg}", &arg)
        }
        ErrorKind::InvalidValue => {
            let mut m = tr(
                lang,
                "giá trị '{value}' không hợp lệ cho '{arg}'",
                "invalid value '{value}' for '{arg}'",
            )
            .replace("{value}", &value)
            .replace("{arg}", &arg);
            let valid = text(ContextKind::ValidValue);
            if !valid.is_empty() {
                m.push_str(&format!(
                    " ({}: {valid})",
                    tr(lang, "các giá trị được dùng", "possible values")
                ));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(err);
            let why = match source {
                Some(s) if s.is::<std::num::ParseIntError>() => {
                    tr(lang, "cần một số nguyên", "a whole number is needed").to_string()
                }
                Some(s) if s.is::<std::num::ParseFloatError>() => {
                    tr(lang, "cần một số", "a number is needed").to_string()
                }
                Some(s) => s.to_string(),
                None => String::new(),
            };
            tr(
                lang,
                "giá trị '{value}' không hợp lệ cho '{arg}': {why}",
                "invalid value '{value}' for '{arg}': {why}",
            )
            .replace("{value}", &value)
            .replace("{arg}", &arg)
            .replace("{why}", &why)
        }
        ErrorKind::UnknownArgument => tr(
            lang,
            "không có tùy chọn '{arg}' ở đây",
            "unexpected argument '{arg}'",
        )
        .replace("{arg}", &arg),
        ErrorKind::InvalidSubcommand => {
            tr(lang, "không có lệnh '{cmd}'", "unknown command '{cmd}'")
                .replace("{cmd}", &text(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => tr(
            lang,
            "thiếu tùy chọn bắt buộc: {arg}",
            "missing required arguments: {arg}",
        )
        .replace("{arg}", &arg),
        ErrorKind::MissingSubcommand => tr(lang, "cần một lệnh", "a command is needed").to_string(),
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                tr(
                    lang,
                    "'{arg}' chỉ được dùng một lần",
                    "'{arg}' can be given only once",
                )
                .replace("{arg}", &arg)
            } else {
                tr(
                    lang,
                    "'{arg}' không dùng cùng '{prior}'",
                    "'{arg}' cannot be used with '{prior}'",
                )
                .replace("{arg}", &arg)
                .replace("{prior}", &prior)
            }
        }
        ErrorKind::NoEquals => tr(
            lang,
            "'{arg}' cần dấu '=' trước giá trị",
            "'{arg}' needs '=' before its value",
        )
        .replace("{arg}", &arg),
        ErrorKind::TooManyValues => tr(
            lang,
            "thừa giá trị '{value}' cho '{arg}'",
            "unexpected value '{value}' for '{arg}'",
        )
        .replace("{value}", &value)
        .replace("{arg}", &arg),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => tr(
            lang,
            "số giá trị cho '{arg}' không đúng",
            "wrong number of values for '{arg}'",
        )
        .replace("{arg}", &arg),
        ErrorKind::InvalidUtf8 => tr(
            lang,
            "một đối số không phải văn bản UTF-8",
            "an argument is not UTF-8 text",
        )
        .to_string(),
        _ => tr(
            lang,
            "dòng lệnh không hợp lệ",
            "the command line is not valid",
        )
        .to_string(),
    };
    // clap lists near names from the least to the most alike: the question names the nearest one
    // ("scroe" is nearer to score than to restore).
    let best = |k| match get(k) {
        Some(ContextValue::Strings(v)) => v.last().cloned().unwrap_or_default(),
        _ => text(k),
    };
    let suggested = match (
        get(ContextKind::SuggestedArg),
        get(ContextKind::SuggestedSubcommand),
        get(ContextKind::SuggestedValue),
    ) {
        (Some(_), _, _) => best(ContextKind::SuggestedArg),
        (_, Some(_), _) => best(ContextKind::SuggestedSubcommand),
        (_, _, Some(_)) => best(ContextKind::SuggestedValue),
        _ => String::new(),
    };
    if !suggested.is_empty() {
        msg.push_str(
            &tr(lang, "; có phải '{s}'?", "; did you mean '{s}'?").replace("{s}", &suggested),
        );
    }
    if matches!(
        get(ContextKind::TrailingArg),
        Some(ContextValue::Bool(true))
    ) {
        msg.push_str(tr(
            lang,
            " (một giá trị bắt đầu bằng '-' cần đứng sau '--')",
            " (a value beginning with '-' goes after '--')",
        ));
    }
    let sub = args
        .iter()
        .skip(1)
        .find_map(|a| cmd.find_subcommand(a).filter(|s| s.get_name() != "help"));
    let usage = sub.unwrap_or(cmd).clone().render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).trim();
    let command = match sub {
        Some(s) => format!("egov {}", s.get_name()),
        None => "egov".to_string(),
    };
    let mut out = format!("egov: {msg}\n");
    if !usage.is_empty() {
        out.push_str(&format!("\n{} {usage}\n", tr(lang, "Cách dùng:", "Usage:")));
    }
    out.push_str(&format!(
        "\n{}\n",
        tr(lang, "Xem thêm: {c} --help", "For more, see: {c} --help").replace("{c}", &command)
    ));
    out
}

/// Whether a parse "error" is a request for help or the version (printed as it is, already localized).
pub fn is_help_request(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn language_from_flag_then_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let none: &[(&str, &str)] = &[];
        assert_eq!(message_lang(&args(&["egov", "score"]), env(none)), Lang::Vi);
        assert_eq!(
            message_lang(&args(&["egov", "score"]), env(&[("LANG", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            message_lang(&args(&["egov"]), env(&[("LANG", "C.UTF-8")])),
            Lang::Vi
        );
        // POSIX order: LC_ALL over LC_MESSAGES over LANG; an empty one does not count.
        assert_eq!(
            message_lang(
                &args(&["egov"]),
                env(&[("LC_ALL", "vi_VN"), ("LANG", "en_US")])
            ),
            Lang::Vi
        );
        assert_eq!(
            message_lang(
                &args(&["egov"]),
                env(&[("LC_ALL", ""), ("LC_MESSAGES", "en_GB"), ("LANG", "vi")])
            ),
            Lang::En
        );
        // The flag wins, before or after the subcommand, in both spellings.
        let en = || env(&[("LANG", "en_US")]);
        assert_eq!(
            message_lang(&args(&["egov", "--lang", "vi", "score"]), en()),
            Lang::Vi
        );
        assert_eq!(
            message_lang(&args(&["egov", "score", "--lang=vi"]), en()),
            Lang::Vi
        );
        assert_eq!(
            message_lang(&args(&["egov", "score", "--lang", "en"]), env(none)),
            Lang::En
        );
        // After `--` it is a value, not the flag; an invalid value is left to the parser.
        assert_eq!(
            message_lang(&args(&["egov", "x", "--", "--lang", "en"]), env(none)),
            Lang::Vi
        );
        assert_eq!(
            message_lang(&args(&["egov", "--lang", "fr"]), env(none)),
            Lang::Vi
        );
    }

    #[test]
    fn every_command_and_argument_has_both_texts_and_examples() {
        use clap::CommandFactory;
        let missing = missing_texts(&crate::Cli::command());
        assert!(missing.is_empty(), "no text in help.rs for: {missing:?}");
        // Both languages build (clap's debug assertions run on build).
        for lang in [Lang::Vi, Lang::En] {
            crate::command(lang).build();
        }
    }

    #[test]
    fn help_subcommand_is_rewritten() {
        assert_eq!(
            help_subcommand(args(&["egov", "help", "score"])),
            args(&["egov", "score", "--help"])
        );
        assert_eq!(
            help_subcommand(args(&["egov", "--lang", "en", "help"])),
            args(&["egov", "--lang", "en", "--help"])
        );
        assert_eq!(
            help_subcommand(args(&["egov", "audit", "help"])),
            args(&["egov", "audit", "help"])
        );
    }
}
