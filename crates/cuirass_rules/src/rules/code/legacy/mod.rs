//! Legacy protocols: clear-text Telnet and FTP, still reached for in scripts.

use crate::rule::Rule;

mod ftp_usage;
mod helpers;
mod telnet_usage;

pub(super) static RULES: &[&Rule] = &[&ftp_usage::RULE, &telnet_usage::RULE];
