//! `egov serve`: the web application on the embedded database (created and migrated on first start)
//! or on PostgreSQL. On a database without users, unless `--no-demo`, it seeds a demo: the shipped
//! editions, the Hòa Bình 2019 units, one account per role (random passwords printed once with the
//! address), the 2019 results as a published cycle and a 2026 cycle in progress. The demo is built
//! through the store's functions and the web's own publishing path (`egov_web::publish`), so what it
//! shows is what the application makes. The server runs until Ctrl-C (requests in flight finish).

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use egov_core::calendar::{Date, add_working_days, parse_date};
use egov_core::dataset::{Dataset, Source};
use egov_core::msg;
use egov_store::{
    CouncilVerdict, CycleState, DraftWrite, NewCycle, NewUnit, Role, Store, SubmissionStatus,
};
use egov_web::publish::{PublishRequest, publish_cycle};
use egov_web::{AppState, Config};

use crate::load::{self, InputError};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The database: an SQLite file (created if missing) or a postgres:// URL.
    #[arg(long, default_value = "egov.db")]
    database: String,
    /// The address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed no demo on an empty database (production).
    #[arg(long)]
    no_demo: bool,
    /// Cookies without `Secure`, for a browser on plain HTTP to this machine only (development).
    #[arg(long)]
    insecure_cookies: bool,
    /// The folder of evidence files (default: beside an SQLite database, `egov-evidence` in the current
    /// folder for PostgreSQL). Servers sharing one PostgreSQL must share this folder too.
    #[arg(long)]
    evidence_dir: Option<std::path::PathBuf>,
}

/// The units of the demo: the Hòa Bình 2019 decision's.
const DEMO_UNITS: &str = include_str!("../../../data/published/hoabinh-2019/units.csv");
/// Their points as Decision 2870/QĐ-UBND published them (group level; decimal comma).
const DEMO_VALUES: &str = include_str!("../../../data/published/hoabinh-2019/values.csv");

pub fn serve(a: ServeArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(crate::cmd_store::runtime_error)?;
    rt.block_on(run(a))
}

async fn run(a: ServeArgs) -> Result<ExitCode> {
    let store = Store::open(&a.database)
        .await
        .map_err(crate::cmd_store::unusable)?;
    let listener = tokio::net::TcpListener::bind(&a.listen)
        .await
        .map_err(|e| {
            let (addr, why) = (&a.listen, egov_core::lang::io_reason(&e));
            InputError(msg!(
                "không mở được cổng {addr}: {why}",
                "cannot listen on {addr}: {why}"
            ))
        })?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}/");
    if !a.no_demo
        && store
            .users()
            .await
            .map_err(crate::cmd_store::unusable)?
            .is_empty()
    {
        let demo = seed_demo(&store).await?;
        say(&msg!(
            "Đã tạo dữ liệu mẫu. Tài khoản (mật khẩu chỉ in một lần):",
            "Demo data created. Accounts (passwords are printed only once):"
        ));
        for (login, role, password) in demo.accounts {
            say(&format!("  {login:<12} {password}  {role}"));
        }
        let (published, open) = (demo.published_cycle, demo.open_cycle);
        say(&msg!(
            "Kết quả năm 2019 đã công bố: {url}results/{published}; kỳ đánh giá 2026 đang mở: {url}cycles/{open}",
            "The 2019 results, published: {url}results/{published}; the 2026 cycle, open: {url}cycles/{open}"
        ));
    }
    // The shipped editions are data every database starts with, demo or not (an edition in the
    // database never changes under its id: one already there is left as it is).
    if store
        .editions()
        .await
        .map_err(crate::cmd_store::unusable)?
        .is_empty()
    {
        for (id, text) in load::shipped_texts() {
            store
                .put_edition("egov serve", id, text)
                .await
                .map_err(crate::cmd_store::unusable)?;
        }
    }
    if a.no_demo
        && store
            .users()
            .await
            .map_err(crate::cmd_store::unusable)?
            .is_empty()
    {
        let db = &a.database;
        say(&msg!(
            "Chưa có tài khoản nào: tạo quản trị viên đầu tiên bằng lệnh `egov add-user --database {db} --login TÊN --role admin`.",
            "No account yet: create the first administrator with `egov add-user --database {db} --login NAME --role admin`."
        ));
    }
    if !a.insecure_cookies {
        say(&msg!(
            "(cookie có cờ Secure: trình duyệt chỉ gửi chúng qua HTTPS, hoặc tới localhost; dùng --insecure-cookies khi thử qua HTTP tới một địa chỉ khác)",
            "(cookies are Secure: browsers send them over HTTPS or to localhost only; use --insecure-cookies to try over plain HTTP at another address)"
        ));
    }
    // The address last: whoever started the server may stop reading once it has it.
    say(&format!("egov serve: {url}"));
    let state = AppState {
        store: store.clone(),
        config: Config {
            secure_cookies: !a.insecure_cookies,
            evidence_dir: a
                .evidence_dir
                .clone()
                .unwrap_or_else(|| evidence_dir(&a.database)),
            ..Config::default()
        },
    };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    egov_web::serve(listener, state, shutdown).await?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Where the evidence files go: beside an SQLite database (`data/egov.db` → `data/egov-evidence/`), so
