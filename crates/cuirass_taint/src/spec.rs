//! The specification compiled for lookup: tables keyed by qualified name (calls, attributes)
//! and by method name, built once from `resources/spec.toml` and extended with the user's
//! `[tool.cuirass.taint]`.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use cuirass_diagnostics::Confidence;

use crate::config::{
    BuiltinSpec, CallKind, Level, PropagateFrom, PropagateTo, PropagatorConfig, SafeKeyword,
    SanitizerConfig, SinkConfig, SourceConfig, SourceKind, Spanned, TaintConfig, ValidatorConfig,
};
use crate::vuln::{Vuln, VulnSet};

/// The built-in specification's text.
const BUILTIN: &str = include_str!("../resources/spec.toml");

/// A name in `[tool.cuirass.taint]` that cannot be used. `span` is the byte range of the value
/// in the configuration file, for the reader to turn into a line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{key}`: {message}")]
pub struct TaintConfigError {
    /// The key below the taint table, e.g. `sinks[0].name`.
    pub key: String,
    pub span: Range<usize>,
    pub message: String,
}

/// A source.
#[derive(Debug, Clone)]
pub(crate) struct SourceDef {
    pub kind: SourceKind,
    pub label: Arc<str>,
    pub confidence: Confidence,
    pub imports: Vec<String>,
}

/// A sink.
#[derive(Debug, Clone)]
pub(crate) struct SinkDef {
    pub vuln: Vuln,
    /// Positional arguments that are sinks.
    pub positions: Vec<u32>,
    /// Every positional argument is a sink (none of `arg`, `args`, `keywords` given).
    pub all_positional: bool,
    pub keywords: Vec<String>,
    pub receiver: bool,
    pub receivers: Vec<String>,
    pub receiver_names: Vec<String>,
    pub imports: Vec<String>,
    pub label: Option<Arc<str>>,
    pub program_only_unless: Option<String>,
    pub safe_keyword: Option<SafeKeyword>,
    pub html_only_keywords: Vec<String>,
    pub unless_keywords: Vec<String>,
}

/// An entry that applies only in modules importing one of `imports` (any module when empty).
#[derive(Debug, Clone)]
pub(crate) struct Gated<T> {
    pub value: T,
    pub imports: Vec<String>,
}

impl<T> Gated<T> {
    pub(crate) fn applies(&self, imports: &HashSet<String>) -> bool {
        self.imports.is_empty() || self.imports.iter().any(|i| imports.contains(i))
    }
}

/// A validating function: which argument it validates, for which classes.
#[derive(Debug, Clone)]
pub(crate) struct ValidatorDef {
    pub position: u32,
    pub keyword: Option<String>,
    pub vulns: VulnSet,
}

/// A validating method: which argument it validates (`None`: the receiver), and for what.
pub(crate) type MethodValidator = (Option<u32>, VulnSet);

/// A store that is a sink (`session[k] = v`, `response.headers[k] = v`).
#[derive(Debug, Clone)]
pub(crate) struct StoreDef {
    pub qualified: Vec<String>,
    pub request_attribute: Option<String>,
    pub attribute: Option<String>,
    pub receivers: Vec<String>,
    pub vuln: Vuln,
    pub label: Arc<str>,
}

/// What the frameworks' request objects look like.
#[derive(Debug, Clone)]
pub(crate) struct RequestSpec {
    pub attributes: HashSet<String>,
    pub path_attributes: HashSet<String>,
    pub parameter_names: Vec<String>,
    pub frameworks: Vec<String>,
    pub annotations: HashSet<String>,
    pub self_attribute: String,
}

/// How routes are declared.
#[derive(Debug, Clone)]
pub(crate) struct RouteSpec {
    pub decorator_methods: HashSet<String>,
    pub all_parameters: Vec<String>,
    pub dependency_defaults: HashSet<String>,
    pub non_text_types: HashSet<String>,
    pub html_return: Vec<String>,
}

