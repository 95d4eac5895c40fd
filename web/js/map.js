/* map.js — the map page: parcels of the view (GET /parcels?bbox=, simplified when the view is wide)
 * coloured by the theme with its legend, a parcel's panel with its history, the free-parcel search
 * (GET /free), reserving a parcel for a lead; for land and admin the parcel's status, name and land
 * use, and its reclaim when it is idle. No base map unless the settings give a tile URL (then in that URL's
 * datum: GCJ-02 tiles get the parcels and the clicked points in GCJ-02 through ?crs=). */
'use strict';

const MAX_BOX_DEG2 = 1; /* the server's limit for one box */
const settings = {
  tiles: localStorage.getItem('pl.tiles') || '',
  crs: localStorage.getItem('pl.tilesCrs') === 'gcj02' ? 'gcj02' : 'wgs84',
};
let map, parcels, legend, nearMarker, theme, picked = null, seq = 0;
const layersByCode = new Map();
const propsByCode = new Map(); /* the features' properties (the theme's class, idle) */
/* Above this width of the view (metres) the page asks for geometry simplified to about a pixel
 * (?simplify=): the parcels keep their place and shape, the answer shrinks. */
const SIMPLIFY_ABOVE_M = 3000;
/* Above this width the page asks to zoom in instead (bench, 100k parcels: a 10 km box is 1430
 * parcels, 2.5 MB simplified; docs/api.md). */
const MAX_VIEW_M = 15000;

function label(entry) { return I18N.lang === 'zh' ? entry.label_zh : entry.label_en; }

/* ---- parcels of the view ---------------------------------------------------------------- */

async function loadParcels() {
  const b = map.getBounds();
  const box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  const mine = ++seq;
  const widthM = map.distance(L.latLng(b.getCenter().lat, b.getWest()), L.latLng(b.getCenter().lat, b.getEast()));
  if ((box[2] - box[0]) * (box[3] - box[1]) > MAX_BOX_DEG2 || widthM > MAX_VIEW_M) {
    parcels.clearLayers();
    layersByCode.clear();
    drawLegend(null);
    return;
  }
  const q = { bbox: box.map((v) => v.toFixed(6)).join(','), theme, crs: settings.crs === 'gcj02' ? 'gcj02' : null };
  if (widthM > SIMPLIFY_ABOVE_M) q.simplify = Math.max(1, Math.round(widthM / map.getSize().x));
  let fc;
  try {
    fc = await PL.get('/parcels' + PL.query(q));
  } catch (e) {
    PL.fail(e);
    return;
  }
  if (mine !== seq) return; /* a later view was asked for meanwhile */
  parcels.clearLayers();
  layersByCode.clear();
  propsByCode.clear();
  parcels.addData(fc);
  drawLegend(fc);
  document.body.dataset.parcels = String(fc.features.length);
}

function styleOf(f) {
  const p = f.properties;
  return { color: p.stroke, weight: p['stroke-width'] || 1.5, fillColor: p.fill, fillOpacity: p['fill-opacity'] || 0.6 };
}

function onParcel(f, layer) {
  const p = f.properties;
  layersByCode.set(p.code, layer);
  propsByCode.set(p.code, p);
  layer.on('add', () => {
    const e = layer.getElement();
    if (e) { e.dataset.code = p.code; e.dataset.cls = p.class; e.classList.add('parcel'); e.classList.toggle('picked', p.code === picked); }
  });
  layer.bindTooltip(() => {
    const name = p.name ? ' ' + p.name : '';
    return PL.el('span', {}, p.code + name, PL.el('br'), (I18N.lang === 'zh' ? p.class_zh : p.class_en) + ' · ' + PL.fmt(p.area_mu, 2) + ' 亩');
  }, { sticky: true });
  layer.on('click', (ev) => { L.DomEvent.stopPropagation(ev); showParcel(p.code); });
}

