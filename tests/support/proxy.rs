//! Loopback TCP proxies for tests: one in front of Postgres that counts the round trips clients
//! make ([`CountingProxy`]), and one that stalls or drops connections on command ([`FaultProxy`]).
//!
//! The counting proxy parses the frontend side of the wire protocol just enough to see message
//! boundaries: the untyped startup packets, then `type byte + int32 length` frames. A simple
//! `Query` ('Q') and a `Sync` ('S', which ends an extended-protocol exchange) each make the
//! client wait for the server's `ReadyForQuery`: those are the round trips. Encrypted sessions
//! cannot be counted: connect with `sslmode=disable` (a TLS handshake through the proxy makes
//! `round_trips` panic).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug)]
pub struct CountingProxy {
    pub addr: SocketAddr,
    round_trips: Arc<AtomicU64>,
    tls_sessions: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingProxy {
    /// Listens on an ephemeral loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let round_trips = Arc::new(AtomicU64::new(0));
        let tls_sessions = Arc::new(AtomicU64::new(0));
        let counters = (round_trips.clone(), tls_sessions.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counters = counters.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        pipe(client, server, counters).await;
                    }
                });
            }
        });
        CountingProxy {
            addr,
            round_trips,
            tls_sessions,
            task,
        }
    }

    /// Round trips counted so far, over all connections.
    pub fn round_trips(&self) -> u64 {
        assert_eq!(
            self.tls_sessions.load(Ordering::SeqCst),
            0,
            "a TLS session went through the counting proxy; connect with sslmode=disable"
        );
        self.round_trips.load(Ordering::SeqCst)
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    (counter, tls): (Arc<AtomicU64>, Arc<AtomicU64>),
) {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up = async move {
        let mut frames = Frames::default();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for kind in frames.feed(&buf[..n]) {
                if kind == b'Q' || kind == b'S' {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            }
            if frames.tls {
                tls.fetch_add(1, Ordering::SeqCst);
                frames.tls = false;
                frames.started = true;
                frames.opaque = true;
            }
            if sw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = sw.shutdown().await;
    };
    let down = async move {
        let _ = tokio::io::copy(&mut sr, &mut cw).await;
        let _ = cw.shutdown().await;
    };
    tokio::join!(up, down);
}

/// Splits the client's byte stream into protocol messages.
#[derive(Debug, Default)]
struct Frames {
    started: bool,
    /// A TLS handshake began where a startup packet was expected.
    tls: bool,
    /// Encrypted from here on: nothing more can be parsed.
    opaque: bool,
    buf: Vec<u8>,
}

const SSL_REQUEST: u32 = 80877103;
const GSSENC_REQUEST: u32 = 80877104;

impl Frames {
    /// Returns the type bytes of the typed messages completed by `bytes`.
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        if self.opaque {
            return Vec::new();
        }
        self.buf.extend_from_slice(bytes);
        let mut kinds = Vec::new();
        loop {
            if !self.started && self.buf.first() == Some(&0x16) {
                self.tls = true;
                self.buf.clear();
                break;
            }
            if !self.started {
                if self.buf.len() < 8 {
                    break;
                }
                let len = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]])
                    as usize;
                if self.buf.len() < len {
                    break;
                }
                let code = u32::from_be_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]]);
                self.started = code != SSL_REQUEST && code != GSSENC_REQUEST;
                self.buf.drain(..len);
            } else {
                if self.buf.len() < 5 {
                    break;
                }
                let len = u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]])
                    as usize;
                if self.buf.len() < 1 + len {
                    break;
                }
                kinds.push(self.buf[0]);
                self.buf.drain(..1 + len);
            }
        }
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_split_across_reads() {
        let mut f = Frames::default();
        let mut startup = 8u32.to_be_bytes().to_vec();
        startup.extend_from_slice(&196608u32.to_be_bytes());
        assert!(f.feed(&startup).is_empty());
        let mut q = vec![b'Q'];
        q.extend_from_slice(&8u32.to_be_bytes()); // length counts itself and the body
        q.extend_from_slice(b"SEL\0");
        let (a, b) = q.split_at(3);
        assert!(f.feed(a).is_empty());
        assert_eq!(f.feed(b), vec![b'Q']);
    }
}

