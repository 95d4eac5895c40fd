/* projects.js — the signed projects (GET /projects). */
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
  if (!PL.header('projects')) return;
  I18N.apply();
  if (!PL.canInvest()) { /* for the investment role: no call the server would refuse */
    for (const e of document.querySelectorAll('.write, form')) e.remove();
    PL.say(I18N.t('forbidden'), true);
    return;
  }
  try {
    const rows = await PL.get('/projects');
    const link = (r) => PL.el('a', { href: '/project.html?code=' + encodeURIComponent(r.code) }, r.code);
    document.getElementById('list').replaceChildren(PL.table([
      { key: 'code', label: I18N.t('lead.code'), render: link },
      { key: 'company', label: I18N.t('col.company') },
      { key: 'industry', label: I18N.t('col.industry') },
      { key: 'stage', label: I18N.t('col.stage'), render: (r) => PL.fmt(I18N.lang === 'zh' ? r.stage_zh : r.stage) },
      { key: 'signed_on', label: I18N.t('col.signed_on') },
      { key: 'parcels', label: I18N.t('col.parcels') },
      { key: 'area_mu', label: I18N.t('col.area_mu'), num: true },
      { key: 'investment_wan', label: I18N.t('col.investment'), num: true },
    ], rows, { id: 'projects' }));
  } catch (e) {
    PL.fail(e);
  }
});
