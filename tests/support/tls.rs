//! Certificates for TLS tests, made at test time with the `openssl` command: a private CA
//! (self-signed) and leaf certificates it signs, for `127.0.0.1` and `localhost`. Keys are
//! P-256, written as PKCS#8 PEM, which rustls, OpenSSL (Postgres, Redis) all read.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A certificate authority in a temporary directory (removed when dropped).
#[derive(Debug)]
pub struct TestCa {
    dir: tempfile::TempDir,
    name: String,
}

/// A certificate and its key, as files and as PEM.
#[derive(Debug, Clone)]
pub struct Issued {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run openssl ({e}); install it (apt-get install openssl) — TLS tests never skip without it")
        });
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TestCa {
    /// A new CA named `name` (its subject CN), valid for two days.
    pub fn new(name: &str) -> TestCa {
        let dir = tempfile::tempdir().expect("a directory for certificates");
        openssl(
            dir.path(),
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                &format!("/CN={name}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        TestCa {
            dir,
            name: name.to_owned(),
        }
    }

    /// The CA certificate file.
    pub fn cert(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    pub fn cert_pem(&self) -> Vec<u8> {
        std::fs::read(self.cert()).expect("read ca.crt")
    }

    /// A directory that lives as long as the CA (for files a test writes beside it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A leaf certificate for `cn`, valid for `127.0.0.1` and `localhost`; `client` makes it
    /// a client certificate (extended key usage clientAuth) instead of a server one.
    pub fn issue(&self, cn: &str, client: bool) -> Issued {
        let dir = self.dir.path();
        let stem = format!("{}-{cn}", if client { "client" } else { "server" });
        let (key, csr, crt, ext) = (
            format!("{stem}.key"),
            format!("{stem}.csr"),
            format!("{stem}.crt"),
            format!("{stem}.ext"),
        );
        std::fs::write(
            dir.join(&ext),
            format!(
                "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage={}\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
                if client { "clientAuth" } else { "serverAuth" }
            ),
        )
        .expect("write the extensions file");
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                &format!("/CN={cn}"),
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &crt,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        );
        let (cert, key) = (dir.join(crt), dir.join(key));
        Issued {
            cert_pem: std::fs::read(&cert).expect("read the certificate"),
            key_pem: std::fs::read(&key).expect("read the key"),
            cert,
            key,
        }
    }

    /// The CA's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}
