//! Everything between the command line and the analysers: configuration (discovery, parsing,
//! merging with command-line overrides), the parallel file walk, and reading files into text.
//!
//! Configuration follows Ruff's three layers: raw [`Options`] as written (every field an
//! `Option`, unknown keys rejected with file, line and column), merged with [`Overrides`] from
//! the command line, and resolved into [`Settings`] with defaults filled in. Rule selectors are
//! kept with their [`Origin`] because this crate does not know the rule catalogue: the CLI
//! checks them and can say where an unknown name was written.
//!
//! Input problems (unreadable, binary, too large, symlink loops, bad encodings) become
//! [`Notice`](cuirass_diagnostics::Notice)s; the walk never stops on one bad entry.
//!
//! This crate depends on no parser or rule crate, so the analysers can sit beside it.
#![forbid(unsafe_code)]

mod config;
mod glob;
mod options;
mod paths;
mod read;
mod selector;
mod settings;
mod size;
mod walk;

pub use config::{
    CONFIG_FILE_NAMES, ConfigError, ConfigFile, ConfigFormat, discover, find_config, load_config,
};
pub use glob::{GlobEntry, GlobError, GlobList};
pub use options::{Options, Spanned};
pub use paths::{display_path, normalize, relative_slash};
pub use read::{SNIFF_LEN, SourceText, coding_declaration, decode, read_source};
pub use selector::{Origin, Selector};
pub use settings::{
    Overrides, PerFileIgnores, RuleSelection, SelectionLayer, Settings, WalkSettings,
    fallback_root, resolve,
};
pub use size::{DEFAULT_MAX_FILE_SIZE, HumanSize, ParseSizeError, parse_size};
pub use walk::{DEFAULT_EXCLUDES, FileEntry, FileKind, WalkResult, walk};
