//! `GET /@/status` (CONTRACT §1).

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

/// The connection state as JSON:
/// `{"connected", "source", "name", "permission", "version"}`.
///
/// ```
/// use owndir_core::StatusReport;
/// let report = StatusReport::disconnected("abc");
/// assert_eq!(
///     report.to_json(),
///     r#"{"connected":false,"source":null,"name":null,"permission":null,"version":"abc"}"#
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
    /// The permission state, if a folder was chosen.
    pub permission: Option<Permission>,
    /// The build's version.
    pub version: String,
}

impl StatusReport {
    /// No folder chosen yet.
    pub fn disconnected(version: &str) -> StatusReport {
        StatusReport { connected: false, source: None, name: None, permission: None, version: version.to_owned() }
    }

    /// A chosen folder, connected when `permission` is granted.
    pub fn chosen(version: &str, source: Source, name: String, permission: Permission) -> StatusReport {
        StatusReport {
            connected: permission == Permission::Granted,
            source: Some(source),
            name: Some(name),
            permission: Some(permission),
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
        let report = StatusReport::chosen("v", Source::Picker, "docs".into(), Permission::Prompt);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["connected"], false);
        assert_eq!(json["source"], "picker");
        assert_eq!(json["permission"], "prompt");
        assert_eq!(json["name"], "docs");
    }

    #[test]
    fn a_granted_folder_is_connected() {
        let report = StatusReport::chosen("v", Source::Opfs, "Browser storage".into(), Permission::Granted);
        assert!(report.connected);
        assert!(report.to_json().contains(r#""source":"opfs""#));
    }
}
