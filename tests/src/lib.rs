//! End-to-end scenario helpers.
