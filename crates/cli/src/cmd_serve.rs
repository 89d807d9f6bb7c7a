//! `egov serve`: the web application on the embedded database (created and migrated on first start)
//! or on PostgreSQL. On a database without users, unless `--no-demo`, it seeds a demo: the shipped
//! editions, the Hòa Bình 2019 units and one account per role, whose random passwords are printed
//! once with the address. The server runs until Ctrl-C (requests in flight finish).

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use egov_core::dataset::{Dataset, Source};
use egov_core::msg;
use egov_store::{NewUnit, Role, Store};
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
}

/// The units of the demo: the Hòa Bình 2019 decision's.
const DEMO_UNITS: &str = include_str!("../../../data/published/hoabinh-2019/units.csv");

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
        let accounts = seed_demo(&store).await?;
        say(&msg!(
            "Đã tạo dữ liệu mẫu. Tài khoản (mật khẩu chỉ in một lần):",
            "Demo data created. Accounts (passwords are printed only once):"
        ));
        for (login, role, password) in accounts {
            say(&format!("  {login:<12} {password}  {role}"));
        }
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

/// Prints a line; a closed standard output (the starter stopped reading) must not stop the server.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Seeds the demo; returns (login, role, password) of each account.
async fn seed_demo(store: &Store) -> Result<Vec<(String, String, String)>> {
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
    Ok(out)
}

fn web_error(e: egov_web::WebError) -> anyhow::Error {
    anyhow!("{e:?}")
}
