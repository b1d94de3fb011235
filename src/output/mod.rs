//! Writers for `fix`: the corrected CSV (split into upload-sized parts), the rejects file and
//! the changes log. Every file is written to a temporary file in the destination folder and
//! renamed into place only when the whole run succeeded, so a failed or killed run leaves no
//! partial output.

mod atomic;
mod fixer;
pub mod plan;
mod swap;

pub use atomic::{remove_pending, sibling, AtomicFile};
pub use fixer::{FixOptions, FixWriter, Written, WrittenFile};
