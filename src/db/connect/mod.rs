//! Connecting across teams: conversation pairs (`pairs.rs`) and peer learning circles
//! (`circles.rs`).

pub mod circles;
pub mod pairs;
