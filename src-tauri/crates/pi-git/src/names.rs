//! Branch, ref and file names of one plan (release + team).
//!
//! The legacy tool named the working branch after the release only, so two teams planning the
//! same PI collided. Here every name is derived from the pair, and the mapping is injective:
//!
//! * a slug keeps ASCII letters (lower-cased) and digits; every other run of characters becomes
//!   one `-`; leading and trailing dashes are dropped;
//! * the slug is used bare only when the original name is exactly the canonical spelling of that
//!   slug (`Platform Eco` for `platform-eco`, `PI-4/25` for `pi-4-25`), so two different names
//!   never share a bare slug;
//! * otherwise a `--` and 8 hex digits of a hash of the original name are appended. Bare slugs
//!   never contain `--`, so a suffixed slug never equals a bare one;
//! * a slug longer than [`MAX_SLUG_BYTES`] is cut there and always gets the hash of the whole
//!   name, so two long names that share a beginning still differ, and every file and ref name
//!   stays far below the 255-byte limit of file systems (a plan slug is at most
//!   2 × ([`MAX_SLUG_BYTES`] + 10) + 1 bytes; the longest file name adds `.versions.json`).
//!   Slugs of names up to that length are unchanged.
//!
//! The plan slug joins release and team with `.`, which no slug contains, so it splits back
//! unambiguously. This module is pure string work; it does not touch a repository.

use git2::{ObjectType, Oid};

/// Prefix of the machine-owned tracking branches (mirror of Targetprocess).
pub const TRACKING_PREFIX: &str = "pi/tp";
/// Prefix of the planners' working branches.
pub const WORKING_PREFIX: &str = "pi/plan";

/// All names derived from one (release, team) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchNames {
    /// Slug of the release, e.g. `pi-4-25`.
    pub release_slug: String,
    /// Slug of the team, e.g. `platform-eco`.
    pub team_slug: String,
}

impl BranchNames {
    /// Names for the plan of `team` in `release`.
    pub fn for_plan(release: &str, team: &str) -> Self {
        BranchNames {
            release_slug: slug(release, canonical_release),
            team_slug: slug(team, canonical_team),
        }
    }

    /// Tracking branch (short name), e.g. `pi/tp/pi-4-25/platform-eco`.
    pub fn tracking(&self) -> String {
        format!("{TRACKING_PREFIX}/{}/{}", self.release_slug, self.team_slug)
    }

    /// Working branch (short name), e.g. `pi/plan/pi-4-25/platform-eco`.
    pub fn working(&self) -> String {
        format!("{WORKING_PREFIX}/{}/{}", self.release_slug, self.team_slug)
    }

    /// Plan slug used in ref names, e.g. `pi-4-25.platform-eco`.
    pub fn plan_slug(&self) -> String {
        format!("{}.{}", self.release_slug, self.team_slug)
    }

    /// Plan file name at the repository root, e.g. `pi-4-25.platform-eco.md`.
    pub fn plan_file(&self) -> String {
        format!("{}.md", self.plan_slug())
    }

    /// Ref of the shared operation log, e.g. `refs/pi/oplog/pi-4-25.platform-eco`.
    pub fn oplog_ref(&self) -> String {
        format!("refs/pi/oplog/{}", self.plan_slug())
    }

    /// Ref of the shared approvals log, e.g. `refs/pi/approvals/pi-4-25.platform-eco`.
    pub fn approvals_ref(&self) -> String {
        format!("refs/pi/approvals/{}", self.plan_slug())
    }

    /// Ref of the push lease shared through the remote, e.g.
    /// `refs/pi/lease/pi-4-25.platform-eco`: who may write the plan to Targetprocess now.
    pub fn lease_ref(&self) -> String {
        format!("refs/pi/lease/{}", self.plan_slug())
    }
}

/// Full ref name of a baseline tag, e.g. `refs/tags/pi/baseline/pi-4-25-start`.
pub fn baseline_ref(name: &str) -> String {
    format!("refs/tags/pi/baseline/{name}")
}

/// Lower-case ASCII alphanumerics, every other run of characters collapsed to one dash.
pub fn bare_slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Longest slug written bare, in bytes (slugs are ASCII); a longer one is cut and hashed.
pub const MAX_SLUG_BYTES: usize = 80;

fn slug(name: &str, canonical: fn(&str) -> String) -> String {
    let mut bare = bare_slug(name);
    if bare.len() > MAX_SLUG_BYTES {
        bare.truncate(MAX_SLUG_BYTES);
        let kept = bare.trim_end_matches('-').len();
        bare.truncate(kept);
    } else if !bare.is_empty() && canonical(&bare) == name {
        return bare;
    }
    let base = if bare.is_empty() { "x" } else { bare.as_str() };
    format!("{base}--{}", short_hash(name))
}

fn short_hash(name: &str) -> String {
    match Oid::hash_object(ObjectType::Blob, name.as_bytes()) {
        Ok(oid) => oid.to_string()[..8].to_owned(),
        // Hashing bytes in memory has no failure mode in practice; fall back to a length tag
        // that still differs from every bare slug.
        Err(_) => format!("{:08x}", name.len()),
    }
}

/// `pi-4-25` -> `PI-4/25`: upper case, the last dash written as a slash when there are two or more.
fn canonical_release(slug: &str) -> String {
    let upper = slug.to_ascii_uppercase();
    if upper.matches('-').count() < 2 {
        return upper;
    }
    match upper.rfind('-') {
        Some(i) => format!("{}/{}", &upper[..i], &upper[i + 1..]),
        None => upper,
    }
}

/// `platform-eco` -> `Platform Eco`: words capitalised, separated by one space.
fn canonical_team(slug: &str) -> String {
    let words: Vec<String> = slug
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests;
