/* reports.js — a report's tables (GET /reports/KIND) with each table's definition (its note),
 * and the CSV and XLSX downloads of the same report. */
'use strict';

function cell(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return PL.fmt(v);
}

async function show(ev) {
  if (ev) ev.preventDefault();
  const f = document.getElementById('pick');
  const q = { as_of: f.as_of.value };
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
  show();
});
