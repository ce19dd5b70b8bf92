//! Building trees in memory: a base tree with one file replaced or added.
//!
//! Used for commits that must not touch the working tree or index. Not a general tree editor:
//! it only inserts blobs.

use std::path::Path;

use git2::{FileMode, Oid, Repository, Tree};

use crate::{GitError, Result};

/// Splits a repository-relative path (`/`-separated) into checked components.
pub(crate) fn path_components(path: &str) -> Result<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').collect();
    let bad = |p: &&str| {
        p.is_empty()
            || *p == "."
            || *p == ".."
            || p.eq_ignore_ascii_case(".git")
            || p.contains('\\')
    };
    if parts.iter().any(bad) || path.contains('\0') {
        return Err(GitError::InvalidPath {
            path: path.to_owned(),
        });
    }
    Ok(parts)
}

/// Id of the blob at `path` in `tree`, `None` when absent or not a blob.
pub(crate) fn blob_id(tree: &Tree<'_>, path: &str) -> Result<Option<Oid>> {
    match tree.get_path(Path::new(path)) {
        Ok(entry) if entry.kind() == Some(git2::ObjectType::Blob) => Ok(Some(entry.id())),
        Ok(_) => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes a tree equal to `base` (or empty) with `blob` at `components`; returns its id.
pub(crate) fn with_blob(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    components: &[&str],
    blob: Oid,
) -> Result<Oid> {
    let mut builder = repo.treebuilder(base)?;
    match components {
        [] => Err(GitError::InvalidPath {
            path: String::new(),
        }),
        [name] => {
            builder.insert(name, blob, FileMode::Blob.into())?;
            Ok(builder.write()?)
        }
        [dir, rest @ ..] => {
            let sub = match base.and_then(|t| t.get_name(dir)) {
                Some(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
                    Some(repo.find_tree(entry.id())?)
                }
                _ => None,
            };
            let sub_id = with_blob(repo, sub.as_ref(), rest, blob)?;
            builder.insert(dir, sub_id, FileMode::Tree.into())?;
            Ok(builder.write()?)
        }
    }
}
