//! Use cases for people.
