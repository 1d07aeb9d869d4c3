//! Configuration: discovery, error locations, merging and per-file ignores.

// Clippy allows unwrap inside #[test] fns only; the helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use cuirass_diagnostics::{Confidence, Severity};
use cuirass_workspace::{
    ConfigError, ConfigFile, ConfigFormat, Origin, Overrides, Selector, discover, find_config,
    load_config, resolve,
};

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn parse(name: &str, text: &str) -> Result<ConfigFile, ConfigError> {
    let path = PathBuf::from("/proj").join(name);
    ConfigFile::parse(
        text.to_owned(),
        path.clone(),
        name.to_owned(),
        ConfigFormat::for_path(&path),
    )
}

fn error(name: &str, text: &str) -> String {
    parse(name, text).unwrap_err().to_string()
}

#[test]
fn cuirass_toml_beats_pyproject_in_the_same_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("pyproject.toml"),
        "[tool.cuirass]\nselect = [\"a\"]\n",
    );
    write(&root.join("cuirass.toml"), "select = [\"b\"]\n");
    write(&root.join("src/pkg/mod.py"), "");
    assert_eq!(
        find_config(&root.join("src/pkg/mod.py")).unwrap(),
        Some(root.join("cuirass.toml"))
    );
}

#[test]
fn pyproject_without_our_table_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("pyproject.toml"),
        "[tool.cuirass]\nselect = [\"outer\"]\n",
    );
    write(
        &root.join("sub/pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 100\n",
    );
    write(&root.join("sub/a.py"), "");
    assert_eq!(
        find_config(&root.join("sub")).unwrap(),
        Some(root.join("pyproject.toml"))
    );
    // A pyproject with the table is found where it is, and its directory is the root.
    let config = discover(&[PathBuf::from("sub/a.py")], None, root)
        .unwrap()
        .unwrap();
    assert_eq!(config.root, root);
    assert_eq!(config.display, "pyproject.toml");
    let settings = resolve(Some(&config), &Overrides::default(), &[], root).unwrap();
    assert_eq!(settings.project_root, root);
    let selected: Vec<&str> = settings
        .rules
        .selectors()
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(selected, ["outer"]);
}

#[test]
fn no_config_anywhere_means_no_config_and_root_from_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("proj/a.py"), "");
    // The temporary directory may sit below a directory with a config; only check the
    // fallback root, which does not depend on that.
    let settings = resolve(None, &Overrides::default(), &[PathBuf::from("proj")], root).unwrap();
    assert_eq!(settings.project_root, root.join("proj"));
    let settings = resolve(
        None,
        &Overrides::default(),
        &[PathBuf::from("proj/a.py")],
        root,
    )
    .unwrap();
    assert_eq!(settings.project_root, root.join("proj"));
    let settings = resolve(None, &Overrides::default(), &[], root).unwrap();
    assert_eq!(settings.project_root, root);
}

#[test]
fn explicit_config_overrides_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("cuirass.toml"), "select = [\"found\"]\n");
    write(&root.join("ci/strict.toml"), "fail-on = \"info\"\n");
    let config = discover(&[], Some(Path::new("ci/strict.toml")), root)
        .unwrap()
        .unwrap();
    assert_eq!(config.display, "ci/strict.toml");
    assert_eq!(config.root, root.join("ci"));
    assert_eq!(config.options.fail_on, Some(Severity::Info));
    // A missing --config names the file.
    let err = discover(&[], Some(Path::new("nope.toml")), root).unwrap_err();
    assert!(err.to_string().contains("nope.toml"), "{err}");
}

#[test]
fn unknown_key_names_file_line_column_and_table() {
    let text = "[project]\nname = \"x\"\n\n[tool.cuirass]\nselect = [\"a\"]\nselct = [\"b\"]\n";
    insta::assert_snapshot!(error("pyproject.toml", text), @"pyproject.toml:6:1: unknown key `selct` in `[tool.cuirass]` (expected one of: select, ignore, extend-select, extend-ignore, exclude, extend-exclude, per-file-ignores, fail-on, min-severity, min-confidence, max-file-size, respect-gitignore, jobs, deps, taint)");
    let text = "fail-on = \"high\"\nexlcude = []\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:2:1: unknown key `exlcude` (expected one of: select, ignore, extend-select, extend-ignore, exclude, extend-exclude, per-file-ignores, fail-on, min-severity, min-confidence, max-file-size, respect-gitignore, jobs, deps, taint)");
}