/// Sources, sinks, sanitisers, propagators and validators, ready for lookup.
///
/// [`TaintSpec::builtin`] is the specification shipped in `resources/spec.toml`;
/// [`TaintSpec::extend`] adds a project's `[tool.cuirass.taint]`.
#[derive(Debug, Clone)]
pub struct TaintSpec {
    pub(crate) sources: HashMap<String, SourceDef>,
    pub(crate) method_sources: HashMap<String, Vec<SourceDef>>,
    pub(crate) sinks: HashMap<String, Vec<Arc<SinkDef>>>,
    pub(crate) method_sinks: HashMap<String, Vec<Arc<SinkDef>>>,
    pub(crate) sanitizers: HashMap<String, Vec<Gated<VulnSet>>>,
    pub(crate) method_sanitizers: HashMap<String, Vec<Gated<VulnSet>>>,
    pub(crate) propagators: HashMap<String, Vec<Gated<(PropagateFrom, PropagateTo)>>>,
    pub(crate) method_propagators: HashMap<String, Vec<Gated<(PropagateFrom, PropagateTo)>>>,
    pub(crate) validators: HashMap<String, Vec<Gated<ValidatorDef>>>,
    pub(crate) method_validators: HashMap<String, Vec<Gated<MethodValidator>>>,
    pub(crate) request: RequestSpec,
    pub(crate) routes: RouteSpec,
    pub(crate) stores: Vec<StoreDef>,
    pub(crate) terminators: HashSet<String>,
    pub(crate) clean_methods: HashSet<String>,
    /// Words one of which a file must contain for any source to be in it.
    hint_words: Vec<String>,
    hints: Option<AhoCorasick>,
}

