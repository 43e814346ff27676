//! Spike encoder lane (`spikelm_encoder`): selects the α codes of steps t−1 and t and steps
//! the neuron once per activation beat. Not to be confused with [`crate::model::encoder`], the
//! whole BERT encoder.
//!
//! Reference: the neuron's model, [`crate::units::neuron::encode_layer`]; checked through the
//! engine co-simulation (`tests/sim_tiny.rs`), its latency is [`crate::perf::pipeline::encoder_latency`].
