// The HTML report's only script (inline, allowed by its hash in the page's CSP). Every finding is
// already in the page; this adds filters, search and sorting, driven by the controls and by the
// URL fragment (#severity=high,critical&audit=code&rule=…&file=…&q=…&sort=severity), so a filtered
// view can be linked to. It never builds markup from report data: it toggles `hidden`, sets
// `textContent` and reorders existing nodes.
(function () {
  'use strict';
  var body = document.body;
  var form = document.getElementById('filters');
  var list = document.getElementById('finding-list');
  if (!form || !list) {
    body.dataset.ready = '1';
    return;
  }
  var items = Array.prototype.slice.call(list.querySelectorAll('.finding'));
  var texts = items.map(function (el) { return el.textContent.toLowerCase(); });
  var count = document.getElementById('visible-count');
  var none = document.getElementById('no-match');
  var section = document.getElementById('findings');
  var boxes = function (name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]'));
  };
  var groups = { severity: boxes('severity'), audit: boxes('audit') };
  var selects = { rule: form.elements.rule, file: form.elements.file, sort: form.elements.sort };
  var search = form.elements.q;
  var rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  var written = null;

  function values(group) {
    return group.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }

  function apply() {
    var sev = values(groups.severity);
    var aud = values(groups.audit);
    var rule = selects.rule.value;
    var file = selects.file.value;
    var needle = search.value.trim().toLowerCase();
    var shown = 0;
    items.forEach(function (el, i) {
      var d = el.dataset;
      var ok = sev.indexOf(d.severity) >= 0 && aud.indexOf(d.audit) >= 0 &&
        (!rule || d.rule === rule) && (!file || d.file === file) &&
        (!needle || texts[i].indexOf(needle) >= 0);
      el.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = String(shown);
    none.hidden = shown !== 0;
    order();
  }

  function order() {
    var key = selects.sort.value;
    var sorted = items.slice().sort(function (a, b) {
      var x = a.dataset, y = b.dataset, c = 0;
      if (key === 'severity') c = rank[x.severity] - rank[y.severity];
      else if (key === 'rule') c = x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : 0;
      return c || x.index - y.index;
    });
    sorted.forEach(function (el) { list.appendChild(el); });
  }

  function toHash() {
    var parts = [];
    Object.keys(groups).forEach(function (name) {
      var on = values(groups[name]);
      if (on.length !== groups[name].length) parts.push(name + '=' + on.join(','));
    });
    ['rule', 'file'].forEach(function (name) {
      if (selects[name].value) parts.push(name + '=' + encodeURIComponent(selects[name].value));
    });
    if (search.value.trim()) parts.push('q=' + encodeURIComponent(search.value.trim()));
    if (selects.sort.value !== 'file') parts.push('sort=' + selects.sort.value);
    return parts.length ? '#' + parts.join('&') : '';
  }

  // Only fragments made of `key=value` pairs are filters; `#notices` is a plain anchor.
  function fromHash() {
    var raw = location.hash.replace(/^#/, '');
    if (raw.indexOf('=') < 0) return false;
    var params = new URLSearchParams(raw);
    Object.keys(groups).forEach(function (name) {
      var wanted = params.has(name) ? params.get(name).split(',') : null;
      groups[name].forEach(function (b) { b.checked = !wanted || wanted.indexOf(b.value) >= 0; });
    });
    Object.keys(selects).forEach(function (name) {
      var select = selects[name];
      var value = params.get(name) || '';
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.selectedIndex = 0;
      if (known) select.value = value;
    });
    search.value = params.get('q') || '';
    return true;
  }

  function changed() {
    apply();
    var hash = toHash();
    if (hash === location.hash) return;
    var url = location.href.replace(/#.*$/, '') + hash;
    try {
      history.replaceState(null, '', url);
    } catch (e) {
      written = hash;
      location.replace(hash || '#');
    }
  }

  form.addEventListener('change', changed);
  form.addEventListener('input', function (e) { if (e.target === search) changed(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.elements.clear.addEventListener('click', function () {
    Object.keys(groups).forEach(function (n) { groups[n].forEach(function (b) { b.checked = true; }); });
    Object.keys(selects).forEach(function (n) { selects[n].selectedIndex = 0; });
    search.value = '';
    changed();
  });
  window.addEventListener('hashchange', function () {
    if (written !== null && location.hash === written) return;
    written = null;
    if (fromHash()) {
      apply();
      if (section) section.scrollIntoView();
    }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement === body) {
      e.preventDefault();
      search.focus();
    }
  });

  form.hidden = false;
  fromHash();
  apply();
  body.dataset.ready = '1';
})();
