//! Use cases for resources.
