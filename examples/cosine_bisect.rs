//! Bisect the hidden-state cosine between the integer encoder and the float SpikeLM forward
//! (docs/import.md, "Why the end-to-end cosine falls"): the same layer with each operation
//! chosen integer (the package's codes, the hardware arithmetic) or float, chained from the
//! embeddings or given the float forward's layer input, and the float forward against itself
//! with its input perturbed.
//!
//! ```sh
//! cargo run --release --example cosine_bisect -- PKG TEXT_FILE [single,forced,arithmetic,perturb,trace,sentences]
//! ```
//! Every line prints the hidden-state cosine (mean over T, all tokens) of layers 1 … L against
//! the float forward.

use anyhow::{anyhow, Context, Result};
use ndarray::{Array3, Axis};
use spikelm_hw::import::{evaluate, Package};
use spikelm_hw::model::encoder::integer::{self, QuantLayer};
use spikelm_hw::model::encoder::isolate;
use spikelm_hw::model::encoder::nonlinear::{self as nl, Tables, HIDDEN_FRAC};
use spikelm_hw::model::encoder::nonlinear::{RESIDUAL_BITS, RESIDUAL_FRAC};
use spikelm_hw::model::encoder::{float, host, stats, Batch, BertWeights, LayerAlphas, Site};
use spikelm_hw::model::fixed::{rne, sat};
use spikelm_hw::model::gauss::Gauss;
use std::path::Path;

/// Which operations run integer; the rest run float.
#[derive(Clone, Copy, Default, Debug)]
struct Mix {
    /// The six sites (indexed by `Site::index`): neuron, 8-bit weights, amplitude stage.
    sites: [bool; 6],
    /// The K/V quantisers' α codes (thresholds and the attention scales).
    kv_codes: bool,
    /// Q codes, softmax unit, P codes.
    attention: bool,
    /// Residual codes and the LayerNorm unit (embedding LayerNorm included).
    layer_norm: bool,
    gelu: bool,
}

const ALL: Mix = Mix {
    sites: [true; 6],
    kv_codes: true,
    attention: true,
    layer_norm: true,
    gelu: true,
};

struct Run<'a> {
    w: &'a BertWeights,
    quant: &'a [QuantLayer],
    alphas: &'a [LayerAlphas],
    batch: &'a Batch,
    tables: Tables,
}

/// Intermediate tensors of one layer, by name, for `trace`.
type Trace = Vec<(&'static str, Array3<f64>)>;

fn codes(x: &Array3<f64>, frac: u32) -> Array3<i64> {
    x.mapv(|v| rne(v * f64::from(frac).exp2()))
}

impl Run<'_> {
    fn layer(
        &self,
        l: usize,
        h: &Array3<f64>,
        mix: Mix,
        trace: Option<&mut Trace>,
    ) -> Result<Array3<f64>> {
        let (dims, lw, ql, la) = (
            &self.w.dims,
            &self.w.layers[l],
            &self.quant[l],
            &self.alphas[l],
        );
        let site = |s: Site, x: &Array3<f64>| -> Result<Array3<f64>> {
            Ok(if mix.sites[s.index()] {
                ql.site(s).run(x.view())?.1
            } else {
                float::run_site(x.clone(), lw.site(s), la.site(s))?.y
            })
        };
        let (yq, yk, yv) = (
            site(Site::Query, h)?,
            site(Site::Key, h)?,
            site(Site::Value, h)?,
        );
        let code_alpha = |c: &[i64], s: Site| -> Vec<f64> {
            let k = (-f64::from(ql.site(s).frac_out)).exp2();
            c.iter().map(|&v| v as f64 * k).collect()
        };
        let (ak, av) = if mix.kv_codes {
            (
                code_alpha(&ql.key_codes, Site::Key),
                code_alpha(&ql.value_codes, Site::Value),
            )
        } else {
            (la.key.clone(), la.value.clone())
        };
        let ks = float::quantise(yk.view(), &ak);
        let vs = float::quantise(yv.view(), &av);
        let ctx = if mix.attention {
            let fq = ql.site(Site::Query).frac_out;
            integer::attention_codes(
                codes(&yq, fq).view(),
                fq,
                ks.view(),
                &ak,
                vs.view(),
                &av,
                self.batch,
                dims.heads,
            )?
        } else {
            float::attention(
                yq.view(),
                ks.view(),
                vs.view(),
                &ak,
                &av,
                self.batch,
                dims.heads,
            )
        };
        let ya = site(Site::AttnOut, &ctx)?;
        let norm = |r: Array3<f64>, w| -> Result<Array3<f64>> {
            Ok(if mix.layer_norm {
                let c = r.mapv(|v| sat(rne(v * f64::from(RESIDUAL_FRAC).exp2()), RESIDUAL_BITS));
                let n = nl::layer_norm(
                    c.view(),
                    &nl::layer_norm_codes(w, dims.layer_norm_eps)?,
                    &self.tables,
                );
                nl::to_float(n.view(), HIDDEN_FRAC)
            } else {
                host::layer_norm_steps(r.view(), w, dims.layer_norm_eps)
            })
        };
        let h1 = norm(&ya + h, &lw.attn_norm)?;
        let yf = site(Site::FfnIn, &h1)?;
        let g = if mix.gelu {
            let f = ql.site(Site::FfnIn).frac_out;
            nl::to_float(
                nl::gelu_codes(codes(&yf, f).view(), f, &self.tables).view(),
                HIDDEN_FRAC,
            )
        } else {
            yf.mapv(host::gelu)
        };
        let yo = site(Site::FfnOut, &g)?;
        let h2 = norm(&yo + &h1, &lw.out_norm)?;
        if let Some(tr) = trace {
            let (kf, vf) = (ks.mapv(f64::from), vs.mapv(f64::from));
            tr.extend([
                ("Q", yq),
                ("K", yk),
                ("V", yv),
                ("K spikes", kf),
                ("V spikes", vf),
                ("context", ctx),
                ("attn_out", ya),
                ("LayerNorm 1", h1),
                ("ffn_in", yf),
                ("GELU", g),
                ("ffn_out", yo),
                ("output", h2.clone()),
            ]);
        }
        Ok(h2)
    }

    fn embed(&self, mix: Mix) -> Result<Array3<f64>> {
        Ok(if mix.layer_norm {
            nl::to_float(integer::embed(self.w, self.batch)?.view(), HIDDEN_FRAC)
        } else {
            float::embed(self.w, self.batch)?
        })
    }

    /// Every layer's output, chained from `h0` (the embeddings when `None`).
    fn chain(&self, mix: Mix, h0: Option<Array3<f64>>) -> Result<Vec<Array3<f64>>> {
        let mut h = match h0 {
            Some(h) => h,
            None => self.embed(mix)?,
        };
        let mut out = Vec::new();
        for l in 0..self.quant.len() {
            h = self.layer(l, &h, mix, None)?;
            out.push(h.clone());
        }
        Ok(out)
    }

    /// Every layer given the float forward's layer input.
    fn given_float_input(&self, mix: Mix, float: &[Array3<f64>]) -> Result<Vec<Array3<f64>>> {
        let mut out = Vec::new();
        for l in 0..self.quant.len() {
            let input = if l == 0 {
                self.embed(Mix::default())?
            } else {
                float[l - 1].clone()
            };
            out.push(self.layer(l, &input, mix, None)?);
        }
        Ok(out)
    }
}

