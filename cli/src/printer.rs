//! The only place that writes to the terminal. The plan goes to stdout; progress, warnings and
//! errors go to stderr. Every write passes through the secret filter, so a password that
//! slipped into a message from a lower layer is still never shown.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, IsTerminal, Write};

use crate::args::ColorArg;

#[derive(Debug)]
pub(crate) struct Printer {
    pub color: bool,
    pub verbose: u8,
    /// `--quiet`: no status lines, no progress; errors and warnings still show.
    pub quiet: bool,
    /// The command writes a machine format (JSON, SQL, Markdown): no progress display.
    pub machine: bool,
    /// `NO_COLOR` is set: no escape codes of any kind, so no progress display either.
    no_color_env: bool,
    secrets: Vec<String>,
}

/// A progress bar or spinner on stderr, shown only on a terminal for people; otherwise
/// nothing at all. Cleared when dropped.
#[derive(Debug)]
pub(crate) struct Progress(Option<indicatif::ProgressBar>);

/// `text` with control characters (other than newlines and tabs) written as `\u{1b}`, so
/// that a name or file from a hostile source cannot drive the terminal (clear it, retitle it,
/// hide text).
fn printable(text: &str) -> String {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(bad) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if bad(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl Progress {
    pub(crate) fn set(&self, position: u64, message: String) {
        if let Some(bar) = &self.0 {
            bar.set_position(position);
            bar.set_message(printable(&message));
        }
    }

    /// Runs `f`, which prints, with the bar out of the way.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Printer {
    pub(crate) fn new(color: ColorArg, verbose: u8, no_color_env: bool) -> Self {
        let color = match color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => !no_color_env && io::stdout().is_terminal(),
        };
        Printer {
            color,
            verbose,
            quiet: false,
            machine: false,
            no_color_env,
            secrets: Vec::new(),
        }
    }

    fn shows_progress(&self) -> bool {
        !self.quiet && !self.machine && !self.no_color_env && io::stderr().is_terminal()
    }

    /// A spinner with `message` while something of unknown length runs.
    pub(crate) fn spinner(&self, message: &str) -> Progress {
        if !self.shows_progress() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(self.message(message));
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// A bar over `len` units of work.
    pub(crate) fn bar(&self, len: u64) -> Progress {
        if !self.shows_progress() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(len);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress(Some(bar))
    }

    /// Text that must never be printed (passwords), replaced by `***` wherever it appears.
    pub(crate) fn add_secret(&mut self, secret: &str) {
        if secret.len() >= 3 && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
        }
    }

    /// Registers the secrets of a URL as secrets (as written and percent-decoded): the
    /// password, and query parameters that carry one (`?password=`, `?token=`, …). A URL
    /// that does not parse still has its `user:password@` part taken apart by hand.
    pub(crate) fn add_secret_url(&mut self, url: &str) {
        let mut found: Vec<String> = Vec::new();
        match url::Url::parse(url) {
            Ok(u) => {
                found.extend(u.password().map(str::to_owned));
                for (k, v) in u.query_pairs() {
                    if differ::redact::is_secret_param(&k) {
                        found.push(v.into_owned());
                    }
                }
            }
            Err(_) => {
                let rest = url.split_once("://").map_or(url, |(_, r)| r);
                if let Some((userinfo, _)) = rest.rsplit_once('@')
                    && let Some((_, pw)) = userinfo.split_once(':')
                {
                    found.push(pw.to_owned());
                }
            }
        }
        for pw in found {
            self.add_secret(&pw);
            if let Ok(decoded) = percent_encoding::percent_decode_str(&pw).decode_utf8() {
                self.add_secret(&decoded);
            }
        }
    }

    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut t = text.to_owned();
        for s in &self.secrets {
            t = t.replace(s.as_str(), "***");
        }
        t
    }

    /// A message for stderr: scrubbed, and [`printable`].
    fn message(&self, text: &str) -> String {
        printable(&self.scrub(text))
    }

    /// The primary output. A closed pipe (`seadiff plan | head`) ends quietly.
    pub(crate) fn out(&self, text: &str) {
        let mut stdout = io::stdout().lock();
        if stdout
            .write_all(self.scrub(text).as_bytes())
            .and_then(|_| stdout.flush())
            .is_err()
        {
            // The reader went away; nothing more to say to it.
        }
    }

    /// Status for people, on stderr (not with `--quiet`).
    pub(crate) fn info(&self, text: &str) {
        if !self.quiet {
            eprintln!("{}", self.message(text));
        }
    }

    /// A warning: shown even with `--quiet`.
    pub(crate) fn warn(&self, text: &str) {
        let label = if self.stderr_color() {
            "\x1b[1;33mwarning:\x1b[0m"
        } else {
            "warning:"
        };
        eprintln!("{label} {}", self.message(text));
    }

    /// Only with `-v`.
    pub(crate) fn detail(&self, text: &str) {
        if self.verbose > 0 {
            self.info(text);
        }
    }

    pub(crate) fn error(&self, text: &str) {
        let label = if self.stderr_color() {
            "\x1b[1;31merror:\x1b[0m"
        } else {
            "error:"
        };
        eprintln!("{label} {}", self.message(text));
    }

    fn stderr_color(&self) -> bool {
        self.color && io::stderr().is_terminal()
    }

    /// Asks a yes/no question on the terminal; anything but y/yes is no.
    pub(crate) fn confirm(&self, question: &str) -> bool {
        eprint!("{} [y/N] ", self.message(question));
        let _ = io::stderr().flush();
        let mut answer = String::new();
        if io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}
