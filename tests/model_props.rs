//! Properties of the reference model that must hold for every input, checked with proptest.

use ndarray::{Array1, Array2, Array3, Axis};
use proptest::prelude::*;
use spikelm_hw::config::{preset, NumericFormat};
use spikelm_hw::model::calibrate::{alpha_codes, alphas_from_data, input_codes, spike_agreement};
use spikelm_hw::model::csd::{digits, round};
use spikelm_hw::model::{float_model, SpikeLinear};
use spikelm_hw::units::neuron::{encode, encode_layer, spike};
use spikelm_hw::units::out_stage::amplitude;
use spikelm_hw::units::pe::{accumulate_reference, accumulate_spikes, PackedWeights};

fn format() -> NumericFormat {
    preset("spikelm-bert-base").expect("preset").format
}

/// A format with many fractional bits: the integer model should then follow the float model.
fn fine_format(frac_bits: u32) -> NumericFormat {
    NumericFormat {
        frac_bits,
        input_bits: 32,
        alpha_bits: 24,
        membrane_bits: 39,
        ..format()
    }
}

proptest! {
    /// Gaussian inputs from a seed: shrinking towards hand-made exact ties (where one rounding
    /// of α flips a spike by design) would test the tie rule, not convergence.
    #[test]
    fn large_f_converges_to_the_float_recurrence(n in 4usize..8, din in 8usize..16, seed in any::<u64>()) {
        let mut g = spikelm_hw::model::gauss::Gauss::new(seed);
        let x = Array3::from_shape_fn((4, n, din), |_| g.normal());
        let f = fine_format(20);
        let alphas = alphas_from_data(x.view(), f.frac_bits).expect("finite");
        let xq = input_codes(x.view(), &f).expect("finite");
        let aq = alpha_codes(&alphas, &f).expect("positive");
        let (u_int, q_int) = encode_layer(&f, xq.view(), &aq).expect("shapes");
        let float = float_model::neuron(x.view(), &alphas).expect("shapes");
        let agree = spike_agreement(q_int.view(), float.q.view()).expect("shapes");
        prop_assert!(agree >= 0.98, "agreement {agree}");
        // Where every spike of a lane agreed so far, the membranes agree to a few LSBs of 2^-20.
        let one = (1u64 << f.frac_bits) as f64;
        for ni in 0..n {
            for i in 0..din {
                for t in 0..4 {
                    if t > 0 && q_int[[t - 1, ni, i]] != float.q[[t - 1, ni, i]] {
                        break;
                    }
                    let err = (u_int[[t, ni, i]] as f64 / one - float.u[[t, ni, i]]).abs();
                    prop_assert!(err < 1e-4, "t{t} n{ni} i{i}: {err}");
                }
            }
        }
    }

    #[test]
    fn csd_with_enough_digits_is_exact(code in 0i64..(1 << 40), k in 21u32..64) {
        // Greedy halves the residual at least with every digit: 21 digits cover 40 bits.
        prop_assert_eq!(round(code, k), code);
    }

    #[test]
    fn csd_digits_reconstruct_and_shrink(code in 0i64..(1 << 24), k in 1u32..8) {
        let d = digits(code, k);
        prop_assert!(d.len() <= k as usize);
        prop_assert_eq!(d.iter().map(|d| d.value()).sum::<i64>(), round(code, k));
        prop_assert!(d.windows(2).all(|w| w[1].shift < w[0].shift), "{d:?}");
        // Each extra digit never moves the code further away.
        prop_assert!((round(code, k + 1) - code).abs() <= (round(code, k) - code).abs());
        // The rounded code stays within one bit of the code (it may reach 2^AW).
        prop_assert!(round(code, k) <= 2 * code.max(1));
    }

    #[test]
    fn comparator_is_round_half_even_clamped(u in -100_000i64..100_000, a in 1i64..70_000) {
        prop_assert_eq!(spike(u, a), float_model::spike(u as f64, a as f64));
    }

    #[test]
    fn leak_is_a_quarter_or_half_alpha_within_one_lsb(u in -30_000i64..30_000, a in 1i64..65_536, x in -100i64..100) {
        let f = format();
        let one = (1u64 << f.frac_bits) as f64;
        // Pick x_0 = u with a huge α_0 so that step 0 never fires; then check L_1 = U_1 − X_1.
        let out = encode(&f, &[u, x], &[a.max(2 * u.abs() + 1), 1 << 16]);
        let a0 = a.max(2 * u.abs() + 1) as f64 / one;
        let leak = (out[1].0 - x) as f64;
        prop_assert!((leak - 0.25 * a0 * u as f64).abs() <= 0.5, "{leak} vs {}", 0.25 * a0 * u as f64);
    }

    #[test]
    fn fast_accumulate_equals_the_literal_rule(
        rows in 1usize..12, din in 1usize..80, dout in 1usize..140, wb in 2u32..16, seed in any::<u64>()
    ) {
        let mut g = spikelm_hw::model::gauss::Gauss::new(seed);
        let wmax = (1i64 << (wb - 1)) - 1;
        let q = Array2::from_shape_fn((rows, din), |_| g.uniform_int(-1, 1) as i8);
        let w = Array2::from_shape_fn((dout, din), |_| g.uniform_int(-wmax, wmax));
        let fast = accumulate_spikes(q.as_slice().expect("standard"), &PackedWeights::pack(w.view()));
        let reference = accumulate_reference(q.view(), w.view());
        prop_assert_eq!(Array2::from_shape_vec((rows, dout), fast).expect("shape").mapv(i64::from), reference);
    }

    #[test]
    fn layer_trace_is_the_composition_of_the_rules(
        n in 1usize..4, din in 1usize..20, dout in 1usize..70, shift in 0u32..20, seed in any::<u64>()
    ) {
        let f = format();
        let mut g = spikelm_hw::model::gauss::Gauss::new(seed);
        let w = Array2::from_shape_fn((dout, din), |_| g.uniform_int(-127, 127));
        let b = Array1::from_shape_fn(dout, |_| g.uniform_int(-32768, 32767));
        let alphas: Vec<i64> = (0..4).map(|_| g.uniform_int(1, 1 << 16)).collect();
        let scales: Vec<i64> = (0..4).map(|_| g.uniform_int(0, 1 << 16)).collect();
        let x = Array3::from_shape_fn((4, n, din), |_| g.uniform_int(-32768, 32767));
        let sl = SpikeLinear::new(w.clone(), b.clone(), alphas.clone(), scales.clone(), shift, &f).expect("valid");
        let tr = sl.run(x.view()).expect("valid");
        for ni in 0..n {
            for i in 0..din {
                let xs: Vec<i64> = (0..4).map(|t| x[[t, ni, i]]).collect();
                for (t, &(u, q)) in encode(&f, &xs, &alphas).iter().enumerate() {
                    prop_assert_eq!((tr.u[[t, ni, i]], tr.q[[t, ni, i]]), (u, q));
                }
            }
        }
        for (t, &scale) in scales.iter().enumerate() {
            let acc = accumulate_reference(tr.q.index_axis(Axis(0), t), w.view());
            prop_assert_eq!(&acc, &tr.acc.index_axis(Axis(0), t));
            for ((ni, j), &a) in acc.indexed_iter() {
                prop_assert_eq!(tr.y[[t, ni, j]], amplitude(a, scale, shift, b[j], f.output_bits));
            }
        }
    }
}
