//! pi-notify's channels against real servers on loopback: the simulator's Slack and aiosmtpd.

#![allow(clippy::unwrap_used)]

mod digest_plans;
mod email_smtp;
mod slack_sim;
mod support;
