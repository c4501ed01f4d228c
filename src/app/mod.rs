//! Use cases: operations that combine database reads and writes with the domain's rules in
//! one transaction. Handlers, the command line, the demo, the scheduler and tests all call
//! them the same way; none of them takes HTTP types or holds SQL text.

pub mod audit;
pub mod auth;
pub mod connect;
pub mod digest;
pub mod events;
pub mod insights;
pub mod mail;
pub mod notifications;
pub mod people;
pub mod practice;
pub mod privacy;
pub mod pulse;
pub mod quiz;
pub mod recognition;
pub mod resources;
pub mod settings;
pub mod sso;
