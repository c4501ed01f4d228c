//! Use cases for recognition.
