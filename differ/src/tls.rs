//! Client TLS for Redis (`rediss://`) and the Vespa config server (`https://`): which
//! certificate authority to trust, and a client certificate to present. Postgres takes the same
//! from its URL (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`), as libpq does.
//!
//! `schema.yaml` names files (`tls: { ca, cert, key }` under `redis:` or `vespa:`); the
//! command line reads them (this crate reads no files) into [`TlsMaterial`]. A configured CA
//! *replaces* the system trust store, as `sslrootcert` does for Postgres; without one the
//! system store is used. Server certificates are always verified, host name included.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// `tls:` as written in `schema.yaml`: paths, relative to the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsDecl {
    /// PEM certificate(s) of the authority that signed the server's certificate.
    #[serde(default)]
    pub ca: Option<Spanned<String>>,
    /// PEM client certificate (chain), for servers that require one.
    #[serde(default)]
    pub cert: Option<Spanned<String>>,
    /// PEM private key of the client certificate (PKCS#8, PKCS#1 or SEC1).
    #[serde(default)]
    pub key: Option<Spanned<String>>,
}

impl TlsDecl {
    /// Each file named: the part (`ca`, `cert`, `key`), the path as written, and where it is
    /// written (line, column).
    pub fn files(&self) -> Vec<(&'static str, String, u64, u64)> {
        [("ca", &self.ca), ("cert", &self.cert), ("key", &self.key)]
            .into_iter()
            .filter_map(|(part, p)| {
                p.as_ref().map(|p| {
                    (
                        part,
                        p.value.clone(),
                        p.referenced.line(),
                        p.referenced.column(),
                    )
                })
            })
            .collect()
    }
}

/// The PEM contents of the files a [`TlsDecl`] names. Never printed: `Debug` shows only which
/// parts are present.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TlsMaterial {
    pub ca: Option<Vec<u8>>,
    pub cert: Option<Vec<u8>>,
    pub key: Option<Vec<u8>>,
}

impl fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<Vec<u8>>| if v.is_some() { "set" } else { "unset" };
        f.debug_struct("TlsMaterial")
            .field("ca", &shown(&self.ca))
            .field("cert", &shown(&self.cert))
            .field("key", &shown(&self.key))
            .finish()
    }
}

/// Makes ring the process's rustls provider unless one is installed already. Every TLS client
/// here (sqlx, redis, reqwest) then agrees on it; calling it again does nothing.
pub fn ensure_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

impl TlsMaterial {
    /// The parsed certificates and key, checked: both `cert` and `key` or neither, every PEM
    /// readable. Errors say which part is wrong, never its contents.
    pub fn check(&self) -> Result<(), String> {
        self.client_auth().map(|_| ())?;
        self.roots().map(|_| ())
    }

    fn certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("the {what} is not a PEM certificate: {e}"))?;
        if certs.is_empty() {
            return Err(format!("the {what} holds no PEM certificate"));
        }
        Ok(certs)
    }

    /// The client certificate chain and key, when configured.
    #[allow(clippy::type_complexity)]
    fn client_auth(
        &self,
    ) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>, String> {
        match (&self.cert, &self.key) {
            (None, None) => Ok(None),
            (Some(cert), Some(key)) => {
                let chain = Self::certificates(cert, "client certificate (tls.cert)")?;
                let key = PrivateKeyDer::from_pem_slice(key)
                    .map_err(|_| "the client key (tls.key) is not a PEM private key".to_owned())?;
                Ok(Some((chain, key)))
            }
            (Some(_), None) => Err(
                "tls.cert is set but tls.key is not: a client certificate needs its key".to_owned(),
            ),
            (None, Some(_)) => Err(
                "tls.key is set but tls.cert is not: a client key needs its certificate".to_owned(),
            ),
        }
    }

    /// The trust anchors: the configured CA, else the system's store.
    fn roots(&self) -> Result<rustls::RootCertStore, String> {
        let mut roots = rustls::RootCertStore::empty();
        match &self.ca {
            Some(pem) => {
                for cert in Self::certificates(pem, "CA certificate (tls.ca)")? {
                    roots.add(cert).map_err(|e| {
                        format!("the CA certificate (tls.ca) cannot be trusted: {e}")
                    })?;
                }
            }
            None => {
                // Unreadable entries of the system store are skipped, as browsers do.
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
            }
        }
        Ok(roots)
    }

    /// A rustls client configuration (ring provider) trusting [`Self::roots`] and presenting
    /// the client certificate when there is one.
    pub fn rustls_config(&self) -> Result<rustls::ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .with_root_certificates(self.roots()?);
        match self.client_auth()? {
            None => Ok(builder.with_no_client_auth()),
            Some((chain, key)) => builder.with_client_auth_cert(chain, key).map_err(|e| {
                format!("the client certificate (tls.cert, tls.key) cannot be used: {e}")
            }),
        }
    }

    /// The form the `redis` crate takes.
    pub fn redis_certificates(&self) -> redis::TlsCertificates {
        redis::TlsCertificates {
            client_tls: match (&self.cert, &self.key) {
                (Some(cert), Some(key)) => Some(redis::ClientTlsConfig {
                    client_cert: cert.clone(),
                    client_key: key.clone(),
                }),
                _ => None,
            },
            root_cert: self.ca.clone(),
        }
    }
}