fn cosine(a: &Array3<f64>, b: &Array3<f64>) -> f64 {
    let (ma, mb) = (
        host::mean_over_steps(a.view()),
        host::mean_over_steps(b.view()),
    );
    stats::hidden_cosines(ma.view(), mb.view()).0
}

fn show(name: &str, a: &[Array3<f64>], reference: &[Array3<f64>]) {
    let c: Vec<String> = a
        .iter()
        .zip(reference)
        .map(|(x, y)| format!("{:.5}", cosine(x, y)))
        .collect();
    println!("{name:46} {}", c.join(" "));
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pkg), Some(text)) = (args.get(1), args.get(2)) else {
        return Err(anyhow!(
            "usage: cosine_bisect PKG TEXT_FILE [single,forced,arithmetic,perturb,trace,sentences]"
        ));
    };
    let what = args.get(3).map_or("single,forced,perturb", String::as_str);
    let pkg = Package::read(Path::new(pkg)).with_context(|| format!("package {pkg}"))?;
    let text = std::fs::read_to_string(text).with_context(|| format!("text {text}"))?;
    let ck = evaluate::package_checkpoint(&pkg, None)?;
    let batch = evaluate::batch_of(&ck, &text)?;
    let alphas = evaluate::package_alphas(&pkg);
    let run = Run {
        w: &ck.weights,
        quant: &pkg.layers,
        alphas: &alphas,
        batch: &batch,
        tables: Tables::new(),
    };
    let fl = run.chain(Mix::default(), None)?;
    let all = run.chain(ALL, None)?;
    // The harness with every operation integer is the integer forward, value for value.
    let it = integer::forward(&ck.weights, &pkg.layers, &batch, pkg.layers.len())?;
    anyhow::ensure!(
        all.iter().zip(&it).all(|(a, b)| *a == b.output),
        "harness ≠ integer::forward"
    );
    println!(
        "{} tokens; cosine per layer against the float forward",
        batch.tokens()
    );
    show("all integer (= model encoder)", &all, &fl);
    if what.contains("single") {
        for s in Site::ALL {
            let mut m = Mix::default();
            m.sites[s.index()] = true;
            show(
                &format!("only site {} integer", s.name()),
                &run.chain(m, None)?,
                &fl,
            );
        }
        let only = |f: fn(&mut Mix)| {
            let mut m = Mix::default();
            f(&mut m);
            m
        };
        for (name, m) in [
            ("only the six sites integer", only(|m| m.sites = [true; 6])),
            ("only the K/V α codes", only(|m| m.kv_codes = true)),
            (
                "only attention (Q codes, softmax, P codes)",
                only(|m| m.attention = true),
            ),
            (
                "only residuals and LayerNorm (embedding's too)",
                only(|m| m.layer_norm = true),
            ),
            ("only GELU", only(|m| m.gelu = true)),
            (
                "all integer but the sites",
                Mix {
                    sites: [false; 6],
                    ..ALL
                },
            ),
        ] {
            show(name, &run.chain(m, None)?, &fl);
        }
    }
    if what.contains("forced") {
        for (name, m) in [
            ("given float input: all integer", ALL),
            (
                "given float input: sites only",
                Mix {
                    sites: [true; 6],
                    ..Mix::default()
                },
            ),
            (
                "given float input: all but sites",
                Mix {
                    sites: [false; 6],
                    ..ALL
                },
            ),
        ] {
            show(name, &run.given_float_input(m, &fl)?, &fl);
        }
    }
    if what.contains("arithmetic") {
        // The arithmetic alone: against a float forward with the package's quantised weights,
        // every layer given the float layer input, with one operation float at a time.
        let mut wq = ck.weights.clone();
        for (lw, ql) in wq.layers.iter_mut().zip(&pkg.layers) {
            *lw = isolate::quantised_weights(lw, ql);
        }
        let run_q = Run {
            w: &wq,
            quant: run.quant,
            alphas: run.alphas,
            batch: run.batch,
            tables: Tables::new(),
        };
        let reference = run_q.given_float_input(Mix::default(), &fl)?;
        for (name, m) in [
            ("same weights: all integer", ALL),
            (
                "same weights: all but the K/V α codes",
                Mix {
                    kv_codes: false,
                    ..ALL
                },
            ),
            (
                "same weights: all but attention",
                Mix {
                    attention: false,
                    ..ALL
                },
            ),
            (
                "same weights: all but LayerNorm",
                Mix {
                    layer_norm: false,
                    ..ALL
                },
            ),
            ("same weights: all but GELU", Mix { gelu: false, ..ALL }),
            (
                "same weights: the sites alone",
                Mix {
                    sites: [true; 6],
                    ..Mix::default()
                },
            ),
        ] {
            show(name, &run.given_float_input(m, &fl)?, &reference);
        }
    }
    if what.contains("perturb") {
        let e = float::embed(&ck.weights, &batch)?;
        let mut g = Gauss::new(3);
        for eps in [1e-9, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2] {
            let h0 = e.mapv(|v| v * (1.0 + eps * g.normal()));
            show(
                &format!("float, input × (1 + {eps:e}·N(0,1))"),
                &run.chain(Mix::default(), Some(h0))?,
                &fl,
            );
        }
    }
    if what.contains("trace") {
        // Layer 1 given the float input: relative error of every intermediate, spike flips.
        let input = run.embed(Mix::default())?;
        let (mut tf, mut ti) = (Trace::new(), Trace::new());
        run.layer(0, &input, Mix::default(), Some(&mut tf))?;
        run.layer(0, &input, ALL, Some(&mut ti))?;
        println!("layer 1 given the float input, integer against float:");
        for ((name, a), (_, b)) in ti.iter().zip(&tf) {
            if name.ends_with("spikes") {
                let flips = a.iter().zip(b).filter(|(x, y)| x != y).count();
                println!(
                    "  {name:12} {:.4} % flipped",
                    100.0 * flips as f64 / a.len() as f64
                );
            } else {
                println!(
                    "  {name:12} relative error {:.3e}",
                    stats::rel_error(a.view(), b.view())
                );
            }
        }
    }
    if what.contains("sentences") {
        // all-MiniLM-L6-v2's sentence embedding: the last layer mean-pooled over each sequence.
        let pool = |a: &Array3<f64>| -> Vec<Vec<f64>> {
            let m = host::mean_over_steps(a.view());
            batch
                .segments
                .iter()
                .filter_map(|s| m.slice(ndarray::s![s.clone(), ..]).mean_axis(Axis(0)))
                .map(|r| r.to_vec())
                .collect()
        };
        let (Some(li), Some(lf)) = (all.last(), fl.last()) else {
            return Ok(());
        };
        let (pi, pf) = (pool(li), pool(lf));
        let c: Vec<String> = pi
            .iter()
            .zip(&pf)
            .map(|(a, b)| format!("{:.3}", stats::cosine(a, b)))
            .collect();
        println!(
            "sentence embeddings, integer against float: {}",
            c.join(" ")
        );
        let pairs = |p: &[Vec<f64>]| -> Vec<f64> {
            (0..p.len())
                .flat_map(|i| (i + 1..p.len()).map(move |j| (i, j)))
                .map(|(i, j)| stats::cosine(&p[i], &p[j]))
                .collect()
        };
        let range = |v: Vec<f64>| {
            v.iter()
                .fold((1.0f64, -1.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)))
        };
        println!(
            "cosine between different sentences (min, max): float {:.3?}, integer {:.3?}",
            range(pairs(&pf)),
            range(pairs(&pi))
        );
    }
    Ok(())
}