#[test]
fn wrong_type_names_the_key() {
    let text = "[tool.cuirass]\nselect = \"pickle-load\"\n";
    insta::assert_snapshot!(error("pyproject.toml", text), @r#"pyproject.toml:2:10: invalid value for `select` in `[tool.cuirass]`: invalid type: string "pickle-load", expected an array"#);
    let text = "respect-gitignore = \"yes\"\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @r#"cuirass.toml:1:21: invalid value for `respect-gitignore`: invalid type: string "yes", expected a boolean"#);
    let text = "[tool.cuirass.per-file-ignores]\n\"tests/**\" = \"assert-used\"\n";
    insta::assert_snapshot!(error("pyproject.toml", text), @r#"pyproject.toml:2:14: invalid value for `"tests/**"` in `[tool.cuirass.per-file-ignores]`: invalid type: string "assert-used", expected an array"#);
    let text = "select = [\"a\", 3]\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:1:16: invalid value for `select`: invalid type: integer `3`, expected a string");
}

#[test]
fn bad_values_name_the_key() {
    let text = "[tool.cuirass]\nfail-on = \"hgih\"\n";
    insta::assert_snapshot!(error("pyproject.toml", text), @"pyproject.toml:2:11: invalid value for `fail-on` in `[tool.cuirass]`: `hgih` is not a severity; expected one of: info, low, medium, high, critical");
    let text = "min-confidence = \"sure\"\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:1:18: invalid value for `min-confidence`: `sure` is not a confidence; expected one of: low, medium, high");
    let text = "max-file-size = \"10 parsecs\"\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:1:17: invalid value for `max-file-size`: `10 parsecs` is not a file size; expected a number of bytes, optionally followed by a unit (B, KB, MB, GB, KiB, MiB, GiB), such as `10MB` or `512KiB`");
    let text = "jobs = 0\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:1:8: invalid value for `jobs`: `0` is not a number of jobs; expected 1 or more");
    let text = "[per-file-ignores]\n\"tests/[\" = [\"assert-used\"]\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @r#"cuirass.toml:2:1: invalid value for `"tests/["` in `[per-file-ignores]`: invalid glob `tests/[`: unclosed character class; missing ']'"#);
    let text = "exclude = [\"ok/**\", \"a{b\"]\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:1:21: invalid value for `exclude`: invalid glob `a{b`: unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)");
}

#[test]
fn invalid_toml_names_file_line_column() {
    let text = "[tool.cuirass]\nselect = [\"a\"\n";
    insta::assert_snapshot!(error("pyproject.toml", text), @"pyproject.toml:2:14: invalid TOML: unclosed array, expected `]`");
    let text = "select = [\"a\"]\nselect = [\"b\"]\n";
    insta::assert_snapshot!(error("cuirass.toml", text), @"cuirass.toml:2:1: invalid TOML: duplicate key");
}

