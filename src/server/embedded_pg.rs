//! The private PostgreSQL cluster used when `DATABASE_URL` is unset.
//!
//! The cluster lives in `<data dir>/pg` and listens only on a Unix socket in
//! `<data dir>/run` (mode 0700), so nothing but this user (or root) can
//! reach it and no TCP port is taken. The first process that needs it
//! starts it and stops it when dropped; a process that finds it already
//! running (a CLI command next to `callscope serve`) only attaches.
//!
//! PostgreSQL refuses to run as root; when we are root the cluster runs as
//! the `postgres` system user, which owns `pg/` and `run/`.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Gid, Pid, Uid, User, chown};

/// Name of the database callscope keeps its data in.
pub const DATABASE: &str = "callscope";
/// The port only names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP.
const SOCKET_PORT: u16 = 5432;
/// Unix socket paths are limited to 108 bytes including the file name.
const MAX_SOCKET_DIR_LEN: usize = 90;
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running private cluster. Dropping it stops the cluster if this
/// process started it.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    socket_dir: PathBuf,
    pg_data: PathBuf,
    /// The postmaster, when we started it.
    child: Option<Child>,
}

impl EmbeddedPostgres {
    /// Attaches to the cluster in `data_dir`, creating and starting it as needed.
    ///
    /// Blocks; call it from the main thread before the async runtime
    /// starts: the cluster is told to stop if the thread that started it
    /// dies, so it must be a thread that lives as long as the process.
    pub fn start(data_dir: &Path, pg_bin: Option<&Path>) -> anyhow::Result<Self> {
        let data_dir = std::path::absolute(data_dir).context("resolving the data directory")?;
        let owner = ClusterOwner::detect()?;
        let pg_data = data_dir.join("pg");
        let socket_dir = data_dir.join("run");
        prepare_dirs(&data_dir, &socket_dir, &owner)?;

        let mut cluster = EmbeddedPostgres { socket_dir, pg_data, child: None };
        if cluster.running_pid().is_some() {
            cluster.wait_ready(None)?;
            return Ok(cluster);
        }
        let bin = find_bin_dir(pg_bin)?;
        if !cluster.pg_data.join("PG_VERSION").exists() {
            init_cluster(&bin, &data_dir, &cluster.pg_data, &owner)?;
        }
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("postgres.log"))
            .context("opening postgres.log")?;
        let mut command = Command::new(bin.join("postgres"));
        command
            .arg("-D")
            .arg(&cluster.pg_data)
            .arg("-k")
            .arg(&cluster.socket_dir)
            .args(["-p", &SOCKET_PORT.to_string(), "-c", "listen_addresses="])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group: Ctrl-C in a terminal reaches only us, and
            // we stop the cluster after the server has drained its requests.
            .process_group(0);
        owner.apply(&mut command);
        stop_with_parent(&mut command);
        let child = command.spawn().context("starting postgres")?;
        cluster.child = Some(child);
        cluster.wait_ready(Some(&data_dir.join("postgres.log")))?;
        Ok(cluster)
    }

    /// A connection URL for `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@localhost/{database}?host={}&port={SOCKET_PORT}", self.socket_dir.display())
    }

    /// Whether this process started the cluster (and will stop it).
    pub fn is_owned(&self) -> bool {
        self.child.is_some()
    }

    /// The postmaster's pid, if `postmaster.pid` names a live process.
    fn running_pid(&self) -> Option<Pid> {
        let contents = fs::read_to_string(self.pg_data.join("postmaster.pid")).ok()?;
        let pid = Pid::from_raw(contents.lines().next()?.trim().parse().ok()?);
        kill(pid, None).ok().map(|()| pid)
    }

    /// Waits until the postmaster reports "ready" in `postmaster.pid`.
    fn wait_ready(&mut self, log: Option<&Path>) -> anyhow::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let status = fs::read_to_string(self.pg_data.join("postmaster.pid")).unwrap_or_default();
            if status.lines().nth(7).is_some_and(|line| line.trim() == "ready") {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Some(exit) = child.try_wait()?
            {
                self.child = None;
                bail!("postgres exited during start ({exit}); see {}", log_hint(log));
            }
            if Instant::now() > deadline {
                bail!("postgres did not become ready within {START_TIMEOUT:?}; see {}", log_hint(log));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Fast shutdown: ends sessions, checkpoints, exits. Idempotent.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        let Some(mut child) = self.child.take() else { return Ok(()) };
        let pid = Pid::from_raw(i32::try_from(child.id()).context("pid out of range")?);
        kill(pid, Signal::SIGINT).context("signalling postgres")?;
        let deadline = Instant::now() + STOP_TIMEOUT;
        while child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                // Immediate shutdown: recovery on the next start.
                kill(pid, Signal::SIGQUIT).ok();
                child.wait()?;
                bail!("postgres did not stop within {STOP_TIMEOUT:?}; forced it");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(error) = self.stop() {
            tracing::error!(error = format!("{error:#}"), "stopping the private PostgreSQL cluster");
        }
    }
}

