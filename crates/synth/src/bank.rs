//! The stock of indicator topics the synthetic edition draws from, per rule kind.
//!
//! The wording follows the criteria of provincial e-government / digital-transformation indexes
//! (hồ sơ trực tuyến, văn bản ký số, thư điện tử công vụ …) so that a generated annex reads like a real
//! one. When an edition needs more indicators of a kind than the stock holds, the generator reuses a
//! topic for another field ("– lĩnh vực tư pháp"), which is also how real indexes repeat an indicator
//! per domain.

/// A ratio indicator: numerator ÷ denominator × max.
pub(crate) struct RatioTopic {
    pub name: &'static str,
    pub name_en: &'static str,
    pub numerator: &'static str,
    pub denominator: &'static str,
    pub unit: &'static str,
}

/// An indicator read from one input.
pub(crate) struct Topic {
    pub name: &'static str,
    pub name_en: &'static str,
    pub input: &'static str,
    pub unit: Option<&'static str>,
}

pub(crate) struct ChoiceTopic {
    pub name: &'static str,
    pub name_en: &'static str,
    pub input: &'static str,
    /// Best answer first.
    pub choices: [&'static str; 3],
}

pub(crate) struct SumTopic {
    pub name: &'static str,
    pub name_en: &'static str,
    pub parts: &'static [&'static str],
}

pub(crate) const RATIO: &[RatioTopic] = &[
    RatioTopic {
        name: "Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận trực tuyến",
        name_en: "Share of administrative applications received online",
        numerator: "Số hồ sơ tiếp nhận trực tuyến",
        denominator: "Tổng số hồ sơ tiếp nhận",
        unit: "hồ sơ",
    },
    RatioTopic {
        name: "Tỷ lệ hồ sơ giải quyết đúng hạn",
        name_en: "Share of applications settled on time",
        numerator: "Số hồ sơ giải quyết đúng hạn",
        denominator: "Tổng số hồ sơ đã giải quyết",
        unit: "hồ sơ",
    },
    RatioTopic {
        name: "Tỷ lệ văn bản đi được ký số",
        name_en: "Share of outgoing documents digitally signed",
        numerator: "Số văn bản đi có chữ ký số",
        denominator: "Tổng số văn bản đi",
        unit: "văn bản",
    },
    RatioTopic {
        name: "Tỷ lệ văn bản trao đổi hoàn toàn dưới dạng điện tử",
        name_en: "Share of documents exchanged fully electronically",
        numerator: "Số văn bản trao đổi dưới dạng điện tử",
        denominator: "Tổng số văn bản trao đổi",
        unit: "văn bản",
    },
    RatioTopic {
        name: "Tỷ lệ cán bộ, công chức sử dụng thư điện tử công vụ",
        name_en: "Share of officials using official e-mail",
        numerator: "Số cán bộ, công chức sử dụng thư điện tử công vụ",
        denominator: "Tổng số cán bộ, công chức",
        unit: "người",
    },
    RatioTopic {
        name: "Tỷ lệ cán bộ, công chức được cấp chữ ký số cá nhân",
        name_en: "Share of officials with a personal digital signature",
        numerator: "Số cán bộ, công chức có chữ ký số cá nhân",
        denominator: "Tổng số cán bộ, công chức được giao xử lý văn bản",
        unit: "người",
    },
    RatioTopic {
        name: "Tỷ lệ máy tính kết nối mạng truyền số liệu chuyên dùng",
        name_en: "Share of computers on the government data network",
        numerator: "Số máy tính kết nối mạng truyền số liệu chuyên dùng",
        denominator: "Tổng số máy tính",
        unit: "máy",
    },
    RatioTopic {
        name: "Tỷ lệ kết quả giải quyết thủ tục hành chính được số hóa",
        name_en: "Share of administrative decisions digitised",
        numerator: "Số kết quả giải quyết được số hóa",
        denominator: "Tổng số kết quả giải quyết thủ tục hành chính",
        unit: "hồ sơ",
    },
    RatioTopic {
        name: "Tỷ lệ hộ gia đình có kết nối Internet cáp quang",
        name_en: "Share of households with fibre Internet",
        numerator: "Số hộ gia đình có Internet cáp quang",
        denominator: "Tổng số hộ gia đình",
        unit: "hộ",
    },
    RatioTopic {
        name: "Tỷ lệ người trưởng thành có tài khoản định danh điện tử mức độ 2",
        name_en: "Share of adults with a level-2 electronic identity account",
        numerator: "Số người có tài khoản định danh điện tử mức độ 2",
        denominator: "Dân số từ 14 tuổi trở lên",
        unit: "người",
    },
    RatioTopic {
        name: "Tỷ lệ giao dịch thanh toán trực tuyến phí, lệ phí",
        name_en: "Share of fees paid online",
        numerator: "Số giao dịch thanh toán trực tuyến",
        denominator: "Tổng số giao dịch thu phí, lệ phí",
        unit: "giao dịch",
    },
    RatioTopic {
        name: "Tỷ lệ hồ sơ được cập nhật lên Hệ thống thông tin giải quyết thủ tục hành chính",
        name_en: "Share of applications recorded in the provincial case system",
        numerator: "Số hồ sơ được cập nhật lên hệ thống",
        denominator: "Tổng số hồ sơ phát sinh",
        unit: "hồ sơ",
    },
    RatioTopic {
        name: "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động",
        name_en: "Share of hamlets with an active community digital team",
        numerator: "Số thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động",
        denominator: "Tổng số thôn, tổ dân phố",
        unit: "thôn",
    },
];