#[test]
fn errors_are_structured() {
    match parse("pyproject.toml", "[tool.cuirass]\nselct = 1\n").unwrap_err() {
        ConfigError::Invalid {
            path,
            line,
            column,
            key,
            ..
        } => {
            assert_eq!((path.as_str(), line, column), ("pyproject.toml", 2, 1));
            assert_eq!(key.as_deref(), Some("tool.cuirass.selct"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn other_pyproject_tables_are_not_our_business() {
    let text = "[tool.ruff]\nselct = 1\n[tool.cuirass]\nmin-severity = \"Medium\"\n";
    let config = parse("pyproject.toml", text).unwrap();
    assert_eq!(config.options.min_severity, Some(Severity::Medium));
    // A pyproject without the table (given with --config) has no options.
    let config = parse("pyproject.toml", "[project]\nname = \"x\"\n").unwrap();
    assert_eq!(config.options, cuirass_workspace::Options::default());
}

#[test]
fn selectors_remember_where_they_were_written() {
    let text = "[tool.cuirass]\nselect = [\"code\", \"B602\"]\n\n[tool.cuirass.per-file-ignores]\n\"tests/**\" = [\"assert-used\"]\n";
    let config = parse("pyproject.toml", text).unwrap();
    let settings = resolve(
        Some(&config),
        &Overrides {
            extend_select: vec!["secrets".into()],
            ..Overrides::default()
        },
        &[],
        Path::new("/proj"),
    )
    .unwrap();
    let selectors: Vec<String> = settings
        .rules
        .selectors()
        .chain(settings.per_file_ignores.selectors())
        .map(|s| format!("{} in {}", s.value, s.origin))
        .collect();
    assert_eq!(
        selectors,
        [
            "code in `select` at pyproject.toml:2:11",
            "B602 in `select` at pyproject.toml:2:19",
            "secrets in `--extend-select` on the command line",
            "assert-used in `per-file-ignores.\"tests/**\"` at pyproject.toml:5:15",
        ]
    );
}

#[test]
fn command_line_beats_file() {
    let text = "fail-on = \"high\"\nmin-severity = \"medium\"\nmin-confidence = \"high\"\nmax-file-size = \"1MB\"\njobs = 3\nrespect-gitignore = true\nselect = [\"code\"]\nignore = [\"x\"]\nexclude = [\"gen/**\"]\n";
    let config = parse("cuirass.toml", text).unwrap();
    let file_only = resolve(Some(&config), &Overrides::default(), &[], Path::new("/")).unwrap();
    assert_eq!(file_only.fail_on, Severity::High);
    assert_eq!(file_only.min_severity, Severity::Medium);
    assert_eq!(file_only.min_confidence, Confidence::High);
    assert_eq!(file_only.walk.max_file_size, 1_000_000);
    assert_eq!(file_only.threads(), 3);
    assert!(file_only.walk.respect_gitignore);

    let overrides = Overrides {
        select: Some(vec!["secrets".into()]),
        fail_on: Some(Severity::Critical),
        min_severity: Some(Severity::Low),
        min_confidence: Some(Confidence::Medium),
        max_file_size: Some(42),
        jobs: std::num::NonZeroUsize::new(1),
        no_respect_gitignore: true,
        exclude: vec!["vendor/".into()],
        ..Overrides::default()
    };
    let merged = resolve(Some(&config), &overrides, &[], Path::new("/")).unwrap();
    assert_eq!(merged.fail_on, Severity::Critical);
    assert_eq!(merged.min_severity, Severity::Low);
    assert_eq!(merged.min_confidence, Confidence::Medium);
    assert_eq!(merged.walk.max_file_size, 42);
    assert_eq!(merged.threads(), 1);
    assert!(!merged.walk.respect_gitignore);
    // Excludes add up.
    let excludes: Vec<&str> = merged
        .walk
        .exclude
        .entries()
        .iter()
        .map(|e| e.pattern.as_str())
        .collect();
    assert_eq!(excludes, ["gen/**", "vendor/"]);
    // `--select` resets the selection: the file's `ignore` no longer applies (as in Ruff).
    let rules = merged
        .rules
        .resolve(["a".to_owned(), "x".to_owned()], |s: &Selector| {
            Ok::<_, ()>(match s.value.as_str() {
                "code" => vec!["a".to_owned(), "x".to_owned()],
                "secrets" => vec!["s".to_owned(), "x".to_owned()],
                other => vec![other.to_owned()],
            })
        })
        .unwrap();
    assert_eq!(rules.into_iter().collect::<Vec<_>>(), ["s", "x"]);
}

#[test]
fn defaults_when_nothing_is_set() {
    let settings = resolve(None, &Overrides::default(), &[], Path::new("/")).unwrap();
    assert_eq!(settings.fail_on, Severity::Low);
    assert_eq!(settings.min_severity, Severity::Info);
    assert_eq!(settings.min_confidence, Confidence::Low);
    assert_eq!(settings.walk.max_file_size, 10_000_000);
    assert!(settings.walk.respect_gitignore);
    assert!(settings.threads() >= 1);
    assert!(settings.rules.layers.is_empty());
    assert!(settings.config_path.is_none());
}

#[test]
fn selection_layers_apply_in_order() {
    let text = "select = [\"code\"]\nignore = [\"b\"]\n";
    let config = parse("cuirass.toml", text).unwrap();
    let expand = |s: &Selector| -> Result<Vec<&'static str>, String> {
        match s.value.as_str() {
            "code" => Ok(vec!["a", "b", "c"]),
            "a" => Ok(vec!["a"]),
            "b" => Ok(vec!["b"]),
            "d" => Ok(vec!["d"]),
            other => Err(format!("unknown rule `{other}` in {}", s.origin)),
        }
    };
    let run = |overrides: Overrides| {
        resolve(Some(&config), &overrides, &[], Path::new("/"))
            .unwrap()
            .rules
            .resolve(["z"], expand)
            .map(|set| set.into_iter().collect::<Vec<_>>())
    };
    assert_eq!(run(Overrides::default()), Ok(vec!["a", "c"]));
    assert_eq!(
        run(Overrides {
            extend_select: vec!["d".into()],
            ignore: vec!["a".into()],
            ..Overrides::default()
        }),
        Ok(vec!["c", "d"])
    );
    // The command line can bring back what the file ignores.
    assert_eq!(
        run(Overrides {
            extend_select: vec!["b".into()],
            ..Overrides::default()
        }),
        Ok(vec!["a", "b", "c"])
    );
    assert_eq!(
        run(Overrides {
            ignore: vec!["nope".into()],
            ..Overrides::default()
        }),
        Err("unknown rule `nope` in `--ignore` on the command line".to_owned())
    );
}

#[test]
fn per_file_ignores_match_root_relative_paths() {
    let text = r#"
[per-file-ignores]
"tests/**" = ["assert-used"]
"conftest.py" = ["exec-used"]
"/setup.py" = ["secrets"]
"docs" = ["code"]
"scripts/*.py" = ["subprocess-shell"]
"#;
    let config = parse("cuirass.toml", text).unwrap();
    let settings = resolve(Some(&config), &Overrides::default(), &[], Path::new("/")).unwrap();
    let ignored = |path: &str| -> Vec<String> {
        let mut v: Vec<String> = settings
            .per_file_ignores_for(path)
            .map(|s| s.value.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ignored("tests/unit/test_a.py"), ["assert-used"]);
    assert_eq!(ignored("tests/conftest.py"), ["assert-used", "exec-used"]);
    assert_eq!(ignored("src/pkg/conftest.py"), ["exec-used"]);
    assert_eq!(ignored("setup.py"), ["secrets"]);
    assert!(ignored("pkg/setup.py").is_empty());
    assert_eq!(ignored("docs/conf.py"), ["code"]);
    assert_eq!(ignored("scripts/run.py"), ["subprocess-shell"]);
    assert!(ignored("scripts/sub/run.py").is_empty());
    assert!(ignored("src/tests_helper.py").is_empty());
    // Origins point at the selector.
    let origin = &settings
        .per_file_ignores_for("setup.py")
        .next()
        .unwrap()
        .origin;
    assert_eq!(
        origin,
        &Origin::File {
            path: "cuirass.toml".into(),
            line: 5,
            column: 16,
            key: "per-file-ignores.\"/setup.py\"".into(),
        }
    );
}

#[test]
fn max_file_size_accepts_bytes_and_units() {
    for (text, bytes) in [
        ("max-file-size = 2048\n", 2048),
        ("max-file-size = \"10MB\"\n", 10_000_000),
        ("max-file-size = \"512KiB\"\n", 524_288),
        ("max-file-size = \"1 GiB\"\n", 1 << 30),
    ] {
        let config = parse("cuirass.toml", text).unwrap();
        assert_eq!(config.options.max_file_size, Some(bytes), "{text}");
    }
    insta::assert_snapshot!(error("cuirass.toml", "max-file-size = -5\n"), @"cuirass.toml:1:17: invalid value for `max-file-size`: `-5` is not a file size; expected a positive number of bytes");
    insta::assert_snapshot!(error("cuirass.toml", "max-file-size = 1.5\n"), @r#"cuirass.toml:1:17: invalid value for `max-file-size`: invalid type: floating point `1.5`, expected a number of bytes or a string such as "10MB""#);
}

#[test]
fn bad_command_line_glob_is_an_error() {
    let err = resolve(
        None,
        &Overrides {
            exclude: vec!["a[".into()],
            ..Overrides::default()
        },
        &[],
        Path::new("/"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid glob `a[` in `--exclude` on the command line: "),
        "{err}"
    );
}

#[test]
fn load_config_reads_from_disk_with_display_relative_to_cwd() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("proj/pyproject.toml"),
        "[tool.cuirass]\n\nfail-on = 3\n",
    );
    let err = load_config(Path::new("proj/pyproject.toml"), root).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"proj/pyproject.toml:3:11: invalid value for `fail-on` in `[tool.cuirass]`: invalid type: integer `3`, expected a string");
}

#[test]
fn broken_pyproject_met_during_discovery_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("proj/pyproject.toml"), "[project\nname = 1\n");
    write(&root.join("proj/a.py"), "");
    let err = discover(&[PathBuf::from("proj/a.py")], None, root).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"proj/pyproject.toml:1:9: invalid TOML: unclosed table, expected `]`");
}
