//! A progress line for long scans: only on a terminal, never in CI or when output is piped, and
//! only once a scan has run for a second (short scans stay silent).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counts analysed files; a background thread shows them after a delay.
pub(crate) struct Progress {
    done: Arc<AtomicU64>,
    finished: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts a progress indicator for `total` files if the environment allows one.
    pub(crate) fn start(total: u64, quiet: bool) -> Self {
        let done = Arc::new(AtomicU64::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        let enabled = !quiet
            && total > 0
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false");
        let thread = enabled.then(|| {
            let done = Arc::clone(&done);
            let finished = Arc::clone(&finished);
            std::thread::spawn(move || show(total, &done, &finished))
        });
        Self {
            done,
            finished,
            thread,
        }
    }

    /// Records one more file.
    pub(crate) fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops and clears the indicator before anything else is printed.
    pub(crate) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.finished.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn show(total: u64, done: &AtomicU64, finished: &AtomicBool) {
    // Wait up to a second: most scans end before anything is drawn.
    for _ in 0..20 {
        if finished.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} Scanning {pos}/{len} files [{elapsed}] {wide_bar}")
    {
        bar.set_style(style);
    }
    while !finished.load(Ordering::Relaxed) {
        bar.set_position(done.load(Ordering::Relaxed));
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}
