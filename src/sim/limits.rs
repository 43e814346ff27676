//! How long a run may take before it counts as a hang: a cycle cap derived from the cycle
//! model, and a wall-clock limit for the harness process. Together they make the co-simulation
//! fail closed: a design that never finishes fails within a bounded time instead of running
//! until someone kills it.

use std::time::Duration;

/// Cycles a run may take beyond the model for the START write, STATUS polling (every 16
/// cycles) and pipeline fill, independent of the layer's size.
pub const CAP_SLACK_CYCLES: u64 = 512;

/// The slowest simulation speed assumed when turning a cycle cap into a wall-clock limit
/// (cycles per second; the tiny engine simulates at several hundred thousand).
pub const SLOWEST_CYCLES_PER_SECOND: u64 = 20_000;

/// Wall-clock allowance on top of the cycle budget: process start, vector loading, result file.
pub const WALL_SLACK: Duration = Duration::from_secs(30);

/// The cycle cap of one run: `2 × model`, stretched by `1 / (1 − stall)²` for random stalls
/// (each stream is idle a fraction `stall` of the time, and the input and output streams of a
/// row block can both hold the array up), plus [`CAP_SLACK_CYCLES`]. A run without DONE after
/// this many cycles from START is a hang.
pub fn cycle_cap(model_cycles: u64, stall: f64) -> u64 {
    let stretch = 1.0 / ((1.0 - stall.clamp(0.0, 0.95)).powi(2));
    (2.0 * model_cycles as f64 * stretch).ceil() as u64 + CAP_SLACK_CYCLES
}

/// The wall-clock limit of one harness process simulating at most `cap` cycles of the run
/// (reset, register traffic and the drain window are in [`WALL_SLACK`]).
pub fn wall_limit(cap: u64) -> Duration {
    WALL_SLACK + Duration::from_secs(cap / SLOWEST_CYCLES_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_twice_the_model_without_stalls() {
        assert_eq!(cycle_cap(1000, 0.0), 2000 + CAP_SLACK_CYCLES);
    }

    #[test]
    fn stalls_stretch_the_cap_by_the_square_of_the_idle_share() {
        // p = 0.5: each stream moves half the time, 1/(0.5²) = 4.
        assert_eq!(cycle_cap(1000, 0.5), 8000 + CAP_SLACK_CYCLES);
        assert!(cycle_cap(1000, 0.6) > cycle_cap(1000, 0.2));
    }

    #[test]
    fn the_wall_limit_grows_with_the_cap() {
        assert_eq!(wall_limit(0), WALL_SLACK);
        assert_eq!(
            wall_limit(40 * SLOWEST_CYCLES_PER_SECOND),
            WALL_SLACK + Duration::from_secs(40)
        );
    }
}