/// Percentages (0–100) scored by ratio to a constant 100.
pub(crate) const PERCENT: &[Topic] = &[
    Topic {
        name: "Mức độ hài lòng của người dân, doanh nghiệp",
        name_en: "Citizen and business satisfaction",
        input: "Tỷ lệ người dân, doanh nghiệp hài lòng",
        unit: Some("%"),
    },
    Topic {
        name: "Tỷ lệ dân số được phủ sóng di động 4G/5G",
        name_en: "Population covered by 4G/5G",
        input: "Tỷ lệ dân số được phủ sóng 4G/5G",
        unit: Some("%"),
    },
    Topic {
        name: "Tỷ lệ dịch vụ công trực tuyến toàn trình",
        name_en: "Share of end-to-end online public services",
        input: "Tỷ lệ dịch vụ công được cung cấp trực tuyến toàn trình",
        unit: Some("%"),
    },
    Topic {
        name: "Tỷ lệ hồ sơ, tài liệu lưu trữ được số hóa",
        name_en: "Share of archived records digitised",
        input: "Tỷ lệ hồ sơ lưu trữ đã số hóa",
        unit: Some("%"),
    },
];

pub(crate) const YES_NO: &[Topic] = &[
    Topic {
        name: "Ban hành Kế hoạch chuyển đổi số năm",
        name_en: "Annual digital transformation plan issued",
        input: "Có Kế hoạch chuyển đổi số năm",
        unit: None,
    },
    Topic {
        name: "Ban hành Quy chế bảo đảm an toàn thông tin mạng",
        name_en: "Network security regulation issued",
        input: "Có Quy chế bảo đảm an toàn thông tin mạng",
        unit: None,
    },
    Topic {
        name: "Thành lập Tổ công nghệ số cộng đồng",
        name_en: "Community digital technology team set up",
        input: "Có Tổ công nghệ số cộng đồng",
        unit: None,
    },
    Topic {
        name: "Bố trí công chức phụ trách công nghệ thông tin",
        name_en: "Official in charge of IT assigned",
        input: "Có công chức phụ trách công nghệ thông tin",
        unit: None,
    },
    Topic {
        name: "Trang thông tin điện tử đáp ứng yêu cầu theo quy định",
        name_en: "Website meets the regulation",
        input: "Trang thông tin điện tử đáp ứng yêu cầu",
        unit: None,
    },
    Topic {
        name: "Bộ phận một cửa được trang bị đầy đủ thiết bị",
        name_en: "One-stop desk fully equipped",
        input: "Bộ phận một cửa trang bị đầy đủ thiết bị",
        unit: None,
    },
    Topic {
        name: "Kết nối hệ thống hội nghị truyền hình trực tuyến",
        name_en: "Connected to the video-conference system",
        input: "Có điểm cầu hội nghị truyền hình trực tuyến",
        unit: None,
    },
    Topic {
        name: "Thực hiện chế độ báo cáo qua Hệ thống thông tin báo cáo",
        name_en: "Reports filed through the reporting system",
        input: "Báo cáo qua Hệ thống thông tin báo cáo",
        unit: None,
    },
    Topic {
        name: "Phê duyệt hồ sơ đề xuất cấp độ an toàn hệ thống thông tin",
        name_en: "Information system security level approved",
        input: "Đã phê duyệt hồ sơ cấp độ an toàn hệ thống thông tin",
        unit: None,
    },
    Topic {
        name: "Tuyên truyền chuyển đổi số trên hệ thống truyền thanh cơ sở",
        name_en: "Digital transformation on local loudspeaker radio",
        input: "Có chuyên mục chuyển đổi số trên truyền thanh cơ sở",
        unit: None,
    },
];

