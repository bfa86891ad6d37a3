//! Harness for end-to-end tests: starts a private X display (Xvfb), `tauri-driver` on free
//! ports, and the real Touchpoint binary with its own temporary data directory; then offers a
//! few helpers over the W3C WebDriver client. Nothing here is skipped when a piece is missing:
//! a test that cannot drive the window fails and says why.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
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
    fn start(mark: &str) -> Display {
        let mut child = in_own_group("Xvfb", mark)
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
        stop_group(&mut self.child);
    }
}

/// tauri-driver and everything it starts (WebKitWebDriver, the app, WebKit's web and network
/// processes): one process group, stopped together however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        stop_group(&mut self.0);
    }
}

/// The environment variable every process a window's harness starts carries (they inherit
/// it), so a test can find what outlived the window.
pub const MARK_VAR: &str = "TOUCHPOINT_E2E_MARK";

/// A command for a window's processes: in a process group of its own (the group is what is
/// stopped), told (by `setpriv --pdeathsig`) to stop if the test's thread dies first — a test
/// killed on a timeout — and marked. This process becomes a subreaper, so members orphaned
/// while the group stops are its children and are reaped here rather than left as zombies.
fn in_own_group(program: impl AsRef<std::ffi::OsStr>, mark: &str) -> Command {
    static SUBREAPER: std::sync::Once = std::sync::Once::new();
    SUBREAPER.call_once(|| {
        let _ = nix::sys::prctl::set_child_subreaper(true);
    });
    let mut cmd = Command::new("setpriv");
    cmd.args(["--pdeathsig".as_ref(), "TERM".as_ref(), program.as_ref()]).process_group(0).env(MARK_VAR, mark);
    cmd
}

/// Ends `leader`'s process group: SIGTERM to all of it (tauri-driver stops its WebKitWebDriver,
/// the app and its web processes stop with it), then SIGKILL to whatever is left after a few
/// seconds; returns once no member is running, every one reaped.
fn stop_group(leader: &mut Child) {
    use nix::sys::signal::{killpg, Signal};
    let Ok(raw) = i32::try_from(leader.id()) else { return };
    let pgid = nix::unistd::Pid::from_raw(raw);
    let _ = killpg(pgid, Signal::SIGTERM);
    let start = Instant::now();
    let mut killed = false;
    loop {
        reap_group(pgid);
        if running_in_group(raw).is_empty() {
            break;
        }
        if !killed && start.elapsed() > Duration::from_secs(5) {
            let _ = killpg(pgid, Signal::SIGKILL);
            killed = true;
        }
        if start.elapsed() > Duration::from_secs(20) {
            eprintln!("e2e: process group {raw} would not stop: {:?}", running_in_group(raw));
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = leader.wait();
}

/// Reaps every member of `pgid` that has ended and is this process's child (directly, or
/// re-parented here as the subreaper).
fn reap_group(pgid: nix::unistd::Pid) {
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    let group = nix::unistd::Pid::from_raw(-pgid.as_raw());
    while let Ok(status) = waitpid(group, Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            return;
        }
    }
}

/// A process as /proc tells it: its id, name, process group and whether it is still running
/// (not a zombie).
struct ProcInfo {
    pid: i32,
    name: String,
    pgrp: i32,
    running: bool,
}

fn processes() -> Vec<ProcInfo> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.filter_map(|e| {
        let pid: i32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // "pid (name) state ppid pgrp …": the name may hold spaces and parentheses.
        let (head, rest) = stat.rsplit_once(')')?;
        let name = head.split_once('(')?.1.to_owned();
        let mut fields = rest.split_whitespace();
        let state = fields.next()?;
        let pgrp = fields.nth(1)?.parse().ok()?;
        Some(ProcInfo { pid, name, pgrp, running: state != "Z" && state != "X" })
    })
    .collect()
}

fn running_in_group(pgid: i32) -> Vec<String> {
    processes().into_iter().filter(|p| p.pgrp == pgid && p.running).map(|p| format!("{} {}", p.pid, p.name)).collect()
}

