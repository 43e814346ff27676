//! Unit tests of the rate counters reference model.

use super::*;
use ndarray::array;

#[test]
fn counts_each_sign_and_additions_per_step() {
    let q = array![[[1i8, -1, 0], [1, 1, 0]], [[0, 0, 0], [-1, -1, -1]]];
    let c = Counters::count(q.view(), 10);
    assert_eq!(
        c.per_step[0],
        StepCounters {
            pos: 3,
            neg: 1,
            adds: 40
        }
    );
    assert_eq!(
        c.per_step[1],
        StepCounters {
            pos: 0,
            neg: 3,
            adds: 30
        }
    );
}

#[test]
fn counters_saturate_at_32_bits() {
    let mut c = StepCounters {
        pos: u32::MAX - 1,
        neg: u32::MAX,
        adds: u32::MAX - 5,
    };
    c.record(1, 10);
    assert_eq!((c.pos, c.adds), (u32::MAX, u32::MAX));
    c.record(1, 10);
    c.record(-1, 1);
    assert_eq!((c.pos, c.neg, c.adds), (u32::MAX, u32::MAX, u32::MAX));
}
