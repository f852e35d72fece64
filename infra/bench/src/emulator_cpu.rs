//! The CPU DynamoDB Local spends on a route's requests and on its floor's. On two cores
//! shared by the server, the bench's client and the emulator's JVM, a route's calls sent
//! side by side cost the JVM about as much CPU as the request lasts, so they barely
//! overlap: there, a route's latency follows the emulator's work for its calls and items
//! more than its round trips. This module puts that work beside the latency
//! (`bench.sh routes`).

use std::path::PathBuf;

/// DynamoDB Local's process, whose threads' CPU time is read from `/proc`.
pub struct EmulatorCpu {
    tasks: PathBuf,
}

impl EmulatorCpu {
    /// The DynamoDB Local that `infra/scripts/emulators.sh` started (it names its process
    /// in `DYNAMODB_LOCAL_PID_FILE`); `None` where there is none or no `/proc`.
    pub fn dynamodb_local() -> Option<Self> {
        let file = std::env::var("DYNAMODB_LOCAL_PID_FILE").ok()?;
        let pid: u32 = std::fs::read_to_string(file).ok()?.trim().parse().ok()?;
        let tasks = PathBuf::from(format!("/proc/{pid}/task"));
        let cpu = Self { tasks };
        cpu.used_ns().map(|_| cpu)
    }

    /// Nanoseconds of CPU all of its threads have run so far. Each thread's `schedstat`
    /// counts in nanoseconds (`/proc/PID/stat` only in 10 ms ticks, coarser than a request);
    /// a thread that ends between the listing and the read is skipped.
    pub fn used_ns(&self) -> Option<u64> {
        let mut total = 0;
        for task in std::fs::read_dir(&self.tasks).ok()?.flatten() {
            if let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) {
                total += parse_schedstat(&stat).unwrap_or(0);
            }
        }
        Some(total)
    }

    /// Where `emulator` stands now.
    pub fn mark(emulator: Option<&Self>) -> Mark<'_> {
        Mark(emulator.and_then(|e| e.used_ns().map(|ns| (e, ns))))
    }
}

/// A reading of an emulator's CPU to count from; empty where there is no emulator to read.
pub struct Mark<'a>(Option<(&'a EmulatorCpu, u64)>);

/// The time run on a CPU, the first of `schedstat`'s three numbers.
fn parse_schedstat(line: &str) -> Option<u64> {
    line.split_whitespace().next()?.parse().ok()
}

/// CPU time added up over a route's samples, or over its floor's.
#[derive(Default)]
pub struct Tally {
    ns: u64,
    samples: usize,
}

impl Tally {
    /// Counts what the emulator ran since `mark` over `samples` samples.
    pub fn add(&mut self, mark: Mark<'_>, samples: usize) {
        if let Some((cpu, before)) = mark.0
            && let Some(now) = cpu.used_ns()
        {
            self.ns += now.saturating_sub(before);
            self.samples += samples;
        }
    }

    /// Milliseconds per sample.
    pub fn per_sample_ms(&self) -> Option<f64> {
        (self.samples > 0).then(|| self.ns as f64 / 1e6 / self.samples as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedstat_gives_its_run_time() {
        assert_eq!(parse_schedstat("123456789 2000 17\n"), Some(123_456_789));
        assert_eq!(parse_schedstat(""), None);
        assert_eq!(parse_schedstat("x 1 2"), None);
    }

    #[test]
    fn this_process_runs_and_its_tally_counts_per_sample() {
        // The bench's own process stands in for the emulator's.
        let cpu = EmulatorCpu {
            tasks: PathBuf::from(format!("/proc/{}/task", std::process::id())),
        };
        assert!(cpu.used_ns().is_some(), "this process's threads");
        let mark = EmulatorCpu::mark(Some(&cpu));
        let mut spin = 0_u64;
        for i in 0..5_000_000_u64 {
            spin = spin.wrapping_add(i * i);
        }
        std::hint::black_box(spin);
        let mut tally = Tally::default();
        assert_eq!(tally.per_sample_ms(), None, "nothing counted yet");
        tally.add(mark, 4);
        tally.add(EmulatorCpu::mark(None), 4);
        let ms = tally.per_sample_ms().expect("counted");
        assert!(ms > 0.0, "the loop ran on a CPU: {ms} ms per sample");
        assert_eq!(
            tally.samples, 4,
            "a mark without an emulator counts nothing"
        );
    }
}
