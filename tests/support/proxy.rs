//! A loopback TCP proxy in front of Postgres that counts the round trips clients make.
//!
//! It parses the frontend side of the wire protocol just enough to see message boundaries: the
//! untyped startup packets, then `type byte + int32 length` frames. A simple `Query` ('Q') and
//! a `Sync` ('S', which ends an extended-protocol exchange) each make the client wait for the
//! server's `ReadyForQuery`: those are the round trips. Encrypted sessions cannot be counted:
//! connect with `sslmode=disable` (a TLS handshake through the proxy makes `round_trips` panic).

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
