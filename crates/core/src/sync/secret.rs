//! Where the desk keeps its sign-in with the server (the refresh token): in the OS keychain
//! (the Secret Service on Linux: GNOME Keyring, KWallet) when there is one, otherwise in a file
//! beside the database that only this user can read. Never in the database itself, which is
//! copied, backed up and exported far more often than a keychain is. The sync panel says which.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use crate::error::{CoreError, Result};

/// The keychain's name for this app's secrets.
const SERVICE: &str = "com.touchpoint.desk";
/// The file the secret is kept in where there is no keychain.
pub const SECRET_FILE: &str = "server-sign-in.secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SecretPlace {
    /// The operating system's keychain.
    Keychain,
    /// A file only this computer user can read (there is no keychain here).
    File,
}

impl SecretPlace {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretPlace::Keychain => "keychain",
            SecretPlace::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<SecretPlace> {
        [SecretPlace::Keychain, SecretPlace::File].into_iter().find(|p| p.as_str() == s)
    }
}

/// The secret of one desk (its device id), kept beside the database in `dir`.
pub(crate) struct Secrets {
    dir: PathBuf,
    device: Uuid,
}

fn storage(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::Storage { message: format!("Could not {what} this desk's sign-in with the server: {e}") }
}

impl Secrets {
    pub fn new(dir: &Path, device: Uuid) -> Self {
        Secrets { dir: dir.to_owned(), device }
    }

    fn entry(&self) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &format!("refresh-token-{}", self.device.simple()))
    }

    fn file(&self) -> PathBuf {
        self.dir.join(SECRET_FILE)
    }

    /// Whether to try the keychain: there is a session bus for it to live on (asking without
    /// one can hang on an autolaunch), and `TOUCHPOINT_SECRET_STORE=file` does not say no.
    fn keychain_wanted() -> bool {
        let forced_file = std::env::var("TOUCHPOINT_SECRET_STORE").is_ok_and(|v| v == "file");
        !forced_file && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
    }

    /// Keeps `secret`, in the keychain if it takes it (and gives it back), else in the file.
    pub fn save(&self, secret: &str) -> Result<SecretPlace> {
        if Self::keychain_wanted() {
            let kept = self.entry().and_then(|e| {
                e.set_password(secret)?;
                e.get_password()
            });
            if kept.is_ok_and(|k| k == secret) {
                // A secret that moved to the keychain leaves no copy behind.
                let _ = std::fs::remove_file(self.file());
                return Ok(SecretPlace::Keychain);
            }
        }
        self.save_file(secret)?;
        Ok(SecretPlace::File)
    }

    fn save_file(&self, secret: &str) -> Result<()> {
        let path = self.file();
        let tmp = path.with_extension("tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp).map_err(|e| storage("save", e))?;
        #[cfg(unix)]
        {
            // The mode applies only to a new file: an old one is tightened too.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|e| storage("protect", e))?;
        }
        f.write_all(secret.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| storage("save", e))?;
        std::fs::rename(&tmp, &path).map_err(|e| storage("save", e))
    }

    pub fn load(&self, place: SecretPlace) -> Result<String> {
        match place {
            SecretPlace::Keychain => {
                self.entry().and_then(|e| e.get_password()).map_err(|e| storage("read the keychain for", e))
            }
            SecretPlace::File => {
                std::fs::read_to_string(self.file()).map(|s| s.trim().to_owned()).map_err(|e| storage("read", e))
            }
        }
    }

    /// Forgets the secret wherever it is.
    pub fn forget(&self) {
        if Self::keychain_wanted() {
            let _ = self.entry().and_then(|e| e.delete_credential());
        }
        let _ = std::fs::remove_file(self.file());
    }
}
