//! Across the project's modules, in two phases that fit a parallel per-file scan.
//!
//! **Phase 1** is the ordinary analysis of every file (in parallel, in any order). Besides its
//! findings, each file yields a [`ModuleTaint`]: its module name, the functions and globals
//! found to return input ("producers"), what it imports, and which callees outside it were
//! given input. Nothing in phase 1 depends on another file, so its results do not depend on
//! the order files are analysed in.
//!
//! **Between the phases** the caller builds a [`TaintProject`] from all of them and asks
//! [`TaintProject::needs_rerun`] for each file: only files that import a producer of another
//! module, or pass input to a function of another module, need a second look (usually few).
//!
//! **Phase 2** analyses those files again with the project: a call into another module of the
//! project applies that function's summary, computed on demand from the other file (parsed
//! again, analysed without findings, cached per module for the whole run and shared between
//! threads). Summaries are computed by one canonical procedure per module and depth, so they do
//! not depend on which file asked first. Each loaded module may in turn load others, down to a
//! fixed depth.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use cuirass_diagnostics::{Confidence, FlowStep};
use cuirass_python::semantic::{BindingKind, SemanticModel};
use cuirass_python::{SourceFile, module_path_for};

use crate::engine::{FnInfo, Module, ModuleInput, ParamsDesc, SinkSite, Summary, summarize_module};
use crate::spec::TaintSpec;
use crate::value::{Key, Kind, Label, Origin, SourceInfo, Step, Value, push_step};
use crate::vuln::{Vuln, VulnSet};

/// Files larger than this are not loaded for their summaries.
const MAX_MODULE_SIZE: usize = 2 << 20;

/// A module's identity: the directory its top-level package lives in, and its dotted name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) struct ModuleKey {
    pub root: PathBuf,
    pub dotted: String,
}

impl ModuleKey {
    pub(crate) fn of(source: &SourceFile) -> Self {
        let path = &source.path;
        match &source.module_path {
            Some(parts) if !parts.is_empty() => {
                let mut dotted: Vec<&str> = parts.iter().map(String::as_str).collect();
                if dotted.last() == Some(&"__init__") {
                    dotted.pop();
                }
                let mut root = path.parent().unwrap_or(Path::new(""));
                for _ in 1..parts.len() {
                    root = root.parent().unwrap_or(Path::new(""));
                }
                ModuleKey {
                    root: root.to_path_buf(),
                    dotted: dotted.join("."),
                }
            }
            _ => ModuleKey {
                root: path.parent().unwrap_or(Path::new("")).to_path_buf(),
                dotted: path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("")
                    .to_string(),
            },
        }
    }

    fn is_package(path: &Path) -> bool {
        path.file_stem().is_some_and(|s| s == "__init__")
    }
}

/// What one file tells the rest of the project after phase 1 (plain data, cheap to collect).
#[derive(Debug, Clone, Default)]
pub struct ModuleTaint {
    pub(crate) key: ModuleKey,
    pub(crate) path: PathBuf,
    pub(crate) display: String,
    /// Functions (`f`, `Class.method`) and globals found to return (or hold) input.
    pub(crate) producers: BTreeSet<String>,
    /// Absolute qualified names of everything the module imports.
    pub(crate) imports: BTreeSet<String>,
    /// Qualified callees outside the module that were given input.
    pub(crate) needs: BTreeSet<String>,
}

impl ModuleTaint {
    /// The module's dotted name (`pkg.views`; a script's file stem).
    pub fn module_name(&self) -> &str {
        &self.key.dotted
    }

    /// Functions and globals of the module found to return input.
    pub fn producers(&self) -> impl Iterator<Item = &str> {
        self.producers.iter().map(String::as_str)
    }

    pub(crate) fn new(source: &SourceFile, semantic: &SemanticModel<'_>) -> Self {
        let key = ModuleKey::of(source);
        let is_package = ModuleKey::is_package(&source.path);
        let mut imports = BTreeSet::new();
        for binding in semantic.bindings.iter() {
            if let Some(name) = absolute_import(&binding.kind, &key, is_package) {
                imports.insert(name);
            }
        }
        ModuleTaint {
            key,
            path: source.path.clone(),
            display: source.display.clone(),
            producers: BTreeSet::new(),
            imports,
            needs: BTreeSet::new(),
        }
    }
}

