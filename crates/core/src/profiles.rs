//! Named connection settings, in a TOML file in the OS configuration folder.
//!
//! Why: a user connects once and then just picks a profile. Only non-secret settings live in this
//! file (host, OAuth host, client id, default contract); the client secret and API key live in the
//! keychain ([`crate::secrets`]). The app and `ccs` read the same file, found by the `directories`
//! crate or `CCS_CONFIG_DIR` (tests and portable set-ups).

use crate::error::{CoreError, Setting};
use ccs_api::ContractId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Overrides the configuration folder.
pub const CONFIG_DIR_VARIABLE: &str = "CCS_CONFIG_DIR";
/// The settings file's name inside the folder.
pub const CONFIG_FILE_NAME: &str = "profiles.toml";
/// The demo's profile, rewritten by the app at each demo start (with the sandbox's port and
/// credentials) so that `ccs --profile Demo` works while the app runs. Reserved: no user, import or
/// rename may take the name, so the demo never replaces a profile of the user's.
pub const DEMO_PROFILE: &str = "Demo";
/// What the demo's profile was called before it had a reserved name. A profile of that name on a
/// loopback host is the old demo's and is migrated once; on any other host it is the user's.
pub const OLD_DEMO_PROFILE: &str = "Sandbox";

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
    /// The old demo profile was looked for (once: a loopback `Sandbox` made later is the user's).
    #[serde(default, rename = "demo-migrated", skip_serializing_if = "is_false")]
    demo_migrated: bool,
    #[serde(default)]
    profiles: BTreeMap<String, StoredProfile>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// What [`ProfileStore::migrate_old_demo`] did with the old demo profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldDemo {
    /// There was none (or it was looked for before): nothing changed.
    None,
    /// `Sandbox` on loopback became `Demo` (keeping its place as the default).
    Renamed,
    /// `Sandbox` on loopback was removed (a `Demo` profile existed already).
    Removed,
}

