//! A throwaway Postgres cluster from the local `initdb`/`postgres` binaries.
//!
//! Used where a scratch server is needed and none was given (loading a `.sql` source, plan
//! verification, tests that need password authentication). Postgres refuses to run as root,
//! so when we are root the cluster runs as an unprivileged user (`postgres` if it exists,
//! else `nobody`). The data directory and the server are removed when the value is dropped.

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no local Postgres server binaries (initdb, pg_ctl) were found on PATH or under /usr/lib/postgresql; \
         install the Postgres server package or pass a scratch database URL (--dev-url)"
    )]
    NoBinaries,
    #[error(
        "running as root, but no unprivileged user (postgres or nobody) exists to run Postgres as"
    )]
    NoUser,
    #[error("cannot prepare the cluster directory {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` failed: {output}")]
    Command { command: String, output: String },
}

/// How the superuser authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    Trust,
    /// `scram-sha-256` with this password for the superuser `postgres`.
    Password(String),
}

/// More than the defaults: files placed in the cluster's directory (owned by the server's
/// user, mode 0600: certificates and keys), server settings, and `pg_hba.conf`.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// (file name, contents), written into the cluster directory; settings may name them by
    /// their file name, which is relative to the data directory's parent.
    pub files: Vec<(String, Vec<u8>)>,
    /// `name=value` server settings (`ssl=on`, `ssl_cert_file=../server.crt`, ...).
    pub settings: Vec<String>,
    /// Replaces `pg_hba.conf` (e.g. `hostssl` lines only, to refuse unencrypted sessions).
    pub hba: Option<String>,
    /// Where the cluster's directory is made (default: the temp dir); e.g. `/dev/shm` for a
    /// cluster of many databases that should go away fast.
    pub parent: Option<PathBuf>,
}

/// A running cluster listening on 127.0.0.1:`port`, superuser `postgres`.
#[derive(Debug)]
pub struct TempCluster {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    run_as: Option<(u32, u32)>,
    password: Option<String>,
}

impl TempCluster {
    pub fn start(auth: Auth) -> Result<TempCluster, ClusterError> {
        TempCluster::start_with(auth, Extras::default())
    }

    /// [`TempCluster::start`] with files, settings and `pg_hba.conf` of its own.
    pub fn start_with(auth: Auth, extras: Extras) -> Result<TempCluster, ClusterError> {
        let bin = find_bindir().ok_or(ClusterError::NoBinaries)?;
        let run_as = if is_root() {
            Some(unprivileged_user().ok_or(ClusterError::NoUser)?)
        } else {
            None
        };
        let dir = extras
            .parent
            .clone()
            .unwrap_or_else(std::env::temp_dir)
            .join(format!("seadiff-pg-{}-{}", std::process::id(), unique()));
        let io = |source| ClusterError::Io {
            path: dir.clone(),
            source,
        };
        fs::create_dir_all(&dir).map_err(io)?;
        let data = dir.join("data");
        let mut cluster = TempCluster {
            port: 0,
            dir: dir.clone(),
            bin,
            run_as,
            password: None,
        };
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(io)?;
        }
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).map_err(io)?;

        let mut initdb = cluster.command("initdb");
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ]);
        match &auth {
            Auth::Trust => {
                initdb.arg("--auth=trust");
            }
            Auth::Password(pw) => {
                let pwfile = dir.join("pwfile");
                fs::write(&pwfile, pw).map_err(io)?;
                if let Some((uid, gid)) = run_as {
                    std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).map_err(io)?;
                }
                initdb
                    .arg("--auth=scram-sha-256")
                    .arg(format!("--pwfile={}", pwfile.display()));
                cluster.password = Some(pw.clone());
            }
        }
        run(&mut initdb)?;
        for (name, bytes) in &extras.files {
            let path = dir.join(name);
            fs::write(&path, bytes).map_err(io)?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).map_err(io)?;
            if let Some((uid, gid)) = run_as {
                std::os::unix::fs::chown(&path, Some(uid), Some(gid)).map_err(io)?;
            }
        }
        if let Some(hba) = &extras.hba {
            let path = data.join("pg_hba.conf");
            fs::write(&path, hba).map_err(io)?;
            if let Some((uid, gid)) = run_as {
                std::os::unix::fs::chown(&path, Some(uid), Some(gid)).map_err(io)?;
            }
        }

        cluster.port = free_port().map_err(io)?;
        let log = dir.join("server.log");
        let mut opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c full_page_writes=off -c max_connections=50",
            cluster.port,
            dir.display()
        );
        for setting in &extras.settings {
            opts.push_str(" -c ");
            opts.push_str(setting);
        }
        let mut start = cluster.command("pg_ctl");
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &opts, "start"]);
        if let Err(e) = run(&mut start) {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            return Err(ClusterError::Command {
                command: "pg_ctl start".into(),
                output: format!("{e}\n{tail}"),
            });
        }
        Ok(cluster)
    }

    /// `postgres://postgres[:password]@127.0.0.1:port/database`
    pub fn url(&self, database: &str) -> String {
        match &self.password {
            Some(pw) => format!(
                "postgres://postgres:{pw}@127.0.0.1:{}/{database}",
                self.port
            ),
            None => format!("postgres://postgres@127.0.0.1:{}/{database}", self.port),
        }
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(self.bin.join(program));
        c.stdin(Stdio::null()).current_dir(&self.dir);
        if let Some((uid, gid)) = self.run_as {
            c.uid(uid).gid(gid).env("HOME", &self.dir);
        }
        c
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        if self.port != 0 {
            let mut stop = self.command("pg_ctl");
            stop.arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "-w", "stop"]);
            let _ = stop.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn run(c: &mut Command) -> Result<(), ClusterError> {
    let out = c.output().map_err(|e| ClusterError::Command {
        command: format!("{c:?}"),
        output: e.to_string(),
    })?;
    if out.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    Err(ClusterError::Command {
        command: format!("{:?}", c.get_program()),
        output: text.trim().to_owned(),
    })
}

/// The directory holding `initdb` and `pg_ctl`: `$PATH` first, then the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian and Ubuntu keep them off PATH).
pub fn find_bindir() -> Option<PathBuf> {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has_tools(&d) {
                return Some(d);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has_tools(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d)
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// uid and gid of `postgres`, else `nobody`, from /etc/passwd.
fn unprivileged_user() -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    for wanted in ["postgres", "nobody"] {
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() > 3 && f[0] == wanted {
                return Some((f[2].parse().ok()?, f[3].parse().ok()?));
            }
        }
    }
    None
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A name part no other cluster of this process (or a recent one) uses.
fn unique() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{nanos:x}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