impl TaintSpec {
    /// The built-in specification, parsed once.
    pub fn builtin() -> &'static TaintSpec {
        static BUILTIN_SPEC: OnceLock<TaintSpec> = OnceLock::new();
        BUILTIN_SPEC.get_or_init(|| Self::parse_builtin(BUILTIN).unwrap_or_else(|_| Self::empty()))
    }

    /// This specification plus the user's entries. Errors name the offending key and its span.
    pub fn extend(&self, config: &TaintConfig) -> Result<TaintSpec, TaintConfigError> {
        let mut spec = self.clone();
        for (index, source) in config.sources.iter().flatten().enumerate() {
            spec.add_source(source, &format!("sources[{index}]"))?;
        }
        for (index, sink) in config.sinks.iter().flatten().enumerate() {
            spec.add_sink(sink, &format!("sinks[{index}]"))?;
        }
        for (index, sanitizer) in config.sanitizers.iter().flatten().enumerate() {
            spec.add_sanitizer(sanitizer, &format!("sanitizers[{index}]"))?;
        }
        for (index, propagator) in config.propagators.iter().flatten().enumerate() {
            spec.add_propagator(propagator, &format!("propagators[{index}]"))?;
        }
        for (index, validator) in config.validators.iter().flatten().enumerate() {
            spec.add_validator(validator, &format!("validators[{index}]"))?;
        }
        spec.build_hints();
        Ok(spec)
    }

    /// Parses the built-in text (a test checks that it parses and is complete).
    fn parse_builtin(text: &str) -> Result<TaintSpec, String> {
        let builtin: BuiltinSpec = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut spec = Self::empty();
        spec.request = RequestSpec {
            attributes: builtin.request.attributes.into_iter().collect(),
            path_attributes: builtin.request.path_attributes.into_iter().collect(),
            parameter_names: builtin.request.parameter_names,
            frameworks: builtin.request.frameworks,
            annotations: builtin.request.annotations.into_iter().collect(),
            self_attribute: builtin.request.self_attribute,
        };
        spec.routes = RouteSpec {
            decorator_methods: builtin.routes.decorator_methods.into_iter().collect(),
            all_parameters: builtin.routes.all_parameters,
            dependency_defaults: builtin.routes.dependency_defaults.into_iter().collect(),
            non_text_types: builtin.routes.non_text_types.into_iter().collect(),
            html_return: builtin.routes.html_return,
        };
        spec.stores = builtin
            .stores
            .into_iter()
            .map(|store| StoreDef {
                qualified: store.qualified.unwrap_or_default(),
                request_attribute: store.request_attribute,
                attribute: store.attribute,
                receivers: store.receivers.unwrap_or_default(),
                vuln: store.vuln,
                label: Arc::from(store.label),
            })
            .collect();
        spec.terminators = builtin.terminators.into_iter().collect();
        spec.clean_methods = builtin.clean_methods.into_iter().collect();
        let err = |e: TaintConfigError| format!("built-in spec: {e}");
        for source in &builtin.sources {
            spec.add_source(source, "sources").map_err(err)?;
        }
        for sink in &builtin.sinks {
            spec.add_sink(sink, "sinks").map_err(err)?;
        }
        for sanitizer in &builtin.sanitizers {
            spec.add_sanitizer(sanitizer, "sanitizers").map_err(err)?;
        }
        for propagator in &builtin.propagators {
            spec.add_propagator(propagator, "propagators")
                .map_err(err)?;
        }
        for validator in &builtin.validators {
            spec.add_validator(validator, "validators").map_err(err)?;
        }
        spec.build_hints();
        Ok(spec)
    }

    fn empty() -> TaintSpec {
        TaintSpec {
            sources: HashMap::new(),
            method_sources: HashMap::new(),
            sinks: HashMap::new(),
            method_sinks: HashMap::new(),
            sanitizers: HashMap::new(),
            method_sanitizers: HashMap::new(),
            propagators: HashMap::new(),
            method_propagators: HashMap::new(),
            validators: HashMap::new(),
            method_validators: HashMap::new(),
            request: RequestSpec {
                attributes: HashSet::new(),
                path_attributes: HashSet::new(),
                parameter_names: Vec::new(),
                frameworks: Vec::new(),
                annotations: HashSet::new(),
                self_attribute: String::new(),
            },
            routes: RouteSpec {
                decorator_methods: HashSet::new(),
                all_parameters: Vec::new(),
                dependency_defaults: HashSet::new(),
                non_text_types: HashSet::new(),
                html_return: Vec::new(),
            },
            stores: Vec::new(),
            terminators: HashSet::new(),
            clean_methods: HashSet::new(),
            hint_words: Vec::new(),
            hints: None,
        }
    }

    fn add_source(&mut self, source: &SourceConfig, key: &str) -> Result<(), TaintConfigError> {
        let method = source.kind == SourceKind::Method;
        let name = checked_name(&source.name, method, key)?;
        let label = source.label.clone().unwrap_or_else(|| match source.kind {
            SourceKind::Call => format!("`{name}()`"),
            SourceKind::Method => format!("`.{name}()`"),
            SourceKind::Attribute | SourceKind::Request => format!("`{name}`"),
        });
        let def = SourceDef {
            kind: source.kind,
            label: Arc::from(label),
            confidence: match source.confidence {
                Level::Low => Confidence::Low,
                Level::Medium => Confidence::Medium,
                Level::High => Confidence::High,
            },
            imports: source.imports.clone().unwrap_or_default(),
        };
        let word = name.rsplit('.').next().unwrap_or(name).to_string();
        if !self.hint_words.contains(&word) {
            self.hint_words.push(word);
        }
        if method {
            self.method_sources
                .entry(name.to_string())
                .or_default()
                .push(def);
        } else {
            self.sources.insert(name.to_string(), def);
        }
        Ok(())
    }

    fn add_sink(&mut self, sink: &SinkConfig, key: &str) -> Result<(), TaintConfigError> {
        let method = sink.kind == CallKind::Method;
        let name = checked_name(&sink.name, method, key)?;
        let mut positions: Vec<u32> = sink.arg.into_iter().collect();
        positions.extend(sink.args.iter().flatten().copied());
        if let Some(position) = positions.iter().find(|&&p| p > 255) {
            return Err(TaintConfigError {
                key: format!("{key}.arg"),
                span: sink.name.span(),
                message: format!("argument position {position} is out of range (0-255)"),
            });
        }
        let all_positional = sink.arg.is_none() && sink.args.is_none() && sink.keywords.is_none();
        let def = Arc::new(SinkDef {
            vuln: sink.vuln,
            positions,
            all_positional,
            keywords: sink.keywords.clone().unwrap_or_default(),
            receiver: sink.receiver.unwrap_or(false),
            receivers: sink.receivers.clone().unwrap_or_default(),
            receiver_names: sink.receiver_names.clone().unwrap_or_default(),
            imports: sink.imports.clone().unwrap_or_default(),
            label: sink.label.as_deref().map(Arc::from),
            program_only_unless: sink.program_only_unless.clone(),
            safe_keyword: sink.safe_keyword.clone(),
            html_only_keywords: sink.html_only_keywords.clone().unwrap_or_default(),
            unless_keywords: sink.unless_keywords.clone().unwrap_or_default(),
        });
        let table = if method {
            &mut self.method_sinks
        } else {
            &mut self.sinks
        };
        table.entry(name.to_string()).or_default().push(def);
        Ok(())
    }

    fn add_sanitizer(
        &mut self,
        sanitizer: &SanitizerConfig,
        key: &str,
    ) -> Result<(), TaintConfigError> {
        let method = sanitizer.kind == CallKind::Method;
        let name = checked_name(&sanitizer.name, method, key)?;
        let vulns = sanitizer.vulns.as_deref().map_or(VulnSet::ALL, VulnSet::of);
        let gated = Gated {
            value: vulns,
            imports: sanitizer.imports.clone().unwrap_or_default(),
        };
        let table = if method {
            &mut self.method_sanitizers
        } else {
            &mut self.sanitizers
        };
        table.entry(name.to_string()).or_default().push(gated);
        Ok(())
    }

    fn add_propagator(
        &mut self,
        propagator: &PropagatorConfig,
        key: &str,
    ) -> Result<(), TaintConfigError> {
        let method = propagator.kind == CallKind::Method;
        let name = checked_name(&propagator.name, method, key)?;
        let gated = Gated {
            value: (propagator.from, propagator.to),
            imports: propagator.imports.clone().unwrap_or_default(),
        };
        let table = if method {
            &mut self.method_propagators
        } else {
            &mut self.propagators
        };
        table.entry(name.to_string()).or_default().push(gated);
        Ok(())
    }

    fn add_validator(
        &mut self,
        validator: &ValidatorConfig,
        key: &str,
    ) -> Result<(), TaintConfigError> {
        let method = validator.kind == CallKind::Method;
        let name = checked_name(&validator.name, method, key)?;
        let vulns = validator.vulns.as_deref().map_or(VulnSet::ALL, VulnSet::of);
        let imports = validator.imports.clone().unwrap_or_default();
        if method {
            self.method_validators
                .entry(name.to_string())
                .or_default()
                .push(Gated {
                    value: (validator.arg, vulns),
                    imports,
                });
        } else {
            self.validators
                .entry(name.to_string())
                .or_default()
                .push(Gated {
                    value: ValidatorDef {
                        position: validator.arg.unwrap_or(0),
                        keyword: validator.keyword.clone(),
                        vulns,
                    },
                    imports,
                });
        }
        Ok(())
    }

    fn build_hints(&mut self) {
        let mut words = self.hint_words.clone();
        words.extend(self.request.parameter_names.iter().cloned());
        words.extend(self.routes.all_parameters.iter().cloned());
        words.extend(self.routes.html_return.iter().cloned());
        // Route decorators and the WSGI environment.
        words.push("route".to_string());
        words.push("environ".to_string());
        words.sort();
        words.dedup();
        words.retain(|w| !w.is_empty());
        self.hints = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .ok();
    }

    /// Byte offsets in `text` where a word that may introduce a source occurs as a whole
    /// identifier (`request`, not `requests`; `input`, not `inputs`), outside comments. A file
    /// without any has no source the engine could find, so it is not analysed at all.
    pub(crate) fn hint_offsets(&self, text: &str) -> Vec<u32> {
        let Some(hints) = &self.hints else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        hints
            .find_iter(text)
            .filter(|m| {
                let before = m.start().checked_sub(1).and_then(|i| bytes.get(i));
                let after = bytes.get(m.end());
                !before.is_some_and(|&b| is_word(b))
                    && !after.is_some_and(|&b| is_word(b))
                    && !in_comment(bytes, m.start())
            })
            .map(|m| u32::try_from(m.start()).unwrap_or(u32::MAX))
            .collect()
    }
}

