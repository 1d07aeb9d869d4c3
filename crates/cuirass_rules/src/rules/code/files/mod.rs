//! Files: temporary files and archive extraction that let another party choose the path.

use crate::rule::Rule;

mod tarfile_unsafe_extract;
mod tempfile_mktemp;

pub(super) static RULES: &[&Rule] = &[&tarfile_unsafe_extract::RULE, &tempfile_mktemp::RULE];