/// What a [`FaultProxy`] does to the connections through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    Pass,
    /// Once `trigger` fires on a connection, stop forwarding in both directions and keep the
    /// sockets open: the peers wait for bytes that never come.
    Stall(Trigger),
    /// Once `trigger` fires on a connection, close both sockets abruptly (a reset).
    Drop(Trigger),
}

/// When a [`Fault`] fires on a connection. Byte counts and times start when the connection
/// is accepted or, for connections already open, when the fault is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// At once.
    Now,
    /// After this many bytes from the server have been forwarded to the client.
    AfterBytes(u64),
    /// This many milliseconds later.
    AfterMillis(u64),
    /// When the client sends this byte string (which is not forwarded, nor anything after
    /// it). Only for unencrypted protocols: a Postgres query's text, a Redis command name
    /// (`SCAN`), an HTTP request line (`POST `).
    ClientSends(Vec<u8>),
}

#[derive(Debug, Default)]
struct FaultState {
    fault: Option<Fault>,
    /// Bumped by every `set`: open connections restart their counters.
    generation: u64,
    connections: u64,
    /// Connections on which the fault fired.
    fired: u64,
    /// Bytes forwarded, over all connections, each way.
    up: u64,
    down: u64,
}

/// A loopback TCP proxy whose faults the test sets at any time: [`Fault::Pass`], or stall or
/// drop connections after some bytes, some time, or when the client sends a given byte
/// string. Every connection, open or future, follows the fault last set.
#[derive(Debug)]
pub struct FaultProxy {
    pub addr: SocketAddr,
    state: Arc<std::sync::Mutex<FaultState>>,
    changed: tokio::sync::watch::Sender<u64>,
    accept: tokio::task::AbortHandle,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl FaultProxy {
    /// Listens on an ephemeral loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr, fault: Fault) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(std::sync::Mutex::new(FaultState {
            fault: Some(fault),
            ..FaultState::default()
        }));
        let (changed, _) = tokio::sync::watch::channel(0u64);
        let tasks: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let (st, tx, ts) = (state.clone(), changed.clone(), tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                lock(&st).connections += 1;
                let (st, rx) = (st.clone(), tx.subscribe());
                let task = tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        faulty_pipe(client, server, st, rx).await;
                    }
                });
                ts.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(task.abort_handle());
            }
        });
        FaultProxy {
            addr,
            state,
            changed,
            accept: accept.abort_handle(),
            tasks,
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// Changes the fault for every connection, open or future.
    pub fn set(&self, fault: Fault) {
        let generation = {
            let mut s = lock(&self.state);
            s.fault = Some(fault);
            s.generation += 1;
            s.generation
        };
        let _ = self.changed.send(generation);
    }

    /// Closes every open connection (stalled ones included), as a network that recovers
    /// would after its timeouts: the server then ends those sessions.
    pub fn disconnect_all(&self) {
        for t in self
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drain(..)
        {
            t.abort();
        }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        lock(&self.state).connections
    }

    /// Connections on which the fault fired so far.
    pub fn fired(&self) -> u64 {
        lock(&self.state).fired
    }

    /// Bytes forwarded so far (client to server, server to client), over all connections.
    pub fn bytes(&self) -> (u64, u64) {
        let s = lock(&self.state);
        (s.up, s.down)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.disconnect_all();
    }
}

fn lock(s: &std::sync::Mutex<FaultState>) -> std::sync::MutexGuard<'_, FaultState> {
    s.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One connection's view of the current fault: counters since it took effect.
struct Armed {
    fault: Fault,
    generation: u64,
    since: tokio::time::Instant,
    down: u64,
    /// The end of what the client sent, for a pattern split across reads.
    tail: Vec<u8>,
}

impl Armed {
    fn load(state: &std::sync::Mutex<FaultState>) -> Armed {
        let s = lock(state);
        Armed {
            fault: s.fault.clone().unwrap_or(Fault::Pass),
            generation: s.generation,
            since: tokio::time::Instant::now(),
            down: 0,
            tail: Vec::new(),
        }
    }

