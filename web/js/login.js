/* login.js — POST /api/v1/session; the answer's user, role and CSRF token kept for this tab. */
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  I18N.apply();
  document.getElementById('lang').addEventListener('click', () => I18N.toggle());
  document.getElementById('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    try {
      const s = await PL.call('POST', '/session', { user: f.user.value, password: f.password.value });
      sessionStorage.setItem('pl.session', JSON.stringify({ user: s.user, role: s.role, csrf: s.csrf }));
      const next = PL.param('next');
      /* only a path of this site: never an address elsewhere */
      location.href = next && /^\/[A-Za-z0-9_.\-\/]*(\?[^\\]*)?$/.test(next) && !next.startsWith('//') ? next : '/index.html';
    } catch (e) {
      PL.fail(e);
    }
  });
});
