//! Harness for end-to-end tests: starts a private X display (Xvfb), `tauri-driver` on free
//! ports, and the real Touchpoint binary with its own temporary data directory; then offers a
//! few helpers over the W3C WebDriver client. Nothing here is skipped when a piece is missing:
//! a test that cannot drive the window fails and says why.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

/// How long to wait for something to appear in the window.
pub const WAIT: Duration = Duration::from_secs(15);

/// The app binary under test: `TOUCHPOINT_APP`, or the debug build in the cargo target dir.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TOUCHPOINT_APP") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("debug/touchpoint")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free loopback port")
}

/// A private X server; `-displayfd` lets it pick a free display number and tell us.
struct Display {
    child: Child,
    name: String,
}

impl Display {
    fn start() -> Display {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb must be installed (make setup installs it)");
        let stdout = child.stdout.take().expect("Xvfb stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("Xvfb reports its display");
        let number = line.trim();
        assert!(!number.is_empty(), "Xvfb did not start");
        Display { child, name: format!(":{number}") }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One running app in its own data directory.
pub struct Desk {
    pub client: Client,
    pub data_dir: TempDir,
    driver: Child,
    _display: Display,
}

impl Desk {
    /// Starts the app with a fresh, empty data directory.
    pub async fn start() -> Desk {
        Desk::start_in(tempfile::tempdir().expect("temp data dir")).await
    }

    pub async fn start_in(data_dir: TempDir) -> Desk {
        let app = app_binary();
        assert!(app.exists(), "no app binary at {} — build it with `make app`", app.display());
        let display = Display::start();
        let port = free_port();
        let native_port = free_port();
        let mut driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display.name)
            // Phone numbers typed without a country code are read as UK numbers in these tests.
            .env("LANG", "en_GB.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver must be installed (make setup installs it)");
        wait_for_port(port, &mut driver);

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": app,
                "args": ["--data-dir", data_dir.path()],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with the Touchpoint window");
        let desk = Desk { client, data_dir, driver, _display: display };
        desk.find("[data-testid=search-input]").await;
        desk
    }

    pub fn database(&self) -> PathBuf {
        self.data_dir.path().join("touchpoint.sqlite3")
    }

    /// Waits for an element matching `css` to be in the page.
    pub async fn find(&self, css: &str) -> Element {
        let found = self.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await;
        match found {
            Ok(el) => el,
            Err(e) => {
                self.shot_always("failure").await;
                panic!("no element {css:?} appeared: {e}")
            }
        }
    }

    async fn shot_always(&self, name: &str) {
        let dir = std::env::var_os("TOUCHPOINT_SHOTS").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        if let Ok(png) = self.client.screenshot().await {
            let path = dir.join(format!("e2e-{name}.png"));
            if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(&path, png).is_ok() {
                eprintln!("e2e: screenshot of the window saved to {}", path.display());
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("cannot click {css:?}: {e}"));
    }

    /// Types into the element, as a person would (key events, not a value assignment).
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.click().await.unwrap_or_else(|e| panic!("cannot focus {css:?}: {e}"));
        el.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {css:?}: {e}"));
    }

    /// Replaces the text of a field the way a person does: select all, delete, type. (The
    /// WebDriver "clear" command does not send the input events React listens to.)
    pub async fn replace_text(&self, css: &str, text: &str) {
        use fantoccini::key::Key;
        let el = self.find(css).await;
        el.click().await.unwrap_or_else(|e| panic!("cannot focus {css:?}: {e}"));
        let select_all =
            format!("{}a{}{}", char::from(Key::Control), char::from(Key::Null), char::from(Key::Backspace));
        el.send_keys(&select_all).await.unwrap_or_else(|e| panic!("cannot clear {css:?}: {e}"));
        el.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {css:?}: {e}"));
    }

    /// Presses one key in the focused element matching `css`.
    pub async fn press(&self, css: &str, key: fantoccini::key::Key) {
        self.find(css)
            .await
            .send_keys(&char::from(key).to_string())
            .await
            .unwrap_or_else(|e| panic!("cannot press a key in {css:?}: {e}"));
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.expect("value").unwrap_or_default()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_else(|e| panic!("no text for {css:?}: {e}"))
    }

    /// Waits until the text of the element matching `css` contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if t.contains(needle) {
                        return t;
                    }
                    last = t;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.shot_always("failure").await;
        panic!("{css:?} never contained {needle:?}; last text was {last:?}");
    }

    /// Saves a PNG of the window when `TOUCHPOINT_SHOTS` names a folder (for looking at it).
    pub async fn shot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("TOUCHPOINT_SHOTS") {
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::create_dir_all(&dir).expect("shots dir");
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write shot");
        }
    }

    /// Closes the window (ending the app) and returns its data directory for inspection.
    pub async fn close(mut self) -> TempDir {
        self.client.clone().close().await.expect("session closes");
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        self.data_dir
    }
}

fn wait_for_port(port: u16, driver: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = driver.try_wait() {
            panic!("tauri-driver exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("tauri-driver did not listen on port {port}");
}
