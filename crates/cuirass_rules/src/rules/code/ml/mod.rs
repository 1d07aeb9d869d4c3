//! Machine learning: model and data-frame loaders that unpickle, and hub downloads that are
//! not pinned to a commit.

use crate::rule::Rule;

mod huggingface_unsafe_download;
mod joblib_load;
mod numpy_load_allow_pickle;
mod pandas_read_pickle;
mod torch_load;

pub(super) static RULES: &[&Rule] = &[
    &huggingface_unsafe_download::RULE,
    &joblib_load::RULE,
    &numpy_load_allow_pickle::RULE,
    &pandas_read_pickle::RULE,
    &torch_load::RULE,
];
