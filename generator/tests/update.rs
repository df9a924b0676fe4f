//! `oagen update` against a loopback HTTP server serving successive versions of a spec: the
//! diff, the written spec, the version bump in `oagen.toml` and the generated `Cargo.toml`,
//! the CHANGELOG entry, `--check`'s exit status, and that a failed fetch writes nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// What the server answers: a status and a body.
type Reply = Arc<Mutex<(u16, String)>>;

/// Serves every request with the current reply until the test ends.
fn serve() -> (String, Reply) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/openapi.yaml", listener.local_addr().unwrap());
    let reply: Reply = Arc::new(Mutex::new((404, String::new())));
    let shared = reply.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let (status, body) = shared.lock().unwrap().clone();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, reply)
}

const V1: &str = r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: string}
"#;

/// The overlay declares the path parameter that every version leaves undeclared.
const OVERLAY: &str = r#"overlay: 1.0.0
info: {title: fixes, version: '1'}
actions:
  - target: "$.paths['/pets/{petId}']"
    update:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
"#;

fn v2() -> String {
    // Breaking: `Pet.id` becomes an integer.
    V1.replace("id: {type: string}", "id: {type: integer}")
}

fn v3() -> String {
    // An addition: a new operation.
    v2().replace(
        "components:",
        "  /health:\n    get:\n      operationId: health\n      responses:\n        '204': {description: up}\ncomponents:",
    )
}

/// A project in a directory `name` of its own, whose spec's source is `url`.
fn project(url: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/pets.yaml"), V1).unwrap();
    std::fs::write(dir.join("specs/overlay.yaml"), OVERLAY).unwrap();
    std::fs::write(
        dir.join("oagen.toml"),
        format!(
            "# The pets SDK.\n[crate]\nname = \"pets\"\npath = \"sdk\"\nversion = \"0.3.1\" # bumped by oagen update\n\n[[spec]]\nmodule = \"pets\"\npath = \"specs/pets.yaml\"\noverlays = [\"specs/overlay.yaml\"]\nsource = \"{url}\"\n"
        ),
    )
    .unwrap();
    dir
}

