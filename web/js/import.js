/* import.js — the import page (land, admin): upload a file (POST /imports: the file as the body,
 * the options in the query), show the dry run's report (counts, refusals with their feature
 * numbers) and its preview GeoJSON on a map over the parcels already there, then commit
 * (POST /imports/ID/commit) or discard (DELETE /imports/ID). */
'use strict';

let map, existing, preview, upload = null;

const COUNTS = ['read', 'inserted', 'updated', 'skipped', 'skipped_nonpolygon', 'refused', 'repaired', 'warnings', 'area_mu'];

function showReport(rep) {
  document.getElementById('report').hidden = false;
  const rows = COUNTS.map((k) => PL.el('tr', {}, PL.el('th', {}, I18N.t('import.' + k)),
    PL.el('td', { class: 'num', 'data-key': k }, PL.fmt(rep[k]))));
  rows.push(PL.el('tr', {}, PL.el('th', {}, I18N.t('import.format')), PL.el('td', {}, PL.fmt(rep.format) + ' · ' + PL.fmt(rep.encoding))));
  if (rep.batch) rows.push(PL.el('tr', {}, PL.el('th', {}, I18N.t('import.batch')), PL.el('td', { id: 'batch' }, String(rep.batch))));
  document.getElementById('counts').replaceChildren(PL.el('table', { id: 'import-counts' }, ...rows));
  const msgs = rep.messages || [];
  const list = PL.el('ul', { id: 'import-messages' }, ...msgs.map((m) =>
    PL.el('li', { class: 'msg-' + m.level }, I18N.t('import.level.' + m.level) + ': ' + m.text)));
  const box = document.getElementById('messages');
  box.replaceChildren(list);
  if (rep.messages_dropped) box.append(PL.el('p', { class: 'muted' }, '+' + rep.messages_dropped));
}

/* The parcels already there, in grey, in the view (refetched after each move). */
let seq = 0;
async function drawExisting() {
  const b = map.getBounds(), mine = ++seq;
  if ((b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth()) > 1) { existing.clearLayers(); return; }
  const box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
  let fc;
  try {
    fc = await PL.get('/parcels' + PL.query({ bbox: box }));
  } catch (e) {
    PL.fail(e);
    return;
  }
  if (mine !== seq) return;
  existing.clearLayers();
  existing.addData(fc);
  document.body.dataset.existing = String(fc.features.length);
  preview.bringToFront();
}

async function drawPreview(rep) {
  preview.clearLayers();
  if (!rep.preview || !rep.preview.features || !rep.preview.features.length) return;
  preview.addData(rep.preview);
  const bounds = preview.getBounds();
  map.fitBounds(bounds.pad(0.5), { maxZoom: 17, animate: false });
  await drawExisting();
  document.body.dataset.preview = String(rep.preview.features.length);
  const link = document.getElementById('map-link');
  link.href = '/index.html' + PL.query({ bbox: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(6)).join(',') });
}

async function send(ev) {
  ev.preventDefault();
  const f = ev.target, file = f.file.files[0];
  if (!file) return;
  if (upload) await discard(true);
  document.getElementById('done').hidden = true;
  document.getElementById('actions').hidden = false;
  const zip = /\.zip$/i.test(file.name);
  const q = { park: f.park.value, encoding: f.encoding.value, filename: file.name, repair: f.repair.checked ? '1' : null };
  PL.say(I18N.t('import.reading'));
  let rep;
  try {
    rep = await PL.upload('/imports' + PL.query(q), file, zip ? 'application/zip' : 'application/octet-stream');
  } catch (e) {
    PL.fail(e);
    preview.clearLayers();
    if (e.body && typeof e.body === 'object' && 'read' in e.body) { /* refused: its report, nothing kept */
      showReport(e.body);
      document.getElementById('actions').hidden = true;
    } else {
      document.getElementById('report').hidden = true;
    }
    return;
  }
  upload = rep.id;
  PL.say(I18N.t('import.review'));
  showReport(rep);
  await drawPreview(rep);
}

async function commit() {
  if (!upload) return;
  let rep;
  try {
    rep = await PL.call('POST', '/imports/' + encodeURIComponent(upload) + '/commit');
  } catch (e) {
    PL.fail(e);
    return;
  }
  upload = null;
  showReport(rep);
  document.getElementById('actions').hidden = true;
  document.getElementById('done').hidden = false;
  PL.say(I18N.t('import.committed') + ' ' + rep.batch);
}

async function discard(quiet) {
  if (!upload) return;
  try {
    await PL.call('DELETE', '/imports/' + encodeURIComponent(upload));
  } catch (e) {
    if (!quiet) PL.fail(e);
  }
  upload = null;
  preview.clearLayers();
  existing.clearLayers();
  document.getElementById('report').hidden = true;
  if (quiet !== true) PL.say(I18N.t('import.discarded'));
}

document.addEventListener('DOMContentLoaded', async () => {
  if (!PL.header('import')) return;
  I18N.apply();
  if (!PL.canLand()) { /* no call the server would refuse */
    for (const e of document.querySelectorAll('form, #report')) e.remove();
    PL.say(I18N.t('forbidden'), true);
    return;
  }
  map = L.map('map', { zoomControl: true, attributionControl: false }).setView([36.0, 120.1], 12);
  existing = L.geoJSON(null, { style: () => ({ color: '#777', weight: 1, fillColor: '#bbb', fillOpacity: 0.35 }) }).addTo(map);
  preview = L.geoJSON(null, {
    style: () => ({ color: '#d9480f', weight: 2.5, dashArray: '6 4', fillColor: '#ffa94d', fillOpacity: 0.45 }),
    onEachFeature: (f, layer) => layer.bindTooltip(() => PL.el('span', {}, f.properties.code + ' · ' + PL.fmt(f.properties.area_mu, 2) + ' 亩'), { sticky: true }),
  }).addTo(map);
  map.on('moveend', drawExisting);
  const f = document.getElementById('upload');
  try {
    const parks = await PL.get('/parks');
    f.park.replaceChildren(...parks.map((p) => PL.el('option', { value: p.code }, p.code + ' ' + (p.name || ''))));
  } catch (e) {
    PL.fail(e);
  }
  f.addEventListener('submit', send);
  document.getElementById('commit').addEventListener('click', commit);
  document.getElementById('discard').addEventListener('click', () => discard(false));
});