/// Checks a name a user gives a profile: plain (it becomes part of keychain entry names) and not the
/// demo's reserved name.
pub fn check_profile_name(name: &str) -> Result<(), CoreError> {
    check_name_syntax(name)?;
    if name.eq_ignore_ascii_case(DEMO_PROFILE) {
        return Err(CoreError::ReservedProfileName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// The longest profile name, in characters (each is ASCII: one byte).
pub const PROFILE_NAME_MAX_CHARS: usize = 64;
/// The profile-name rule as a regular expression, for the UI to check as the person types (a test
/// checks it says what [`check_profile_name`] does).
pub const PROFILE_NAME_PATTERN: &str = "^[A-Za-z0-9._-]{1,64}$";

/// Letters, digits, `.`, `_`, `-`; 1 to [`PROFILE_NAME_MAX_CHARS`] of them.
fn check_name_syntax(name: &str) -> Result<(), CoreError> {
    let ok = !name.is_empty()
        && name.len() <= PROFILE_NAME_MAX_CHARS
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
                what: Setting::ConfigurationFolder,
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

    /// Writes the demo's profile under its reserved name [`DEMO_PROFILE`] (whatever `profile.name`
    /// says), replacing the previous demo start's: the only profile this store ever replaces whole.
    pub fn put_demo(&self, profile: &Profile) -> Result<(), CoreError> {
        let mut file = self.read()?;
        if file.profiles.is_empty() {
            file.default = Some(DEMO_PROFILE.to_owned());
        }
        file.profiles
            .insert(DEMO_PROFILE.to_owned(), to_stored(profile));
        self.write(&file)
    }

    /// Once per configuration folder: the old demo profile (`Sandbox` on a loopback host) becomes
    /// `Demo`, or goes when a `Demo` exists. A `Sandbox` on any other host is the user's and stays.
    /// The caller moves or removes its keychain entries.
    pub fn migrate_old_demo(&self) -> Result<OldDemo, CoreError> {
        let mut file = self.read()?;
        if file.demo_migrated {
            return Ok(OldDemo::None);
        }
        file.demo_migrated = true;
        let on_loopback = file.profiles.get(OLD_DEMO_PROFILE).is_some_and(|old| {
            old.host
                .as_deref()
                .and_then(|host| url::Url::parse(host).ok())
                .is_some_and(|url| ccs_api::is_loopback(&url))
        });
        let outcome = match (on_loopback, file.profiles.contains_key(DEMO_PROFILE)) {
            (false, _) => OldDemo::None,
            (true, false) => {
                if let Some(old) = file.profiles.remove(OLD_DEMO_PROFILE) {
                    file.profiles.insert(DEMO_PROFILE.to_owned(), old);
                }
                OldDemo::Renamed
            }
            (true, true) => {
                file.profiles.remove(OLD_DEMO_PROFILE);
                OldDemo::Removed
            }
        };
        if outcome != OldDemo::None && file.default.as_deref() == Some(OLD_DEMO_PROFILE) {
            file.default = Some(DEMO_PROFILE.to_owned());
        }
        self.write(&file)?;
        Ok(outcome)
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
    use crate::error::ErrorCode;

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
    fn the_demo_name_is_reserved_for_the_demo() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        for name in ["Demo", "demo", "DEMO"] {
            assert!(matches!(
                store.add(&profile(name)),
                Err(CoreError::ReservedProfileName { .. })
            ));
        }
        store.add(&profile("work")).unwrap();
        assert!(matches!(
            store.rename("work", "Demo"),
            Err(CoreError::ReservedProfileName { .. })
        ));
        let demo = Profile {
            host: Some("http://127.0.0.1:4000/api".into()),
            ..profile("ignored")
        };
        store.put_demo(&demo).unwrap();
        store.put_demo(&demo).unwrap();
        let names: Vec<_> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["Demo", "work"]);
        assert_eq!(store.default_name().unwrap().as_deref(), Some("work"));
    }

    fn with_host(name: &str, host: &str) -> Profile {
        Profile {
            host: Some(host.into()),
            ..profile(name)
        }
    }

    #[test]
    fn the_old_demo_profile_on_loopback_is_migrated_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        // Written the way the old app wrote it (the name was allowed then).
        std::fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "default = \"Sandbox\"\n[profiles.Sandbox]\nhost = \"http://127.0.0.1:4123/api\"\nclient-id = \"sandbox\"\n[profiles.work]\nclient-id = \"id\"\n",
        )
        .unwrap();
        assert_eq!(store.migrate_old_demo().unwrap(), OldDemo::Renamed);
        let names: Vec<_> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["Demo", "work"]);
        assert_eq!(store.default_name().unwrap().as_deref(), Some("Demo"));
        assert_eq!(
            store.require("Demo").unwrap().host.as_deref(),
            Some("http://127.0.0.1:4123/api")
        );
        // Once: a loopback `Sandbox` the user makes afterwards is theirs.
        let mut file = store.read().unwrap();
        file.profiles.insert(
            "Sandbox".into(),
            to_stored(&with_host("Sandbox", "http://localhost:1/api")),
        );
        store.write(&file).unwrap();
        assert_eq!(store.migrate_old_demo().unwrap(), OldDemo::None);
        assert!(store.get("Sandbox").unwrap().is_some());
    }

    #[test]
    fn a_sandbox_profile_on_another_host_is_the_users() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        store
            .add(&with_host("Sandbox", "https://sandbox.example.com/api"))
            .unwrap();
        assert_eq!(store.migrate_old_demo().unwrap(), OldDemo::None);
        assert_eq!(
            store.require("Sandbox").unwrap().host.as_deref(),
            Some("https://sandbox.example.com/api")
        );
        assert_eq!(store.default_name().unwrap().as_deref(), Some("Sandbox"));
    }

    #[test]
    fn an_old_demo_beside_a_new_one_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        std::fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "[profiles.Sandbox]\nhost = \"http://[::1]:4123/api\"\n[profiles.Demo]\nhost = \"http://127.0.0.1:9/api\"\n",
        )
        .unwrap();
        assert_eq!(store.migrate_old_demo().unwrap(), OldDemo::Removed);
        let names: Vec<_> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["Demo"]);
    }

    #[test]
    fn a_broken_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE_NAME), "[[[").unwrap();
        let error = ProfileStore::at(dir.path()).list().unwrap_err();
        assert_eq!(error.kind(), ErrorCode::Config);
        assert!(error.to_string().contains(CONFIG_FILE_NAME));
    }
}
