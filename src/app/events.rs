//! Use cases for events.