/// that the database and its files move and are backed up together; for PostgreSQL, `egov-evidence/`
/// in the working folder.
fn evidence_dir(database: &str) -> std::path::PathBuf {
    match egov_store::Target::parse(database) {
        egov_store::Target::Sqlite(path) => {
            let stem = path
                .file_stem()
                .map_or_else(|| "egov".into(), |s| s.to_string_lossy().into_owned());
            path.with_file_name(format!("{stem}-evidence"))
        }
        egov_store::Target::Postgres(_) => std::path::PathBuf::from("egov-evidence"),
    }
}

/// Prints a line; a closed standard output (the starter stopped reading) must not stop the server.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// What the demo seeded.
struct Demo {
    /// (login, role, password) of each account.
    accounts: Vec<(String, String, String)>,
    published_cycle: i64,
    open_cycle: i64,
}

/// Seeds the demo.
async fn seed_demo(store: &Store) -> Result<Demo> {
    let actor = "egov-demo";
    for (id, text) in load::shipped_texts() {
        store
            .put_edition(actor, id, text)
            .await
            .map_err(crate::cmd_store::unusable)?;
    }
    let edition = load::edition("hoabinh-2019")?;
    let units = Dataset::units_from_csv(
        &edition,
        Source {
            name: "data/published/hoabinh-2019/units.csv",
            text: DEMO_UNITS,
        },
    )
    .map_err(|e| InputError(e.to_string()))?;
    for u in &units {
        let new = NewUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            category: edition.categories[u.category].code.clone(),
            flags: u.flags.join(";"),
            ..NewUnit::default()
        };
        store
            .upsert_unit(actor, &new)
            .await
            .map_err(crate::cmd_store::unusable)?;
    }
    let unit = units.first().map(|u| u.code.as_str());
    let accounts: [(&str, &str, Role, Option<&str>); 5] = [
        ("admin", "Quản trị / Administrator", Role::Admin, None),
        (
            "can-bo",
            "Cán bộ đầu mối / Unit officer",
            Role::UnitOfficer,
            unit,
        ),
        (
            "thu-truong",
            "Thủ trưởng đơn vị / Unit head",
            Role::UnitHead,
            unit,
        ),
        (
            "tham-dinh",
            "Thẩm định viên / Reviewer",
            Role::Reviewer,
            None,
        ),
        ("hoi-dong", "Hội đồng / Council", Role::Council, None),
    ];
    let mut out = Vec::new();
    for (login, label, role, unit) in accounts {
        let password = egov_web::session::new_password().map_err(web_error)?;
        let hash = egov_web::session::hash_password(&password).map_err(web_error)?;
        let user = store
            .create_user(actor, login, label, &hash)
            .await
            .map_err(crate::cmd_store::unusable)?;
        store
            .grant_role(actor, user.id, role, unit)
            .await
            .map_err(crate::cmd_store::unusable)?;
        let label = match unit {
            Some(u) => format!("{label} ({u})"),
            None => label.to_string(),
        };
        out.push((login.to_string(), label, password));
    }
    let codes: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
    let values = demo_values()?;
    let published_cycle = seed_published(store, &edition, &codes, &values).await?;
    let open_cycle = seed_open(store, &codes, &values).await?;
    Ok(Demo {
        accounts: out,
        published_cycle,
        open_cycle,
    })
}

/// One unit's published values: (unit, [(criterion, value as printed)]).
type UnitValues = (String, Vec<(String, String)>);

/// The published values of each unit, empty cells left out.
fn demo_values() -> Result<Vec<UnitValues>> {
    let bad = |e: csv::Error| InputError(format!("data/published/hoabinh-2019/values.csv: {e}"));
    let mut reader = csv::Reader::from_reader(DEMO_VALUES.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(str::to_string)
        .collect();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        let unit = record.get(0).unwrap_or_default().to_string();
        let cells = header
            .iter()
            .zip(record.iter())
            .skip(1)
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.trim().to_string()))
            .collect();
        out.push((unit, cells));
    }
    Ok(out)
}

