//! Realistic, unique Vietnamese names of units: communes (xã, phường, thị trấn, đặc khu), districts and
//! provincial departments.
//!
//! Place names are built the way Vietnamese place names are: two Sino-Vietnamese syllables from a
//! common stock ("Tân Phú", "Hòa Bình"), sometimes followed by a direction ("Tân Phú Đông"). Names are
//! drawn from the seeded stream and kept unique over the whole province, with the category word in
//! front ("Xã Tân Phú", "Phường Tân Phú" are different units). All text is written in NFC.

use std::collections::HashSet;

use crate::rng::Draw;

/// Syllables that start or end Vietnamese place names. NFC, with tone marks on the main vowel.
const SYLLABLES: &[&str] = &[
    "An",
    "Bình",
    "Bảo",
    "Cẩm",
    "Châu",
    "Cường",
    "Đại",
    "Đông",
    "Đồng",
    "Đức",
    "Gia",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiệp",
    "Hòa",
    "Hồng",
    "Hưng",
    "Hương",
    "Khánh",
    "Kim",
    "Lạc",
    "Lâm",
    "Lộc",
    "Lợi",
    "Long",
    "Minh",
    "Mỹ",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Nhân",
    "Phong",
    "Phú",
    "Phúc",
    "Phước",
    "Quang",
    "Quảng",
    "Quý",
    "Sơn",
    "Tài",
    "Tân",
    "Thái",
    "Thanh",
    "Thành",
    "Thạnh",
    "Thịnh",
    "Thọ",
    "Thuận",
    "Thượng",
    "Tiên",
    "Tiến",
    "Trung",
    "Trường",
    "Tường",
    "Văn",
    "Vĩnh",
    "Việt",
    "Xuân",
    "Yên",
];

/// Directions and positions that distinguish neighbouring places with the same base name.
const SUFFIXES: &[&str] = &["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ"];

/// Real special zones (đặc khu) created in 2025; a province has at most a few.
pub(crate) const SPECIAL_ZONES: &[&str] = &[
    "Vân Đồn",
    "Cô Tô",
    "Bạch Long Vĩ",
    "Cát Hải",
    "Cồn Cỏ",
    "Lý Sơn",
    "Hoàng Sa",
    "Trường Sa",
    "Phú Quý",
    "Côn Đảo",
    "Phú Quốc",
    "Thổ Châu",
    "Kiên Hải",
];

/// Provincial departments and boards (sở, ban, ngành) that provide public services.
pub(crate) const DEPARTMENTS: &[&str] = &[
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Ban Quản lý các khu công nghiệp",
    "Ban Dân tộc",
    "Sở Giao thông vận tải",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Tài nguyên và Môi trường",
    "Sở Kế hoạch và Đầu tư",
    "Sở Thông tin và Truyền thông",
];

/// Provincial bodies that provide no public services (scored, shown, not ranked).
pub(crate) const OTHER_BODIES: &[&str] = &[
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
];

/// Hands out unique names for one province.
pub(crate) struct Namer {
    used: HashSet<String>,
}

impl Namer {
    pub(crate) fn new() -> Namer {
        Namer {
            used: HashSet::new(),
        }
    }

    /// A place name not yet used after `prefix` ("Xã ", "UBND huyện "). After many collisions (only
    /// when a province has tens of thousands of units) a number keeps the name unique.
    pub(crate) fn place(&mut self, d: &mut Draw, prefix: &str) -> String {
        for attempt in 0..64 {
            let a = d.pick(SYLLABLES);
            let mut b = d.pick(SYLLABLES);
            while b == a {
                b = d.pick(SYLLABLES);
            }
            // Most names are two syllables; directions come in once the plain names get crowded.
            let name = if attempt < 8 && !d.chance(0.12) {
                format!("{prefix}{a} {b}")
            } else {
                format!("{prefix}{a} {b} {}", d.pick(SUFFIXES))
            };
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        let base = format!("{prefix}{} {}", d.pick(SYLLABLES), d.pick(SYLLABLES));
        (2..)
            .map(|k| format!("{base} {k}"))
            .find(|n| self.used.insert(n.clone()))
            .expect("an unused number exists")
    }

    /// A fixed name (a department, a special zone) if unused; otherwise a place name with `fallback`.
    pub(crate) fn fixed_or_place(
        &mut self,
        d: &mut Draw,
        fixed: Option<String>,
        fallback: &str,
    ) -> String {
        match fixed {
            Some(f) if self.used.insert(f.clone()) => f,
            _ => self.place(d, fallback),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    #[test]
    fn many_names_stay_unique() {
        let mut d = Draw::new(3, Stream::Units);
        let mut n = Namer::new();
        let names: Vec<String> = (0..20_000).map(|_| n.place(&mut d, "Xã ")).collect();
        let set: HashSet<&String> = names.iter().collect();
        assert_eq!(set.len(), names.len());
        assert!(names.iter().all(|s| s.starts_with("Xã ")));
    }
}
