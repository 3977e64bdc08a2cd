//! Firefox preferences for a test session.

use serde_json::{Map, Value, json};

/// Preferences for every session: nothing that phones home (updates, telemetry, safe
/// browsing lists, remote settings, captive-portal and connectivity checks, prefetching).
/// geckodriver adds Marionette's own recommended set on top.
pub(super) fn quiet_prefs() -> Map<String, Value> {
    let prefs: [(&str, Value); 44] = [
        ("app.update.auto", json!(false)),
        ("app.update.enabled", json!(false)),
        ("app.normandy.enabled", json!(false)),
        ("app.shield.optoutstudies.enabled", json!(false)),
        ("browser.aboutwelcome.enabled", json!(false)),
        ("browser.newtabpage.enabled", json!(false)),
        ("browser.ping-centre.telemetry", json!(false)),
        ("browser.region.network.url", json!("")),
        ("browser.region.update.enabled", json!(false)),
        ("browser.safebrowsing.blockedURIs.enabled", json!(false)),
        ("browser.safebrowsing.downloads.enabled", json!(false)),
        ("browser.safebrowsing.downloads.remote.enabled", json!(false)),
        ("browser.safebrowsing.malware.enabled", json!(false)),
        ("browser.safebrowsing.phishing.enabled", json!(false)),
        ("browser.safebrowsing.provider.google.updateURL", json!("")),
        ("browser.safebrowsing.provider.google4.updateURL", json!("")),
        ("browser.safebrowsing.provider.mozilla.updateURL", json!("")),
        ("browser.search.geoip.url", json!("")),
        ("browser.search.update", json!(false)),
        ("browser.shell.checkDefaultBrowser", json!(false)),
        ("browser.startup.homepage", json!("about:blank")),
        ("browser.startup.page", json!(0)),
        ("datareporting.healthreport.uploadEnabled", json!(false)),
        ("datareporting.policy.dataSubmissionEnabled", json!(false)),
        ("extensions.blocklist.enabled", json!(false)),
        ("extensions.getAddons.cache.enabled", json!(false)),
        ("extensions.update.enabled", json!(false)),
        ("geo.provider.network.url", json!("")),
        ("media.gmp-manager.url", json!("")),
        ("media.gmp-gmpopenh264.enabled", json!(false)),
        ("network.captive-portal-service.enabled", json!(false)),
        ("network.connectivity-service.enabled", json!(false)),
        ("network.dns.disablePrefetch", json!(true)),
        ("network.http.speculative-parallel-limit", json!(0)),
        ("network.prefetch-next", json!(false)),
        ("services.settings.server", json!("data:,#remote-settings-off")),
        ("toolkit.telemetry.archive.enabled", json!(false)),
        ("toolkit.telemetry.enabled", json!(false)),
        ("toolkit.telemetry.server", json!("")),
        ("toolkit.telemetry.unified", json!(false)),
        // Service workers are on by default; said here because the suite needs them.
        ("dom.serviceWorkers.enabled", json!(true)),
        ("messaging-system.rsexperimentloader.enabled", json!(false)),
        // The console on standard output, where the worker's errors can be read (BiDi
        // does not report service workers); the browser's own lines stay out.
        ("devtools.console.stdout.content", json!(true)),
        ("devtools.console.stdout.chrome", json!(false)),
    ];
    prefs.into_iter().map(|(name, value)| (name.to_owned(), value)).collect()
}
