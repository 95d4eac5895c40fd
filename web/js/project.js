/* project.js — one project (GET /projects/CODE), its milestones (POST …/milestones) and history. */
'use strict';

const code = PL.param('code') || '';
const enc = encodeURIComponent(code);
const KINDS = ['land', 'construction', 'production', 'verification'];

function show(p) {
  document.getElementById('code').textContent = p.code;
  const rows = [
    ['col.lead', p.lead], ['col.company', p.company], ['col.industry', p.industry],
    ['col.stage', p.stage_zh + ' ' + p.stage], ['col.signed_on', p.signed_on], ['col.parcels', p.parcels],
    ['col.area_mu', p.area_mu], ['col.investment', p.investment_wan], ['col.intensity', p.investment_intensity],
    ['lead.far', p.far], ['col.note', p.shortfall_note],
  ];
  document.getElementById('fields').replaceChildren(PL.el('table', { id: 'project-fields' },
    ...rows.map(([k, v]) => PL.el('tr', {}, PL.el('th', {}, I18N.t(k)), PL.el('td', {}, PL.fmt(v))))));
  document.getElementById('milestones').replaceChildren(PL.table([
    { key: 'kind', label: I18N.t('col.kind'), render: (r) => I18N.t('ms.' + r.kind) },
    { key: 'planned', label: I18N.t('col.planned') }, { key: 'actual', label: I18N.t('col.actual') },
  ], KINDS.map((k) => ({ kind: k, planned: p[k + '_planned'], actual: p[k + '_actual'] })), { id: 'milestone-table' }));
}

async function loadHistory() {
  const hist = await PL.get('/history/project/' + enc);
  document.getElementById('history').replaceChildren(PL.historyTable(hist));
}

document.addEventListener('DOMContentLoaded', async () => {
  if (!PL.header('projects')) return;
  I18N.apply();
  if (!PL.canInvest()) { /* for the investment role: no call the server would refuse */
    for (const e of document.querySelectorAll('.write, form')) e.remove();
    PL.say(I18N.t('forbidden'), true);
    return;
  }
  const form = document.getElementById('milestone');
  if (!PL.canInvest()) form.remove();
  else form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { kind: form.kind.value, [form.which.value]: form.date.value };
    if (form.note.value.trim()) body.note = form.note.value.trim();
    try {
      show(await PL.call('POST', '/projects/' + enc + '/milestones', body));
      PL.say(I18N.t('done.saved'));
      await loadHistory();
    } catch (e) {
      PL.fail(e);
    }
  });
  try {
    show(await PL.get('/projects/' + enc));
    await loadHistory();
  } catch (e) {
    PL.fail(e);
  }
});
