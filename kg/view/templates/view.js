/* kg view: plain JS on top of vis-network. All graph text goes into the DOM via textContent. */
(function () {
  'use strict';
  var T0 = performance.now();
  var data = JSON.parse(document.getElementById('kg-data').textContent);
  var details = data.details || {};
  var pages = data.pages || {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeHref(u) {
    return (typeof u === 'string' && /^https?:\/\/[^\s<>"']+$/i.test(u)) ? u : null;
  }
  function safePage(u) {
    return (typeof u === 'string' && /^[A-Za-z0-9._-]+\.html$/.test(u)) ? u : null;
  }
  function plural(n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); }
  var colorOf = {};
  (data.types || []).forEach(function (t) { colorOf[t.label] = t.color; });

  // Tooltips are DOM elements built with textContent (never HTML strings).
  function nodeTip(id) {
    var d = details[id] || {};
    var box = el('div', 'kg-tip');
    box.appendChild(el('div', 'kg-tip-name', d.name));
    var kind = d.type || '';
    if (typeof d.papers === 'number') kind += ' \u00b7 ' + plural(d.papers, 'paper');
    if (d.date) kind += ' \u00b7 ' + d.date;
    box.appendChild(el('div', 'kg-tip-type', kind));
    if (d.aliases && d.aliases.length) box.appendChild(el('div', 'kg-tip-aliases', 'also: ' + d.aliases.join(', ')));
    return box;
  }
  function edgeTip(e) {
    var k = e.kg || {};
    var s = k.type || e.kgType || '';
    if (typeof k.count === 'number') s += ' \u00d7' + k.count;
    return el('div', 'kg-tip', s);
  }

  var rawNodes = data.nodes.map(function (n) { var c = Object.assign({}, n); c.title = nodeTip(n.id); return c; });
  var rawEdges = data.edges.map(function (e) { var c = Object.assign({}, e); c.title = edgeTip(e); return c; });
  var nodes = new vis.DataSet(rawNodes);
  var edges = new vis.DataSet(rawEdges);
  var container = document.getElementById('kg-network');
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options || {});
  window.kgNetwork = network;
  window.kgNodes = nodes;
  window.kgEdges = edges;
  window.kgTimings = { scriptStart: T0, networkBuilt: performance.now() };
  network.once('afterDrawing', function () {
    window.kgTimings.firstDraw = performance.now();
    window.kgReady = true;
  });
  network.on('stabilized', function () { window.kgTimings.stabilized = performance.now(); });

  // Adjacency for the panels.
  var adj = {};
  data.edges.forEach(function (e) {
    (adj[e.from] = adj[e.from] || []).push(e);
    (adj[e.to] = adj[e.to] || []).push(e);
  });

  // ---- side panel ----
  var panel = document.getElementById('kg-panel');
  var body = document.getElementById('kg-panel-body');
  document.getElementById('kg-panel-close').addEventListener('click', function () { panel.hidden = true; });

  function kindLine(type) {
    var k = el('div', 'kg-kind', type);
    k.style.color = colorOf[type] || '#616e7c';
    return k;
  }
  function nodeButton(id) {
    var d = details[id] || {};
    var b = el('button', 'kg-link', d.name || id);
    b.type = 'button';
    b.addEventListener('click', function () { focusNode(id); });
    return b;
  }
  function addLinks(links) {
    var shown = (links || []).filter(function (l) { return safeHref(l.href); });
    if (!shown.length) return;
    var p = el('p', 'kg-links');
    shown.forEach(function (l, i) {
      if (i) p.appendChild(document.createTextNode(' \u00b7 '));
      var a = el('a', null, l.label || l.href);
      a.href = safeHref(l.href);
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      p.appendChild(a);
    });
    body.appendChild(p);
  }
  function neighbourList(id) {
    var list = adj[id] || [];
    if (!list.length) return;
    var groups = {};
    list.forEach(function (e) {
      var other = e.from === id ? e.to : e.from;
      var key = (e.kgType || '') + (e.from === id ? ' \u2192' : ' \u2190');
      (groups[key] = groups[key] || []).push(other);
    });
    Object.keys(groups).sort().forEach(function (key) {
      body.appendChild(el('div', 'kg-meta', key + ' (' + groups[key].length + ')'));
      var ul = el('ul');
      groups[key].slice(0, 30).forEach(function (o) { var li = el('li'); li.appendChild(nodeButton(o)); ul.appendChild(li); });
      if (groups[key].length > 30) ul.appendChild(el('li', 'kg-meta', '\u2026 ' + (groups[key].length - 30) + ' more'));
      body.appendChild(ul);
    });
  }
  function showNode(id) {
    var d = details[id];
    if (!d) return;
    body.textContent = '';
    body.appendChild(kindLine(d.type + (d.stub ? ' (cited, not in corpus)' : '')));
    body.appendChild(el('h2', 'kg-name', d.name));
    if (d.type === 'Paper') {
      var meta = [d.date, d.pid].filter(Boolean).join(' \u00b7 ');
      if (meta) body.appendChild(el('div', 'kg-meta', meta));
      if (d.abstract) body.appendChild(el('p', 'kg-abstract', d.abstract));
      addLinks(d.links);
    } else if (d.type === 'Result') {
      var parts = [];
      if (d.value !== undefined) parts.push('value: ' + d.value);
      if (d.unit) parts.push('unit: ' + d.unit);
      body.appendChild(el('div', 'kg-meta', parts.join(' \u00b7 ')));
    } else if (d.type === 'Repository') {
      addLinks(d.links);
    } else {
      if (typeof d.papers === 'number') body.appendChild(el('div', 'kg-meta', plural(d.papers, 'paper')));
      if (d.aliases && d.aliases.length) body.appendChild(el('p', 'kg-aliases', 'Also known as: ' + d.aliases.join(', ')));
      var page = safePage(pages[id]);
      if (page && !(data.center === id)) {
        var a = el('a', null, 'Open its own page');
        a.href = page;
        var p = el('p'); p.appendChild(a); body.appendChild(p);
      }
    }
    neighbourList(id);
    panel.hidden = false;
  }
  function showEdge(eid) {
    var e = edges.get(eid);
    if (!e) return;
    var k = e.kg || {};
    body.textContent = '';
    body.appendChild(kindLine('Relationship'));
    body.appendChild(el('h2', 'kg-name', k.type || e.kgType));
    var p = el('p');
    p.appendChild(nodeButton(e.from));
    p.appendChild(document.createTextNode(' \u2192 '));
    p.appendChild(nodeButton(e.to));
    body.appendChild(p);
    if (k.sentence) {
      var s = el('p', 'kg-sentence');
      s.appendChild(document.createTextNode(k.sentence[0] || ''));
      if (k.sentence[1]) s.appendChild(el('mark', null, k.sentence[1]));
      s.appendChild(document.createTextNode(k.sentence[2] || ''));
      body.appendChild(s);
    } else {
      body.appendChild(el('p', 'kg-meta', 'No evidence sentence stored for this edge.'));
    }
    var meta = [];
    if (k.field) meta.push('field: ' + k.field);
    if (k.extractor) meta.push('extractor: ' + k.extractor);
    if (k.count !== undefined) meta.push('count: ' + k.count);
    if (k.via) meta.push('via: ' + k.via);
    if (meta.length) body.appendChild(el('div', 'kg-meta', meta.join(' \u00b7 ')));
    panel.hidden = false;
  }
  network.on('click', function (params) {
    if (params.nodes && params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges && params.edges.length) showEdge(params.edges[0]);
    else panel.hidden = true;
  });
  // Edge label (relationship type) appears while hovering the edge.
  network.on('hoverEdge', function (p) { var e = edges.get(p.edge); if (e) edges.update({ id: p.edge, label: e.kgType }); });
  network.on('blurEdge', function (p) { edges.update({ id: p.edge, label: undefined }); });

  // ---- legend + type filter ----
  var legend = document.getElementById('kg-legend');
  (data.types || []).forEach(function (t) {
    var lab = el('label');
    var cb = el('input');
    cb.type = 'checkbox';
    cb.checked = true;
    cb.setAttribute('data-type', t.label);
    cb.addEventListener('change', function () {
      var upd = [];
      nodes.forEach(function (n) { if (n.kgType === t.label) upd.push({ id: n.id, hidden: !cb.checked }); });
      nodes.update(upd);
    });
    var sw = el('span', 'kg-swatch');
    sw.style.background = t.color;
    lab.appendChild(cb);
    lab.appendChild(sw);
    lab.appendChild(el('span', null, t.label));
    lab.appendChild(el('span', 'kg-count', t.count));
    legend.appendChild(lab);
  });
  legend.appendChild(el('div', 'kg-legend-hint', 'size = number of papers'));

  // ---- physics toggle ----
  var phys = document.getElementById('kg-physics');
  phys.checked = !!(data.options && data.options.physics && data.options.physics.enabled);
  phys.addEventListener('change', function () { network.setOptions({ physics: { enabled: phys.checked } }); });

  // ---- search ----
  var index = data.nodes.map(function (n) {
    var d = details[n.id] || {};
    return { id: n.id, text: [d.name || '', (d.aliases || []).join(' '), d.pid || '', n.id].join(' ').toLowerCase() };
  });
  var input = document.getElementById('kg-search');
  var results = document.getElementById('kg-results');
  var hits = [];
  function focusNode(id) {
    var n = nodes.get(id);
    if (!n) return;
    if (n.hidden) {
      nodes.update({ id: id, hidden: false });
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 350, easingFunction: 'easeInOutQuad' } });
    showNode(id);
  }
  window.kgFocus = focusNode;
  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = '';
    hits = [];
    if (!q) { results.hidden = true; return; }
    index.forEach(function (r) {
      var i = r.text.indexOf(q);
      if (i >= 0) hits.push({ id: r.id, score: (i === 0 ? 0 : 1) });
    });
    hits.sort(function (a, b) { return a.score - b.score; });
    hits = hits.slice(0, 12);
    if (!hits.length) { results.appendChild(el('li', 'kg-meta', 'no match')); results.hidden = false; return; }
    hits.forEach(function (h, i) {
      var d = details[h.id] || {};
      var li = el('li', i === 0 ? 'active' : null);
      var sw = el('span', 'kg-swatch'); sw.style.background = colorOf[d.type] || '#888';
      li.appendChild(sw);
      li.appendChild(el('span', null, d.name));
      li.appendChild(el('span', 'kg-type', d.type));
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); results.hidden = true; focusNode(h.id); });
      results.appendChild(li);
    });
    results.hidden = false;
  }
  input.addEventListener('input', search);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && hits.length) { results.hidden = true; focusNode(hits[0].id); }
    if (ev.key === 'Escape') { results.hidden = true; }
  });
  input.addEventListener('blur', function () { setTimeout(function () { results.hidden = true; }, 150); });

  if (data.center && nodes.get(data.center)) network.selectNodes([data.center]);
})();