function drawLegend(fc) {
  const box = legend.getContainer();
  box.replaceChildren(PL.el('strong', {}, I18N.t('map.legend') + ' · ' + I18N.t('theme.' + theme)));
  if (!fc) {
    box.append(PL.el('div', { class: 'zoomin' }, I18N.t('map.zoomin')));
    return;
  }
  const parks = new Map();
  for (const f of fc.features) parks.set(f.properties.park, f.properties.park_name);
  for (const [code, name] of parks) box.append(PL.el('div', { class: 'park' }, code + ' ' + (name || '')));
  for (const c of fc.legend || [])
    box.append(PL.el('div', { 'data-class': c.class },
      PL.el('i', { style: null, 'data-fill': c.fill }), label(c) + ' ' + c.parcels));
  /* colours through the DOM, not markup (a style attribute in markup would need 'unsafe-inline') */
  for (const i of box.querySelectorAll('i[data-fill]')) i.style.background = i.dataset.fill;
}

/* ---- one parcel ------------------------------------------------------------------------- */

async function showParcel(code) {
  let p, hist;
  try {
    [p, hist] = await Promise.all([PL.get('/parcels/' + encodeURIComponent(code)),
      PL.get('/history/parcel/' + encodeURIComponent(code))]);
  } catch (e) {
    PL.fail(e);
    return;
  }
  document.getElementById('parcel').hidden = false;
  document.getElementById('parcel-code').textContent = p.code;
  const rows = [
    ['col.name', p.name], ['col.park', p.park], ['col.status', p.status_zh + ' ' + p.status],
    ['col.area_mu', PL.fmt(p.area_mu, 2)], ['col.intensity', PL.fmt(p.investment_intensity)],
    ['lead.far', p.far_min === null ? null : PL.fmt(p.far_min) + '–' + PL.fmt(p.far_max)],
    ['col.industries', p.industries], ['col.lead', p.reserved_lead ? p.reserved_lead + ' → ' + PL.fmt(p.reserved_expires) : null],
    ['nav.projects', p.project ? p.project + ' ' + PL.fmt(p.project_stage) : null],
  ];
  document.getElementById('parcel-body').replaceChildren(PL.el('table', { id: 'parcel-fields' },
    ...rows.map(([k, v]) => PL.el('tr', {}, PL.el('th', {}, I18N.t(k)), PL.el('td', {}, PL.fmt(v))))));
  document.getElementById('parcel-inspections').replaceChildren(inspectionTable(p.inspections || []));
  document.getElementById('parcel-history').replaceChildren(PL.historyTable(hist));
  const form = document.getElementById('reserve');
  if (form) {
    form.hidden = p.status !== 'available';
    form.dataset.parcel = p.code;
  }
  const land = document.getElementById('land-edit');
  if (land) { /* land and admin: status, name and land use, reclaim when the parcel is idle */
    land.hidden = false;
    land.dataset.parcel = p.code;
    const sf = document.getElementById('status-form'), ef = document.getElementById('edit-form');
    sf.status.value = p.status;
    if (sf.status.selectedIndex < 0) sf.status.selectedIndex = 0; /* reserved: reserving is the lead's form */
    ef.name.value = p.name || '';
    ef.land_use.value = p.land_use || '';
    const f = propsByCode.get(p.code);
    document.getElementById('reclaim-form').hidden = !(p.status === 'idle' || (f && (f.idle === true || f.class === 'idle')));
  }
  picked = p.code;
  for (const [c, layer] of layersByCode) {
    const e = layer.getElement && layer.getElement();
    if (e) e.classList.toggle('picked', c === p.code);
  }
}

/* The parcel's inspections (巡查), newest first; each file a link to GET /files/SHA256 (text, never markup). */
function inspectionTable(list) {
  if (!list.length) return PL.el('p', { class: 'none' }, I18N.t('parcel.noInspections'));
  const files = (r) => PL.el('span', { class: 'files' }, ...r.files.flatMap((f, i) => [i ? ' · ' : null,
    PL.el('a', { href: '/api/v1/files/' + encodeURIComponent(f.sha256), target: '_blank', rel: 'noopener',
      title: f.mime + ', ' + f.size + ' B' }, f.name)]));
  return PL.table([
    { key: 'date', label: I18N.t('insp.date') },
    { key: 'progress_pct', label: I18N.t('insp.progress'), num: true },
    { key: 'built_area_m2', label: I18N.t('insp.built'), num: true },
    { key: 'invested_wan', label: I18N.t('insp.invested'), num: true },
    { key: 'stopped_since', label: I18N.t('insp.stopped') },
    { key: 'note', label: I18N.t('col.note') },
    { key: 'files', label: I18N.t('insp.files'), render: files },
  ], list.slice().reverse(), { class: 'inspections' });
}