/// The absolute dotted name an import binding stands for.
fn absolute_import(kind: &BindingKind<'_>, key: &ModuleKey, is_package: bool) -> Option<String> {
    let name = match kind {
        BindingKind::Import(import) => &import.qualified_name,
        BindingKind::FromImport(import) => &import.qualified_name,
        BindingKind::SubmoduleImport(import) => &import.qualified_name,
        _ => return None,
    };
    let segments = name.segments();
    let level = segments.iter().take_while(|s| **s == ".").count();
    if level == 0 {
        return Some(segments.join("."));
    }
    // `from ..x import y` in `pkg.sub.mod`: relative to the package.
    let mut base: Vec<&str> = key.dotted.split('.').filter(|s| !s.is_empty()).collect();
    if !is_package {
        base.pop();
    }
    for _ in 1..level {
        base.pop()?;
    }
    base.extend(segments.iter().skip(level).copied());
    Some(base.join("."))
}

/// A module of the project as phase 1 saw it.
#[derive(Debug)]
struct ModuleEntry {
    key: ModuleKey,
    path: PathBuf,
    display: String,
    producers: BTreeSet<String>,
}

type ExportCell = Arc<OnceLock<Option<Arc<ModuleExports>>>>;

/// Every module of the project, for phase 2. Build it once per run from the phase-1
/// [`ModuleTaint`]s and share it (it is `Sync`); it caches the summaries it loads.
#[derive(Debug, Default)]
pub struct TaintProject {
    modules: HashMap<ModuleKey, ModuleEntry>,
    cache: Mutex<HashMap<(PathBuf, u8), ExportCell>>,
}

impl TaintProject {
    /// The project made of these modules (the first of two files with the same module name
    /// in the same root wins).
    pub fn new(modules: impl IntoIterator<Item = ModuleTaint>) -> Self {
        let mut table = HashMap::new();
        for module in modules {
            table.entry(module.key.clone()).or_insert(ModuleEntry {
                key: module.key,
                path: module.path,
                display: module.display,
                producers: module.producers,
            });
        }
        TaintProject {
            modules: table,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Number of modules known.
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// Whether a file analysed in phase 1 should be analysed again with the project: it
    /// imports a producer of another module, or passes input to another module's function.
    pub fn needs_rerun(&self, module: &ModuleTaint) -> bool {
        if module
            .needs
            .iter()
            .any(|q| self.resolve(&module.key, q).is_some())
        {
            return true;
        }
        module
            .imports
            .iter()
            .any(|q| match self.resolve(&module.key, q) {
                Some((entry, rest)) if entry.key != module.key => {
                    if rest.is_empty() {
                        !entry.producers.is_empty()
                    } else {
                        let name = rest.join(".");
                        entry
                            .producers
                            .iter()
                            .any(|p| *p == name || p.starts_with(&format!("{name}.")))
                    }
                }
                _ => false,
            })
    }

    /// The module of the project a qualified name lives in, and the rest of the name.
    fn resolve<'q>(
        &self,
        importer: &ModuleKey,
        qualified: &'q str,
    ) -> Option<(&ModuleEntry, Vec<&'q str>)> {
        let segments: Vec<&str> = qualified.split('.').collect();
        for split in (1..=segments.len()).rev() {
            let key = ModuleKey {
                root: importer.root.clone(),
                dotted: segments.get(..split)?.join("."),
            };
            if let Some(entry) = self.modules.get(&key) {
                return Some((entry, segments.get(split..)?.to_vec()));
            }
        }
        None
    }

    /// Names this module imports that are producers of other modules: the bound names of
    /// `from m import f`, and the function names of modules imported whole (`m.f()`).
    pub(crate) fn imported_producers(
        &self,
        semantic: &SemanticModel<'_>,
        key: &ModuleKey,
        path: &Path,
    ) -> BTreeSet<String> {
        let is_package = ModuleKey::is_package(path);
        let mut names = BTreeSet::new();
        for (bound, id) in semantic.global_scope().bindings() {
            let Some(qualified) = absolute_import(&semantic.binding(id).kind, key, is_package)
            else {
                continue;
            };
            let Some((entry, rest)) = self.resolve(key, &qualified) else {
                continue;
            };
            if entry.key == *key {
                continue;
            }
            if rest.is_empty() {
                for producer in &entry.producers {
                    names.insert(producer.rsplit('.').next().unwrap_or(producer).to_string());
                }
            } else if entry.producers.contains(&rest.join(".")) {
                names.insert(bound.to_string());
            }
        }
        names
    }

    /// The summaries of a module, loading it on first demand (once per run and depth).
    fn exports(
        &self,
        entry: &ModuleEntry,
        spec: &TaintSpec,
        depth: u8,
    ) -> Option<Arc<ModuleExports>> {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache
                .entry((entry.path.clone(), depth))
                .or_default()
                .clone()
        };
        cell.get_or_init(|| self.load(entry, spec, depth)).clone()
    }

