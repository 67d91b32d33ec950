//! Named connection settings, in a TOML file in the OS configuration folder.
//!
//! Why: a user connects once and then just picks a profile. Only non-secret settings live in this
//! file (host, OAuth host, client id, default contract); the client secret and API key live in the
//! keychain ([`crate::secrets`]). The app and `ccs` read the same file, found by the `directories`
//! crate or `CCS_CONFIG_DIR` (tests and portable set-ups).

use crate::error::CoreError;
use ccs_api::ContractId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Overrides the configuration folder.
pub const CONFIG_DIR_VARIABLE: &str = "CCS_CONFIG_DIR";
/// The settings file's name inside the folder.
pub const CONFIG_FILE_NAME: &str = "profiles.toml";

/// One named set of connection settings (nothing secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The profile's name (also names its keychain entries).
    pub name: String,
    /// API base URL; Orange's when `None`.
    pub host: Option<String>,
    /// OAuth base URL; Orange's when `None`.
    pub oauth_host: Option<String>,
    /// The OAuth client id.
    pub client_id: Option<String>,
    /// The contract used when a command names none.
    pub default_contract: Option<ContractId>,
}

/// How a profile is kept in the file (the name is the table key).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct StoredProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oauth_host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_contract: Option<String>,
}

/// The whole file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, StoredProfile>,
}

/// Checks a profile name: it becomes part of keychain entry names, so keep it plain.
pub fn check_profile_name(name: &str) -> Result<(), CoreError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidProfileName {
            name: name.to_owned(),
        })
    }
}

/// The profiles file of one configuration folder.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// The store of the OS configuration folder, or of `CCS_CONFIG_DIR` when set.
    pub fn open_default() -> Result<Self, CoreError> {
        if let Some(dir) = std::env::var_os(CONFIG_DIR_VARIABLE).filter(|d| !d.is_empty()) {
            return Ok(Self::at(PathBuf::from(dir)));
        }
        let dirs = directories::ProjectDirs::from("com", "Customer Space", "customer-space")
            .ok_or_else(|| CoreError::MissingSetting {
                what: "configuration folder",
                hint: format!("The OS gives no home folder; set {CONFIG_DIR_VARIABLE}."),
            })?;
        Ok(Self::at(dirs.config_dir().to_path_buf()))
    }

    /// The store in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The configuration folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings file.
    pub fn file(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE_NAME)
    }

    /// Every profile, sorted by name.
    pub fn list(&self) -> Result<Vec<Profile>, CoreError> {
        let file = self.read()?;
        Ok(file
            .profiles
            .iter()
            .map(|(name, stored)| to_profile(name, stored))
            .collect())
    }

    /// One profile, if it exists.
    pub fn get(&self, name: &str) -> Result<Option<Profile>, CoreError> {
        Ok(self
            .read()?
            .profiles
            .get(name)
            .map(|stored| to_profile(name, stored)))
    }

    /// One profile, or an error that names it.
    pub fn require(&self, name: &str) -> Result<Profile, CoreError> {
        self.get(name)?.ok_or_else(|| CoreError::ProfileNotFound {
            name: name.to_owned(),
        })
    }

    /// The default profile's name: the one set as default, or the only profile there is.
    pub fn default_name(&self) -> Result<Option<String>, CoreError> {
        let file = self.read()?;
        Ok(file
            .default
            .filter(|d| file.profiles.contains_key(d))
            .or_else(|| {
                (file.profiles.len() == 1)
                    .then(|| file.profiles.keys().next().cloned())
                    .flatten()
            }))
    }

    /// Adds a new profile; the first one becomes the default.
    pub fn add(&self, profile: &Profile) -> Result<(), CoreError> {
        check_profile_name(&profile.name)?;
        let mut file = self.read()?;
        if file.profiles.contains_key(&profile.name) {
            return Err(CoreError::ProfileExists {
                name: profile.name.clone(),
            });
        }
        if file.profiles.is_empty() {
            file.default = Some(profile.name.clone());
        }
        file.profiles
            .insert(profile.name.clone(), to_stored(profile));
        self.write(&file)
    }

    /// Replaces an existing profile's settings.
    pub fn update(&self, profile: &Profile) -> Result<(), CoreError> {
        let mut file = self.read()?;
        let slot =
            file.profiles
                .get_mut(&profile.name)
                .ok_or_else(|| CoreError::ProfileNotFound {
                    name: profile.name.clone(),
                })?;
        *slot = to_stored(profile);
        self.write(&file)
    }

    /// Adds or replaces a profile (the sandbox profile is refreshed at each demo start).
    pub fn upsert(&self, profile: &Profile) -> Result<(), CoreError> {
        check_profile_name(&profile.name)?;
        let mut file = self.read()?;
        if file.profiles.is_empty() {
            file.default = Some(profile.name.clone());
        }
        file.profiles
            .insert(profile.name.clone(), to_stored(profile));
        self.write(&file)
    }

    /// Renames a profile (keychain entries are moved by the caller, see [`crate::secrets`]).
    pub fn rename(&self, old: &str, new: &str) -> Result<(), CoreError> {
        check_profile_name(new)?;
        let mut file = self.read()?;
        if file.profiles.contains_key(new) {
            return Err(CoreError::ProfileExists {
                name: new.to_owned(),
            });
        }
        let stored = file
            .profiles
            .remove(old)
            .ok_or_else(|| CoreError::ProfileNotFound {
                name: old.to_owned(),
            })?;
        file.profiles.insert(new.to_owned(), stored);
        if file.default.as_deref() == Some(old) {
            file.default = Some(new.to_owned());
        }
        self.write(&file)
    }

    /// Removes a profile; if it was the default, there is no default any more.
    pub fn remove(&self, name: &str) -> Result<(), CoreError> {
        let mut file = self.read()?;
        if file.profiles.remove(name).is_none() {
            return Err(CoreError::ProfileNotFound {
                name: name.to_owned(),
            });
        }
        if file.default.as_deref() == Some(name) {
            file.default = None;
        }
        self.write(&file)
    }

    /// Makes a profile the default.
    pub fn set_default(&self, name: &str) -> Result<(), CoreError> {
        let mut file = self.read()?;
        if !file.profiles.contains_key(name) {
            return Err(CoreError::ProfileNotFound {
                name: name.to_owned(),
            });
        }
        file.default = Some(name.to_owned());
        self.write(&file)
    }

    fn read(&self) -> Result<ConfigFile, CoreError> {
        let path = self.file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
            Err(e) => {
                return Err(CoreError::Config {
                    path,
                    detail: e.to_string(),
                })
            }
        };
        toml::from_str(&text).map_err(|e| CoreError::Config {
            path,
            detail: e.to_string(),
        })
    }

    /// Writes the file atomically (temp file, fsync, rename) so a crash never leaves half a file.
    fn write(&self, file: &ConfigFile) -> Result<(), CoreError> {
        let path = self.file();
        let config_error = |detail: String| CoreError::Config {
            path: path.clone(),
            detail,
        };
        let text = toml::to_string_pretty(file).map_err(|e| config_error(e.to_string()))?;
        std::fs::create_dir_all(&self.dir).map_err(|e| config_error(e.to_string()))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".profiles-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(|e| config_error(e.to_string()))?;
        temp.write_all(text.as_bytes())
            .map_err(|e| config_error(e.to_string()))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| config_error(e.to_string()))?;
        temp.persist(&path)
            .map_err(|e| config_error(e.error.to_string()))?;
        Ok(())
    }
}