    fn trigger(&self) -> Option<&Trigger> {
        match &self.fault {
            Fault::Pass => None,
            Fault::Stall(t) | Fault::Drop(t) => Some(t),
        }
    }

    fn deadline(&self) -> Option<tokio::time::Instant> {
        match self.trigger() {
            Some(Trigger::Now) => Some(self.since),
            Some(Trigger::AfterMillis(ms)) => {
                Some(self.since + std::time::Duration::from_millis(*ms))
            }
            _ => None,
        }
    }

    /// How much of a chunk going up (client to server) or down to forward, and whether the
    /// fault fires right after.
    fn judge(&mut self, chunk: &[u8], up: bool) -> (usize, bool) {
        let Some(trigger) = self.trigger().cloned() else {
            return (chunk.len(), false);
        };
        match trigger {
            Trigger::Now | Trigger::AfterMillis(_) => {
                if self
                    .deadline()
                    .is_some_and(|d| tokio::time::Instant::now() >= d)
                {
                    (0, true)
                } else {
                    (chunk.len(), false)
                }
            }
            Trigger::AfterBytes(n) => {
                if up {
                    return (chunk.len(), false);
                }
                let left = n.saturating_sub(self.down);
                let take = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
                self.down += take as u64;
                (take, self.down >= n)
            }
            Trigger::ClientSends(pattern) => {
                if !up || pattern.is_empty() {
                    return (chunk.len(), false);
                }
                let mut window = std::mem::take(&mut self.tail);
                let carried = window.len();
                window.extend_from_slice(chunk);
                if let Some(at) = window.windows(pattern.len()).position(|w| w == pattern) {
                    return (at.saturating_sub(carried), true);
                }
                let keep = (pattern.len() - 1).min(window.len());
                self.tail = window[window.len() - keep..].to_vec();
                (chunk.len(), false)
            }
        }
    }
}

async fn faulty_pipe(
    mut client: TcpStream,
    mut server: TcpStream,
    state: Arc<std::sync::Mutex<FaultState>>,
    mut changed: tokio::sync::watch::Receiver<u64>,
) {
    let mut armed = Armed::load(&state);
    let mut up_buf = vec![0u8; 64 * 1024];
    let mut down_buf = vec![0u8; 64 * 1024];
    let (mut client_eof, mut server_eof) = (false, false);
    loop {
        if client_eof && server_eof {
            return;
        }
        let deadline = armed.deadline();
        // Which way a chunk went, and the chunk's length (0: end of stream).
        let event = tokio::select! {
            r = client.read(&mut up_buf), if !client_eof => Some((true, r.unwrap_or(0))),
            r = server.read(&mut down_buf), if !server_eof => Some((false, r.unwrap_or(0))),
            _ = changed.changed() => {
                if lock(&state).generation != armed.generation {
                    armed = Armed::load(&state);
                }
                continue;
            }
            () = tokio::time::sleep_until(deadline.unwrap_or_else(tokio::time::Instant::now)), if deadline.is_some() => None,
        };
        let Some((up, n)) = event else {
            break;
        };
        if n == 0 {
            let other = if up { &mut server } else { &mut client };
            let _ = other.shutdown().await;
            if up {
                client_eof = true;
            } else {
                server_eof = true;
            }
            continue;
        }
        let chunk = if up { &up_buf[..n] } else { &down_buf[..n] };
        let (forward, fire) = armed.judge(chunk, up);
        let to = if up { &mut server } else { &mut client };
        if forward > 0 && to.write_all(&chunk[..forward]).await.is_err() {
            return;
        }
        {
            let mut s = lock(&state);
            if up {
                s.up += forward as u64;
            } else {
                s.down += forward as u64;
            }
        }
        if fire {
            break;
        }
    }
    // The fault fired.
    lock(&state).fired += 1;
    match armed.fault {
        Fault::Drop(_) => {
            let _ = client.set_zero_linger();
            let _ = server.set_zero_linger();
        }
        _ => {
            // Hold both sockets open, forwarding nothing, until the proxy is dropped.
            std::future::pending::<()>().await;
        }
    }
}