async function reserve(ev) {
  ev.preventDefault();
  const form = ev.target, code = form.dataset.parcel, lead = form.lead.value.trim();
  try {
    await PL.call('POST', '/leads/' + encodeURIComponent(lead) + '/reserve', { parcel: code });
    PL.say(I18N.t('done.reserved') + ' ' + code + ' → ' + lead);
    await Promise.all([showParcel(code), loadParcels()]);
  } catch (e) {
    PL.fail(e);
  }
}

/* ---- land edits (land, admin) ------------------------------------------------------------ */

/* A land edit of the parcel in the panel: the call, then the panel and the map again. */
async function landCall(ev, path, body, done) {
  ev.preventDefault();
  const code = document.getElementById('land-edit').dataset.parcel;
  try {
    await PL.call(path === '' ? 'PATCH' : 'POST', '/parcels/' + encodeURIComponent(code) + path, body);
    PL.say(I18N.t(done) + ' ' + code);
    await Promise.all([showParcel(code), loadParcels()]);
  } catch (e) {
    PL.fail(e); /* the server's message: a move the lifecycle refuses lists the legal ones */
  }
}

function setStatus(ev) {
  const f = ev.target, body = { status: f.status.value };
  if (f.date.value) body.date = f.date.value;
  if (f.note.value.trim()) body.note = f.note.value.trim();
  if (f.force.checked) body.force = true;
  return landCall(ev, '/status', body, 'done.saved');
}

function editParcel(ev) {
  const f = ev.target, body = { name: f.name.value.trim(), land_use: f.land_use.value.trim() };
  if (f.note.value.trim()) body.note = f.note.value.trim();
  return landCall(ev, '', body, 'done.saved');
}

function reclaim(ev) {
  const f = ev.target, body = { to: f.to.value };
  if (f.note.value.trim()) body.note = f.note.value.trim();
  return landCall(ev, '/reclaim', body, 'done.reclaimed');
}

/* ---- free parcels ----------------------------------------------------------------------- */

async function searchFree(ev) {
  if (ev) ev.preventDefault();
  const f = document.getElementById('free');
  const q = {
    min_mu: f.min_mu.value, max_mu: f.max_mu.value, industry: f.industry.value,
    max_intensity: f.max_intensity.value, near: f.near.value,
  };
  if (q.near) {
    q.within = f.within.value;
    q.near_crs = settings.crs;
  }
  let rows;
  try {
    rows = await PL.get('/free' + PL.query(q));
  } catch (e) {
    PL.fail(e);
    return;
  }
  PL.say(rows.length + ' ' + I18N.t('free.count'));
  const cols = [
    { key: 'code', label: I18N.t('col.code'), render: (r) => PL.el('a', { href: '#', class: 'open', onclick: (e) => { e.preventDefault(); openParcel(r.code); } }, r.code) },
    { key: 'name', label: I18N.t('col.name') },
    { key: 'area_mu', label: I18N.t('col.area_mu'), num: true, render: (r) => PL.fmt(r.area_mu, 2) },
    { key: 'investment_intensity', label: I18N.t('col.intensity'), num: true },
    { key: 'industries', label: I18N.t('col.industries') },
  ];
  if (q.near) cols.push({ key: 'distance_m', label: I18N.t('col.distance'), num: true, render: (r) => PL.fmt(r.distance_m, 0) });
  document.getElementById('free-results').replaceChildren(PL.table(cols, rows, { id: 'free-table' }));
}

/* Show a parcel of the list: its panel, and the map on it (its label point is WGS 84). */
async function openParcel(code) {
  await showParcel(code);
  const p = await PL.get('/parcels/' + encodeURIComponent(code));
  const layer = layersByCode.get(code);
  if (layer) map.fitBounds(layer.getBounds(), { maxZoom: 16, animate: false });
  else if (p.label_lat !== null) map.setView([p.label_lat, p.label_lon], 16, { animate: false });
}