fn to_profile(name: &str, stored: &StoredProfile) -> Profile {
    Profile {
        name: name.to_owned(),
        host: stored.host.clone(),
        oauth_host: stored.oauth_host.clone(),
        client_id: stored.client_id.clone(),
        default_contract: stored
            .default_contract
            .as_deref()
            .map(ContractId::from_server),
    }
}

fn to_stored(profile: &Profile) -> StoredProfile {
    StoredProfile {
        host: profile.host.clone(),
        oauth_host: profile.oauth_host.clone(),
        client_id: profile.client_id.clone(),
        default_contract: profile
            .default_contract
            .as_ref()
            .map(|c| c.as_str().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            client_id: Some("id".into()),
            ..Profile::default()
        }
    }

    #[test]
    fn add_list_rename_remove_and_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        assert!(store.list().unwrap().is_empty());
        assert_eq!(store.default_name().unwrap(), None);
        store.add(&profile("work")).unwrap();
        store.add(&profile("home")).unwrap();
        assert_eq!(
            store.default_name().unwrap().as_deref(),
            Some("work"),
            "the first is the default"
        );
        assert!(matches!(
            store.add(&profile("work")),
            Err(CoreError::ProfileExists { .. })
        ));
        store.rename("work", "office").unwrap();
        assert_eq!(store.default_name().unwrap().as_deref(), Some("office"));
        store.set_default("home").unwrap();
        store.remove("home").unwrap();
        assert_eq!(
            store.default_name().unwrap().as_deref(),
            Some("office"),
            "the only one left"
        );
        let names: Vec<_> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["office"]);
        assert!(matches!(
            store.remove("nope"),
            Err(CoreError::ProfileNotFound { .. })
        ));
        assert!(matches!(
            store.add(&profile("a b")),
            Err(CoreError::InvalidProfileName { .. })
        ));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from(CONFIG_FILE_NAME)],
            "no temp file left"
        );
    }

    #[test]
    fn a_broken_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE_NAME), "[[[").unwrap();
        let error = ProfileStore::at(dir.path()).list().unwrap_err();
        assert_eq!(error.kind(), "config");
        assert!(error.to_string().contains(CONFIG_FILE_NAME));
    }
}