fn log_hint(log: Option<&Path>) -> String {
    log.map_or_else(|| "the postgres log".to_owned(), |path| path.display().to_string())
}

/// Who runs the cluster: ourselves, or `postgres` when we are root.
struct ClusterOwner {
    switch_to: Option<(Uid, Gid)>,
}

impl ClusterOwner {
    fn detect() -> anyhow::Result<Self> {
        if !Uid::effective().is_root() {
            return Ok(Self { switch_to: None });
        }
        let user = User::from_name("postgres")?.context(
            "running as root, but PostgreSQL refuses to run as root and there is no `postgres` user \
             to run the private cluster as; install PostgreSQL (it creates one) or run as a normal user",
        )?;
        Ok(Self { switch_to: Some((user.uid, user.gid)) })
    }

    fn apply(&self, command: &mut Command) {
        if let Some((uid, gid)) = self.switch_to {
            command.uid(uid.as_raw()).gid(gid.as_raw());
        }
    }

    fn take(&self, path: &Path) -> anyhow::Result<()> {
        if let Some((uid, gid)) = self.switch_to {
            chown(path, Some(uid), Some(gid)).with_context(|| format!("chown {}", path.display()))?;
        }
        Ok(())
    }
}

fn prepare_dirs(data_dir: &Path, socket_dir: &Path, owner: &ClusterOwner) -> anyhow::Result<()> {
    if socket_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
        bail!(
            "the data directory path is too long for a Unix socket ({} bytes); set CALLSCOPE_DATA_DIR to a shorter path",
            socket_dir.as_os_str().len()
        );
    }
    // Parents get the usual permissions; only the data directory is private.
    if let Some(parent) = data_dir.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::DirBuilder::new().recursive(true).mode(0o700).create(data_dir)?;
    if owner.switch_to.is_some() {
        // The cluster's user must be able to pass through (not list) the data dir.
        fs::set_permissions(data_dir, fs::Permissions::from_mode(0o711))?;
    }
    fs::DirBuilder::new().recursive(true).mode(0o700).create(socket_dir)?;
    owner.take(socket_dir)
}

fn init_cluster(bin: &Path, data_dir: &Path, pg_data: &Path, owner: &ClusterOwner) -> anyhow::Result<()> {
    // initdb into a scratch directory and rename: an interrupted initdb never
    // leaves a half-made cluster behind.
    let scratch = data_dir.join("pg.init");
    if scratch.exists() {
        fs::remove_dir_all(&scratch)?;
    }
    fs::DirBuilder::new().mode(0o700).create(&scratch)?;
    owner.take(&scratch)?;
    let mut command = Command::new(bin.join("initdb"));
    command
        .arg("-D")
        .arg(&scratch)
        .args(["-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions"])
        .stdin(Stdio::null());
    owner.apply(&mut command);
    let output = command.output().context("running initdb")?;
    if !output.status.success() {
        let hint = if owner.switch_to.is_some() {
            " (the cluster runs as the `postgres` user: every parent directory of the data directory must let it pass, mode o+x)"
        } else {
            ""
        };
        bail!("initdb failed: {}{hint}", String::from_utf8_lossy(&output.stderr).trim());
    }
    fs::rename(&scratch, pg_data)?;
    tracing::info!(dir = %pg_data.display(), "created the private PostgreSQL cluster");
    Ok(())
}

/// The directory holding `initdb` and `postgres`: `configured` if given,
/// else the newest `/usr/lib/postgresql/*/bin` (Debian's layout), else `PATH`.
/// The tests that make clusters of their own find the binaries here too.
pub fn find_bin_dir(configured: Option<&Path>) -> anyhow::Result<PathBuf> {
    let has_server = |dir: &Path| dir.join("postgres").is_file() && dir.join("initdb").is_file();
    if let Some(dir) = configured {
        return if has_server(dir) {
            Ok(dir.to_owned())
        } else {
            bail!("CALLSCOPE_PG_BIN={} holds no initdb and postgres", dir.display())
        };
    }
    let mut candidates: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .collect();
    // Newest major version first.
    candidates
        .sort_by_key(|dir| std::cmp::Reverse(dir.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())));
    candidates.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    candidates.into_iter().find(|dir| has_server(dir)).context(
        "no PostgreSQL server binaries found (initdb, postgres); install PostgreSQL \
         (`make run` does) or set DATABASE_URL or CALLSCOPE_PG_BIN",
    )
}

/// Asks the kernel to stop the cluster if this process dies without doing
/// so itself (SIGKILL, a crash), so no postgres is ever left orphaned.
fn stop_with_parent(command: &mut Command) {
    #[expect(unsafe_code, reason = "pre_exec runs between fork and exec; prctl is async-signal-safe")]
    // SAFETY: the closure only calls prctl(2), which is async-signal-safe and
    // touches no memory shared with the parent.
    unsafe {
        command.pre_exec(|| nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from));
    }
}
