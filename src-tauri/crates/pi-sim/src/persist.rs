//! The state file: the whole simulated world as JSON, written atomically (temp file + rename).
//!
//! Fault settings and the request log are not part of the state.

use std::path::Path;

use crate::SimError;
use crate::store::World;

pub fn load(path: &Path) -> Result<World, SimError> {
    let text = std::fs::read_to_string(path).map_err(|source| SimError::ReadState {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| SimError::BadState {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

pub fn save(path: &Path, world: &World) -> Result<(), SimError> {
    let err = |source| SimError::WriteState {
        path: path.to_owned(),
        source,
    };
    let json = serde_json::to_vec(world).map_err(|e| err(std::io::Error::other(e)))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, json).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jira::JiraStore;
    use crate::store::Store;

    #[test]
    fn round_trip_and_bad_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut tp = Store::new(5);
        tp.insert("Team", serde_json::Map::new(), 1);
        let world = World {
            tp,
            jira: JiraStore::default(),
        };
        save(&path, &world).unwrap();
        assert_eq!(load(&path).unwrap().tp.count("Team"), 1);
        assert!(!dir.path().join("state.json.tmp").exists());
        std::fs::write(&path, "nope").unwrap();
        assert!(matches!(load(&path), Err(SimError::BadState { .. })));
    }
}
