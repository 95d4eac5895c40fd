/* leads.js — the leads (GET /leads) and a new lead (POST /leads). */
'use strict';

async function loadLeads() {
  let rows;
  try {
    rows = await PL.get('/leads');
  } catch (e) {
    PL.fail(e);
    return;
  }
  const link = (r) => PL.el('a', { href: '/lead.html?code=' + encodeURIComponent(r.code) }, r.code);
  document.getElementById('list').replaceChildren(PL.table([
    { key: 'code', label: I18N.t('lead.code'), render: link },
    { key: 'company', label: I18N.t('col.company') },
    { key: 'country', label: I18N.t('col.country') },
    { key: 'industry', label: I18N.t('col.industry'), render: (r) => PL.fmt(I18N.lang === 'zh' ? r.industry_zh || r.industry : r.industry) },
    { key: 'stage', label: I18N.t('col.stage'), render: (r) => PL.fmt(I18N.lang === 'zh' ? r.stage_zh : r.stage) },
    { key: 'land_mu', label: I18N.t('col.land_mu'), num: true },
    { key: 'investment_wan', label: I18N.t('col.investment'), num: true },
    { key: 'owner', label: I18N.t('col.owner') },
  ], rows, { id: 'leads' }));
}

document.addEventListener('DOMContentLoaded', () => {
  if (!PL.header('leads')) return;
  I18N.apply();
  if (!PL.canInvest()) { /* for the investment role: no call the server would refuse */
    for (const e of document.querySelectorAll('.write, form')) e.remove();
    PL.say(I18N.t('forbidden'), true);
    return;
  }
  if (!PL.canInvest()) for (const e of document.querySelectorAll('.write')) e.remove();
  const add = document.getElementById('add');
  if (add) add.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const k of ['code', 'company', 'industry', 'land_mu', 'investment_wan'])
      if (add[k].value.trim()) body[k] = add[k].value.trim();
    try {
      const lead = await PL.call('POST', '/leads', body);
      PL.say(I18N.t('done.saved') + ' ' + lead.code);
      add.reset();
      await loadLeads();
    } catch (e) {
      PL.fail(e);
    }
  });
  loadLeads();
});
