//! Evidence uploads and downloads through HTTP, as an attacker would try them: disguised files,
//! oversized bodies, another unit's evidence by id, uploads without the CSRF token, links that are
//! not web addresses; and the download's headers.

use axum::http::{StatusCode, header};
use egov_store::EvidenceSource;

use crate::form::{Fx, HOABINH, fixture, multipart, upload, upload_request};
use crate::*;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The files in the evidence folder.
fn stored_files(fx: &Fx) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&fx.evidence_dir, &mut out);
    out
}

async fn evidence_of(fx: &Fx, unit: &str) -> Vec<egov_store::Evidence> {
    let sub = fx.store.submission(fx.cycle, unit).await.unwrap();
    fx.store
        .evidence(sub.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.removed_at.is_none())
        .collect()
}

#[tokio::test]
async fn a_pdf_is_stored_by_its_hash_and_served_as_an_attachment() {
    let fx = fixture("upload_pdf", HOABINH).await;
    let url = fx.url("A");
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/evidence"),
        &[
            ("key", None, b"A.1"),
            ("file", Some("Báo cáo hạ tầng.pdf"), PDF),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let ev = evidence_of(&fx, "A").await;
    assert_eq!(ev.len(), 1);
    let hash = egov_store::sha256_hex(PDF);
    match &ev[0].source {
        EvidenceSource::File {
            content_hash,
            file_name,
            media_type,
            size,
        } => {
            assert_eq!(content_hash, &hash);
            assert_eq!(file_name, "Báo cáo hạ tầng.pdf");
            assert_eq!(media_type, "application/pdf");
            assert_eq!(*size, PDF.len() as i64);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ev[0].key, "A.1");
    // On disk under its hash, never under the user's name.
    let files = stored_files(&fx);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name().unwrap().to_str().unwrap(), hash);
    assert_eq!(std::fs::read(&files[0]).unwrap(), PDF);
    // Shown on the form, downloaded with the headers that keep the browser from running it.
    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(page.contains("Báo cáo hạ tầng.pdf"), "{page}");
    let res = send(
        &fx.st,
        request(
            "GET",
            &format!("{url}/evidence/{}", ev[0].id),
            Some(&fx.reviewer),
            None,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let cd = h[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"B-o-c-o-h-t-ng.pdf\""),
        "{cd}"
    );
    assert!(
        cd.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20h%E1%BA%A1%20t%E1%BA%A7ng.pdf"),
        "{cd}"
    );
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(&body[..], PDF);
    // The same file again is stored once.
    let (status, _) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/evidence"),
        &[("key", None, b"A.2"), ("file", Some("ban-sao.pdf"), PDF)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(stored_files(&fx).len(), 1);
    assert_eq!(evidence_of(&fx, "A").await.len(), 2);
}

#[tokio::test]
async fn disguised_files_are_refused() {
    let fx = fixture("upload_disguised", HOABINH).await;
    let path = format!("{}/evidence", fx.url("A"));
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "bao-cao.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "trang web",
        ),
        (
            "bao-cao.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            "chương trình",
        ),
        (
            "anh.pdf",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "có đuôi &quot;.pdf&quot; nhưng nội dung là PNG",
        ),
        ("bang.docx", b"PK\x03\x04not really a zip", "tệp nén"),
        (
            "ghi-chu.txt",
            b"chi la van ban",
            "Chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG",
        ),
    ];
    for (name, content, says) in cases {
        let (status, page) = upload(
            &fx,
            &fx.officer,
            &path,
            &[("key", None, b"A.1"), ("file", Some(name), content)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}");
        assert!(page.contains(says), "{name}: {page}");
    }
    assert!(evidence_of(&fx, "A").await.is_empty());
    assert!(stored_files(&fx).is_empty());
    // A real XLSX (the unit's own workbook) is accepted as an Excel file.
    let res = send(
        &fx.st,
        request(
            "GET",
            &format!("{}/workbook", fx.url("A")),
            Some(&fx.officer),
            None,
        ),
    )
    .await;
    let xlsx = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    let (status, _) = upload(
        &fx,
        &fx.officer,
        &path,
        &[("key", None, b"A.1"), ("file", Some("so-lieu.xlsx"), &xlsx)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Named .docx, it is refused: the content types say it is a workbook.
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &path,
        &[("key", None, b"A.1"), ("file", Some("so-lieu.docx"), &xlsx)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Excel (XLSX)"), "{page}");
}

#[tokio::test]
async fn oversized_uploads_are_refused_with_413() {
    let fx = fixture("upload_large", HOABINH).await;
    let path = format!("{}/evidence", fx.url("A"));
    let limit = fx.st.config.upload_limit;
    // A body past the upload limit plus the form's: refused while reading it.
    let mut big = PDF.to_vec();
    big.resize(limit + fx.st.config.body_limit + 1024, b' ');
    let (status, _) = upload(
        &fx,
        &fx.officer,
        &path,
        &[("key", None, b"A.1"), ("file", Some("lon.pdf"), &big)],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // A file just past the upload limit in a body the guard reads: refused by the handler.
    big.truncate(limit + 1);
    let (status, _) = upload(
        &fx,
        &fx.officer,
        &path,
        &[("key", None, b"A.1"), ("file", Some("lon.pdf"), &big)],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // A declared length past the limit is refused before anything is read.
    let (ct, body) = multipart(&[("_csrf", None, fx.officer.csrf.as_bytes())]);
    let mut req = upload_request(&path, &fx.officer, &ct, body);
    req.headers_mut().insert(
        header::CONTENT_LENGTH,
        (limit + fx.st.config.body_limit + 1)
            .to_string()
            .parse()
            .unwrap(),
    );
    let res = send(&fx.st, req).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A form (not an upload) keeps the small limit.
    let form = format!(
        "v.A.1={}&_csrf={}",
        "1".repeat(fx.st.config.body_limit),
        fx.officer.csrf
    );
    let res = send(
        &fx.st,
        request("POST", &fx.url("A"), Some(&fx.officer), Some(&form)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(evidence_of(&fx, "A").await.is_empty());
    assert!(stored_files(&fx).is_empty());
}

#[tokio::test]
async fn uploads_need_the_csrf_token() {
    let fx = fixture("upload_csrf", HOABINH).await;
    let path = format!("{}/evidence", fx.url("A"));
    let (ct, body) = multipart(&[("key", None, b"A.1"), ("file", Some("a.pdf"), PDF)]);
    let res = send(&fx.st, upload_request(&path, &fx.officer, &ct, body)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (ct, body) = multipart(&[
        ("_csrf", None, b"wrong"),
        ("key", None, b"A.1"),
        ("file", Some("a.pdf"), PDF),
    ]);
    let res = send(&fx.st, upload_request(&path, &fx.officer, &ct, body)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The token in a part after the file is found too.
    let csrf = fx.officer.csrf.clone();
    let (ct, body) = multipart(&[
        ("key", None, b"A.1"),
        ("file", Some("a.pdf"), PDF),
        ("_csrf", None, csrf.as_bytes()),
    ]);
    let res = send(&fx.st, upload_request(&path, &fx.officer, &ct, body)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(evidence_of(&fx, "A").await.len(), 1);
}

#[tokio::test]
async fn another_units_evidence_is_not_found_through_this_units_url() {
    let fx = fixture("upload_other", HOABINH).await;
    let (status, _) = upload(
        &fx,
        &fx.officer_b,
        &format!("{}/evidence", fx.url("B")),
        &[("key", None, b"A.1"), ("file", Some("b.pdf"), PDF)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let b_id = evidence_of(&fx, "B").await[0].id;
    // A's officer names B's evidence in A's URL: 404 for reading and for removing.
    let (status, _) = fx
        .get(&fx.officer, &format!("{}/evidence/{b_id}", fx.url("A")))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = fx
        .post(
            &fx.officer,
            &format!("{}/evidence/{b_id}/remove", fx.url("A")),
            "reason=x",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(evidence_of(&fx, "B").await.len(), 1);
    // Through B's URL A's officer is refused by the guard.
    let (status, _) = fx
        .get(&fx.officer, &format!("{}/evidence/{b_id}", fx.url("B")))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An evidence id of another cycle's submission or none at all: 404.
    let (status, _) = fx
        .get(&fx.officer, &format!("{}/evidence/999999", fx.url("A")))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // B's own officer removes it; it is gone from the form and the download.
    let (status, _) = fx
        .post(
            &fx.officer_b,
            &format!("{}/evidence/{b_id}/remove", fx.url("B")),
            "reason=nham+tep",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(evidence_of(&fx, "B").await.is_empty());
    let (status, _) = fx
        .get(&fx.officer_b, &format!("{}/evidence/{b_id}", fx.url("B")))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let last = fx
        .store
        .log_entries(0, 1_000_000)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.action, "evidence.remove");
    assert_eq!(last.reason.as_deref(), Some("nham tep"));
}

#[tokio::test]
async fn document_references_take_web_links_only() {
    let fx = fixture("upload_document", HOABINH).await;
    let path = format!("{}/evidence", fx.url("A"));
    let (status, page) = fx
        .post(&fx.officer, &path, "key=A.1&number=12%2FQ%C4%90-UBND&date=15%2F01%2F2026&issuer=UBND+t%E1%BB%89nh&link=javascript%3Aalert(1)")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("http://"), "{page}");
    let (status, page) = fx.post(&fx.officer, &path, "key=A.1&number=&date=").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Số văn bản"), "{page}");
    let (status, page) = fx
        .post(&fx.officer, &path, "key=A.1&number=12&date=31%2F02%2F2026")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Ngày văn bản"), "{page}");
    // An indicator of no edition.
    let (status, _) = fx
        .post(&fx.officer, &path, "key=..%2F..%2Fetc&number=12")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(evidence_of(&fx, "A").await.is_empty());
    let (status, _) = fx
        .post(&fx.officer, &path, "key=A.1&number=12%2FQ%C4%90-UBND&date=15%2F01%2F2026&issuer=UBND+t%E1%BB%89nh&link=https%3A%2F%2Fhoabinh.gov.vn%2Fvb%2F12")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ev = evidence_of(&fx, "A").await;
    assert_eq!(
        ev[0].source,
        EvidenceSource::Document {
            number: "12/QĐ-UBND".into(),
            date: Some("2026-01-15".into()),
            issuer: Some("UBND tỉnh".into()),
            link: Some("https://hoabinh.gov.vn/vb/12".into()),
        }
    );
    let (status, page) = fx
        .get(
            &fx.reviewer,
            &format!("{}/evidence/{}", fx.url("A"), ev[0].id),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Văn bản số 12/QĐ-UBND ngày 15/01/2026 của UBND tỉnh"),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://hoabinh.gov.vn/vb/12\""),
        "{page}"
    );
}
