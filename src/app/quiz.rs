//! Use cases for quiz.
