//! Records `FT.INFO` fixtures from a live server, byte for byte.
//!
//! For every `src/redis/fixtures/*.cmd` file: opens a fresh connection, sends each
//! line as one command (tokens separated by single spaces; no quoting) and
//! writes the raw reply to the last command next to it as `*.resp`.
//!
//! Usage: `cargo run --example record_fixtures -- <port> [fixture-dir]`
//! (loopback only; start e.g. `redis-server --port <port> --save "" \
//! --appendonly no --loadmodule .../redisearch.so`). The `.cmd` files start with
//! `FLUSHALL`: point this at a scratch server only.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;

fn encode(tokens: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", tokens.len()).into_bytes();
    for t in tokens {
        out.extend(format!("${}\r\n", t.len()).into_bytes());
        out.extend(t.as_bytes());
        out.extend(b"\r\n");
    }
    out
}

/// Sends one command and returns the raw bytes of its complete reply.
fn call(conn: &mut TcpStream, tokens: &[&str]) -> Result<Vec<u8>, String> {
    conn.write_all(&encode(tokens)).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = conn.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if redis::parse_redis_value(&buf).is_ok() {
            return Ok(buf);
        }
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .ok_or("usage: record_fixtures <port> [dir]")?
        .parse()
        .map_err(|e| format!("bad port: {e}"))?;
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "src/redis/fixtures".into()));
    let mut cmds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cmd"))
        .collect();
    cmds.sort();
    for path in cmds {
        let script = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let mut conn = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        let mut last = Vec::new();
        for line in script.lines().filter(|l| !l.trim().is_empty()) {
            let tokens: Vec<&str> = line.split(' ').collect();
            last = call(&mut conn, &tokens)?;
            if last.first() == Some(&b'-') {
                eprintln!(
                    "{}: {line}: {}",
                    path.display(),
                    String::from_utf8_lossy(&last).trim()
                );
            }
        }
        let out = path.with_extension("resp");
        std::fs::write(&out, &last).map_err(|e| e.to_string())?;
        println!("{} ({} bytes)", out.display(), last.len());
    }
    Ok(())
}
