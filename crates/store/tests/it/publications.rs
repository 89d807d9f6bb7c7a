//! Publication: versions with their files written once with the cycle's move to `published`, a
//! correction as a new version with a reason, earlier versions unchanged; notices marked read.

use egov_store::*;

use crate::suite::cycle_with_units;
use crate::{Db, on_both};

const ADMIN: &str = "admin";

fn files(csv: &str) -> Vec<NewFile> {
    vec![
        NewFile {
            name: "phu-luc.csv".into(),
            media_type: "text/csv; charset=utf-8".into(),
            bytes: csv.as_bytes().to_vec(),
        },
        NewFile {
            name: "phu-luc.pdf".into(),
            media_type: "application/pdf".into(),
            // Bytes that are not UTF-8, as a PDF's are: BLOB/BYTEA, not text.
            bytes: vec![0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x80],
        },
    ]
}

fn new<'a>(
    cycle_id: i64,
    version: i64,
    snapshot: &'a str,
    reason: Option<&'a str>,
    files: &'a [NewFile],
) -> NewPublication<'a> {
    NewPublication {
        cycle_id,
        version,
        decision_number: "2870/QĐ-UBND",
        decision_date: "2019-12-18",
        snapshot,
        reason,
        files,
        notice: Some("Kết quả đã được công bố"),
    }
}

/// Runs SQL behind the store's back (someone with access to the database), returning its result.
async fn raw(db: &Db, sql: &'static str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let target = db.target();
    if target.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&target).await?;
        let r = sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ());
        c.close().await?;
        r
    } else {
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&target);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
        let r = sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ());
        c.close().await?;
        r
    }
}

/// The cycle of `cycle_with_units`, moved to `closed` as the council's approval leaves it.
async fn closed_cycle(s: &Store) -> Cycle {
    let (c, _, _) = cycle_with_units(s).await;
    s.set_cycle_state(ADMIN, c.id, c.version, CycleState::Closed, None, None)
        .await
        .unwrap()
}

