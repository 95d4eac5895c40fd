/* lead.js — one lead (GET /leads/CODE), its matching parcels with the reasons
 * (GET /leads/CODE/match), reserving one (POST /leads/CODE/reserve), signing (POST /projects),
 * its history (GET /history/lead/CODE). */
'use strict';

const code = PL.param('code') || '';
const enc = encodeURIComponent(code);
let lead = null;

const FIELDS = [
  ['col.company', (l) => l.company], ['col.company_en', (l) => l.company_en], ['col.country', (l) => l.country],
  ['col.industry', (l) => (l.industry_zh || '') + ' ' + (l.industry || '')], ['col.stage', (l) => l.stage_zh + ' ' + l.stage + ' ' + PL.fmt(l.stage_date)],
  ['col.land_mu', (l) => l.land_mu], ['col.investment', (l) => l.investment_wan], ['col.owner', (l) => l.owner],
  ['col.note', (l) => l.note], ['nav.projects', (l) => l.projects],
];

async function loadLead() {
  const l = await PL.get('/leads/' + enc);
  lead = l;
  document.getElementById('code').textContent = l.code;
  document.getElementById('fields').replaceChildren(PL.el('table', { id: 'lead-fields' },
    ...FIELDS.map(([k, f]) => PL.el('tr', {}, PL.el('th', {}, I18N.t(k)), PL.el('td', {}, PL.fmt(f(l)))))));
}

async function loadMatch(lead) {
  const box = document.getElementById('match');
  if (lead.stage === 'signed') { /* a signed lead is matched no more */
    box.replaceChildren(PL.el('p', { class: 'muted' }, I18N.t('lead.signed')));
    return;
  }
  let rows;
  try {
    rows = await PL.get('/leads/' + enc + '/match?top=10');
  } catch (e) {
    box.replaceChildren(PL.el('p', { class: 'muted' }, e.message));
    return;
  }
  const reasons = (r) => PL.el('div', { class: 'reasons' },
    ...['area', 'industry', 'investment', 'tax', 'contiguity'].map((k) => PL.el('div', {}, r[k + '_reason'])));
  const cols = [
    { key: 'rank', label: I18N.t('col.rank'), num: true },
    { key: 'code', label: I18N.t('col.code') },
    { key: 'name', label: I18N.t('col.name') },
    { key: 'area_mu', label: I18N.t('col.area_mu'), num: true },
    { key: 'score', label: I18N.t('col.score'), num: true },
    { key: 'reasons', label: I18N.t('col.reasons'), render: reasons },
  ];
  if (PL.canInvest())
    cols.push({ key: 'act', label: '', render: (r) => PL.el('button', { type: 'button', class: 'act reserve', onclick: (ev) => reserve(r.code, ev.target) }, I18N.t('lead.reserve')) });
  box.replaceChildren(PL.table(cols, rows, { id: 'match-table' }));
}

async function reserve(parcel, button) {
  try {
    const res = await PL.call('POST', '/leads/' + enc + '/reserve', { parcel });
    PL.say(I18N.t('done.reserved') + ' ' + res.parcel + ' → ' + res.lead + ' (' + res.expires + ')');
    button.replaceWith(PL.el('span', { class: 'muted' }, I18N.t('lead.reserved')));
    const f = document.getElementById('sign');
    const list = f.parcels.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!list.includes(res.parcel)) list.push(res.parcel);
    f.parcels.value = list.join(',');
    await loadHistory();
  } catch (e) {
    PL.fail(e);
  }
}

async function sign(ev) {
  ev.preventDefault();
  const f = ev.target;
  const body = { lead: code, parcels: f.parcels.value.split(/[,，\s]+/).filter(Boolean) };
  if (f.far.value.trim()) body.far = f.far.value.trim();
  if (f.energy_per_output.value.trim()) body.energy_per_output = f.energy_per_output.value.trim();
  if (f.accept_shortfall.checked) body.accept_shortfall = true;
  if (f.note.value.trim()) body.note = f.note.value.trim();
  try {
    const p = await PL.call('POST', '/projects', body);
    PL.say(I18N.t('done.signed') + ' ' + p.code);
    const s = document.getElementById('status');
    s.append(' ', PL.el('a', { href: '/project.html?code=' + encodeURIComponent(p.code), id: 'project-link' }, p.code));
    await loadLead();
    await Promise.all([loadMatch(lead), loadHistory()]);
  } catch (e) {
    PL.fail(e);
  }
}

async function loadHistory() {
  const hist = await PL.get('/history/lead/' + enc);
  document.getElementById('history').replaceChildren(PL.historyTable(hist));
}

document.addEventListener('DOMContentLoaded', async () => {
  if (!PL.header('leads')) return;
  I18N.apply();
  if (!PL.canInvest()) { /* leads are for the investment role: no call the server would refuse */
    for (const e of document.querySelectorAll('.write')) e.remove();
    PL.say(I18N.t('forbidden'), true);
    return;
  }
  document.getElementById('sign').addEventListener('submit', sign);
  try {
    await loadLead();
    await Promise.all([loadMatch(lead), loadHistory()]);
  } catch (e) {
    PL.fail(e);
  }
});