function setNear(latlng) {
  const f = document.getElementById('free');
  f.near.value = latlng.lng.toFixed(6) + ',' + latlng.lat.toFixed(6);
  if (!f.within.value) f.within.value = '2000';
  if (nearMarker) nearMarker.remove();
  nearMarker = L.circleMarker(latlng, { radius: 6, color: '#b00020' }).addTo(map);
  document.getElementById('near-text').textContent = f.near.value + (settings.crs === 'gcj02' ? ' (GCJ-02)' : '');
}

function clearNear() {
  const f = document.getElementById('free');
  f.near.value = '';
  if (nearMarker) nearMarker.remove();
  nearMarker = null;
  document.getElementById('near-text').textContent = I18N.t('free.near');
}

/* ---- the page --------------------------------------------------------------------------- */

/* The first view: ?bbox= of the URL (the import page's link to what it imported), else the view
 * saved in this browser, else the extent of every park's parcels (GET /parks), else the sample area. */
async function initialView() {
  const asked = (PL.param('bbox') || '').split(',').map(Number);
  if (asked.length === 4 && asked.every(isFinite)) return { bounds: [[asked[1], asked[0]], [asked[3], asked[2]]] };
  try {
    const v = JSON.parse(localStorage.getItem('pl.view'));
    if (v && isFinite(v.lat) && isFinite(v.lng) && isFinite(v.zoom)) return { center: [v.lat, v.lng], zoom: v.zoom };
  } catch (e) { /* none saved */ }
  try {
    const parks = (await PL.get('/parks')).filter((k) => Array.isArray(k.extent));
    if (parks.length) {
      const e = parks.reduce((a, k) => [Math.min(a[0], k.extent[0]), Math.min(a[1], k.extent[1]),
        Math.max(a[2], k.extent[2]), Math.max(a[3], k.extent[3])], [180, 90, -180, -90]);
      return { bounds: [[e[1], e[0]], [e[3], e[2]]] };
    }
  } catch (e) { /* fall back */ }
  return { center: [36.0, 120.1], zoom: 13 };
}

document.addEventListener('DOMContentLoaded', async () => {
  if (!PL.header('map')) return;
  I18N.apply();
  theme = localStorage.getItem('pl.theme') === 'landing' ? 'landing' : 'availability';
  const themeSel = document.getElementById('theme');
  themeSel.value = theme;
  themeSel.addEventListener('change', () => { theme = themeSel.value; localStorage.setItem('pl.theme', theme); loadParcels(); });
  const s = document.getElementById('settings');
  s.tiles.value = settings.tiles;
  s.crs.value = settings.crs;
  s.addEventListener('submit', (ev) => {
    ev.preventDefault();
    localStorage.setItem('pl.tiles', s.tiles.value.trim());
    localStorage.setItem('pl.tilesCrs', s.crs.value);
    location.reload();
  });
  document.getElementById('free').addEventListener('submit', searchFree);
  document.getElementById('near-clear').addEventListener('click', clearNear);
  const reserveForm = document.getElementById('reserve');
  if (PL.canInvest()) reserveForm.addEventListener('submit', reserve);
  else reserveForm.remove(); /* a role that may not reserve has no such button */
  if (PL.canLand()) {
    document.getElementById('status-form').addEventListener('submit', setStatus);
    document.getElementById('edit-form').addEventListener('submit', editParcel);
    document.getElementById('reclaim-form').addEventListener('submit', reclaim);
  } else {
    document.getElementById('land-edit').remove();
  }

  map = L.map('map', { zoomControl: true, attributionControl: !!settings.tiles });
  if (settings.tiles) L.tileLayer(settings.tiles, { maxZoom: 19 }).addTo(map);
  parcels = L.geoJSON(null, { style: styleOf, onEachFeature: onParcel }).addTo(map);
  legend = L.control({ position: 'bottomleft' });
  legend.onAdd = () => PL.el('div', { class: 'legend', id: 'legend' });
  legend.addTo(map);
  let timer = null;
  map.on('moveend', () => {
    const c = map.getCenter();
    localStorage.setItem('pl.view', JSON.stringify({ lat: c.lat, lng: c.lng, zoom: map.getZoom() }));
    clearTimeout(timer);
    timer = setTimeout(loadParcels, 150);
  });
  map.on('click', (ev) => setNear(ev.latlng));
  const view = await initialView();
  if (view.bounds) map.fitBounds(view.bounds, { maxZoom: 17, animate: false });
  else map.setView(view.center, view.zoom, { animate: false });
});
