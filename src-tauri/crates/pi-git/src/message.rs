//! Who made a commit, when, and why: identities, injected timestamps and message trailers.
//!
//! Trailers are `Key: value` lines in the last paragraph of a commit message, the same shape
//! `git interpret-trailers` reads. They attribute a change to its origin (`Pi-Source`), to the
//! Targetprocess user who made it (`Tp-Editor`) and to the operation-log entry (`Pi-Op`).
//! This module formats and parses text; it never reads a clock or the user's git config.

use crate::Result;

/// A git author or committer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl Identity {
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Identity {
            name: name.into(),
            email: email.into(),
        }
    }
}

/// A point in time as git stores it: seconds since the epoch and the UTC offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct When {
    pub seconds: i64,
    pub offset_minutes: i32,
}

impl When {
    /// A UTC timestamp.
    pub fn utc(seconds: i64) -> Self {
        When {
            seconds,
            offset_minutes: 0,
        }
    }

    pub(crate) fn to_git(self) -> git2::Time {
        git2::Time::new(self.seconds, self.offset_minutes)
    }

    pub(crate) fn from_git(t: git2::Time) -> Self {
        When {
            seconds: t.seconds(),
            offset_minutes: t.offset_minutes(),
        }
    }
}

/// Author, committer and time of a commit to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub author: Identity,
    pub committer: Identity,
    pub when: When,
}

impl Stamp {
    /// Author and committer are the same identity.
    pub fn new(identity: Identity, when: When) -> Self {
        Stamp {
            author: identity.clone(),
            committer: identity,
            when,
        }
    }

    pub(crate) fn author_sig(&self) -> Result<git2::Signature<'static>> {
        Ok(git2::Signature::new(
            &self.author.name,
            &self.author.email,
            &self.when.to_git(),
        )?)
    }

    pub(crate) fn committer_sig(&self) -> Result<git2::Signature<'static>> {
        Ok(git2::Signature::new(
            &self.committer.name,
            &self.committer.email,
            &self.when.to_git(),
        )?)
    }
}

/// Where a change came from (`Pi-Source` trailer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A fresh export of Targetprocess state (tracking branch updates).
    Targetprocess,
    /// A planner's edit.
    Local,
    /// An unattended sync (CI / scheduled).
    AutoSync,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Targetprocess => "targetprocess",
            Source::Local => "local",
            Source::AutoSync => "auto-sync",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "targetprocess" => Some(Source::Targetprocess),
            "local" => Some(Source::Local),
            "auto-sync" => Some(Source::AutoSync),
            _ => None,
        }
    }
}

/// Trailer keys written by PI Planner.
pub mod keys {
    pub const SOURCE: &str = "Pi-Source";
    pub const TP_EDITOR: &str = "Tp-Editor";
    pub const OP: &str = "Pi-Op";
}

/// Ordered `Key: value` trailers. Keys may repeat; values are single lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trailers {
    entries: Vec<(String, String)>,
}

impl Trailers {
    pub fn new() -> Self {
        Trailers::default()
    }

    /// Adds a trailer. Line breaks in the value are folded to spaces, and characters that would
    /// break the `Key: value` shape are dropped from the key.
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.push(key, value);
        self
    }

    pub fn push(&mut self, key: &str, value: &str) {
        let key: String = key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let value = value.split(['\r', '\n']).collect::<Vec<_>>().join(" ");
        self.entries.push((key, value.trim().to_owned()));
    }

    pub fn with_source(self, source: Source) -> Self {
        self.with(keys::SOURCE, source.as_str())
    }

    pub fn with_tp_editor(self, name: &str) -> Self {
        self.with(keys::TP_EDITOR, name)
    }

    pub fn with_op(self, op_id: &str) -> Self {
        self.with(keys::OP, op_id)
    }

    /// First value of `key` (case-insensitive, as git treats trailer keys).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    pub fn source(&self) -> Option<Source> {
        self.get(keys::SOURCE).and_then(Source::parse)
    }

    pub fn tp_editor(&self) -> Option<&str> {
        self.get(keys::TP_EDITOR)
    }

    pub fn op(&self) -> Option<&str> {
        self.get(keys::OP)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parses the trailer block (last paragraph) of a full commit message. A last paragraph
    /// that is not entirely `Key: value` lines means the message has no trailers. As with git,
    /// a body whose last paragraph happens to be all `Key: value` lines is read as trailers.
    pub fn parse(message: &str) -> Trailers {
        split_message(message).2
    }
}

/// A commit message: subject line, optional body, trailers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitMessage {
    pub subject: String,
    pub body: String,
    pub trailers: Trailers,
}

impl CommitMessage {
    pub fn new(subject: &str) -> Self {
        CommitMessage {
            subject: subject.split(['\r', '\n']).collect::<Vec<_>>().join(" "),
            ..CommitMessage::default()
        }
    }

    pub fn with_body(mut self, body: &str) -> Self {
        self.body = body.trim().to_owned();
        self
    }

    pub fn with_trailers(mut self, trailers: Trailers) -> Self {
        self.trailers = trailers;
        self
    }

    /// The message as git stores it.
    pub fn render(&self) -> String {
        let mut out = self.subject.clone();
        if !self.body.is_empty() {
            out.push_str("\n\n");
            out.push_str(&self.body);
        }
        if !self.trailers.is_empty() {
            out.push_str("\n\n");
            for (k, v) in self.trailers.iter() {
                out.push_str(&format!("{k}: {v}\n"));
            }
        } else {
            out.push('\n');
        }
        out
    }

    pub fn parse(message: &str) -> CommitMessage {
        let (subject, body, trailers) = split_message(message);
        CommitMessage {
            subject,
            body,
            trailers,
        }
    }
}

fn split_message(message: &str) -> (String, String, Trailers) {
    let text = message.replace("\r\n", "\n");
    let mut paragraphs: Vec<&str> = text
        .trim()
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let subject = if paragraphs.is_empty() {
        String::new()
    } else {
        paragraphs.remove(0).to_owned()
    };
    let mut trailers = Trailers::new();
    if let Some(last) = paragraphs.last()
        && let Some(parsed) = parse_trailer_block(last)
    {
        trailers = parsed;
        paragraphs.pop();
    }
    (subject, paragraphs.join("\n\n"), trailers)
}

fn parse_trailer_block(block: &str) -> Option<Trailers> {
    let mut trailers = Trailers::new();
    for line in block.lines() {
        let (key, value) = line.split_once(':')?;
        let key_ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !key_ok {
            return None;
        }
        trailers
            .entries
            .push((key.to_owned(), value.trim().to_owned()));
    }
    Some(trailers)
}

#[cfg(test)]
mod tests;