/// Whether `offset` is inside a `#` comment: a `#` before it on its line, outside quotes.
fn in_comment(bytes: &[u8], offset: usize) -> bool {
    let line_start = bytes
        .get(..offset)
        .and_then(|before| before.iter().rposition(|&b| b == b'\n'))
        .map_or(0, |i| i + 1);
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for &b in bytes.get(line_start..offset).unwrap_or_default() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == q {
                    quote = None;
                }
            }
            None if b == b'#' => return true,
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None => {}
        }
    }
    false
}

/// The name's text if it is a dotted identifier (a single identifier for methods).
fn checked_name<'s>(
    name: &'s Spanned<String>,
    method: bool,
    key: &str,
) -> Result<&'s str, TaintConfigError> {
    let text = name.get_ref().as_str();
    let is_identifier = |segment: &str| {
        let mut chars = segment.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_')
    };
    let ok = if method {
        is_identifier(text)
    } else {
        !text.is_empty() && text.split('.').all(is_identifier)
    };
    if ok {
        Ok(text)
    } else {
        let expected = if method {
            "a method name (`run_raw`)"
        } else {
            "a dotted qualified name (`mypackage.db.run`)"
        };
        Err(TaintConfigError {
            key: format!("{key}.name"),
            span: name.span(),
            message: format!("`{text}` is not {expected}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_spec_parses_and_covers_every_class() {
        let spec = TaintSpec::parse_builtin(BUILTIN).unwrap();
        for vuln in Vuln::ALL {
            let has_sink = spec
                .sinks
                .values()
                .chain(spec.method_sinks.values())
                .flatten()
                .any(|sink| sink.vuln == vuln)
                || spec.stores.iter().any(|store| store.vuln == vuln);
            assert!(has_sink, "no sink for {vuln}");
        }
        assert!(spec.sources.contains_key("flask.request"));
        assert!(spec.sources.contains_key("sys.argv"));
        assert!(spec.method_sources.contains_key("recv"));
        assert!(spec.sanitizers.contains_key("shlex.quote"));
        assert!(spec.request.attributes.contains("GET"));
        assert_eq!(spec.hint_offsets("x = sys.argv[1]"), [8]);
        assert!(spec.hint_offsets("x = 1 + 2").is_empty());
        // Whole identifiers only.
        assert!(
            spec.hint_offsets("import requests\nquartic = inputs")
                .is_empty()
        );
        assert_eq!(
            spec.hint_offsets("def v(request): return request.GET")
                .len(),
            2
        );
        assert!(spec.hint_offsets("x = 1  # the request\n").is_empty());
        assert_eq!(spec.hint_offsets("x = '#' + request.GET['a']\n"), [10]);
        // `builtin()` is the same table.
        assert_eq!(TaintSpec::builtin().sinks.len(), spec.sinks.len());
    }

    #[test]
    fn extend_adds_entries_and_names_bad_ones() {
        let config: TaintConfig = toml::from_str(
            r#"
            sources = [{ name = "mylib.get_param" }]
            sinks = [{ name = "mydb.run", arg = 0, vuln = "sql" }]
            sanitizers = [{ name = "mylib.clean", vulns = ["sql"] }]
            "#,
        )
        .unwrap();
        let spec = TaintSpec::builtin().extend(&config).unwrap();
        assert_eq!(
            &*spec.sources["mylib.get_param"].label,
            "`mylib.get_param()`"
        );
        assert_eq!(spec.sinks["mydb.run"][0].positions, [0]);
        assert!(!spec.hint_offsets("value = get_param('x')").is_empty());

        let text = "sinks = [{ name = \"my db.run\", vuln = \"sql\" }]";
        let config: TaintConfig = toml::from_str(text).unwrap();
        let err = TaintSpec::builtin().extend(&config).unwrap_err();
        assert_eq!(err.key, "sinks[0].name");
        assert_eq!(&text[err.span.clone()], "\"my db.run\"");
        assert!(err.to_string().contains("not a dotted qualified name"));

        let config: TaintConfig =
            toml::from_str("sinks = [{ name = \"a.b\", kind = \"method\", vuln = \"sql\" }]")
                .unwrap();
        assert!(TaintSpec::builtin().extend(&config).is_err());
    }
}
