//! Copies of the shipped knowledge folder, for tests that edit or break knowledge on purpose.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The shipped `knowledge/` folder.
pub fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")
}

/// Replaces `dir` with a fresh copy of the shipped knowledge and returns it.
pub fn fresh_copy(dir: PathBuf) -> PathBuf {
    let _ = std::fs::remove_dir_all(&dir);
    // The entries at the top, and the safety folder beside them.
    for sub in ["", "safety"] {
        std::fs::create_dir_all(dir.join(sub)).expect("create a knowledge folder");
        for file in std::fs::read_dir(shipped().join(sub)).expect("read the shipped knowledge") {
            let file = file.expect("list the shipped knowledge").path();
            if file.is_file() {
                let name = file.file_name().expect("a file name");
                std::fs::copy(&file, dir.join(sub).join(name)).expect("copy a knowledge file");
            }
        }
    }
    dir
}
