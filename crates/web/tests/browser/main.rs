//! The whole cycle in a real browser: headless Chromium driven through chromedriver (WebDriver) against
//! the application served on a loopback port, as its users click through it. Runs when
//! `EGOV_TEST_BROWSER=1` (`.ci/run` sets it and installs Debian's `chromium` and `chromium-driver`);
//! then a missing browser or driver fails the test. A screenshot of every step is kept under
//! `target/tmp/browser/` as the test's artefact.

mod cycle;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use egov_store::Store;
use egov_web::{AppState, Config};
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::net::TcpListener;

/// Whether the browser tests are asked for; without it they say so and pass (outside CI).
pub fn asked() -> bool {
    match std::env::var("EGOV_TEST_BROWSER") {
        Ok(v) if v == "1" => true,
        _ => {
            eprintln!(
                "browser tests not run: set EGOV_TEST_BROWSER=1 (with chromium and chromedriver installed)"
            );
            false
        }
    }
}

/// A free loopback port (bound, read and released: chromedriver takes its port by number).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The application on a loopback port; returns its base URL (`http://localhost:PORT`: a host name,
/// so cookies behave as on a real site).
pub async fn serve(store: &Store, evidence: &std::path::Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = AppState {
        store: store.clone(),
        config: Config {
            // Plain HTTP on loopback: see `egov serve --insecure-cookies`.
            secure_cookies: false,
            evidence_dir: evidence.to_path_buf(),
            ..Config::default()
        },
    };
    tokio::spawn(async move {
        egov_web::serve(listener, state, std::future::pending())
            .await
            .unwrap();
    });
    format!("http://localhost:{port}")
}

/// One browser session, with its driver process and the folder of its screenshots.
pub struct Browser {
    pub client: Client,
    driver: Child,
    pub base: String,
    shots: PathBuf,
    step: u32,
    /// Chromium's profile folder, removed with the browser.
    profile: PathBuf,
}

impl Browser {
    pub async fn start(base: &str, name: &str) -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) must be installed when EGOV_TEST_BROWSER=1");
        let profile =
            std::env::temp_dir().join(format!("egov-browser-{}-{name}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        // The flags Chromium needs as root in a container on a closed network (see the stack notes).
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
            "--lang=vi",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": args, "binary": "/usr/bin/chromium" }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        // The driver takes a moment to listen.
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                        .join("browser")
                        .join(name);
                    let _ = std::fs::remove_dir_all(&shots);
                    std::fs::create_dir_all(&shots).unwrap();
                    return Browser {
                        client,
                        driver,
                        base: base.to_string(),
                        shots,
                        step: 0,
                        profile,
                    };
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no WebDriver session with chromium: {last:?}");
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    /// Types into the field named `name` (replacing what it holds).
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Css(&format!("[name=\"{name}\"]")))
            .await
            .unwrap_or_else(|e| panic!("no field {name}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Types into the field named `name` inside the element at `scope`.
    pub async fn fill_in(&self, scope: &str, name: &str, value: &str) {
        let css = format!("{scope} [name=\"{name}\"]");
        let field = self
            .client
            .find(Locator::Css(&css))
            .await
            .unwrap_or_else(|e| panic!("no field {css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Clicks what does not leave the page (a radio button, a box, a summary).
    pub async fn press(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing to press at {css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks a button that submits a form, and waits for the next page to have loaded (the old
    /// page's root gone stale, the new one complete): what the next step reads is the new page.
    pub async fn click(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.press(css).await;
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                let ready = self
                    .client
                    .execute("return document.readyState", vec![])
                    .await
                    .unwrap();
                if ready == "complete" {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("clicking {css} led to no new page");
    }

    /// Signs in through the login page.
    pub async fn sign_in(&mut self, login: &str, password: &str) {
        self.goto("/login").await;
        self.fill("login", login).await;
        self.fill("password", password).await;
        self.click("form button, form input[type=submit]").await;
        assert_eq!(
            self.path().await,
            "/",
            "{login} did not get in: {}",
            self.text().await
        );
    }

    pub async fn sign_out(&mut self) {
        self.click("form[action=\"/logout\"] button").await;
        assert_eq!(self.path().await, "/login");
    }

    /// Keeps a screenshot of the page as the next numbered step.
    pub async fn shot(&mut self, what: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.unwrap();
        let file = self.shots.join(format!("{:02}-{what}.png", self.step));
        std::fs::write(&file, png).unwrap();
    }

    /// Ends the browser session (Chromium quits) and the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
        // The driver goes with `self` (Drop).
    }
}

/// A test that fails half-way does not reach `close`: its driver is stopped all the same, and with it
/// the browser it started, so failed runs leave no processes behind.
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Each run made a profile of its own (a few megabytes), which piled up in the temporary folder.
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
