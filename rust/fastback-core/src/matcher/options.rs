//! The matcher's options, declared once (see `crate::options`).

use crate::options::declare_options;

declare_options! {
    "phrase matcher";
    case_insensitive: 0, 0, 1, "1 matches under simple Unicode case folding (a pattern of n code points still spans n)";
    whole_words: 0, 0, 1, "1 requires a word boundary at each end of a phrase that starts or ends with a word character";
    match_kind: 2, 0, 3, "0 standard, 1 leftmost-first, 2 leftmost-longest, 3 overlapping";
}