fn oagen(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oagen"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn update_fetches_diffs_bumps_and_records_each_new_version() {
    let (url, reply) = serve();
    let dir = project(&url, "update-project");
    let (code, _, err) = oagen(&dir, &["sync"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("warning"),
        "the overlay fixes the spec: {err}"
    );

    // The source serves the committed spec: up to date.
    *reply.lock().unwrap() = (200, V1.to_string());
    let (code, _, err) = oagen(&dir, &["update", "--check"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("every spec is up to date"), "{err}");

    // A new version upstream: --check fails and writes nothing.
    *reply.lock().unwrap() = (200, v2());
    let before = tree(&dir);
    let (code, _, err) = oagen(&dir, &["update", "--check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("differs from specs/pets.yaml"), "{err}");
    assert_eq!(tree(&dir), before, "--check writes nothing");

    // A failing server: an error naming the source, nothing written.
    *reply.lock().unwrap() = (503, "down".into());
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("fetching {url}")), "{err}");
    assert!(err.contains("503"), "{err}");
    assert_eq!(tree(&dir), before, "a failed fetch writes nothing");

    // A spec that does not load: nothing written either.
    *reply.lock().unwrap() = (200, "openapi: [".into());
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 1);
    assert!(err.contains("invalid YAML"), "{err}");
    assert_eq!(
        tree(&dir),
        before,
        "a new spec that does not load writes nothing"
    );

    // The breaking version: 0.3.1 → 0.4.0.
    *reply.lock().unwrap() = (200, v2());
    let (code, out, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Pet.id"), "the diff is printed: {out}");
    assert!(err.contains("version 0.3.1 -> 0.4.0 (major bump)"), "{err}");
    assert_eq!(read(&dir, "specs/pets.yaml"), v2());
    assert_eq!(read(&dir, "sdk/specs/pets.yaml"), v2());
    let manifest = read(&dir, "oagen.toml");
    assert!(
        manifest.contains("version = \"0.4.0\" # bumped by oagen update\n"),
        "{manifest}"
    );
    assert!(manifest.starts_with("# The pets SDK.\n"), "{manifest}");
    assert!(read(&dir, "sdk/Cargo.toml").contains("\nversion = \"0.4.0\"\n"));
    let changelog = read(&dir, "sdk/CHANGELOG.md");
    assert!(
        changelog.starts_with("# Changelog\n\n## 0.4.0 ("),
        "{changelog}"
    );
    assert!(changelog.contains("**breaking**"), "{changelog}");
    assert!(changelog.contains("Pet.id"), "{changelog}");
    let (code, _, err) = oagen(&dir, &["update", "--check"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = oagen(&dir, &["sync", "--check"]);
    assert_eq!(code, 0, "the update left the crate fresh: {err}");

    // An addition: 0.4.0 → 0.4.1 (before 1.0, only a breaking change bumps y).
    *reply.lock().unwrap() = (200, v3());
    let (code, _, err) = oagen(&dir, &["update", "pets"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("version 0.4.0 -> 0.4.1 (minor bump)"), "{err}");

    // The path the overlay fixes is gone upstream: its action is reported.
    *reply.lock().unwrap() = (200, v3().replace("/pets/{petId}", "/animals/{petId}"));
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("specs/overlay.yaml#/actions/0"), "{err}");
    assert!(err.contains("selects nothing"), "{err}");

    // Newest entry first.
    let changelog = read(&dir, "sdk/CHANGELOG.md");
    let headings: Vec<&str> = changelog
        .lines()
        .filter(|l| l.starts_with("## "))
        .map(|l| l.split(" (").next().unwrap())
        .collect();
    assert_eq!(headings.len(), 3, "{changelog}");
    assert_eq!(headings[1..], ["## 0.4.1", "## 0.4.0"], "{changelog}");

    let (code, _, err) = oagen(&dir, &["update", "cats"]);
    assert_eq!(code, 1);
    assert!(err.contains("no [[spec]] has module `cats`"), "{err}");
}

/// A loopback server that answers every request with a redirect to `to`.
fn serve_redirect(to: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/openapi.yaml", listener.local_addr().unwrap());
    let to = to.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    url
}

fn sha256(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn update_pins_the_fetched_sha256_and_check_fails_when_the_source_changes() {
    let (url, reply) = serve();
    let dir = project(&url, "update-pin-project");
    let (code, _, err) = oagen(&dir, &["sync"]);
    assert_eq!(code, 0, "{err}");

    // Unchanged upstream: the hash is pinned all the same.
    *reply.lock().unwrap() = (200, V1.to_string());
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 0, "{err}");
    let pin = format!("sha256 = \"{}\"", sha256(V1));
    let manifest = read(&dir, "oagen.toml");
    assert!(
        manifest.contains(&format!("source = \"{url}\"\n{pin}\n")),
        "{manifest}"
    );
    let (code, _, err) = oagen(&dir, &["update", "--check"]);
    assert_eq!(code, 0, "{err}");

    // Upstream changes: --check names the spec and both hashes, and writes nothing.
    *reply.lock().unwrap() = (200, v2());
    let before = tree(&dir);
    let (code, _, err) = oagen(&dir, &["update", "--check"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "pets: {url} now has SHA-256 {}, but oagen.toml pins sha256 = \"{}\"",
            sha256(&v2()),
            sha256(V1)
        )),
        "{err}"
    );
    assert_eq!(tree(&dir), before, "--check writes nothing");

    // Reviewed with `update`: the new hash is pinned.
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 0, "{err}");
    assert!(read(&dir, "oagen.toml").contains(&format!("sha256 = \"{}\"\n", sha256(&v2()))));
    let (code, _, err) = oagen(&dir, &["update", "--check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn update_refuses_plain_http_off_loopback_and_redirects_from_plain_http() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("update-refused");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/pets.yaml"), V1).unwrap();
    let manifest = |source: &str| {
        std::fs::write(
            dir.join("oagen.toml"),
            format!("[crate]\nname = \"pets\"\npath = \"sdk\"\n\n[[spec]]\nmodule = \"pets\"\npath = \"specs/pets.yaml\"\nsource = \"{source}\"\n"),
        )
        .unwrap();
    };

    manifest("http://example.invalid/openapi.yaml");
    let before = tree(&dir);
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("plain http:// is refused"), "{err}");
    assert_eq!(tree(&dir), before);

    // A loopback source redirecting elsewhere is not followed (even to loopback).
    let (target, reply) = serve();
    *reply.lock().unwrap() = (200, v2());
    manifest(&serve_redirect(&target));
    let before = tree(&dir);
    let (code, _, err) = oagen(&dir, &["update"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("HTTP 302") && err.contains(&target) && err.contains("follows no redirect"),
        "{err}"
    );
    assert_eq!(tree(&dir), before, "nothing is written");
}
