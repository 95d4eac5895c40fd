/* api.js — what every page shares: the session (user, role, CSRF token of the login, kept in
 * this tab's sessionStorage), calls to /api/v1 (JSON, the CSRF header on writes, 401 → login),
 * building elements with text only (never markup from data), the header with its navigation. */
'use strict';

const PL = {};

PL.session = function () {
  try { return JSON.parse(sessionStorage.getItem('pl.session')) || null; } catch (e) { return null; }
};

/* Roles that may write leads, reservations, projects (docs/api.md, src/server/routes.c). */
PL.canInvest = function () {
  const s = PL.session();
  return !!s && (s.role === 'investment' || s.role === 'admin');
};

/* Roles that may import, edit parcels and change their statuses; the admin's accounts and parks. */
PL.canLand = function () {
  const s = PL.session();
  return !!s && (s.role === 'land' || s.role === 'admin');
};
PL.isAdmin = function () {
  const s = PL.session();
  return !!s && s.role === 'admin';
};

PL.toLogin = function () {
  sessionStorage.removeItem('pl.session');
  const here = location.pathname + location.search;
  location.href = '/login.html?next=' + encodeURIComponent(here);
};

/* An API error: the server's message (in the page's language) and the JSON body. */
class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || ('HTTP ' + status));
    this.status = status;
    this.body = body;
  }
}
PL.ApiError = ApiError;

/* method, path under /api/v1 (with its query), optional JSON body → the parsed answer. */
PL.call = async function (method, path, body) {
  const s = PL.session();
  const headers = { 'Accept-Language': I18N.lang === 'zh' ? 'zh-CN' : 'en' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && s) headers['X-CSRF-Token'] = s.csrf;
  const res = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (res.status === 401 && path !== '/session') {
    PL.toLogin();
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
};
PL.get = (path) => PL.call('GET', path);

/* POST a file as the request body (the import's upload: no multipart) → the parsed JSON answer. */
PL.upload = async function (path, file, type) {
  const s = PL.session();
  const headers = { 'Accept-Language': I18N.lang === 'zh' ? 'zh-CN' : 'en', 'Content-Type': type };
  if (s) headers['X-CSRF-Token'] = s.csrf;
  const res = await fetch('/api/v1' + path, { method: 'POST', headers, credentials: 'same-origin', body: file });
  const type2 = res.headers.get('Content-Type') || '';
  const data = type2.includes('json') ? await res.json() : await res.text();
  if (res.status === 401) {
    PL.toLogin();
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
};

/* A query string of the non-empty members of obj. */
PL.query = function (obj) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
};

/* el('td', {class: 'num'}, 'text', child…): attributes set one by one, children appended as
 * text nodes or elements. Data never becomes markup. */
PL.el = function (tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
};

PL.fmt = function (v, digits) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return digits === undefined ? String(v) : v.toFixed(digits);
  return String(v);
};

/* A table of rows: columns [{key, label, num, render(row) → Node|text}]. */
PL.table = function (columns, rows, attrs) {
  const head = PL.el('tr', {}, ...columns.map((c) => PL.el('th', { class: c.num ? 'num' : null }, c.label)));
  const body = rows.map((r) => PL.el('tr', { 'data-code': r.code },
    ...columns.map((c) => PL.el('td', { class: c.num ? 'num' : null },
      c.render ? c.render(r) : PL.fmt(r[c.key])))));
  return PL.el('table', attrs || {}, PL.el('thead', {}, head), PL.el('tbody', {}, ...body));
};

/* A UTC time of the history ("2026-03-01T08:00:00Z") as the local time of the parks. */
PL.localTime = function (at) {
  const d = new Date(at);
  if (!at || isNaN(d)) return PL.fmt(at);
  return d.toLocaleString(I18N.lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false });
};

/* The rows of GET /history/…, newest first. */
PL.historyTable = function (hist) {
  return PL.table([
    { key: 'at', label: I18N.t('col.at'), render: (r) => PL.localTime(r.at) }, { key: 'who', label: I18N.t('col.who') },
    { key: 'field', label: I18N.t('col.field') }, { key: 'old', label: I18N.t('col.old') },
    { key: 'new', label: I18N.t('col.new') }, { key: 'note', label: I18N.t('col.note') },
  ], hist.slice().reverse(), { class: 'history' });
};

/* Show a message (error or done) in the page's status line. */
PL.say = function (text, isError) {
  const box = document.getElementById('status');
  if (!box) return;
  box.textContent = text;
  box.className = isError ? 'error' : 'ok';
};
PL.fail = function (e) {
  let text = e.message || String(e);
  const b = e.body || {};
  for (const list of [b.problems, b.shortfalls, b.notes]) if (Array.isArray(list) && list.length) text += '\n' + list.join('\n');
  PL.say(text, true);
};

/* The header: navigation by role, the user, language switch, log out. Needs a session. */
PL.header = function (active) {
  const s = PL.session();
  if (!s) { PL.toLogin(); return null; }
  const links = [['map', '/index.html']];
  if (PL.canInvest()) links.push(['leads', '/leads.html'], ['projects', '/projects.html']);
  links.push(['reports', '/reports.html']);
  if (PL.canLand()) links.push(['import', '/import.html']);
  if (PL.isAdmin()) links.push(['users', '/users.html']);
  const nav = PL.el('nav', {}, ...links.map(([k, href]) =>
    PL.el('a', { href, class: k === active ? 'active' : null, 'data-i18n': 'nav.' + k }, I18N.t('nav.' + k))));
  const lang = PL.el('button', { type: 'button', id: 'lang', onclick: () => I18N.toggle() }, I18N.t('lang.other'));
  const out = PL.el('button', { type: 'button', id: 'logout', onclick: async () => {
    try { await PL.call('DELETE', '/session'); } catch (e) { /* gone already */ }
    sessionStorage.removeItem('pl.session');
    location.href = '/login.html';
  } }, I18N.t('logout'));
  const who = PL.el('span', { id: 'who' }, s.user + ' · ' + I18N.t('role.' + s.role));
  const h = PL.el('header', {}, PL.el('strong', {}, I18N.t('app')), nav, who, lang, out);
  document.body.prepend(h);
  return s;
};

/* ?name= of the page's URL. */
PL.param = (name) => new URLSearchParams(location.search).get(name);
