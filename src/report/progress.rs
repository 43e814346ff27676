//! The one way the tool sets up a progress spinner on stderr (hidden when stderr is not a
//! terminal, as indicatif does).

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A spinner ticking every 200 ms, drawn with the indicatif `template` (for example
/// `"{spinner} [{elapsed}] {msg}"`).
pub fn spinner(template: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}
