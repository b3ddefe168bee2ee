//! Shared helpers: a real server on port 0 over a fresh, migrated database.

use callscope::domain::{Email, Role};
use callscope::server::auth::password;
use callscope::server::config::ConfigArgs;
use callscope::server::{Application, Config, db};
use secrecy::SecretString;
use sqlx::PgPool;

/// A running server and a client that keeps cookies but never follows redirects.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
}

/// Configuration as the binary would resolve it with no environment set,
/// listening on a free port.
pub fn test_config() -> Config {
    let data_dir = std::env::temp_dir().join("callscope-it");
    let mut args =
        ConfigArgs::parse_from(["--addr", "127.0.0.1:0", "--body-limit-bytes", "65536"]).expect("default settings");
    args.data_dir = data_dir;
    // The tests hand the server its pool; the store setting is not used.
    args.database_url = None;
    Config::load(&args).expect("config")
}

impl TestApp {
    /// Spawns the real application over `pool` (already migrated by `sqlx::test`).
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(test_config(), pool).await
    }

    /// Spawns the real application with `config` over `pool`.
    pub async fn spawn_with(config: Config, pool: PgPool) -> Self {
        callscope::server::telemetry::init();
        let app = Application::build(config, pool.clone(), callscope::pages()).await.expect("build app");
        let addr = app.addr().expect("addr");
        tokio::spawn(app.run_until(std::future::pending()));
        Self { base: format!("http://{addr}"), client: client(), pool }
    }

    /// A fresh client (no cookies) for the same server.
    pub fn new_client(&self) -> reqwest::Client {
        client()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates a user straight in the store.
    pub async fn create_user(&self, email: &str, role: Role, secret: &str) {
        let hash = password::hash(SecretString::from(secret.to_owned())).await.expect("hash");
        db::users::create(&self.pool, &Email::parse(email).expect("email"), role, &hash).await.expect("create user");
    }

    /// Signs `client` in; panics unless the server accepted the password.
    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, secret: &str) {
        let response = self.post_login(client, email, secret).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/search", "sign-in for {email} was refused");
    }

    pub async fn post_login(&self, client: &reqwest::Client, email: &str, secret: &str) -> reqwest::Response {
        client
            .post(self.url("/login"))
            .form(&[("email", email), ("password", secret), ("next", "")])
            .send()
            .await
            .expect("POST /login")
    }

    /// GETs a page as a browser does (`Accept: text/html`).
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).header("accept", "text/html,*/*;q=0.8").send().await.expect("GET page")
    }

    pub async fn session_count(&self) -> i64 {
        sqlx::query_scalar("select count(*) from sessions").fetch_one(&self.pool).await.expect("count sessions")
    }
}

pub fn location(response: &reqwest::Response) -> &str {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The URL of the database `pool` is on, for a process a test starts.
pub fn database_url(pool: &PgPool) -> String {
    let options = pool.connect_options();
    let database = options.get_database().unwrap_or("postgres");
    let user = options.get_username();
    match options.get_socket() {
        Some(dir) => format!("postgres://{user}@localhost:{}/{database}?host={}", options.get_port(), dir.display()),
        None => format!("postgres://{user}@{}:{}/{database}", options.get_host(), options.get_port()),
    }
}

/// A sign-in to the server at `addr` whose body is only half sent: the
/// connection, and the rest of the body to send once a shutdown has begun.
pub async fn half_sent_sign_in(addr: &str) -> (tokio::net::TcpStream, &'static str) {
    use tokio::io::AsyncWriteExt;

    let body = "email=nobody%40example.com&password=not+a+real+password&next=";
    let (first, rest) = body.split_at(20);
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /login HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(first.as_bytes()).await.expect("first half");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    (stream, rest)
}