/// Every running process carrying `MARK_VAR=mark` ("pid name"), whatever its group: what a
/// window's harness started and did not stop.
pub fn processes_marked(mark: &str) -> Vec<String> {
    marked(mark).into_iter().map(|p| format!("{} {}", p.pid, p.name)).collect()
}

/// The running processes carrying `MARK_VAR=mark`.
fn marked(mark: &str) -> Vec<ProcInfo> {
    let needle = format!("{MARK_VAR}={mark}");
    processes()
        .into_iter()
        .filter(|p| p.running)
        .filter(|p| {
            std::fs::read(format!("/proc/{}/environ", p.pid))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
        })
        .collect()
}

/// One window at a time per test binary: parallel WebKit sessions on a 2-core machine time
/// out, so tests queue here whatever `--test-threads` says.
fn session_lock() -> std::sync::Arc<tokio::sync::Mutex<()>> {
    static LOCK: std::sync::OnceLock<std::sync::Arc<tokio::sync::Mutex<()>>> = std::sync::OnceLock::new();
    LOCK.get_or_init(Default::default).clone()
}

/// One running app in its own data directory.
pub struct Desk {
    pub client: Client,
    pub data_dir: TempDir,
    _driver: Driver,
    _display: Display,
    /// The web view's own storage (drafts, language), private to this run.
    _web_home: TempDir,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// What every process started for this window carries (see [`processes_marked`]).
    pub mark: String,
    /// From the WebDriver session's request (the app's launch) to the search box in the page.
    pub started: Duration,
}

impl Desk {
    /// Starts the app with a fresh, empty data directory.
    pub async fn start() -> Desk {
        Desk::start_in(tempfile::tempdir().expect("temp data dir")).await
    }

    pub async fn start_in(data_dir: TempDir) -> Desk {
        Desk::launch(data_dir, &[], true).await
    }

    /// Starts the app with extra environment variables (for example a short sync interval).
    pub async fn start_with_env(env: &[(&str, &str)]) -> Desk {
        Desk::launch(tempfile::tempdir().expect("temp data dir"), env, true).await
    }

    /// Starts the app with extra environment variables on a data folder prepared by
    /// `prepare` (through the core).
    pub async fn start_with_env_and(env: &[(&str, &str)], prepare: impl FnOnce(&mut touchpoint_core::Desk)) -> Desk {
        let dir = tempfile::tempdir().expect("temp data dir");
        {
            let mut core =
                touchpoint_core::Desk::open_in(dir.path(), &touchpoint_core::DeskOptions { region: Some("GB".into()) })
                    .expect("prepare desk");
            prepare(&mut core);
        }
        Desk::launch(dir, env, true).await
    }

    /// A second window beside this one (its own display and data folder), for tests of two
    /// desks at once; it shares this window's turn.
    pub async fn start_beside(&self, env: &[(&str, &str)]) -> Desk {
        Desk::launch(tempfile::tempdir().expect("temp data dir"), env, false).await
    }

    /// Starts the app as `make run DEMO=1` does on a first start: `--demo` on an empty data
    /// folder, so the app fills in the demo store itself while its window is up.
    pub async fn start_demo_first_run() -> Desk {
        Desk::launch_with(tempfile::tempdir().expect("temp data dir"), &[], true, &["--demo"]).await
    }

    async fn launch(data_dir: TempDir, env: &[(&str, &str)], take_turn: bool) -> Desk {
        Desk::launch_with(data_dir, env, take_turn, &[]).await
    }

