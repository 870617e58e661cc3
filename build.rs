//! Embeds every `knowledge/*.toml` file, `knowledge/questions.tsv`, and every file of
//! `knowledge/safety/` into the binary, so `sarcoma-bot` answers from anywhere without a
//! knowledge folder beside it. A moderator who adds a file gets it embedded on the next build
//! without touching the code.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    println!("cargo:rerun-if-changed={}", dir.display());
    let safety = dir.join("safety");
    println!("cargo:rerun-if-changed={}", safety.display());
    let listed = |d: &Path| -> Vec<_> {
        fs::read_dir(d)
            .expect("knowledge/ and knowledge/safety/ folders next to Cargo.toml")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect()
    };
    let mut files: Vec<_> = listed(&dir)
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml") || p.file_name().is_some_and(|n| n == "questions.tsv")
        })
        .chain(listed(&safety))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push(']');
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_knowledge.rs");
    fs::write(dest, out).expect("write embedded_knowledge.rs");
}
