//! Throwaway PostgreSQL clusters for the read-replica and outage tests: a
//! primary that allows streaming replication from 127.0.0.1 (and can be
//! stopped and started again on its port) and a hot standby made from it
//! with `pg_basebackup -R`, each on a free port of 127.0.0.1 in a scratch
//! directory under the temp dir. The binaries are found as the private
//! cluster finds them (`embedded_pg::find_bin_dir`); a missing one fails
//! the test. PostgreSQL refuses to run as root, so under root the clusters
//! run as the `postgres` system user, as the private cluster does.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use callscope::server::embedded_pg::find_bin_dir;
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, Uid, User, chown};
use sqlx::{Connection, PgConnection};

/// A scratch directory under the temp dir, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").subsec_nanos();
        let dir = std::env::temp_dir().join(format!("cs-cluster-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        // The clusters' user must pass through it (not list it) when that is not us.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o711)).expect("scratch dir mode");
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        fs::remove_dir_all(&self.0).ok();
    }
}

/// The PostgreSQL binaries, and the user they run as.
struct Tools {
    bin: PathBuf,
    owner: Option<User>,
}

impl Tools {
    fn find() -> Self {
        let bin = find_bin_dir(None).unwrap_or_else(|error| panic!("the replica test needs PostgreSQL: {error:#}"));
        for tool in ["initdb", "postgres", "pg_basebackup"] {
            assert!(
                bin.join(tool).is_file(),
                "the replica test needs {tool} beside postgres in {}; install PostgreSQL (scripts/ensure-tools.sh does)",
                bin.display()
            );
        }
        let owner = Uid::effective().is_root().then(|| {
            User::from_name("postgres")
                .expect("looking up the postgres user")
                .expect("running as root, PostgreSQL must run as the `postgres` user, and there is none")
        });
        Self { bin, owner }
    }

    fn command(&self, tool: &str) -> Command {
        let mut command = Command::new(self.bin.join(tool));
        command.stdin(Stdio::null());
        if let Some(user) = &self.owner {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        command
    }

    /// Runs `tool` to its end; panics with its output unless it succeeded.
    fn run(&self, tool: &str, args: &[&str]) {
        let output = self.command(tool).args(args).output().unwrap_or_else(|error| panic!("running {tool}: {error}"));
        assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    }

    /// A new, empty, private directory owned by the clusters' user.
    fn private_dir(&self, path: &Path) {
        fs::DirBuilder::new().mode(0o700).create(path).expect("data dir");
        if let Some(user) = &self.owner {
            chown(path, Some(user.uid), Some(user.gid)).expect("chown data dir");
        }
    }
}

/// A running cluster on 127.0.0.1 (trust auth, superuser `postgres`);
/// dropping it stops it.
pub struct Cluster {
    child: Option<Child>,
    port: u16,
    data: PathBuf,
    settings: Vec<String>,
    log: PathBuf,
}

impl Cluster {
    /// A primary in `scratch` that streams its WAL to standbys.
    pub async fn primary(scratch: &Scratch) -> Self {
        let tools = Tools::find();
        let data = scratch.0.join("primary");
        tools.private_dir(&data);
        let dir = data.to_str().expect("UTF-8 path");
        tools.run("initdb", &["-D", dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"]);
        // Said here rather than left to initdb's defaults.
        let mut hba = fs::OpenOptions::new().append(true).open(data.join("pg_hba.conf")).expect("pg_hba.conf");
        std::io::Write::write_all(&mut hba, b"host replication postgres 127.0.0.1/32 trust\n").expect("pg_hba.conf");
        Self::start(&tools, &data, &["-c", "wal_level=replica", "-c", "max_wal_senders=4"]).await
    }

    /// A hot standby of `primary` in `scratch`, streaming from it.
    pub async fn standby_of(primary: &Cluster, scratch: &Scratch) -> Self {
        let tools = Tools::find();
        let data = scratch.0.join("standby");
        tools.private_dir(&data);
        let (dir, port) = (data.to_str().expect("UTF-8 path"), primary.port.to_string());
        // -R writes standby.signal and primary_conninfo: the copy starts as a standby.
        let args = ["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-D", dir, "-R", "-X", "stream", "-c", "fast"];
        tools.run("pg_basebackup", &args);
        Self::start(&tools, &data, &["-c", "hot_standby=on"]).await
    }

    async fn start(tools: &Tools, data: &Path, settings: &[&str]) -> Self {
        let settings = settings.iter().map(|setting| (*setting).to_owned()).collect();
        let mut cluster =
            Self { child: None, port: free_port(), data: data.to_owned(), settings, log: data.with_extension("log") };
        cluster.spawn(tools).await;
        cluster
    }

    /// Starts the stopped cluster again, on the same port.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "stop the cluster before starting it again");
        self.spawn(&Tools::find()).await;
    }

    async fn spawn(&mut self, tools: &Tools) {
        let file = fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("log file");
        let child = tools
            .command("postgres")
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string(), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="])
            .args(&self.settings)
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .expect("starting postgres");
        self.child = Some(child);
        self.wait_accepting().await;
    }

    /// The URL of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Fast shutdown (sessions ended, a checkpoint); idempotent.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid"));
        kill(pid, Signal::SIGINT).ok();
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(child.try_wait(), Ok(None)) {
            if Instant::now() > deadline {
                kill(pid, Signal::SIGKILL).ok();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    async fn wait_accepting(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(connection) = PgConnection::connect(&self.url("postgres")).await {
                connection.close().await.ok();
                return;
            }
            let log = || fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(exit) = self.child.as_mut().and_then(|child| child.try_wait().ok().flatten()) {
                panic!("postgres exited ({exit}):\n{}", log());
            }
            assert!(Instant::now() < deadline, "postgres did not accept connections within a minute:\n{}", log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port of 127.0.0.1 that nothing listened on a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}