    async fn launch_with(data_dir: TempDir, env: &[(&str, &str)], take_turn: bool, args: &[&str]) -> Desk {
        let app = app_binary();
        assert!(app.exists(), "no app binary at {} — build it with `make app`", app.display());
        let turn = if take_turn { Some(session_lock().lock_owned().await) } else { None };
        // A window's processes carry a mark of their own (or the one this test process was
        // given, so a parent test can look for what a child test left behind).
        let mark = std::env::var(MARK_VAR).unwrap_or_else(|_| uuid::Uuid::now_v7().to_string());
        let display = Display::start(&mark);
        let web_home = tempfile::tempdir().expect("temp web view home");
        let data_path = data_dir.path().to_string_lossy().into_owned();
        let app_args: Vec<&str> = ["--data-dir", data_path.as_str()].into_iter().chain(args.iter().copied()).collect();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": app,
                "args": app_args,
            }),
        );
        // A session now and then fails to start on a loaded machine (WebKitWebDriver drops the
        // first request): start the driver again, twice at most, before calling it a failure.
        let mut attempt = 0;
        let (client, driver, requested) = loop {
            attempt += 1;
            let port = free_port();
            let native_port = free_port();
            let mut driver = in_own_group("tauri-driver", &mark)
                .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
                .env("DISPLAY", &display.name)
                // Phone numbers typed without a country code are read as UK numbers in these tests.
                .env("LANG", "en_GB.UTF-8")
                .envs(web_home_env(web_home.path()))
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("tauri-driver must be installed (make setup installs it)");
            wait_for_port(port, &mut driver);
            let driver = Driver(driver);
            let requested = Instant::now();
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break (client, driver, requested),
                Err(e) if attempt < 3 => {
                    eprintln!("e2e: the WebDriver session did not start ({e}); starting the driver again");
                    drop(driver);
                }
                Err(e) => panic!("a WebDriver session with the Touchpoint window: {e}"),
            }
        };
        let mut desk = Desk {
            client,
            data_dir,
            _driver: driver,
            _display: display,
            _web_home: web_home,
            _turn: turn,
            mark,
            started: Duration::ZERO,
        };
        desk.find("[data-testid=search-input]").await;
        desk.started = requested.elapsed();
        desk
    }

    /// Starts the app on a data folder prepared by `prepare` (through the core, on the real
    /// SQLite file the app then opens).
    pub async fn start_with(prepare: impl FnOnce(&mut touchpoint_core::Desk)) -> Desk {
        let dir = tempfile::tempdir().expect("temp data dir");
        {
            let mut core =
                touchpoint_core::Desk::open_in(dir.path(), &touchpoint_core::DeskOptions { region: Some("GB".into()) })
                    .expect("prepare desk");
            prepare(&mut core);
        }
        Desk::start_in(dir).await
    }

    /// Starts the app on the demo store.
    pub async fn start_with_demo() -> Desk {
        let dir = tempfile::tempdir().expect("temp data dir");
        touchpoint_core::demo::generate(
            &dir.path().join("touchpoint.sqlite3"),
            &touchpoint_core::demo::DemoOptions { customers: 60, seed: 7, days: 120 },
        )
        .expect("demo data");
        Desk::start_in(dir).await
    }

    /// Finds a customer by typing in search and opens the first match with Enter.
    pub async fn open_customer(&self, query: &str, name: &str) {
        use fantoccini::key::Key;
        self.replace_text("[data-testid=search-input]", query).await;
        // The recent customers may already show the name: wait for the answer to this query.
        self.wait_for_attr("[data-testid=search-results]", "data-for", query.trim()).await;
        self.wait_for_text("[data-testid=search-results]", name).await;
        self.press("[data-testid=search-input]", Key::Enter).await;
        self.wait_for_text("[data-testid=customer-name]", name).await;
    }

    /// Types keys into whatever has focus, even the page itself (shortcuts), through the
    /// W3C actions API. Modifier keys (Control, Shift, Alt, Meta) stay down until
    /// `Key::Null` or the end of the text, as with `send_keys`.
    pub async fn keys(&self, text: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let modifiers = [Key::Control, Key::Shift, Key::Alt, Key::Meta].map(char::from);
        let mut held: Vec<char> = Vec::new();
        let mut actions = KeyActions::new("keyboard".into());
        for c in keyboard(text).chars() {
            if c == char::from(Key::Null) {
                for m in held.drain(..).rev() {
                    actions = actions.then(KeyAction::Up { value: m });
                }
            } else if modifiers.contains(&c) {
                held.push(c);
                actions = actions.then(KeyAction::Down { value: c });
            } else {
                actions = actions.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
            }
        }
        for m in held.drain(..).rev() {
            actions = actions.then(KeyAction::Up { value: m });
        }
        self.client.perform_actions(actions).await.expect("keys typed");
    }

    /// Waits until nothing matches `css` (a dialog closed, a screen left).
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if !self.exists(css).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.shot_always("failure").await;
        panic!("{css:?} is still there");
    }

    /// Whether an element matching `css` is in the page right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Whether the element matching `css` can be seen and clicked where it is now: inside the
    /// window, and not covered by anything else (the point at its centre is the element).
    pub async fn in_view(&self, css: &str) -> bool {
        self.find(css).await;
        let seen = self
            .client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 const r = el.getBoundingClientRect();
                 if (r.width === 0 || r.height === 0) return false;
                 if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth) return false;
                 const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                 return hit !== null && (hit === el || el.contains(hit));",
                vec![serde_json::Value::String(css.into())],
            )
            .await
            .expect("measure the element");
        seen.as_bool().unwrap_or(false)
    }

    /// Whether the element matching `css` is (or, once a dialog has finished opening, comes)
    /// into view within a few seconds; see [`Desk::in_view`].
    pub async fn comes_into_view(&self, css: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            if self.in_view(css).await {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs axe-core in the window and returns the serious and critical violations.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core is installed with the UI packages (make setup)");
        self.client.execute(&axe, vec![]).await.expect("axe loads");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(JSON.stringify(r.violations
                      .filter(v => v.impact === 'serious' || v.impact === 'critical')
                      .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))))
                   .catch(e => done(JSON.stringify(['axe failed: ' + e])));",
                vec![],
            )
            .await
            .expect("axe runs");
        serde_json::from_str(result.as_str().unwrap_or("[]"))
            .unwrap_or_else(|_| vec![format!("unreadable axe result: {result}")])
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

    /// Clicks the element once it can take a click, as a person waits for a menu or dialog to
    /// finish opening: while it is in the page but not yet interactable (still animating in,
    /// covered for a moment) the click is tried again, up to [`WAIT`].
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let el = self.find(css).await;
            self.scroll_to_middle(css).await;
            match el.click().await {
                Ok(()) => return,
                Err(e) if not_yet_clickable(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    self.shot_always("failure").await;
                    panic!("cannot click {css:?}: {e:?}");
                }
            }
        }
    }

    /// Scrolls the element into the middle of its scroll area, as a person scrolls to what they
    /// want to use (WebDriver alone scrolls it to the very edge, under a sticky footer).
    async fn scroll_to_middle(&self, css: &str) {
        let _ = self
            .client
            .execute(
                "document.querySelector(arguments[0])?.scrollIntoView({ block: 'center', inline: 'nearest' });",
                vec![serde_json::Value::String(css.into())],
            )
            .await;
    }

    /// Types into the element, as a person would (key events, not a value assignment); a
    /// newline is the Enter key, as on a keyboard.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.scroll_to_middle(css).await;
        if let Err(e) = el.click().await {
            self.shot_always("failure").await;
            panic!("cannot focus {css:?}: {e:?}");
        }
        el.send_keys(&keyboard(text)).await.unwrap_or_else(|e| panic!("cannot type into {css:?}: {e}"));
    }

    /// Replaces the text of a field the way a person does: select all, delete, type. (The
    /// WebDriver "clear" command does not send the input events React listens to.)
    pub async fn replace_text(&self, css: &str, text: &str) {
        use fantoccini::key::Key;
        let el = self.find(css).await;
        self.scroll_to_middle(css).await;
        if let Err(e) = el.click().await {
            self.shot_always("failure").await;
            panic!("cannot focus {css:?}: {e:?}");
        }
        let select_all =
            format!("{}a{}{}", char::from(Key::Control), char::from(Key::Null), char::from(Key::Backspace));
        el.send_keys(&select_all).await.unwrap_or_else(|e| panic!("cannot clear {css:?}: {e}"));
        el.send_keys(&keyboard(text)).await.unwrap_or_else(|e| panic!("cannot type into {css:?}: {e}"));
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
        self.wait_for_text_within(css, needle, WAIT).await
    }

    /// Like `wait_for_text`, with a longer wait (something that arrives through sync).
    pub async fn wait_for_text_within(&self, css: &str, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
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
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.shot_always("failure").await;
        panic!("{css:?} never contained {needle:?} within {within:?}; last text was {last:?}");
    }

    /// Like `wait_for_text`, but reads the DOM's text content: WebKitWebDriver reports text in
    /// a clipped (`overflow: hidden`, ellipsis) column as invisible even when it is on screen.
    pub async fn wait_for_content(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(els) = self.client.find_all(Locator::Css(css)).await {
                for el in els {
                    if let Ok(Some(t)) = el.prop("textContent").await {
                        if t.contains(needle) {
                            return t;
                        }
                        last = t;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.shot_always("failure").await;
        panic!("no {css:?} ever contained {needle:?}; last text was {last:?}");
    }

    /// Waits until the element's attribute has `value`.
    pub async fn wait_for_attr(&self, css: &str, attr: &str, value: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = None;
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.attr(attr).await.ok().flatten();
                if last.as_deref() == Some(value) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.shot_always("failure").await;
        panic!("{css:?} never had {attr}={value:?}; last was {last:?}");
    }

    /// Types `query` into search until `name` shows among the results (it may arrive from
    /// another desk through sync while waiting).
    pub async fn wait_for_search_hit(&self, query: &str, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            self.replace_text("[data-testid=search-input]", query).await;
            let until = Instant::now() + Duration::from_secs(3);
            while Instant::now() < until {
                if let Ok(el) = self.client.find(Locator::Css("[data-testid=search-results]")).await {
                    if el.text().await.is_ok_and(|t| t.contains(name)) {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        self.shot_always("failure").await;
        panic!("searching {query:?} never showed {name:?}");
    }

    pub async fn click_xpath(&self, xpath: &str) {
        let el = self.client.wait().at_most(WAIT).for_element(Locator::XPath(xpath)).await;
        match el {
            Ok(el) => el.click().await.unwrap_or_else(|e| panic!("cannot click {xpath:?}: {e}")),
            Err(e) => {
                self.shot_always("failure").await;
                panic!("no element {xpath:?} appeared: {e}")
            }
        }
    }

    /// Sets the window's size (its inner size: under Xvfb there is no frame), and waits until
    /// the page has been laid out at it.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("the window takes the size");
        let deadline = Instant::now() + WAIT;
        loop {
            let size = self
                .client
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await
                .expect("the window's size");
            if size == serde_json::json!([width, height]) {
                return;
            }
            assert!(Instant::now() < deadline, "the window is {size}, not {width}×{height}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whatever does not fit the window's frame: the page scrolling as a whole (sideways, or
    /// down so the top bar leaves), or anything reaching past the window's right edge. Empty
    /// when everything fits.
    pub async fn out_of_frame(&self) -> Vec<String> {
        let found = self
            .client
            .execute(
                "const out = [];
                 const page = document.scrollingElement;
                 if (page.scrollWidth > window.innerWidth + 1) out.push(`page ${page.scrollWidth}px wide`);
                 if (page.scrollHeight > window.innerHeight + 1) out.push(`page ${page.scrollHeight}px tall`);
                 for (const el of document.querySelectorAll('body *')) {
                   const r = el.getBoundingClientRect();
                   if (r.width > 0 && r.height > 0 && r.right > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed') {
                     const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : el.className ? `.${String(el.className).split(' ')[0]}` : el.tagName;
                     out.push(`${id} ends at ${Math.round(r.right)}px`);
                   }
                 }
                 return out.slice(0, 10);",
                vec![],
            )
            .await
            .expect("measure the layout");
        found.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }

    /// Saves a PNG of the window when `TOUCHPOINT_SHOTS` names a folder (for looking at it).
    pub async fn shot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("TOUCHPOINT_SHOTS") {
            // A dialog that just opened may not be painted yet.
            tokio::time::sleep(Duration::from_millis(400)).await;
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::create_dir_all(&dir).expect("shots dir");
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write shot");
        }
    }

    /// Closes the window (ending the app) and returns its data directory for inspection.
    pub async fn close(self) -> TempDir {
        self.client.clone().close().await.expect("session closes");
        // Dropping the rest stops tauri-driver and the display.
        self.data_dir
    }
}

/// WebKitGTK's own browser (MiniBrowser) on a blank page, on a display of its own, driven by
/// WebKitWebDriver as the app's window is: the floor a Touchpoint window's start and memory
/// are measured against (the same engine and processes, with nothing of ours in them).
pub struct BlankWindow {
    pub client: Client,
    /// From the WebDriver session's request to the blank page loaded.
    pub started: Duration,
    pub mark: String,
    _driver: Driver,
    _display: Display,
    _web_home: TempDir,
}

/// A web view's storage (local storage, caches, settings) in `home`, private to one window.
fn web_home_env(home: &Path) -> [(&'static str, PathBuf); 3] {
    [
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_CACHE_HOME", home.join("cache")),
        ("XDG_CONFIG_HOME", home.join("config")),
    ]
}

/// Where Debian's WebKitGTK keeps MiniBrowser.
const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

impl BlankWindow {
    pub async fn start() -> BlankWindow {
        let mark = uuid::Uuid::now_v7().to_string();
        let display = Display::start(&mark);
        let web_home = tempfile::tempdir().expect("temp web view home");
        let port = free_port();
        let mut driver = in_own_group("WebKitWebDriver", &mark)
            .arg(format!("--port={port}"))
            .env("DISPLAY", &display.name)
            .envs(web_home_env(web_home.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("WebKitWebDriver must be installed (make setup installs webkit2gtk-driver)");
        wait_for_port(port, &mut driver);
        let driver = Driver(driver);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "webkitgtk:browserOptions".into(),
            serde_json::json!({ "binary": MINIBROWSER, "args": ["--automation"] }),
        );
        let requested = Instant::now();
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with MiniBrowser");
        client.goto("about:blank").await.expect("the blank page");
        let started = requested.elapsed();
        BlankWindow { client, started, mark, _driver: driver, _display: display, _web_home: web_home }
    }

    pub async fn close(self) {
        self.client.clone().close().await.expect("session closes");
    }
}

/// The proportional set size (KiB) of a window's own processes: the app (or MiniBrowser) and
/// WebKit's web, network and GPU processes, not the driver or the display; each with its name.
pub fn window_pss_kib(mark: &str) -> Vec<(String, u64)> {
    marked(mark)
        .into_iter()
        .filter(|p| !["Xvfb", "setpriv", "tauri-driver", "WebKitWebDriver"].contains(&p.name.as_str()))
        .filter_map(|p| {
            let rollup = std::fs::read_to_string(format!("/proc/{}/smaps_rollup", p.pid)).ok()?;
            let kib = rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())?;
            Some((p.name, kib))
        })
        .collect()
}

/// Text as keystrokes: WebDriver sends "\n" as nothing, so newlines become the Enter key.
fn keyboard(text: &str) -> String {
    text.replace('\n', &char::from(fantoccini::key::Key::Enter).to_string())
}

/// Waits until `child` (tauri-driver, or the sync server) listens on `port`.
fn wait_for_port(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the process meant to listen on port {port} exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listened on port {port}");
}

/// A real `touchpoint-server` on a free loopback port, over a fresh database of the
/// PostgreSQL that `DATABASE_URL` points at (`make e2e` starts one), with the demo
/// organisation (store "High Street", Maria Lopes PIN 1357, Priya Shah PIN 135246).
pub struct SyncServer {
    pub url: String,
    database_url: String,
    org: String,
    store: String,
    child: Child,
    /// What the server process carries (see [`processes_marked`]).
    pub mark: String,
}

/// The server binary: `TOUCHPOINT_SERVER`, or the debug build next to the app.
pub fn server_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TOUCHPOINT_SERVER") {
        return PathBuf::from(p);
    }
    app_binary().with_file_name("touchpoint-server")
}

impl SyncServer {
    pub fn start() -> SyncServer {
        let admin_url = std::env::var("DATABASE_URL")
            .expect("DATABASE_URL must point at PostgreSQL: run the end-to-end tests through `make e2e`");
        let name = format!("tp_e2e_{}", uuid::Uuid::now_v7().simple());
        let status = Command::new("psql")
            .args([admin_url.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
            .status()
            .expect("psql runs");
        assert!(status.success(), "could not create the test database");
        let (base, query) = admin_url.split_once('?').map_or((admin_url.as_str(), None), |(b, q)| (b, Some(q)));
        let base = &base[..base.rfind('/').expect("a database in the URL")];
        let database_url = match query {
            Some(q) => format!("{base}/{name}?{q}"),
            None => format!("{base}/{name}"),
        };
        let server = server_binary();
        assert!(
            server.exists(),
            "no server binary at {} — build it with `cargo build -p touchpoint-server`",
            server.display()
        );
        let demo = Command::new(&server)
            .args(["--database-url", &database_url, "admin", "demo"])
            .output()
            .expect("touchpoint-server admin demo");
        assert!(demo.status.success(), "demo set-up failed: {}", String::from_utf8_lossy(&demo.stderr));
        let out = String::from_utf8_lossy(&demo.stdout).to_string();
        let field = |prefix: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(prefix))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| panic!("no {prefix:?} in {out}"))
        };
        let (org, store) = (field("organisation "), field("store "));
        let port = free_port();
        // Like a window's processes: its own group, stopped with the test, marked.
        let mark = std::env::var(MARK_VAR).unwrap_or_else(|_| uuid::Uuid::now_v7().to_string());
        let mut child = in_own_group(&server, &mark)
            .args(["--database-url", &database_url, "serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("TOUCHPOINT_TOKEN_SECRET", "e2e-secret")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("touchpoint-server starts");
        wait_for_port(port, &mut child);
        SyncServer { url: format!("http://127.0.0.1:{port}"), database_url, org, store, child, mark }
    }

    fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(server_binary())
            .args(["--database-url", &self.database_url, "admin"])
            .args(args)
            .output()
            .expect("touchpoint-server admin");
        assert!(out.status.success(), "admin {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// A new one-time enrollment code for the demo store.
    pub fn enrollment_code(&self) -> String {
        self.admin(&["enrollment-code", "--org", &self.org, "--store", &self.store])
    }

    /// Opens another store of the organisation (with Tom Reyes, PIN 2468, on its staff) and
    /// returns an enrollment code for it.
    pub fn enrollment_code_for_new_store(&self, name: &str) -> String {
        let store = self.admin(&["create-store", "--org", &self.org, name]);
        self.admin(&[
            "create-staff",
            "--org",
            &self.org,
            "--store",
            &store,
            "--role",
            "frontline",
            "--pin",
            "2468",
            "Tom Reyes",
        ]);
        self.admin(&["enrollment-code", "--org", &self.org, "--store", &store])
    }
}

impl Drop for SyncServer {
    fn drop(&mut self) {
        stop_group(&mut self.child);
    }
}

/// A click refused only because the element is not ready for it yet (still opening, covered for
/// a moment, or re-rendered between finding and clicking it).
fn not_yet_clickable(e: &fantoccini::error::CmdError) -> bool {
    use fantoccini::error::{CmdError, ErrorStatus};
    matches!(
        e,
        CmdError::Standard(w) if matches!(
            w.error,
            ErrorStatus::ElementNotInteractable | ErrorStatus::ElementClickIntercepted | ErrorStatus::StaleElementReference
        )
    )
}
