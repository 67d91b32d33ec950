//! The desktop app's own settings — today the proxy — in `app-settings.toml` beside `profiles.toml`,
//! with a manual proxy's password in the keychain.
//!
//! Why here and not in the app: the file is written atomically with the rules of every other file
//! the core keeps, in a format of its own (not the UI's view type, which may change), and the
//! password of `http://user:password@proxy:3128` is a secret like any other: the file, the logs and
//! every answer to the UI see the URL without it and "password stored"; only the HTTP client gets the
//! whole URL, rebuilt from the keychain when a connection is made.

use crate::error::CoreError;
use crate::secrets::Keychain;
use ccs_api::{ExposeSecret, ProxySetting, SecretString};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The settings file's name, in the configuration folder.
pub const APP_SETTINGS_FILE: &str = "app-settings.toml";

/// Which proxy the app uses (apps started from a desktop menu do not see the shell's HTTPS_PROXY).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum Proxy {
    /// The system's (environment) proxy.
    #[default]
    System,
    /// No proxy.
    None,
    /// This proxy. As kept and shown, the URL never carries a password (it may carry a user name).
    Manual {
        /// The proxy URL, e.g. `http://alice@proxy.example:3128`.
        url: String,
    },
}

/// The proxy as the app shows it: the URL without its password, and whether one is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyStatus {
    /// The choice, without any password.
    pub proxy: Proxy,
    /// A password for the manual proxy is in the keychain.
    pub password_stored: bool,
}

/// How many folders [`AppSettingsStore::remember_save_folder`] keeps.
const SAVE_FOLDERS_KEPT: usize = 20;

/// The file's content: a format of its own.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredAppSettings {
    #[serde(default)]
    proxy: Proxy,
    /// The folders the app saved into, newest first: where a save killed with the app (a crash, the
    /// app closed mid-save) may have left its temporary file, cleaned at the next start.
    #[serde(
        default,
        rename = "save-folders",
        skip_serializing_if = "Vec::is_empty"
    )]
    save_folders: Vec<PathBuf>,
}

/// The app's settings of one configuration folder, with the keychain that holds the proxy password.
#[derive(Debug, Clone)]
pub struct AppSettingsStore {
    file: PathBuf,
    keychain: Keychain,
}

impl AppSettingsStore {
    /// The settings in `dir` (the folder of `profiles.toml`).
    pub fn new(dir: &Path, keychain: Keychain) -> Self {
        Self {
            file: dir.join(APP_SETTINGS_FILE),
            keychain,
        }
    }

    /// The proxy as kept. A password found in the file (written by an older version) is moved to the
    /// keychain and the file rewritten without it.
    pub fn proxy(&self) -> Result<ProxyStatus, CoreError> {
        let stored = self.read()?;
        if let Proxy::Manual { url } = &stored.proxy {
            if let Ok((_, Some(_))) = split_password(url) {
                return self.set_proxy(stored.proxy.clone());
            }
        }
        self.status(stored.proxy)
    }

    /// Changes the proxy. A manual URL is checked; its password, if it has one, goes to the keychain
    /// and the URL is kept without it. The same user on the same proxy (scheme, host, port), saved
    /// again without a password (the UI never has it to send back), keeps the stored one; any other
    /// URL, or another choice than manual, removes it: a password goes only to the proxy it was
    /// typed for.
    pub fn set_proxy(&self, proxy: Proxy) -> Result<ProxyStatus, CoreError> {
        let mut settings = self.read()?;
        let before = settings.proxy.clone();
        let (kept, password) = match proxy {
            Proxy::Manual { url } => {
                let (url, password) = split_password(&url)?;
                (Proxy::Manual { url }, password)
            }
            other => (other, None),
        };
        // The file first: if it cannot be written, the keychain still matches the URL it names.
        settings.proxy = kept.clone();
        self.write(&settings)?;
        match (password, same_proxy_account(&before, &kept)) {
            (Some(password), _) => self.keychain.set_proxy_password(&password)?,
            // The password was typed for that user on that proxy: it goes nowhere else.
            (None, false) => self.keychain.delete_proxy_password()?,
            (None, true) => {}
        }
        self.status(kept)
    }