    fn load(&self, entry: &ModuleEntry, spec: &TaintSpec, depth: u8) -> Option<Arc<ModuleExports>> {
        let text = std::fs::read_to_string(&entry.path).ok()?;
        if text.len() > MAX_MODULE_SIZE {
            return None;
        }
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        let source = SourceFile::new(entry.path.clone(), entry.display.clone(), text)
            .with_module_path(module_path_for(&entry.path));
        let parsed = cuirass_python::parse(&source);
        let bound = cuirass_python::bind(&source, &parsed);
        let exports = summarize_module(ModuleInput {
            source: &source,
            semantic: &bound.semantic,
            suite: parsed.suite(),
            spec,
            project: Some(self),
            key: entry.key.clone(),
            depth,
            file_id: file_id(&entry.path),
            emit: false,
        });
        drop(bound);
        Some(Arc::new(exports))
    }

    /// The summary of a function or class of another module, by qualified name.
    pub(crate) fn foreign(
        &self,
        importer: &ModuleKey,
        qualified: &str,
        spec: &TaintSpec,
        depth: u8,
    ) -> Option<Foreign> {
        let (entry, rest) = self.resolve(importer, qualified)?;
        if entry.key == *importer || rest.is_empty() || depth == 0 {
            return None;
        }
        let exports = self.exports(entry, spec, depth - 1)?;
        let name = rest.join(".");
        if let Some(summary) = exports.functions.get(&name) {
            return Some(Foreign::Function(import_summary(summary)));
        }
        if exports.classes.contains(&name) {
            let qualified_class = format!("{}.{name}", entry.key.dotted);
            return Some(match exports.functions.get(&format!("{name}.__init__")) {
                Some(init) => Foreign::Class(import_summary(init), qualified_class),
                None => Foreign::DataClass(qualified_class),
            });
        }
        exports
            .globals
            .get(&name)
            .map(|value| Foreign::Global(import_value(value)))
    }
}

/// What a name of another module is.
pub(crate) enum Foreign {
    Function(Summary),
    Class(Summary, String),
    DataClass(String),
    Global(Value),
}

/// A stable id for a file, for the identity of its sources.
fn file_id(path: &Path) -> u64 {
    // FNV-1a over the path: stable across runs and platforms' hash seeds.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.to_string_lossy().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash & 0xffff_ffff) | 1
}

// ---------------------------------------------------------------------------------------------
// Summaries in a form that outlives the module's tree and crosses threads.

/// The summaries of one module.
#[derive(Debug, Default)]
pub(crate) struct ModuleExports {
    pub functions: BTreeMap<String, ExportSummary>,
    pub classes: BTreeSet<String>,
    pub globals: BTreeMap<String, ExportValue>,
}

