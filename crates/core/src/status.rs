//! `GET /@/status` (docs/http.md).

use serde::{Deserialize, Serialize};

/// Where the connected folder comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A folder the user picked with `showDirectoryPicker`.
    Picker,
    /// The Origin Private File System root.
    Opfs,
}

/// The browser's answer to `queryPermission({mode: "readwrite"})`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Reads and writes are allowed.
    Granted,
    /// The page must ask again, with a user gesture.
    Prompt,
    /// The user refused.
    Denied,
}

impl Permission {
    /// Parses the browser's `PermissionState` string.
    ///
    /// ```
    /// use owndir_core::Permission;
    /// assert_eq!(Permission::parse("granted"), Some(Permission::Granted));
    /// assert_eq!(Permission::parse("maybe"), None);
    /// ```
    pub fn parse(state: &str) -> Option<Permission> {
        match state {
            "granted" => Some(Permission::Granted),
            "prompt" => Some(Permission::Prompt),
            "denied" => Some(Permission::Denied),
            _ => None,
        }
    }
}

/// What the browser lets the runtime do with a chosen folder: its answers to
/// `queryPermission` for `read` and for `readwrite`, taken together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads and writes.
    ReadWrite,
    /// Reads only: a dropped folder without a standing grant, or a picked one after the
    /// browser restarted. Writes wait for the page to ask (a click).
    ReadOnly,
    /// Nothing: the page must ask again before anything is served.
    None,
}

impl Access {
    /// From the two permission states.
    ///
    /// ```
    /// use owndir_core::{Access, Permission};
    /// assert_eq!(Access::from_permissions(Permission::Granted, Permission::Prompt), Access::ReadOnly);
    /// assert_eq!(Access::from_permissions(Permission::Prompt, Permission::Prompt), Access::None);
    /// ```
    pub fn from_permissions(read: Permission, read_write: Permission) -> Access {
        match (read, read_write) {
            (_, Permission::Granted) => Access::ReadWrite,
            (Permission::Granted, _) => Access::ReadOnly,
            _ => Access::None,
        }
    }

    /// True when the folder's content may be served.
    pub fn can_read(self) -> bool {
        self != Access::None
    }
}

/// The connection state as JSON:
/// `{"connected", "source", "name", "permission", "writable", "version"}`: `connected` when
/// the folder can be read, `permission` the browser's `readwrite` state, `writable` when
/// changes are allowed.
///
/// ```
/// use owndir_core::StatusReport;
/// let report = StatusReport::disconnected("abc");
/// assert_eq!(
///     report.to_json(),
///     r#"{"connected":false,"source":null,"name":null,"permission":null,"writable":false,"version":"abc"}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// A folder is connected and its permission granted.
    pub connected: bool,
    /// Where the folder comes from, if one was chosen.
    pub source: Option<Source>,
    /// The folder's name, if one was chosen.
    pub name: Option<String>,
    /// The `readwrite` permission state, if a folder was chosen.
    pub permission: Option<Permission>,
    /// Changes are allowed.
    pub writable: bool,
    /// The build's version.
    pub version: String,
}

impl StatusReport {
    /// No folder chosen yet.
    pub fn disconnected(version: &str) -> StatusReport {
        StatusReport {
            connected: false,
            source: None,
            name: None,
            permission: None,
            writable: false,
            version: version.to_owned(),
        }
    }

    /// A chosen folder with the `readwrite` permission state and the access it gives.
    pub fn chosen(version: &str, source: Source, name: String, permission: Permission, access: Access) -> StatusReport {
        StatusReport {
            connected: access.can_read(),
            source: Some(source),
            name: Some(name),
            permission: Some(permission),
            writable: access == Access::ReadWrite,
            version: version.to_owned(),
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompting_folder_is_not_connected() {
        let report = StatusReport::chosen("v", Source::Picker, "docs".into(), Permission::Prompt, Access::None);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["connected"], false);
        assert_eq!(json["writable"], false);
        assert_eq!(json["source"], "picker");
        assert_eq!(json["permission"], "prompt");
        assert_eq!(json["name"], "docs");
    }

    #[test]
    fn a_granted_folder_is_connected() {
        let report =
            StatusReport::chosen("v", Source::Opfs, "Browser storage".into(), Permission::Granted, Access::ReadWrite);
        assert!(report.connected && report.writable);
        assert!(report.to_json().contains(r#""source":"opfs""#));
    }

    #[test]
    fn a_folder_read_but_not_written_is_connected_and_not_writable() {
        let access = Access::from_permissions(Permission::Granted, Permission::Prompt);
        let report = StatusReport::chosen("v", Source::Picker, "docs".into(), Permission::Prompt, access);
        assert!(report.connected);
        assert!(!report.writable);
    }

    #[test]
    fn access_follows_the_two_permissions() {
        use Permission::*;
        let cases = [
            (Granted, Granted, Access::ReadWrite),
            (Prompt, Granted, Access::ReadWrite),
            (Granted, Prompt, Access::ReadOnly),
            (Granted, Denied, Access::ReadOnly),
            (Prompt, Prompt, Access::None),
            (Denied, Denied, Access::None),
        ];
        for (read, read_write, access) in cases {
            assert_eq!(Access::from_permissions(read, read_write), access, "{read:?} {read_write:?}");
        }
    }
}