/// A unit's values saved as its draft in one transaction; submitted when `submit` (by the demo).
async fn fill(
    store: &Store,
    cycle: i64,
    unit: &str,
    values: &[(String, String)],
    submit: bool,
) -> Result<()> {
    let actor = "egov-demo";
    let sub = store
        .submission(cycle, unit)
        .await
        .map_err(crate::cmd_store::unusable)?;
    let writes: Vec<DraftWrite> = values
        .iter()
        .map(|(key, value)| DraftWrite {
            key: key.clone(),
            value: value.clone(),
            expected_version: 0,
        })
        .collect();
    let saved = store
        .save_draft(actor, sub.id, &writes)
        .await
        .map_err(crate::cmd_store::unusable)?;
    if submit {
        store
            .set_submission_status(
                actor,
                sub.id,
                saved.submission.version,
                SubmissionStatus::Submitted,
                None,
            )
            .await
            .map_err(crate::cmd_store::unusable)?;
    }
    Ok(())
}

/// The 2019 cycle as Decision 2870/QĐ-UBND closed it: every unit's published points submitted, the
/// cycle through verification to the council's approval, and published by the web's publishing path
/// (snapshot, hash, annex files). Returns its id.
async fn seed_published(
    store: &Store,
    edition: &egov_core::edition::Edition,
    codes: &[String],
    values: &[UnitValues],
) -> Result<i64> {
    let actor = "egov-demo";
    // The decision that published these results, as the edition records it.
    let decision = edition
        .legal_basis
        .iter()
        .find(|b| b.role.as_deref() == Some("công bố kết quả"))
        .ok_or_else(|| {
            InputError("hoabinh-2019: no legal basis with role 'công bố kết quả'".into())
        })?;
    let date = decision
        .date
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(|e| InputError(format!("hoabinh-2019: {e}")))?
        .ok_or_else(|| InputError(format!("hoabinh-2019: {} has no date", decision.number)))?;
    let cycle = store
        .open_cycle(
            actor,
            &NewCycle {
                year: 2019,
                edition_id: "hoabinh-2019".into(),
                deadline: "2019-11-29".into(),
                units: codes.to_vec(),
            },
        )
        .await
        .map_err(crate::cmd_store::unusable)?;
    for (unit, cells) in values {
        fill(store, cycle.id, unit, cells, true).await?;
    }
    // Through verification to the council, which approves: the steps the web takes.
    let mut version = cycle.version;
    for state in [CycleState::Review, CycleState::Council] {
        version = store
            .set_cycle_state(actor, cycle.id, version, state, None, None)
            .await
            .map_err(crate::cmd_store::unusable)?
            .version;
    }
    store
        .council_decide(
            actor,
            cycle.id,
            version,
            CouncilVerdict::Approved,
            Some("Dữ liệu mẫu: kết quả đã công bố năm 2019"),
        )
        .await
        .map_err(crate::cmd_store::unusable)?;
    publish_cycle(
        store,
        actor,
        &PublishRequest {
            cycle_id: cycle.id,
            decision_number: &decision.number,
            decision_date: date,
            reason: None,
        },
        egov_core::Lang::Vi,
    )
    .await
    .map_err(web_error)?;
    Ok(cycle.id)
}

/// A 2026 cycle in progress: open for 20 working days from today; the demo officer's unit (the first)
/// and two others have drafts, one unit has submitted. Returns its id.
async fn seed_open(store: &Store, codes: &[String], values: &[UnitValues]) -> Result<i64> {
    let actor = "egov-demo";
    let today = Date::in_vietnam_at(egov_store::now_ms())
        .ok_or_else(|| anyhow!("the system clock is outside the calendar"))?;
    let deadline = add_working_days(today, 20, &[])
        .ok_or_else(|| anyhow!("no deadline 20 working days after {}", today.iso()))?;
    let cycle = store
        .open_cycle(
            actor,
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: deadline.iso(),
                units: codes.to_vec(),
            },
        )
        .await
        .map_err(crate::cmd_store::unusable)?;
    for (i, (unit, cells)) in values.iter().enumerate().take(4) {
        match i {
            // The officer's unit: the readiness group typed so far, to finish and submit.
            0 => {
                let started: Vec<(String, String)> = cells
                    .iter()
                    .filter(|(k, _)| k.starts_with("A."))
                    .cloned()
                    .collect();
                fill(store, cycle.id, unit, &started, false).await?;
            }
            1 => fill(store, cycle.id, unit, cells, true).await?,
            _ => fill(store, cycle.id, unit, cells, false).await?,
        }
    }
    Ok(cycle.id)
}

fn web_error(e: egov_web::WebError) -> anyhow::Error {
    anyhow!("{e:?}")
}
