//! Where plangraph keeps what only its owner may read — the SQLite store (password hashes)
//! and the token signing key — under `var/` by default: directories made 0700, whichever of
//! the two is written first.

use std::path::Path;

/// Makes `dir` and its missing parents readable by the owner only; an existing directory is
/// left as it is.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_new_directory_is_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("plangraph-private-{}", std::process::id()));
        let dir = root.join("var");
        create_dir(&dir).unwrap();
        for d in [&root, &dir] {
            let mode = std::fs::metadata(d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
        create_dir(&dir).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
    }
}