/// Percentages scored by thresholds.
pub(crate) const STEPS: &[Topic] = &[
    Topic {
        name: "Tỷ lệ thủ tục hành chính có phát sinh hồ sơ trực tuyến",
        name_en: "Share of procedures with online applications",
        input: "Tỷ lệ thủ tục hành chính có phát sinh hồ sơ trực tuyến",
        unit: Some("%"),
    },
    Topic {
        name: "Mức độ cập nhật dữ liệu dân cư",
        name_en: "Population data kept up to date",
        input: "Tỷ lệ dữ liệu dân cư được cập nhật, làm sạch",
        unit: Some("%"),
    },
    Topic {
        name: "Kết quả đánh giá an toàn thông tin",
        name_en: "Information security assessment",
        input: "Điểm đánh giá an toàn thông tin",
        unit: Some("%"),
    },
    Topic {
        name: "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số",
        name_en: "Share of officials trained in digital skills",
        input: "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số",
        unit: Some("%"),
    },
    Topic {
        name: "Tỷ lệ hộ kinh doanh thanh toán không dùng tiền mặt",
        name_en: "Share of household businesses accepting cashless payment",
        input: "Tỷ lệ hộ kinh doanh chấp nhận thanh toán không dùng tiền mặt",
        unit: Some("%"),
    },
    Topic {
        name: "Tỷ lệ trường học triển khai học bạ số",
        name_en: "Share of schools with digital school records",
        input: "Tỷ lệ trường học triển khai học bạ số",
        unit: Some("%"),
    },
];

pub(crate) const CHOICE: &[ChoiceTopic] = &[
    ChoiceTopic {
        name: "Mức độ triển khai hệ thống quản lý văn bản và điều hành",
        name_en: "Document management system in use",
        input: "Mức độ sử dụng hệ thống quản lý văn bản và điều hành",
        choices: ["Đầy đủ", "Một phần", "Chưa triển khai"],
    },
    ChoiceTopic {
        name: "Mức độ cập nhật thông tin trên trang thông tin điện tử",
        name_en: "Website kept up to date",
        input: "Tần suất cập nhật trang thông tin điện tử",
        choices: ["Thường xuyên", "Không thường xuyên", "Không cập nhật"],
    },
    ChoiceTopic {
        name: "Kết nối mạng truyền số liệu chuyên dùng",
        name_en: "Connection to the government data network",
        input: "Tình trạng kết nối mạng truyền số liệu chuyên dùng",
        choices: ["Đã kết nối", "Đang triển khai", "Chưa kết nối"],
    },
    ChoiceTopic {
        name: "Công khai thủ tục hành chính trên Cổng dịch vụ công",
        name_en: "Procedures published on the public service portal",
        input: "Mức độ công khai thủ tục hành chính",
        choices: ["Đầy đủ, đúng hạn", "Chưa đầy đủ", "Chưa công khai"],
    },
    ChoiceTopic {
        name: "Triển khai camera giám sát an ninh trật tự",
        name_en: "Public-order surveillance cameras",
        input: "Mức độ triển khai camera giám sát",
        choices: ["Toàn địa bàn", "Một số khu vực", "Chưa triển khai"],
    },
];

/// Counts scored per item up to a cap.
pub(crate) const PER_ITEM: &[Topic] = &[
    Topic {
        name: "Tin, bài tuyên truyền về chuyển đổi số",
        name_en: "News items on digital transformation",
        input: "Số tin, bài tuyên truyền về chuyển đổi số",
        unit: Some("tin, bài"),
    },
    Topic {
        name: "Lớp tập huấn kỹ năng số cho người dân",
        name_en: "Digital skills classes for residents",
        input: "Số lớp tập huấn kỹ năng số",
        unit: Some("lớp"),
    },
    Topic {
        name: "Cuộc họp tổ chức trực tuyến",
        name_en: "Meetings held online",
        input: "Số cuộc họp trực tuyến",
        unit: Some("cuộc"),
    },
    Topic {
        name: "Nền tảng số được triển khai tại địa phương",
        name_en: "Digital platforms deployed locally",
        input: "Số nền tảng số được triển khai",
        unit: Some("nền tảng"),
    },
    Topic {
        name: "Sản phẩm OCOP đưa lên sàn thương mại điện tử",
        name_en: "OCOP products on e-commerce platforms",
        input: "Số sản phẩm OCOP trên sàn thương mại điện tử",
        unit: Some("sản phẩm"),
    },
    Topic {
        name: "Cơ sở dữ liệu chuyên ngành được cập nhật",
        name_en: "Sector databases kept up to date",
        input: "Số cơ sở dữ liệu chuyên ngành được cập nhật",
        unit: Some("cơ sở dữ liệu"),
    },
];

