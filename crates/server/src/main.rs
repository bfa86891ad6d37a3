use std::net::SocketAddr;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use touchpoint_protocol::{ContactChannel, Role};
use touchpoint_server::limits::RateLimits;
use touchpoint_server::serve::{serve_with, ServeOptions};
use touchpoint_server::{admin, connect, connect_with, AppState, Tokens};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "touchpoint-server", about = "Touchpoint's central sync server", version)]
struct Cli {
    /// PostgreSQL connection string.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        #[arg(long, env = "TOUCHPOINT_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Secret that signs access tokens; every instance behind a load balancer needs the same.
        #[arg(long, env = "TOUCHPOINT_TOKEN_SECRET")]
        token_secret: Option<String>,
        /// Lifetime of an access token.
        #[arg(long, env = "TOUCHPOINT_ACCESS_TTL_SECS", default_value_t = 900)]
        access_ttl_secs: i64,
        /// A desk that does not sync for this many days must enroll again (its refresh token
        /// expires unused).
        #[arg(long, env = "TOUCHPOINT_REFRESH_IDLE_DAYS", default_value_t = 90)]
        refresh_idle_days: i64,
        /// Enrollment attempts per minute from one address (and for one device id).
        #[arg(long, env = "TOUCHPOINT_ENROLL_PER_MINUTE", default_value_t = 10)]
        enroll_per_minute: u32,
        /// Token exchanges per minute from one address (and for one device).
        #[arg(long, env = "TOUCHPOINT_TOKEN_PER_MINUTE", default_value_t = 60)]
        token_per_minute: u32,
        /// Organisation searches, adoptions and PIN checks per minute per address and device.
        #[arg(long, env = "TOUCHPOINT_LOOKUPS_PER_MINUTE", default_value_t = 120)]
        lookups_per_minute: u32,
        /// The server runs behind a reverse proxy: rate limits count the client address the
        /// proxy puts last in X-Forwarded-For.
        #[arg(long, env = "TOUCHPOINT_BEHIND_PROXY")]
        behind_proxy: bool,
        /// PEM certificate chain: serve HTTPS (with --tls-key). Without it the server speaks
        /// plain HTTP, for loopback or behind a reverse proxy that terminates TLS.
        #[arg(long, env = "TOUCHPOINT_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// PEM private key of the certificate.
        #[arg(long, env = "TOUCHPOINT_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// A request, its body included, is answered within this many seconds or refused (408).
        #[arg(long, env = "TOUCHPOINT_REQUEST_TIMEOUT_SECS", default_value_t = 60)]
        request_timeout_secs: u64,
        /// A client must send a request's headers within this many seconds.
        #[arg(long, env = "TOUCHPOINT_HEADER_TIMEOUT_SECS", default_value_t = 10)]
        header_timeout_secs: u64,
        /// Database connections in the pool.
        #[arg(long, env = "TOUCHPOINT_DB_CONNECTIONS", default_value_t = 16)]
        db_connections: u32,
        /// Requests of one organisation using the database at once (default: three quarters of
        /// the pool), so one organisation's load cannot starve another's.
        #[arg(long, env = "TOUCHPOINT_ORG_SHARE")]
        org_share: Option<usize>,
        /// Console sign-ins per minute per address and per login.
        #[arg(long, env = "TOUCHPOINT_SIGN_IN_PER_MINUTE", default_value_t = 10)]
        sign_in_per_minute: u32,
        /// The built console (`ui/dist-console`); by default the installed package's or the
        /// checkout's, when built.
        #[arg(long, env = "TOUCHPOINT_CONSOLE_DIR")]
        console_dir: Option<std::path::PathBuf>,
        /// Log as JSON lines (for log collectors) instead of text.
        #[arg(long, env = "TOUCHPOINT_LOG_JSON")]
        log_json: bool,
        /// Accept plain-http webhook URLs (a receiver on a private network); https otherwise.
        #[arg(long, env = "TOUCHPOINT_WEBHOOKS_ALLOW_HTTP")]
        webhooks_allow_http: bool,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Administration: organisations, stores, staff, touch points, enrollment codes.
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand)]
enum Admin {
    /// Create an organisation (with the default touch points); prints its id.
    CreateOrg { name: String },
    /// Create a store; prints its id.
    CreateStore {
        #[arg(long)]
        org: Uuid,
        name: String,
        #[arg(long)]
        timezone: Option<String>,
    },
    /// Create a staff member; prints their id.
    CreateStaff {
        #[arg(long)]
        org: Uuid,
        #[arg(long)]
        store: Option<Uuid>,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        pin: Option<String>,
        name: String,
    },
    /// Add a touch point to the catalogue; prints its id.
    CreateTouchPoint {
        #[arg(long)]
        org: Uuid,
        #[arg(long, value_parser = parse_channel, default_value = "in_person")]
        channel: ContactChannel,
        name: String,
    },
    /// Add a criterion to the review scorecard; prints its id.
    CreateReviewCriterion {
        #[arg(long)]
        org: Uuid,
        name: String,
    },
    /// Rename a scorecard criterion, or take it off the scorecard (reviews keep their scores).
    UpdateReviewCriterion {
        #[arg(long)]
        org: Uuid,
        criterion: Uuid,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        retire: bool,
    },
    /// Issue a one-time enrollment code for a store; prints the code.
    EnrollmentCode {
        #[arg(long)]
        org: Uuid,
        /// The store the device belongs to (and writes as).
        #[arg(long)]
        store: Uuid,
        /// Another store the device also reads (a supervisor's); repeat for more.
        #[arg(long = "also-reads")]
        also_reads: Vec<Uuid>,
        /// The device reads the whole organisation (an administrator's).
        #[arg(long)]
        whole_org: bool,
        /// Whose device it is: frontline (a till; no reviews, deletions or erasures),
        /// supervisor or admin. Reading other stores makes it at least a supervisor's.
        #[arg(long = "for", value_parser = parse_role, default_value = "frontline")]
        device_for: Role,
        #[arg(long, default_value_t = 24)]
        hours: i64,
    },
    /// Give a person a console account (sign-in with a password from a browser, at
    /// /console/). The first administrator: `--new-org NAME --name NAME --login LOGIN`. The
    /// password is read from standard input (or TOUCHPOINT_CONSOLE_PASSWORD); prints the
    /// organisation and the person's id.
    CreateConsoleUser {
        /// The organisation (or --new-org).
        #[arg(long, required_unless_present = "new_org", conflicts_with = "new_org")]
        org: Option<Uuid>,
        /// Create the organisation (with the default touch points) first.
        #[arg(long)]
        new_org: Option<String>,
        /// An e-mail address or a user name; unique on this server.
        #[arg(long)]
        login: String,
        /// An existing staff member to give the account to…
        #[arg(long, conflicts_with = "name")]
        staff: Option<Uuid>,
        /// …or the name of a new, organisation-wide person.
        #[arg(long)]
        name: Option<String>,
        /// admin (sets the organisation up) or supervisor (sees it).
        #[arg(long, value_parser = parse_console_role, default_value = "admin")]
        role: touchpoint_protocol::console::ConsoleRole,
        #[arg(long, env = "TOUCHPOINT_CONSOLE_PASSWORD", hide_env_values = true, hide = true)]
        password: Option<String>,
    },
    /// Refuse a device from now on.
    RevokeDevice { device: Uuid },
    /// After restoring a backup: make every client resync from the start.
    MarkRestored {
        #[arg(long)]
        org: Uuid,
    },
    /// A demo organisation with one store and two staff; prints an enrollment code.
    Demo,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn parse_console_role(s: &str) -> Result<touchpoint_protocol::console::ConsoleRole, String> {
    touchpoint_protocol::console::ConsoleRole::parse(s).ok_or_else(|| format!("{s}: admin or supervisor"))
}

fn parse_channel(s: &str) -> Result<ContactChannel, String> {
    s.parse()
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let url = cli.database_url.context("set --database-url or DATABASE_URL")?;
    match cli.command {
        Command::Serve {
            listen,
            token_secret,
            access_ttl_secs,
            refresh_idle_days,
            enroll_per_minute,
            token_per_minute,
            lookups_per_minute,
            behind_proxy,
            tls_cert,
            tls_key,
            request_timeout_secs,
            header_timeout_secs,
            db_connections,
            org_share,
            sign_in_per_minute,
            console_dir,
            log_json,
            webhooks_allow_http,
        } => {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
            if log_json {
                tracing_subscriber::fmt().json().with_env_filter(filter).init();
            } else {
                tracing_subscriber::fmt().with_env_filter(filter).init();
            }
            let pool = connect_with(&url, db_connections).await?;
            touchpoint_server::migrate(&pool).await?;
            let secret = token_secret.unwrap_or_else(|| {
                tracing::warn!("no token secret set: access tokens will not survive a restart (devices refresh them)");
                Uuid::now_v7().to_string()
            });
            let tokens = Tokens::new(secret.as_bytes(), chrono::Duration::seconds(access_ttl_secs))
                .with_refresh_idle(chrono::Duration::days(refresh_idle_days));
            let state = AppState::new(pool, tokens).with_rate_limits(RateLimits {
                enroll_per_minute,
                token_per_minute,
                lookups_per_minute,
                sign_in_per_minute,
                behind_proxy,
            });
            let state = match org_share {
                Some(n) => state.with_org_share(n),
                None => state,
            };
            let state = state.with_webhooks(touchpoint_server::webhooks::WebhookOptions {
                allow_http: webhooks_allow_http,
                ..Default::default()
            });
            let tls = tls_cert.zip(tls_key);
            let files = console_dir.or_else(|| touchpoint_server::console::ConsoleFiles::find().map(|f| f.0));
            match &files {
                Some(dir) => tracing::info!(console = %dir.display(), "serving the console at /console/"),
                None => {
                    tracing::warn!("the console is not built (npm --prefix ui run build:console): /console/ says so")
                }
            }
            let state = state.with_console(touchpoint_server::console::ConsoleOptions { tls: tls.is_some(), files });
            if tls.is_none() && !behind_proxy && !listen.ip().is_loopback() {
                tracing::warn!(
                    %listen,
                    "serving plain HTTP beyond this computer: give --tls-cert/--tls-key, or put a TLS proxy in front (--behind-proxy)"
                );
            }
            let options = ServeOptions {
                tls,
                header_timeout: std::time::Duration::from_secs(header_timeout_secs),
                request_timeout: std::time::Duration::from_secs(request_timeout_secs),
            };
            let listener = tokio::net::TcpListener::bind(listen).await?;
            tracing::info!(address = %listener.local_addr()?, tls = options.tls.is_some(), "touchpoint-server listening");
            serve_with(listener, state, options, shutdown_signal()).await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let pool = connect(&url).await?;
            touchpoint_server::migrate(&pool).await?;
            println!("database is up to date");
        }
        Command::Admin(a) => {
            let pool = connect(&url).await?;
            touchpoint_server::migrate(&pool).await?;
            run_admin(&pool, a).await?;
        }
    }
    Ok(())
}

async fn run_admin(pool: &sqlx::PgPool, a: Admin) -> Result<()> {
    match a {
        Admin::CreateOrg { name } => println!("{}", admin::create_org(pool, &name).await?),
        Admin::CreateStore { org, name, timezone } => {
            println!("{}", admin::create_store(pool, org, &name, timezone.as_deref()).await?)
        }
        Admin::CreateStaff { org, store, role, pin, name } => {
            println!("{}", admin::create_staff(pool, org, store, &name, role, pin.as_deref()).await?)
        }
        Admin::CreateTouchPoint { org, channel, name } => {
            println!("{}", admin::create_touch_point(pool, org, &name, channel, 100).await?)
        }
        Admin::EnrollmentCode { org, store, also_reads, whole_org, device_for, hours } => {
            let valid = chrono::Duration::hours(hours);
            let code =
                admin::issue_enrollment_code_as(pool, org, store, device_for, &also_reads, whole_org, valid).await?;
            println!("{code}")
        }
        Admin::CreateReviewCriterion { org, name } => {
            println!("{}", admin::create_review_criterion(pool, org, &name, 100).await?)
        }
        Admin::UpdateReviewCriterion { org, criterion, name, retire } => {
            admin::update_review_criterion(pool, org, criterion, name.as_deref(), retire).await?;
            println!("updated {criterion}");
        }
        Admin::CreateConsoleUser { org, new_org, login, staff, name, role, password } => {
            let password = match password {
                Some(p) => p,
                None => {
                    use std::io::IsTerminal;
                    if std::io::stdin().is_terminal() {
                        eprint!("Password for {login} (at least 12 characters): ");
                    }
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let org = match (org, new_org) {
                (Some(org), _) => org,
                (None, Some(name)) => admin::create_org(pool, &name).await?,
                (None, None) => anyhow::bail!("give --org or --new-org"),
            };
            let staff = admin::create_console_user(pool, org, staff, name.as_deref(), &login, &password, role).await?;
            println!("organisation {org}\nstaff {staff}\nconsole login {login}");
        }
        Admin::RevokeDevice { device } => {
            admin::revoke_device(pool, device).await?;
            println!("revoked {device}");
        }
        Admin::MarkRestored { org } => println!("new epoch {}", admin::mark_restored(pool, org).await?),
        Admin::Demo => {
            let org = admin::create_org(pool, "Demo Retail").await?;
            let store = admin::create_store(pool, org, "High Street", Some("Europe/London")).await?;
            admin::create_staff(pool, org, Some(store), "Maria Lopes", Role::Frontline, Some("1357")).await?;
            admin::create_staff(pool, org, Some(store), "Priya Shah", Role::Supervisor, Some("135246")).await?;
            for (order, name) in
                ["Greeted the customer", "Understood the need", "Solved it first time", "Followed policy"]
                    .into_iter()
                    .enumerate()
            {
                admin::create_review_criterion(pool, org, name, 10 * (order as i32 + 1)).await?;
            }
            let day = chrono::Duration::hours(24);
            let code = admin::issue_enrollment_code(pool, org, store, day).await?;
            let office = admin::issue_enrollment_code_as(pool, org, store, Role::Supervisor, &[], false, day).await?;
            println!("organisation {org}\nstore {store}\nenrollment code {code}\nsupervisor code {office}");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
