//! Files: temporary files, archive extraction and permissions that let another party choose
//! the path or change the file.

use crate::rule::Rule;

mod hardcoded_tmp_directory;
mod tarfile_unsafe_extract;
mod tempfile_mktemp;
mod world_writable_permissions;

pub(super) static RULES: &[&Rule] = &[
    &hardcoded_tmp_directory::RULE,
    &tarfile_unsafe_extract::RULE,
    &tempfile_mktemp::RULE,
    &world_writable_permissions::RULE,
];