#[test]
fn publishing_twice_gives_version_two_and_leaves_version_one_as_it_was() {
    on_both("publish", |db: Db| async move {
        let s = &db.store;
        let (open, _, _) = cycle_with_units(s).await;
        let f1 = files("unit,total\nSYT,47.2\n");
        // Before the council approved: refused, nothing written.
        let before = s.log_entries(0, 1000).await.unwrap().len();
        assert!(matches!(
            s.publish(ADMIN, &new(open.id, 1, "{\"a\":1}", None, &f1))
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(s.publications(open.id).await.unwrap().is_empty());
        assert_eq!(s.log_entries(0, 1000).await.unwrap().len(), before);

        let c = s
            .set_cycle_state(ADMIN, open.id, open.version, CycleState::Closed, None, None)
            .await
            .unwrap();
        let p1 = s
            .publish(ADMIN, &new(c.id, 1, "{\"a\":1}", None, &f1))
            .await
            .unwrap();
        assert_eq!(
            (p1.version, p1.content_hash.as_str(), p1.snapshot.as_str()),
            (1, sha256_hex(b"{\"a\":1}").as_str(), "{\"a\":1}")
        );
        // Each unit of the cycle is told, once per version.
        let syt = s
            .create_user(ADMIN, "syt", "Cán bộ SYT", "h")
            .await
            .unwrap();
        s.grant_role(ADMIN, syt.id, Role::UnitOfficer, Some("SYT"))
            .await
            .unwrap();
        let told = s.notices(syt.id).await.unwrap();
        assert_eq!(
            told.iter()
                .map(|n| (n.kind.as_str(), n.unit_code.as_deref()))
                .collect::<Vec<_>>(),
            vec![("published", Some("SYT"))]
        );
        let c1 = s.cycle(c.id).await.unwrap();
        assert_eq!(
            (c1.state, c1.version),
            (CycleState::Published, c.version + 1)
        );
        let listed1 = s.publication_files(p1.id).await.unwrap();
        assert_eq!(
            listed1
                .iter()
                .map(|f| (f.name.as_str(), f.size, f.sha256.clone()))
                .collect::<Vec<_>>(),
            vec![
                ("phu-luc.csv", 20, sha256_hex(&f1[0].bytes)),
                ("phu-luc.pdf", 8, sha256_hex(&f1[1].bytes)),
            ]
        );

        // A correction needs a reason, and the version the publisher read.
        let f2 = files("unit,total\nSYT,48.0\n");
        assert!(matches!(
            s.publish(ADMIN, &new(c.id, 2, "{\"a\":2}", None, &f2))
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            s.publish(ADMIN, &new(c.id, 1, "{\"a\":2}", Some("sửa"), &f2))
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let p2 = s
            .publish(ADMIN, &new(c.id, 2, "{\"a\":2}", Some("sửa điểm SYT"), &f2))
            .await
            .unwrap();
        assert_eq!(
            (p2.version, p2.reason.as_deref()),
            (2, Some("sửa điểm SYT"))
        );
        assert_eq!(
            s.publications(c.id).await.unwrap(),
            vec![p1.clone(), p2.clone()]
        );
        assert_eq!(s.publication(c.id, 1).await.unwrap(), p1);
        // Version 1's hash and files are unchanged by version 2.
        assert_eq!(s.publication_files(p1.id).await.unwrap(), listed1);
        let (meta, bytes) = s.publication_file(p1.id, "phu-luc.csv").await.unwrap();
        assert_eq!(
            (meta.media_type.as_str(), bytes),
            ("text/csv; charset=utf-8", f1[0].bytes.clone())
        );
        let (_, pdf) = s.publication_file(p1.id, "phu-luc.pdf").await.unwrap();
        assert_eq!(pdf, f1[1].bytes);
        let (_, bytes2) = s.publication_file(p2.id, "phu-luc.csv").await.unwrap();
        assert_eq!(bytes2, f2[0].bytes);
        assert!(matches!(
            s.publication_file(p1.id, "../phu-luc.csv").await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.publication(c.id, 3).await,
            Err(StoreError::NotFound { .. })
        ));

        let history = s.publication_history(c.id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|p| (p.version, p.content_hash.clone()))
                .collect::<Vec<_>>(),
            vec![(1, p1.content_hash.clone()), (2, p2.content_hash.clone())]
        );
        let latest = s.latest_publications().await.unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!((latest[0].cycle_id, latest[0].version), (c.id, 2));

        let publishes: Vec<LogEntry> = s
            .log_entries(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "cycle.publish")
            .collect();
        assert_eq!(publishes.len(), 2);
        assert_eq!(publishes[1].reason.as_deref(), Some("sửa điểm SYT"));
        assert!(
            publishes[0]
                .after
                .as_deref()
                .unwrap()
                .contains(&p1.content_hash)
        );
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn a_correction_of_points_follows_a_new_approval() {
    on_both("reapproved", |db: Db| async move {
        let s = &db.store;
        let c = closed_cycle(s).await;
        let f = files("x\n");
        s.publish(ADMIN, &new(c.id, 1, "{\"v\":1}", None, &f))
            .await
            .unwrap();
        // Taken back to verification: no correction until the council approves again.
        let c = s.cycle(c.id).await.unwrap();
        let c = s
            .set_cycle_state(
                ADMIN,
                c.id,
                c.version,
                CycleState::Review,
                None,
                Some("sai điểm"),
            )
            .await
            .unwrap();
        assert!(matches!(
            s.publish(ADMIN, &new(c.id, 2, "{\"v\":2}", Some("sửa điểm"), &f))
                .await,
            Err(StoreError::Invalid(_))
        ));
        let c = s
            .set_cycle_state(ADMIN, c.id, c.version, CycleState::Closed, None, None)
            .await
            .unwrap();
        let p2 = s
            .publish(ADMIN, &new(c.id, 2, "{\"v\":2}", Some("sửa điểm"), &f))
            .await
            .unwrap();
        assert_eq!(p2.version, 2);
        let c = s.cycle(c.id).await.unwrap();
        assert_eq!(c.state, CycleState::Published);
    });
}

#[test]
fn a_published_version_cannot_be_changed_or_deleted_even_behind_the_store() {
    on_both("immutable", |db: Db| async move {
        let s = &db.store;
        let c = closed_cycle(s).await;
        let f = files("x\n");
        let p = s
            .publish(ADMIN, &new(c.id, 1, "{}", None, &f))
            .await
            .unwrap();
        for sql in [
            "UPDATE publications SET snapshot = '{\"forged\":1}'",
            "DELETE FROM publications",
            "UPDATE publication_files SET bytes = bytes",
            "DELETE FROM publication_files",
        ] {
            assert!(raw(&db, sql).await.is_err(), "{sql}");
        }
        assert_eq!(s.publications(c.id).await.unwrap(), vec![p.clone()]);
        assert_eq!(s.publication_files(p.id).await.unwrap().len(), 2);
    });
}

#[test]
fn duplicate_file_names_are_refused_before_anything_is_written() {
    on_both("dupfiles", |db: Db| async move {
        let s = &db.store;
        let c = closed_cycle(s).await;
        let mut f = files("x\n");
        f[1].name = f[0].name.clone();
        assert!(matches!(
            s.publish(ADMIN, &new(c.id, 1, "{}", None, &f)).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(s.publications(c.id).await.unwrap().is_empty());
        assert_eq!(s.cycle(c.id).await.unwrap().state, CycleState::Closed);
    });
}

#[test]
fn notices_are_marked_read_once() {
    on_both("notice_read", |db: Db| async move {
        let s = &db.store;
        s.upsert_unit(ADMIN, &crate::suite::unit("SYT", "Sở Y tế"))
            .await
            .unwrap();
        let u = s.create_user(ADMIN, "lan", "Lan", "h").await.unwrap();
        let n = s
            .add_notice(Some(u.id), None, "deadline", "Còn 3 ngày")
            .await
            .unwrap();
        assert_eq!(s.notice(n.id).await.unwrap(), n);
        assert_eq!(n.read_at, None);
        let read = s.mark_notice_read("lan", n.id).await.unwrap();
        assert!(read.read_at.is_some());
        let again = s.mark_notice_read("lan", n.id).await.unwrap();
        assert_eq!(again.read_at, read.read_at, "the first reading counts");
        let reads = s
            .log_entries(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "notice.read")
            .count();
        assert_eq!(reads, 1);
        assert!(matches!(
            s.notice(n.id + 1000).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.mark_notice_read("lan", n.id + 1000).await,
            Err(StoreError::NotFound { .. })
        ));
    });
}
