/* reports.js — a report's tables (GET /reports/KIND) with each table's definition (its note),
 * and the CSV and XLSX downloads of the same report. */
'use strict';

function cell(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return PL.fmt(v);
}

/* The period each kind is asked for (GET /reports/KIND, docs/api.md): a month, a quarter, a
 * year of annual figures, or an as-of date; empty = the API's default (the last complete one). */
const PERIOD = { monthly: 'month', quarterly: 'quarter', muni: 'year' };

function periodOf(kind) { return PERIOD[kind] || 'as_of'; }

function showPeriod() {
  const want = periodOf(document.getElementById('pick').kind.value);
  for (const l of document.querySelectorAll('#pick label[data-period]')) l.hidden = l.dataset.period !== want;
}

async function show(ev) {
  if (ev) ev.preventDefault();
  const f = document.getElementById('pick');
  const period = periodOf(f.kind.value);
  const q = { [period]: f[period].value };
  const base = '/api/v1/reports/' + encodeURIComponent(f.kind.value);
  document.getElementById('csv').href = base + PL.query({ ...q, format: 'csv' });
  document.getElementById('xlsx').href = base + PL.query({ ...q, format: 'xlsx' });
  let rep;
  try {
    rep = await PL.get('/reports/' + encodeURIComponent(f.kind.value) + PL.query(q));
  } catch (e) {
    PL.fail(e);
    return;
  }
  PL.say('');
  const out = [PL.el('h2', {}, I18N.half(rep.title) + ' · ' + rep.as_of)];
  for (const t of rep.tables) {
    out.push(PL.el('h2', {}, I18N.half(t.title)));
    if (t.note) out.push(PL.el('p', { class: 'muted definition' }, I18N.t('reports.definition') + ': ' + t.note));
    out.push(PL.table(t.columns.map((c) => ({ key: c.key, label: I18N.half(c.label), num: c.numeric, render: (r) => cell(r[c.key]) })),
      t.rows, { 'data-key': t.key }));
  }
  document.getElementById('report').replaceChildren(...out);
}

document.addEventListener('DOMContentLoaded', () => {
  if (!PL.header('reports')) return;
  I18N.apply();
  document.getElementById('pick').addEventListener('submit', show);
  document.getElementById('pick').kind.addEventListener('change', showPeriod);
  showPeriod(); /* a form the browser restored may hold another kind */
  show();
});
