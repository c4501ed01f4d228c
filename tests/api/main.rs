//! Attune over HTTP: the real server on a free port against each test's own PostgreSQL
//! database, driven as a person's browser would. One test binary, one module per area;
//! shared helpers in `tests/common`. Set `ATTUNE_TEST_LOG=debug` (any `RUST_LOG`-style filter)
//! to see the server's logs beside a failing test.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod auth;
mod authorization;
mod cli;
mod connect;
mod demo;
mod events;
mod insights;
mod mail;
mod notifications;
mod oidc;
mod people;
mod practice;
mod privacy;
mod pulse;
mod quiz;
mod recognition;
mod replicas;
mod resources;
mod text_policy;
