/* users.js — the admin's page: accounts (GET /users; add: POST /users; disable, new password:
 * PATCH /users/NAME) and parks (GET /parks; add: POST /parks). */
'use strict';

async function loadUsers() {
  let rows;
  try {
    rows = await PL.get('/users');
  } catch (e) {
    PL.fail(e);
    return;
  }
  const me = PL.session().user;
  const actions = (r) => {
    if (r.disabled_at) return PL.el('span', { class: 'muted' }, I18N.t('users.disabled'));
    const pw = PL.el('input', { type: 'password', name: 'password', size: 12, autocomplete: 'new-password', 'aria-label': I18N.t('users.newPassword') });
    return PL.el('span', { class: 'actions' }, pw,
      PL.el('button', { type: 'button', class: 'passwd', onclick: () => passwd(r.name, pw) }, I18N.t('users.passwd')),
      r.name === me ? null : PL.el('button', { type: 'button', class: 'disable', onclick: () => disable(r.name) }, I18N.t('users.disable')));
  };
  document.getElementById('list').replaceChildren(PL.table([
    { key: 'name', label: I18N.t('login.user') },
    { key: 'role', label: I18N.t('users.role'), render: (r) => I18N.t('role.' + r.role) },
    { key: 'state', label: I18N.t('users.state'), render: (r) => r.disabled_at ? I18N.t('users.disabled') + ' ' + PL.localTime(r.disabled_at) : I18N.t('users.active') },
    { key: 'created_at', label: I18N.t('users.created'), render: (r) => PL.localTime(r.created_at) },
    { key: 'actions', label: '', render: actions },
  ], rows.map((r) => Object.assign({ code: r.name }, r)), { id: 'users' }));
}

async function passwd(name, input) {
  if (!input.value) { input.focus(); return; }
  try {
    await PL.call('PATCH', '/users/' + encodeURIComponent(name), { password: input.value });
    input.value = '';
    PL.say(I18N.t('users.passwdDone') + ' ' + name);
  } catch (e) {
    PL.fail(e);
  }
}

async function disable(name) {
  try {
    await PL.call('PATCH', '/users/' + encodeURIComponent(name), { disabled: true });
    PL.say(I18N.t('users.disabledDone') + ' ' + name);
    await loadUsers();
  } catch (e) {
    PL.fail(e);
  }
}

async function loadParks() {
  let rows;
  try {
    rows = await PL.get('/parks');
  } catch (e) {
    PL.fail(e);
    return;
  }
  document.getElementById('parks').replaceChildren(PL.table([
    { key: 'code', label: I18N.t('parks.code') }, { key: 'name', label: I18N.t('col.name') },
    { key: 'name_en', label: I18N.t('parks.name_en') }, { key: 'district', label: I18N.t('parks.district') },
    { key: 'parcels', label: I18N.t('col.parcels'), num: true }, { key: 'area_mu', label: I18N.t('col.area_mu'), num: true },
  ], rows, { id: 'parks-table' }));
}

/* The non-empty fields of a form as a JSON body. */
function body(form, keys) {
  const b = {};
  for (const k of keys) if (form[k].value.trim()) b[k] = k === 'password' ? form[k].value : form[k].value.trim();
  return b;
}

document.addEventListener('DOMContentLoaded', () => {
  if (!PL.header('users')) return;
  I18N.apply();
  if (!PL.isAdmin()) { /* no call the server would refuse */
    for (const e of document.querySelectorAll('form, h2')) e.remove();
    PL.say(I18N.t('forbidden'), true);
    return;
  }
  const add = document.getElementById('add');
  add.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const u = await PL.call('POST', '/users', body(add, ['name', 'role', 'password']));
      PL.say(I18N.t('done.saved') + ' ' + u.name);
      add.reset();
      await loadUsers();
    } catch (e) {
      PL.fail(e);
    }
  });
  const park = document.getElementById('park-add');
  park.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const p = await PL.call('POST', '/parks', body(park, ['code', 'name', 'name_en', 'district']));
      PL.say(I18N.t('done.saved') + ' ' + p.code);
      park.reset();
      await loadParks();
    } catch (e) {
      PL.fail(e);
    }
  });
  loadUsers();
  loadParks();
});