    /// Records a folder the app is about to save into (before the first byte), newest first.
    pub fn remember_save_folder(&self, folder: &Path) -> Result<(), CoreError> {
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_owned());
        let mut settings = self.read()?;
        if settings.save_folders.first() == Some(&folder) {
            return Ok(());
        }
        settings.save_folders.retain(|f| f != &folder);
        settings.save_folders.insert(0, folder);
        settings.save_folders.truncate(SAVE_FOLDERS_KEPT);
        self.write(&settings)
    }

    /// Removes the temporary files that saves killed with the app left in the folders it saved to
    /// (only files no live transfer is writing: see [`crate::save::clean_stale_temp_files`]).
    /// Returns what was removed; a folder that is gone or unreadable is passed over.
    pub fn clean_save_folders(&self) -> Vec<PathBuf> {
        let folders = self.read().map(|s| s.save_folders).unwrap_or_default();
        folders
            .iter()
            .filter_map(|folder| crate::save::clean_stale_temp_files(folder).ok())
            .flatten()
            .collect()
    }

    /// The proxy for the HTTP client: a manual URL gets its password back from the keychain.
    pub fn proxy_setting(&self) -> Result<ProxySetting, CoreError> {
        Ok(match self.proxy()?.proxy {
            Proxy::System => ProxySetting::System,
            Proxy::None => ProxySetting::None,
            Proxy::Manual { url } => {
                let mut parsed = parse_proxy_url(&url)?;
                if let Some(password) = self.keychain.proxy_password()? {
                    if !parsed.username().is_empty() {
                        // The URL has a host and a user name: setting a password cannot fail.
                        let _ = parsed.set_password(Some(password.expose_secret()));
                    }
                }
                ProxySetting::Manual(parsed.to_string())
            }
        })
    }

    fn status(&self, proxy: Proxy) -> Result<ProxyStatus, CoreError> {
        let password_stored =
            matches!(proxy, Proxy::Manual { .. }) && self.keychain.proxy_password()?.is_some();
        Ok(ProxyStatus {
            proxy,
            password_stored,
        })
    }

    fn read(&self) -> Result<StoredAppSettings, CoreError> {
        let text = match std::fs::read_to_string(&self.file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(StoredAppSettings::default())
            }
            Err(e) => return Err(self.config_error(e.to_string())),
        };
        toml::from_str(&text).map_err(|e| self.config_error(e.to_string()))
    }

    /// Temp file, fsync, rename: never half a file.
    fn write(&self, settings: &StoredAppSettings) -> Result<(), CoreError> {
        let text = toml::to_string(settings).map_err(|e| self.config_error(e.to_string()))?;
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.config_error(e.to_string()))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".app-settings-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| self.config_error(e.to_string()))?;
        temp.write_all(text.as_bytes())
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| self.config_error(e.to_string()))?;
        temp.persist(&self.file)
            .map_err(|e| self.config_error(e.error.to_string()))?;
        Ok(())
    }

    fn config_error(&self, detail: String) -> CoreError {
        CoreError::Config {
            path: self.file.clone(),
            detail,
        }
    }
}

/// Whether two choices are the same user on the same proxy (scheme, host, port, user name): only
/// then may a stored password, typed for the first, serve the second.
fn same_proxy_account(before: &Proxy, after: &Proxy) -> bool {
    let account = |proxy: &Proxy| match proxy {
        Proxy::Manual { url } => url::Url::parse(url).ok().and_then(|u| {
            (!u.username().is_empty()).then(|| {
                (
                    u.scheme().to_owned(),
                    u.host_str().map(str::to_owned),
                    u.port_or_known_default(),
                    u.username().to_owned(),
                )
            })
        }),
        _ => None,
    };
    account(before).is_some_and(|a| Some(a) == account(after))
}

/// Checks a manual proxy URL: [`crate::validate::parse_proxy_url`], where the UI's check comes from.
fn parse_proxy_url(text: &str) -> Result<url::Url, CoreError> {
    crate::validate::parse_proxy_url(text).map_err(|problem| CoreError::InvalidInput {
        fields: vec![problem],
    })
}

