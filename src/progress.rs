//! Progress on long work: a spinner on stderr naming the current stage, shown only when
//! stderr is a terminal and the user did not ask for quiet.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A stage indicator; does nothing when hidden.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A spinner on stderr when `wanted` and stderr is a terminal; otherwise silent.
    pub fn new(wanted: bool) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    /// A silent indicator.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Names the stage now running (`reading inputs`, `searching the street network`…), on
    /// the spinner and for an out-of-memory message ([`crate::memory::set_stage`]).
    pub fn stage(&self, message: &'static str) {
        crate::memory::set_stage(message);
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
