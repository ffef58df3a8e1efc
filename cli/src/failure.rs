//! Errors as the user sees them: what failed, why (the cause chain), and what to do (a hint).
//! Every failure exits with 2; panics exit with 101.

use std::error::Error as StdError;
use std::fmt;

/// Exit codes (diff(1) family).
pub(crate) mod exit {
    pub(crate) const OK: u8 = 0;
    pub(crate) const CHANGES: u8 = 1;
    pub(crate) const TROUBLE: u8 = 2;
}

#[derive(Debug)]
pub(crate) struct Failure {
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
    /// Extra lines shown after the message (a source snippet, a list of steps).
    pub details: Vec<String>,
}

impl Failure {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            details: Vec::new(),
        }
    }

    /// `message`, caused by `err` and everything behind it.
    pub(crate) fn caused(message: impl Into<String>, err: &(dyn StdError + 'static)) -> Self {
        let mut f = Failure::new(message);
        f.push_chain(err);
        f
    }

    pub(crate) fn push_chain(&mut self, err: &(dyn StdError + 'static)) {
        let mut next: Option<&(dyn StdError + 'static)> = Some(err);
        while let Some(e) = next {
            let text = describe(e);
            if self.causes.last() != Some(&text) {
                self.causes.push(text);
            }
            // A database error's own sources only repeat it with server internals.
            if matches!(
                e.downcast_ref::<sqlx::Error>(),
                Some(sqlx::Error::Database(_))
            ) {
                break;
            }
            next = e.source();
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }
}

/// Database errors carry more than their Display: SQLSTATE, detail and hint.
fn describe(e: &(dyn StdError + 'static)) -> String {
    if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() {
        let mut s = db.message().to_owned();
        if let Some(code) = db.code() {
            s.push_str(&format!(" (SQLSTATE {code})"));
        }
        if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
            if let Some(d) = pg.detail() {
                s.push_str(&format!("; detail: {d}"));
            }
            if let Some(h) = pg.hint() {
                s.push_str(&format!("; hint: {h}"));
            }
        }
        return s;
    }
    e.to_string()
}

impl Failure {
    /// The failure on one line: the message and its causes.
    pub(crate) fn one_line(&self) -> String {
        std::iter::once(self.message.as_str())
            .chain(self.causes.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(": ")
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for d in &self.details {
            write!(f, "\n{d}")?;
        }
        for c in &self.causes {
            write!(f, "\ncaused by: {c}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n\nhint: {h}")?;
        }
        Ok(())
    }
}