/// A proxy URL without its password, and the password (decoded), if it had one.
fn split_password(text: &str) -> Result<(String, Option<SecretString>), CoreError> {
    let mut url = parse_proxy_url(text)?;
    let password = url.password().map(|encoded| {
        let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
        SecretString::from(decoded.into_owned())
    });
    if password.is_some() {
        // The URL has a host (checked above): removing its password cannot fail.
        let _ = url.set_password(None);
    }
    Ok((url.to_string(), password))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::secrets::MemoryKeychain;
    use std::sync::Arc;

    fn store() -> (tempfile::TempDir, AppSettingsStore, Keychain) {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::with_backend(Arc::new(MemoryKeychain::default()));
        let store = AppSettingsStore::new(dir.path(), keychain.clone());
        (dir, store, keychain)
    }

    fn manual(url: &str) -> Proxy {
        Proxy::Manual { url: url.into() }
    }

    fn file_text(dir: &tempfile::TempDir) -> String {
        std::fs::read_to_string(dir.path().join(APP_SETTINGS_FILE)).unwrap()
    }

    #[test]
    fn the_password_goes_to_the_keychain_and_only_the_client_sees_it() {
        let (dir, store, keychain) = store();
        let status = store
            .set_proxy(manual("http://alice:p%40ss%3Aword@proxy.example:3128"))
            .unwrap();
        assert_eq!(status.proxy, manual("http://alice@proxy.example:3128/"));
        assert!(status.password_stored);
        assert!(!file_text(&dir).contains("p%40ss"));
        assert!(file_text(&dir).contains("alice@proxy.example"));
        assert_eq!(
            keychain.proxy_password().unwrap().unwrap().expose_secret(),
            "p@ss:word",
            "kept decoded"
        );
        match store.proxy_setting().unwrap() {
            ProxySetting::Manual(url) => {
                assert_eq!(url, "http://alice:p%40ss%3Aword@proxy.example:3128/")
            }
            other => panic!("{other:?}"),
        }
        // The same user on the same proxy, saved again without the password (the UI never has
        // it): the stored one stays.
        let status = store
            .set_proxy(manual("http://alice@proxy.example:3128"))
            .unwrap();
        assert!(status.password_stored);
        // Another host (or port, or scheme): the password was not typed for it, and goes.
        let status = store
            .set_proxy(manual("http://alice@proxy2.example:3128"))
            .unwrap();
        assert!(!status.password_stored);
        assert!(keychain.proxy_password().unwrap().is_none());
        store
            .set_proxy(manual("http://alice:pw@proxy.example:3128"))
            .unwrap();
        let status = store
            .set_proxy(manual("http://alice@proxy.example:8080"))
            .unwrap();
        assert!(!status.password_stored, "another port");
        // No user: the password goes.
        store
            .set_proxy(manual("http://alice:pw@proxy.example:3128"))
            .unwrap();
        let status = store
            .set_proxy(manual("http://proxy.example:3128"))
            .unwrap();
        assert!(!status.password_stored);
        assert!(keychain.proxy_password().unwrap().is_none());
        store
            .set_proxy(manual("socks5://bob:pw@127.0.0.1:1080"))
            .unwrap();
        let status = store.set_proxy(Proxy::None).unwrap();
        assert_eq!(status.proxy, Proxy::None);
        assert!(keychain.proxy_password().unwrap().is_none());
    }

    #[test]
    fn save_folders_are_remembered_newest_first_beside_the_proxy() {
        let (dir, store, _keychain) = store();
        store.set_proxy(Proxy::None).unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        store.remember_save_folder(&a).unwrap();
        store.remember_save_folder(&b).unwrap();
        store.remember_save_folder(&a).unwrap();
        assert_eq!(store.read().unwrap().save_folders, vec![a.clone(), b]);
        assert_eq!(
            store.proxy().unwrap().proxy,
            Proxy::None,
            "the proxy is kept"
        );
        for n in 0..30 {
            store
                .remember_save_folder(&dir.path().join(n.to_string()))
                .unwrap();
        }
        assert_eq!(store.read().unwrap().save_folders.len(), SAVE_FOLDERS_KEPT);
        // Gone or empty folders are passed over.
        assert!(store.clean_save_folders().is_empty());
    }

    #[test]
    fn the_temporary_file_of_a_save_killed_with_the_app_is_cleaned_at_the_next_start() {
        let (dir, store, _keychain) = store();
        let folder = dir.path().join("invoices");
        std::fs::create_dir_all(&folder).unwrap();
        store.remember_save_folder(&folder).unwrap();
        // What a save killed mid-way leaves: a temporary file nobody holds any more.
        let left = folder.join(".ccs-tmp-killed.part");
        std::fs::write(&left, b"half a PDF").unwrap();
        std::fs::write(folder.join("mine.pdf"), b"the user's").unwrap();
        assert_eq!(store.clean_save_folders(), vec![left.clone()]);
        assert!(!left.exists());
        assert!(folder.join("mine.pdf").exists(), "only temporary files go");
    }

    #[test]
    fn another_user_without_a_password_does_not_inherit_one() {
        let (_dir, store, _keychain) = store();
        store
            .set_proxy(manual("http://alice:secret@proxy.example:3128"))
            .unwrap();
        let status = store
            .set_proxy(manual("http://bob@proxy.example:3128"))
            .unwrap();
        assert!(!status.password_stored);
    }

    #[test]
    fn an_old_file_with_a_password_is_cleaned_on_read() {
        let (dir, store, keychain) = store();
        std::fs::write(
            dir.path().join(APP_SETTINGS_FILE),
            "[proxy]\nmode = \"manual\"\nurl = \"http://alice:old-secret@proxy.example:3128\"\n",
        )
        .unwrap();
        let status = store.proxy().unwrap();
        assert!(status.password_stored);
        assert!(!file_text(&dir).contains("old-secret"));
        assert_eq!(
            keychain.proxy_password().unwrap().unwrap().expose_secret(),
            "old-secret"
        );
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        let (_dir, store, _keychain) = store();
        for (url, reason) in [
            ("not a url", "not valid"),
            ("ftp://proxy.example", "http://, https:// or socks5://"),
            ("socks4://proxy.example:1080", "socks5://"),
        ] {
            let error = store.set_proxy(manual(url)).unwrap_err();
            assert_eq!(error.kind(), ErrorCode::InvalidInput);
            assert!(error.to_string().contains(reason), "{url}: {error}");
        }
        assert_eq!(store.proxy().unwrap().proxy, Proxy::System);
    }
}
