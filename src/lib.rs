//! Attune: a self-hosted workplace empathy program.
//!
//! Layers (one direction only): [`web`] → [`app`] → [`domain`] and [`db`]; [`db`] returns
//! [`domain`] types.
//! The glue at the top of the crate wires them together: configuration, start-up, telemetry
//! and the command line.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod mail;
pub mod secrets;
pub mod sso;
pub mod startup;
pub mod telemetry;
pub mod web;

pub use cli::run;