#[derive(Debug, Clone)]
pub(crate) struct ExportSummary {
    params: ParamsDesc,
    ret: ExportValue,
    sinks: Vec<ExportSink>,
    effects: Vec<(u16, ExportValue)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ExportValue {
    labels: Vec<ExportLabel>,
    fields: Vec<(ExportKey, ExportValue)>,
    kind: ExportKind,
}

#[derive(Debug, Clone)]
struct ExportLabel {
    origin: ExportOrigin,
    mask: VulnSet,
    steps: Vec<Arc<FlowStep>>,
}

#[derive(Debug, Clone)]
enum ExportOrigin {
    Source {
        key: u64,
        label: String,
        confidence: Confidence,
    },
    Param(u16),
    ParamField(u16, ExportKey),
}

#[derive(Debug, Clone)]
enum ExportKey {
    Attr(String),
    Str(String),
    Int(i64),
}

#[derive(Debug, Clone, Default)]
enum ExportKind {
    #[default]
    Plain,
    Request,
    Made(String),
    Foreign(String),
}

#[derive(Debug, Clone)]
struct ExportSink {
    label: ExportLabel,
    vuln: Vuln,
    step: Arc<FlowStep>,
    sink: String,
}

pub(crate) fn export_summary(
    module: &Module<'_>,
    info: &FnInfo<'_>,
    summary: &Summary,
) -> ExportSummary {
    let _ = info;
    ExportSummary {
        params: summary.params.clone(),
        ret: export_value(module, &summary.ret),
        sinks: summary
            .sinks
            .iter()
            .map(|hit| {
                let (step, sink) = match &hit.site {
                    SinkSite::Here { range, sink } => (
                        module.resolve_step(&Step::Here {
                            range: *range,
                            what: crate::value::What::Sink(sink.clone()),
                        }),
                        sink.to_string(),
                    ),
                    SinkSite::There { step, sink } => (step.clone(), sink.to_string()),
                };
                ExportSink {
                    label: export_label(module, &hit.label),
                    vuln: hit.vuln,
                    step,
                    sink,
                }
            })
            .collect(),
        effects: summary
            .effects
            .iter()
            .map(|(index, value)| (*index, export_value(module, value)))
            .collect(),
    }
}

pub(crate) fn export_value(module: &Module<'_>, value: &Value) -> ExportValue {
    ExportValue {
        labels: value
            .taint
            .iter()
            .map(|l| export_label(module, l))
            .collect(),
        fields: value
            .fields
            .iter()
            .flat_map(|fields| fields.iter())
            .map(|(key, part)| (export_key(key), export_value(module, part)))
            .collect(),
        kind: match &value.kind {
            Kind::Request => ExportKind::Request,
            Kind::Made(made) => ExportKind::Made(made.to_string()),
            Kind::Instance(class) => module
                .classes
                .get(*class as usize)
                .map_or(ExportKind::Plain, |c| {
                    ExportKind::Foreign(format!("{}.{}", module.key.dotted, c.qualname))
                }),
            Kind::Foreign(name) => ExportKind::Foreign(name.to_string()),
            Kind::Plain | Kind::Const(_) | Kind::ConstCollection | Kind::Guard(_) => {
                ExportKind::Plain
            }
        },
    }
}

fn export_label(module: &Module<'_>, label: &Label) -> ExportLabel {
    ExportLabel {
        origin: match &label.origin {
            Origin::Source(info) => ExportOrigin::Source {
                key: info.key,
                label: info.label.to_string(),
                confidence: info.confidence,
            },
            Origin::Param(index) => ExportOrigin::Param(*index),
            Origin::ParamField(index, key) => ExportOrigin::ParamField(*index, export_key(key)),
        },
        mask: label.mask,
        steps: module.resolve_trace(&label.trace),
    }
}

fn export_key(key: &Key) -> ExportKey {
    match key {
        Key::Attr(a) => ExportKey::Attr(a.to_string()),
        Key::Str(s) => ExportKey::Str(s.to_string()),
        Key::Int(i) => ExportKey::Int(*i),
    }
}

fn import_key(key: &ExportKey) -> Key {
    match key {
        ExportKey::Attr(a) => Key::Attr(Rc::from(a.as_str())),
        ExportKey::Str(s) => Key::Str(Rc::from(s.as_str())),
        ExportKey::Int(i) => Key::Int(*i),
    }
}

fn import_label(label: &ExportLabel) -> Label {
    let mut trace = None;
    for step in &label.steps {
        trace = push_step(&trace, Step::There(step.clone()));
    }
    Label {
        origin: match &label.origin {
            ExportOrigin::Source {
                key,
                label,
                confidence,
            } => Origin::Source(Rc::new(SourceInfo {
                key: *key,
                label: Rc::from(label.as_str()),
                confidence: *confidence,
            })),
            ExportOrigin::Param(index) => Origin::Param(*index),
            ExportOrigin::ParamField(index, key) => Origin::ParamField(*index, import_key(key)),
        },
        mask: label.mask,
        trace,
    }
}

pub(crate) fn import_value(value: &ExportValue) -> Value {
    Value {
        taint: value.labels.iter().map(import_label).collect(),
        fields: if value.fields.is_empty() {
            None
        } else {
            Some(Rc::new(
                value
                    .fields
                    .iter()
                    .map(|(key, part)| (import_key(key), import_value(part)))
                    .collect(),
            ))
        },
        kind: match &value.kind {
            ExportKind::Plain => Kind::Plain,
            ExportKind::Request => Kind::Request,
            ExportKind::Made(made) => Kind::Made(Rc::from(made.as_str())),
            ExportKind::Foreign(name) => Kind::Foreign(Rc::from(name.as_str())),
        },
    }
}

fn import_summary(summary: &ExportSummary) -> Summary {
    Summary {
        ret: import_value(&summary.ret),
        sinks: summary
            .sinks
            .iter()
            .map(|sink| crate::engine::SinkHit {
                label: import_label(&sink.label),
                vuln: sink.vuln,
                site: SinkSite::There {
                    step: sink.step.clone(),
                    sink: Rc::from(sink.sink.as_str()),
                },
            })
            .collect(),
        effects: summary
            .effects
            .iter()
            .map(|(index, value)| (*index, import_value(value)))
            .collect(),
        params: summary.params.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_keys_follow_packages_and_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        let file = |path: PathBuf| {
            SourceFile::new(path.clone(), "x".into(), String::new())
                .with_module_path(module_path_for(&path))
        };
        let key = ModuleKey::of(&file(pkg.join("views.py")));
        assert_eq!(key.dotted, "pkg.views");
        assert_eq!(key.root, dir.path());
        let key = ModuleKey::of(&file(pkg.join("__init__.py")));
        assert_eq!(key.dotted, "pkg");
        assert_eq!(key.root, dir.path());
        let key = ModuleKey::of(&file(dir.path().join("script.py")));
        assert_eq!(key.dotted, "script");
        assert_eq!(key.root, dir.path());
    }
}
