//! Throwaway `redis-server` processes on free loopback ports, one per test, so no test ever
//! touches (or FLUSHALLs) a shared Redis. The server is killed and its directory removed when
//! the value is dropped.

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to start the server.
#[derive(Debug, Default, Clone)]
pub struct RedisOptions {
    /// Lines of a `redis.conf` to start from; without it the server runs on command-line
    /// flags only (so `CONFIG REWRITE` fails, as on servers configured that way).
    pub config_file: Option<String>,
    /// A module to load (`--loadmodule`).
    pub module: Option<PathBuf>,
    /// More `--name value` flags.
    pub args: Vec<String>,
    /// Serve TLS only (`--tls-port`, no plain port).
    pub tls: Option<RedisTls>,
}

/// Files for a TLS-only server.
#[derive(Debug, Clone)]
pub struct RedisTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The CA that signed `cert` (and that client certificates must chain to).
    pub ca: PathBuf,
    /// Require a client certificate (`--tls-auth-clients yes`).
    pub auth_clients: bool,
    /// A client certificate and key for `redis-cli` when `auth_clients` is set.
    pub client: Option<(PathBuf, PathBuf)>,
}

#[derive(Debug)]
pub struct RedisServer {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
    /// `redis-cli` flags for a TLS server.
    cli_tls: Vec<String>,
}

fn path(p: &Path) -> String {
    p.to_str().expect("a UTF-8 path").to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl RedisServer {
    pub fn start() -> RedisServer {
        RedisServer::start_with(RedisOptions::default())
    }

    pub fn start_with(opts: RedisOptions) -> RedisServer {
        let dir = tempfile::tempdir().expect("a directory for redis-server");
        let port = free_port();
        let mut cmd = Command::new("redis-server");
        if let Some(conf) = &opts.config_file {
            let path = dir.path().join("redis.conf");
            let mut f = std::fs::File::create(&path).expect("write redis.conf");
            writeln!(f, "{conf}").expect("write redis.conf");
            cmd.arg(&path);
        }
        let mut cli_tls = Vec::new();
        match &opts.tls {
            None => {
                cmd.args(["--port", &port.to_string()]);
            }
            Some(t) => {
                cmd.args(["--port", "0", "--tls-port", &port.to_string()])
                    .arg("--tls-cert-file")
                    .arg(&t.cert)
                    .arg("--tls-key-file")
                    .arg(&t.key)
                    .arg("--tls-ca-cert-file")
                    .arg(&t.ca)
                    .args([
                        "--tls-auth-clients",
                        if t.auth_clients { "yes" } else { "no" },
                    ]);
                cli_tls = vec!["--tls".to_owned(), "--cacert".to_owned(), path(&t.ca)];
                if let Some((cert, key)) = &t.client {
                    cli_tls.extend([
                        "--cert".to_owned(),
                        path(cert),
                        "--key".to_owned(),
                        path(key),
                    ]);
                }
            }
        }
        cmd.args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .args(["--logfile", "redis.log"]);
        if let Some(m) = &opts.module {
            cmd.arg("--loadmodule").arg(m);
        }
        cmd.args(&opts.args);
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server ({e}); install it (apt-get install redis-server) — tests never skip without it"));
        let server = RedisServer {
            port,
            child,
            dir,
            cli_tls,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            // A server started with `--requirepass` answers NOAUTH: it is up all the same.
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && matches!(
                    self.cli(&["PING"]).trim(),
                    "PONG" | "NOAUTH Authentication required."
                )
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let log = std::fs::read_to_string(self.dir.path().join("redis.log")).unwrap_or_default();
        panic!("redis-server on port {} did not come up:\n{log}", self.port);
    }

    /// `redis://127.0.0.1:PORT/DB`
    pub fn url(&self, db: u32) -> String {
        format!("redis://127.0.0.1:{}/{db}", self.port)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `redis-cli` against the server and returns its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(&self.cli_tls)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run redis-cli ({e}); install redis-tools"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A connection for test setup.
    pub async fn connect(&self, db: u32) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url(db))
            .expect("a redis URL")
            .get_multiplexed_async_connection()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot connect to the test redis-server on {}: {e}",
                    self.port
                )
            })
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