pub(crate) const SUM: &[SumTopic] = &[
    SumTopic {
        name: "Kết quả kiểm tra công tác cải cách hành chính",
        name_en: "Administrative reform inspection",
        parts: &[
            "Điểm kiểm tra hồ sơ",
            "Điểm kiểm tra thực tế",
            "Điểm phỏng vấn người dân",
        ],
    },
    SumTopic {
        name: "Thực hiện chế độ báo cáo về chuyển đổi số",
        name_en: "Digital transformation reporting",
        parts: &["Điểm báo cáo định kỳ", "Điểm báo cáo đột xuất"],
    },
    SumTopic {
        name: "Bảo đảm an toàn thông tin mạng",
        name_en: "Network security",
        parts: &[
            "Điểm phòng chống mã độc",
            "Điểm sao lưu dữ liệu",
            "Điểm diễn tập ứng cứu sự cố",
        ],
    },
    SumTopic {
        name: "Đánh giá của Hội đồng thẩm định",
        name_en: "Appraisal council assessment",
        parts: &["Điểm thẩm định hồ sơ", "Điểm thẩm định thực tế"],
    },
];

/// The best of a ratio and a yes/no alternative.
pub(crate) struct BestTopic {
    pub ratio: RatioTopic,
    /// The yes/no alternative that also earns points.
    pub alternative: &'static str,
}

/// Best of a ratio and a yes/no alternative (e.g. online payments or a cashless-payment agreement).
pub(crate) const BEST_OF: &[BestTopic] = &[
    BestTopic {
        ratio: RatioTopic {
            name: "Thanh toán trực tuyến trong giải quyết thủ tục hành chính",
            name_en: "Online payment of administrative fees",
            numerator: "Số hồ sơ thanh toán trực tuyến",
            denominator: "Tổng số hồ sơ có thu phí",
            unit: "hồ sơ",
        },
        alternative: "Đã ký thỏa thuận thanh toán không dùng tiền mặt",
    },
    BestTopic {
        ratio: RatioTopic {
            name: "Trả kết quả giải quyết thủ tục hành chính bản điện tử",
            name_en: "Electronic delivery of decisions",
            numerator: "Số kết quả trả bản điện tử",
            denominator: "Tổng số kết quả đã trả",
            unit: "hồ sơ",
        },
        alternative: "Kết nối Kho quản lý dữ liệu điện tử của tổ chức, cá nhân",
    },
    BestTopic {
        ratio: RatioTopic {
            name: "Ứng dụng chữ ký số trong giao dịch điện tử",
            name_en: "Digital signatures in e-transactions",
            numerator: "Số giao dịch điện tử có ký số",
            denominator: "Tổng số giao dịch điện tử",
            unit: "giao dịch",
        },
        alternative: "Sử dụng chữ ký số chuyên dùng Chính phủ",
    },
];

/// Volumes compared with the best unit of the block.
pub(crate) const RELATIVE: &[Topic] = &[
    Topic {
        name: "Số hồ sơ trực tuyến phát sinh",
        name_en: "Online applications received",
        input: "Số hồ sơ trực tuyến phát sinh",
        unit: Some("hồ sơ"),
    },
    Topic {
        name: "Lượt truy cập trang thông tin điện tử",
        name_en: "Website visits",
        input: "Số lượt truy cập trang thông tin điện tử",
        unit: Some("lượt"),
    },
    Topic {
        name: "Tài khoản định danh điện tử được kích hoạt",
        name_en: "Electronic identities activated",
        input: "Số tài khoản định danh điện tử được kích hoạt",
        unit: Some("tài khoản"),
    },
];

/// Points entered directly by the appraisal council.
pub(crate) const POINTS: &[(&str, &str)] = &[
    (
        "Điểm thưởng sáng kiến chuyển đổi số",
        "Bonus for digital transformation initiatives",
    ),
    (
        "Điểm đánh giá thực tế của đoàn kiểm tra",
        "Field inspection points",
    ),
    ("Điểm chấm báo cáo tổng kết", "Annual report points"),
];

/// Fields used to tell apart repeated topics.
pub(crate) const FIELDS: &[&str] = &[
    "tư pháp",
    "đất đai",
    "xây dựng",
    "y tế",
    "giáo dục",
    "lao động",
    "nông nghiệp",
    "văn hóa",
    "tài chính",
    "hộ tịch",
    "kinh doanh",
    "môi trường",
];

/// The topic `k` of a stock of `len`, and the qualifier that makes its name unique.
pub(crate) fn qualified(k: usize, len: usize) -> (usize, String) {
    let round = k / len;
    let q = match round {
        0 => String::new(),
        r if r <= FIELDS.len() => format!(" – lĩnh vực {}", FIELDS[r - 1]),
        r => format!(
            " – lĩnh vực {} ({})",
            FIELDS[(r - 1) % FIELDS.len()],
            (r - 1) / FIELDS.len() + 1
        ),
    };
    (k % len, q)
}
