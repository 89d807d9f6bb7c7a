//! `scale`: the web application at a province's full scale (issue 10, item 8) — a cycle of 3,321
//! communes × 100 indicators on the embedded database, measured through the router as a browser's
//! requests reach it: the submission board, one draft save, and publishing (score, rank, the five
//! annex files, the snapshot, in one transaction).
//!
//! `cargo run --release -p egov-web --example scale -- [--units 3321] [--indicators 100] [--runs 15]`
//! (`bench/web-scale` runs it). Prints each measurement's median, min and max and whether the goal is
//! met; exits 1 when a goal is missed. Not a test: machines here are noisy, and the numbers belong in
//! bench/README.md, not in a pass/fail of the test suite.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use egov_core::calendar::parse_date;
use egov_core::dataset::{Dataset, Source};
use egov_core::edition::Edition;
use egov_store::{
    CycleState, DraftWrite, NewCycle, NewUnit, Role, Session, Store, SubmissionStatus,
};
use egov_synth::{Level, SynthOptions, generate};
use egov_web::publish::{PublishRequest, publish_cycle};
use egov_web::scoring::Stage;
use egov_web::{AppState, Config, router, session};
use tower::ServiceExt;

struct Args {
    units: usize,
    indicators: usize,
    runs: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        units: 3321,
        indicators: 100,
        runs: 15,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v: usize = it
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{flag} needs a whole number"))?;
        match flag.as_str() {
            "--units" => a.units = v,
            "--indicators" => a.indicators = v,
            "--runs" => a.runs = v.max(1),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(a)
}

fn median(mut d: Vec<Duration>) -> (Duration, Duration, Duration) {
    d.sort();
    (d[d.len() / 2], d[0], d[d.len() - 1])
}

fn report(what: &str, d: Vec<Duration>, goal: Duration) -> bool {
    let n = d.len();
    let (med, min, max) = median(d);
    let met = med < goal;
    println!(
        "{what}: median {:.1} ms (min {:.1}, max {:.1}, {n} runs); goal < {} ms: {}",
        med.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        goal.as_millis(),
        if met { "met" } else { "NOT met" }
    );
    met
}

/// A signed-in browser's request: the session cookie, and for a POST the form with its CSRF token.
fn request(path: &str, token: &str, csrf: &str, form: Option<String>) -> Request<Body> {
    let b = Request::builder()
        .uri(path)
        .header(header::HOST, "localhost")
        .header(
            header::COOKIE,
            format!("{}={token}", session::SESSION_COOKIE),
        );
    match form {
        Some(f) => b
            .method("POST")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("{f}&_csrf={csrf}")))
            .unwrap(),
        None => b.method("GET").body(Body::empty()).unwrap(),
    }
}

async fn sign_in(store: &Store, login: &str, role: Role, unit: Option<&str>) -> (String, String) {
    let u = store
        .create_user("bench", login, login, "not-a-password-hash")
        .await
        .unwrap();
    store.grant_role("bench", u.id, role, unit).await.unwrap();
    let token = session::new_token().unwrap();
    let csrf = session::new_token().unwrap();
    let now = egov_store::now_ms();
    store
        .create_session(&Session {
            token_hash: session::token_hash(&token),
            user_id: u.id,
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: now + 24 * 3_600_000,
        })
        .await
        .unwrap();
    (token, csrf)
}

/// A generated value as the form stores it: the generator writes `40.2`, an officer `40,2`.
fn as_typed(v: &str) -> String {
    match v.split_once('.') {
        Some((i, f))
            if !i.is_empty()
                && i.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                && f.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{i},{f}")
        }
        _ => v.to_string(),
    }
}

