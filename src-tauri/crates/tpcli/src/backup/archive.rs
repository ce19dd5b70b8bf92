//! A backup file: a plain ustar archive (readable with `tar tf`) whose first member is
//! `manifest.json` — format, when, which plan, the branch checked out, the remote, and every
//! other member's size and SHA-256 — followed by the members: `plan.bundle` (the git bundle),
//! `local/...` (the clone's `.git/pi-planner` files) and `worktree/...` (plan files changed but
//! not committed). Only regular files with relative names without `..` are written or read.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use anyhow::{Context as _, Result, bail, ensure};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's `format`: what this version writes and reads.
pub const FORMAT: &str = "pi-planner-backup/1";
pub const MANIFEST: &str = "manifest.json";
const BLOCK: usize = 512;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The working branch checked out when the backup was taken.
    pub head: String,
    /// `origin`'s URL (without user information), if the clone had one.
    pub origin: Option<String>,
    /// Every other member: name → size and SHA-256 (hex).
    pub files: BTreeMap<String, Member>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub size: u64,
    pub sha256: String,
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the manifest (with every member's checksum) and the members to `out`.
pub fn write(
    out: &mut impl Write,
    mut manifest: Manifest,
    members: &[(String, Vec<u8>)],
) -> Result<()> {
    manifest.files = members
        .iter()
        .map(|(name, bytes)| {
            (
                name.clone(),
                Member {
                    size: bytes.len() as u64,
                    sha256: sha256(bytes),
                },
            )
        })
        .collect();
    let text = serde_json::to_vec_pretty(&manifest)?;
    member(out, MANIFEST, &text)?;
    for (name, bytes) in members {
        member(out, name, bytes)?;
    }
    out.write_all(&[0u8; BLOCK * 2])?;
    Ok(())
}

fn member(out: &mut impl Write, name: &str, bytes: &[u8]) -> Result<()> {
    check_name(name)?;
    let mut header = [0u8; BLOCK];
    let (prefix, rest) = split_name(name)?;
    header[..rest.len()].copy_from_slice(rest.as_bytes());
    octal(&mut header[100..108], 0o644);
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], bytes.len() as u64);
    octal(&mut header[136..148], 0);
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    header[148..156].fill(b' ');
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    octal(&mut header[148..155], sum);
    out.write_all(&header)?;
    out.write_all(bytes)?;
    out.write_all(&vec![0u8; padding(bytes.len())])?;
    Ok(())
}

/// ustar keeps names up to 100 bytes, or a prefix of up to 155 and a slash.
fn split_name(name: &str) -> Result<(&str, &str)> {
    if name.len() <= 100 {
        return Ok(("", name));
    }
    let cut = name[..name.len().min(156)]
        .rfind('/')
        .filter(|&i| name.len() - i - 1 <= 100);
    match cut {
        Some(i) => Ok((&name[..i], &name[i + 1..])),
        None => bail!("{name}: the name is too long for the backup format"),
    }
}

fn octal(field: &mut [u8], value: u64) {
    let text = format!("{value:0width$o}\0", width = field.len() - 1);
    field.copy_from_slice(text.as_bytes());
}

fn padding(len: usize) -> usize {
    (BLOCK - len % BLOCK) % BLOCK
}

fn check_name(name: &str) -> Result<()> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..");
    ensure!(!bad, "{name:?} is not a safe member name");
    Ok(())
}

/// The manifest and the members of a backup, each checked against the manifest: every problem
/// (a member missing, changed, extra or unreadable) is listed before anything is used.
pub fn read(input: &mut impl Read) -> Result<(Manifest, BTreeMap<String, Vec<u8>>)> {
    let mut members = BTreeMap::new();
    let mut first = None;
    while let Some((name, bytes)) = next_member(input)? {
        if first.is_none() {
            ensure!(
                name == MANIFEST,
                "the first member is {name:?}, not {MANIFEST}: not a PI Planner backup"
            );
            first = Some(bytes);
            continue;
        }
        ensure!(
            members.insert(name.clone(), bytes).is_none(),
            "{name} is in the backup twice"
        );
    }
    let text = first.context("the file is empty: not a PI Planner backup")?;
    let manifest: Manifest =
        serde_json::from_slice(&text).context("manifest.json does not read")?;
    ensure!(
        manifest.format == FORMAT,
        "the backup's format is {:?}; this PI Planner reads {FORMAT}",
        manifest.format
    );
    let problems = verify(&manifest, &members);
    ensure!(
        problems.is_empty(),
        "the backup is damaged, nothing was restored:\n  {}",
        problems.join("\n  ")
    );
    Ok((manifest, members))
}

fn verify(manifest: &Manifest, members: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, want) in &manifest.files {
        match members.get(name) {
            None => problems.push(format!("{name}: missing")),
            Some(b) if b.len() as u64 != want.size => problems.push(format!(
                "{name}: {} bytes, the manifest says {}",
                b.len(),
                want.size
            )),
            Some(b) if sha256(b) != want.sha256 => problems.push(format!(
                "{name}: checksum differs from the manifest (the file was changed or damaged)"
            )),
            Some(_) => {}
        }
    }
    for name in members.keys().filter(|n| !manifest.files.contains_key(*n)) {
        problems.push(format!("{name}: not in the manifest"));
    }
    problems
}

fn next_member(input: &mut impl Read) -> Result<Option<(String, Vec<u8>)>> {
    let mut header = [0u8; BLOCK];
    if !read_block(input, &mut header)? || header.iter().all(|b| *b == 0) {
        return Ok(None);
    }
    let stored = parse_octal(&header[148..156])?;
    let mut summed = header;
    summed[148..156].fill(b' ');
    let sum: u64 = summed.iter().map(|b| u64::from(*b)).sum();
    ensure!(stored == sum, "a member header is damaged (checksum)");
    ensure!(
        matches!(header[156], b'0' | 0),
        "the backup holds something other than files"
    );
    let text = |r: &[u8]| {
        String::from_utf8_lossy(r.split(|b| *b == 0).next().unwrap_or_default()).into_owned()
    };
    let (prefix, rest) = (text(&header[345..500]), text(&header[..100]));
    let name = if prefix.is_empty() {
        rest
    } else {
        format!("{prefix}/{rest}")
    };
    check_name(&name)?;
    let size = usize::try_from(parse_octal(&header[124..136])?)?;
    let mut bytes = vec![0u8; size];
    input
        .read_exact(&mut bytes)
        .with_context(|| format!("{name}: the file ends inside it (truncated)"))?;
    let mut pad = vec![0u8; padding(size)];
    input
        .read_exact(&mut pad)
        .with_context(|| format!("{name}: truncated"))?;
    Ok(Some((name, bytes)))
}

fn read_block(input: &mut impl Read, block: &mut [u8; BLOCK]) -> Result<bool> {
    let mut filled = 0;
    while filled < BLOCK {
        match input.read(&mut block[filled..])? {
            0 if filled == 0 => return Ok(false),
            0 => bail!("the file ends inside a member header (truncated)"),
            n => filled += n,
        }
    }
    Ok(true)
}

fn parse_octal(field: &[u8]) -> Result<u64> {
    let text = String::from_utf8_lossy(field);
    let text = text.trim_matches(|c: char| c == '\0' || c == ' ');
    u64::from_str_radix(text, 8)
        .with_context(|| format!("a member header is damaged ({text:?} is not a number)"))
}

#[cfg(test)]
#[path = "archive_tests.rs"]
mod tests;