/// The wide values file as (unit, [(key, text)]) with blank cells left out.
fn values(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let keys: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .skip(1)
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let pairs = keys
                .iter()
                .zip(r.iter().skip(1))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.clone(), as_typed(v)))
                .collect();
            (r[0].to_string(), pairs)
        })
        .collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scale: {e}");
            return ExitCode::from(2);
        }
    };
    let synth = generate(&SynthOptions {
        units: a.units,
        indicators: a.indicators,
        seed: 42,
        level: Level::Commune2025,
        ..SynthOptions::default()
    });
    let dir = std::env::temp_dir().join(format!("egov-web-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(dir.join("egov.db").to_str().unwrap())
        .await
        .unwrap();
    let edition = Edition::from_toml(&synth.edition_toml, "edition.toml").unwrap();
    let units = Dataset::units_from_csv(
        &edition,
        Source {
            name: "units.csv",
            text: &synth.units_csv,
        },
    )
    .unwrap();

    let t = Instant::now();
    store
        .put_edition("bench", &synth.edition_id, &synth.edition_toml)
        .await
        .unwrap();
    for u in &units {
        store
            .upsert_unit(
                "bench",
                &NewUnit {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    category: edition.categories[u.category].code.clone(),
                    flags: u.flags.join(";"),
                    ..NewUnit::default()
                },
            )
            .await
            .unwrap();
    }
    let cycle = store
        .open_cycle(
            "bench",
            &NewCycle {
                year: 2026,
                edition_id: synth.edition_id.clone(),
                deadline: "2099-12-31".into(),
                units: units.iter().map(|u| u.code.clone()).collect(),
            },
        )
        .await
        .unwrap();
    let rows = values(&synth.values_csv);
    let n_values: usize = rows.iter().map(|r| r.1.len()).sum();
    for (unit, pairs) in &rows {
        let sub = store.submission(cycle.id, unit).await.unwrap();
        let writes: Vec<DraftWrite> = pairs
            .iter()
            .map(|(k, v)| DraftWrite {
                key: k.clone(),
                value: v.clone(),
                expected_version: 0,
            })
            .collect();
        store.save_draft("bench", sub.id, &writes).await.unwrap();
    }
    eprintln!(
        "seeded {} units, {} values in {:.1} s",
        units.len(),
        n_values,
        t.elapsed().as_secs_f64()
    );

    let state = AppState {
        store: store.clone(),
        config: Config {
            evidence_dir: dir.join("evidence"),
            ..Config::default()
        },
    };
    let app = router(state);
    let (admin, _) = sign_in(&store, "admin", Role::Admin, None).await;
    let (unit, pairs) = &rows[0];
    let (officer, officer_csrf) = sign_in(&store, "officer", Role::UnitOfficer, Some(unit)).await;
    let mut ok = true;

    // The submission board of every unit, as the admin opens it.
    let board = format!("/cycles/{}", cycle.id);
    let mut times = Vec::new();
    for _ in 0..a.runs + 1 {
        let t = Instant::now();
        let res = app
            .clone()
            .oneshot(request(&board, &admin, "", None))
            .await
            .unwrap();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        times.push(t.elapsed());
        assert!(body.len() > a.units * 50, "the board lists every unit");
    }
    times.remove(0);
    ok &= report(
        &format!("board of {} units", a.units),
        times,
        Duration::from_millis(200),
    );

    // One draft save of one value, alternating between two values (each save writes).
    let (key, first) = &pairs[0];
    let path = format!("/cycles/{}/units/{unit}", cycle.id);
    let mut times = Vec::new();
    let sub = store.submission(cycle.id, unit).await.unwrap();
    let mut version = store
        .entries(sub.id)
        .await
        .unwrap()
        .into_iter()
        .find(|e| &e.key == key)
        .map_or(0, |e| e.version);
    for i in 0..a.runs * 2 + 1 {
        let value = if i % 2 == 0 { "0" } else { first.as_str() };
        let form = format!("v.{key}={value}&ver.{key}={version}");
        let t = Instant::now();
        let res = app
            .clone()
            .oneshot(request(&path, &officer, &officer_csrf, Some(form)))
            .await
            .unwrap();
        let elapsed = t.elapsed();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the save was refused");
        version += 1;
        times.push(elapsed);
    }
    times.remove(0);
    ok &= report(
        "one draft save (one value)",
        times,
        Duration::from_millis(20),
    );

    // Every unit submits; the council has approved; the admin publishes.
    for s in store.submissions(cycle.id).await.unwrap() {
        store
            .set_submission_status("bench", s.id, s.version, SubmissionStatus::Submitted, None)
            .await
            .unwrap();
    }
    let c = store.cycle(cycle.id).await.unwrap();
    store
        .set_cycle_state("bench", c.id, c.version, CycleState::Closed, None, None)
        .await
        .unwrap();
    // Where publishing's time goes: reading the rows, and the engine through the dataset reader.
    let c = store.cycle(cycle.id).await.unwrap();
    let t = Instant::now();
    let rows = egov_web::scoring::cycle_rows(&store, &c, Stage::Verified)
        .await
        .unwrap();
    let read = t.elapsed();
    let t = Instant::now();
    let edition = egov_web::scoring::edition_of(&store, &c).await.unwrap();
    let scored = egov_web::scoring::score_rows(edition, &rows).unwrap();
    println!(
        "(scoring the cycle: rows read in {:.0} ms, scored in {:.0} ms, {} units)",
        read.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3,
        scored.dataset.units.len()
    );
    let t = Instant::now();
    let published = publish_cycle(
        &store,
        "bench",
        &PublishRequest {
            cycle_id: cycle.id,
            decision_number: "123/QĐ-UBND",
            decision_date: parse_date("20/12/2026").unwrap(),
            reason: None,
        },
        egov_core::Lang::Vi,
    )
    .await
    .unwrap();
    let took = t.elapsed();
    ok &= report(
        &format!(
            "publishing (score, rank, 5 annex files, snapshot {})",
            &published.content_hash[..12]
        ),
        vec![took],
        Duration::from_secs(10),
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
