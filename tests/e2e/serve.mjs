// serve.mjs — the pages of `parkland serve` in real headless Chromium (playwright-core driving
// Debian's /usr/bin/chromium). Run by run.sh on a demo database with one account per role:
//   an investment officer logs in, finds free parcels of 30–60 亩, opens one (its inspection
//   listed, its photo opened from the link), reserves it for a
//   lead, signs the project, and sees the parcel's class on the map change; a lead named
//   <img src=x onerror=alert(1)> stays text; a viewer has no write button and the API answers
//   403; a land officer imports a small TXT through the import page (dry run drawn on the map,
//   commit, the new parcels on the map) and edits a parcel; an admin adds an account that then
//   logs in; a viewer has no import or users page and gets 403; screenshots are not blank and
//   show parcels; no console error; no request leaves localhost. Prints one "ok …" line per check; exits 1 at the first failure.
// usage: node serve.mjs PARKLAND DB WORKDIR PNG_STATS.py [SCREENSHOT.png]
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const [pl, db, work, statsScript, docShot] = process.argv.slice(2);
const PASSWORD = 'e2e-pass-word';
const LEAD = 'DE-2025-03';
const XSS = '<img src=x onerror=alert(1)>';
// two new parcels south of the sample ones (CGCS2000 3-degree zone 40, X north, Y east, hectares)
const IMPORT_TXT = ['[属性描述]', '格式版本号=1.01', '坐标系=2000国家大地坐标系', '几度分带=3', '投影类型=高斯克吕格',
  '计量单位=米', '带号=40', '精度=0.001', '[地块坐标]',
  '5,4.0000,E2E-001,e2e 导入一,面,,工业用地,0601,@',
  'J1,1,3990000.000,40506400.000', 'J2,1,3990000.000,40506600.000', 'J3,1,3989800.000,40506600.000',
  'J4,1,3989800.000,40506400.000', 'J1,1,3990000.000,40506400.000',
  '5,4.0000,E2E-002,e2e 导入二,面,,工业用地,0601,@',
  'J1,1,3990000.000,40506600.000', 'J2,1,3990000.000,40506800.000', 'J3,1,3989800.000,40506800.000',
  'J4,1,3989800.000,40506600.000', 'J1,1,3990000.000,40506600.000', ''].join('\r\n');

let failures = 0;
const T0 = Date.now();
function check(cond, what, detail) {
  if (cond) { console.log('ok   ' + what + ` (${((Date.now() - T0) / 1000).toFixed(1)} s)`); return; }
  failures++;
  console.log('FAIL ' + what + (detail !== undefined ? ': ' + JSON.stringify(detail) : ''));
  throw new Error(what);
}

// ---- the server -----------------------------------------------------------------------------
function startServer() {
  return new Promise((resolve, reject) => {
    const srv = spawn(pl, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    srv.stderr.on('data', (d) => {
      err += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) resolve({ srv, base: `http://127.0.0.1:${m[1]}` });
    });
    srv.on('exit', (code) => reject(new Error('parkland serve exited ' + code + ': ' + err)));
  });
}

function pngStats(file) {
  const out = execFileSync('python3', [statsScript, file], { encoding: 'utf8' });
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split('=')).map(([k, v]) => [k, Number(v)]));
}

const { srv, base } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const host = new URL(base).host;
const stats = { requests: 0, outside: [], console: [], dialogs: [] };

// A browser context per account: every request counted, any not for this server refused.
async function newPage(name) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  await ctx.route('**/*', (route) => {
    const url = new URL(route.request().url());
    stats.requests++;
    if (url.host !== host) { stats.outside.push(url.href); return route.abort(); }
    return route.continue();
  });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') stats.console.push(`${name}: ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => stats.console.push(`${name}: pageerror: ${e.message}`));
  page.on('dialog', (d) => { stats.dialogs.push(d.message()); d.dismiss(); });
  return { ctx, page };
}

async function login(page, user) {
  await page.goto(base + '/');
  await page.waitForURL(/login\.html/); // no session yet: the map page sends us to log in
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.waitForFunction(() => Number(document.body.dataset.parcels) > 0, null, { timeout: 20000 });
}

// the class (data-cls) and fill of a parcel's path on the map, after its layer is redrawn
async function parcelOnMap(page, code) {
  return page.evaluate((c) => {
    const e = document.querySelector(`path.parcel[data-code="${CSS.escape(c)}"]`);
    return e ? { cls: e.dataset.cls, fill: e.getAttribute('fill') } : null;
  }, code);
}

async function screenshot(page, file, what) {
  await page.screenshot({ path: file });
  const s = pngStats(file);
  check(s.nonwhite_permille > 100 && s.colours >= 5, `${what}: screenshot not blank, parcels drawn (${JSON.stringify(s)})`, s);
}

try {
  // ---- investment: find, open, reserve, sign -------------------------------------------------
  const { ctx, page } = await newPage('ivan');
  await login(page, 'ivan');
  check(await page.locator('header nav a[href="/leads.html"]').count() === 1, 'investment: the leads page is in the navigation');
  check((await page.locator('header nav a').first().textContent()) === '地图', 'pages are in Chinese first');
  await screenshot(page, `${work}/map-before.png`, 'map');

  await page.fill('#free input[name=min_mu]', '30');
  await page.fill('#free input[name=max_mu]', '60');
  await page.click('#free button[type=submit]');
  await page.waitForSelector('#free-table tbody tr');
  const free = await page.$$eval('#free-table tbody tr', (trs) => trs.map((tr) => ({
    code: tr.dataset.code, mu: Number(tr.children[2].textContent) })));
  check(free.length > 0 && free.every((r) => r.mu >= 30 && r.mu <= 60), `free parcels of 30–60 亩: ${free.length}`, free);
  const code = free[0].code;
  // an inspection of it (the CLI, as a land officer would), its photo the screenshot just taken
  execFileSync(pl, ['--db', db, 'inspect', code, '--date', '2025-03-01', '--progress-pct', '35', '--built-area', '1200',
    '--note', '<b>巡查</b>', '--photo', `${work}/map-before.png`], { stdio: 'ignore' });
  await page.click(`#free-table tbody tr[data-code="${code}"] a.open`);
  await page.waitForFunction((c) => document.getElementById('parcel-code').textContent === c, code);
  await page.waitForFunction((c) => !!document.querySelector(`path.parcel[data-code="${c}"]`), code);
  check((await page.locator('#parcel-history table.history tbody tr').count()) > 0, `parcel ${code}: its panel shows its history`);
  const insp = await page.$$eval('#parcel-inspections table.inspections tbody tr', (trs) => trs.map((tr) => ({
    cells: [...tr.children].map((td) => td.textContent), b: tr.querySelectorAll('b').length,
    links: [...tr.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel })) })));
  check(insp.length === 1 && insp[0].cells[0] === '2025-03-01' && insp[0].cells[1] === '35' && insp[0].cells[5] === '<b>巡查</b>' &&
    insp[0].b === 0 && insp[0].links.length === 1 && /^\/api\/v1\/files\/[0-9a-f]{64}$/.test(insp[0].links[0].href) &&
    insp[0].links[0].text === 'map-before.png' && insp[0].links[0].target === '_blank' && insp[0].links[0].rel === 'noopener',
  `parcel ${code}: its panel lists the inspection (note as text) with a link to its photo`, insp);
  const photo = await ctx.newPage(); // what the link opens: the PNG, shown inline under the server's headers
  const opened = await photo.goto(base + insp[0].links[0].href);
  const width = await photo.evaluate(() => document.images[0]?.naturalWidth || 0);
  check(opened.status() === 200 && opened.headers()['content-type'] === 'image/png' && width === 1400,
    'the inspection photo opens from its link as the PNG it is', { status: opened.status(), headers: opened.headers(), width });
  await photo.close();
  const before = await parcelOnMap(page, code);
  check(before && before.cls === 'available', `parcel ${code} is drawn as available`, before);

  await page.fill('#reserve input[name=lead]', LEAD);
  await page.click('#reserve button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').className === 'ok');
  await page.waitForFunction((c) => document.querySelector(`path.parcel[data-code="${c}"]`)?.dataset.cls === 'reserved', code);
  const reserved = await parcelOnMap(page, code);
  check(reserved.cls === 'reserved' && reserved.fill !== before.fill, `after reserving, ${code} is drawn as reserved in another colour`, reserved);
  await page.waitForFunction(() => document.getElementById('parcel-history').textContent.includes('ivan'), null,
    { timeout: 5000 }).catch(() => {}); // the panel is redrawn beside the map
  const hist = await page.locator('#parcel-history').textContent();
  check(hist.includes('ivan'), 'the parcel history names the account that reserved it', hist.slice(0, 200));

  // the landing theme before the signing, to see the signing change it
  await page.selectOption('#theme', 'landing');
  await page.waitForFunction(() => document.querySelector('#legend strong')?.textContent.includes('项目落地'));
  await page.waitForFunction((c) => !!document.querySelector(`path.parcel[data-code="${c}"]`), code);
  const landingBefore = await parcelOnMap(page, code);

  await page.goto(`${base}/lead.html?code=${LEAD}`);
  await page.waitForSelector('#match-table tbody tr');
  await page.screenshot({ path: `${work}/lead.png` });
  const reasons = await page.locator('#match-table tbody tr').first().locator('.reasons').textContent();
  check(/面积|area/.test(reasons) && /产业|industry/.test(reasons), 'the lead page lists matching parcels with their reasons', reasons);
  await page.fill('#sign input[name=parcels]', code);
  await page.fill('#sign input[name=far]', '1.5');
  await page.fill('#sign input[name=energy_per_output]', '0.4');
  await page.check('#sign input[name=accept_shortfall]');
  await page.fill('#sign input[name=note]', 'e2e: 专题会议同意');
  await page.click('#sign-button');
  await page.waitForSelector('#project-link', { timeout: 20000 });
  const project = await page.locator('#project-link').textContent();
  check(/^P-/.test(project), `signed project ${project}`);
  await page.click('#project-link');
  await page.waitForSelector('#milestone-table tbody tr');
  check((await page.locator('#milestone-table tbody tr').count()) === 4, 'the project page shows its four milestones');
  check((await page.locator('#history table.history tbody tr').count()) > 0, 'the project page shows its history');

  await page.goto(base + '/index.html'); // the map again, in the landing theme kept in localStorage
  await page.waitForFunction(() => Number(document.body.dataset.parcels) > 0);
  await page.waitForFunction((c) => !!document.querySelector(`path.parcel[data-code="${c}"]`), code);
  const landingAfter = await parcelOnMap(page, code);
  check(landingAfter.cls !== landingBefore.cls && landingAfter.fill !== landingBefore.fill,
    `after signing, ${code} changes class on the landing map (${landingBefore.cls} → ${landingAfter.cls})`, [landingBefore, landingAfter]);
  await screenshot(page, `${work}/map-after.png`, 'landing map');

  // a lead named like markup stays text
  await page.goto(base + '/leads.html');
  await page.waitForSelector('#leads tbody tr');
  await page.fill('#add input[name=code]', 'XSS-1');
  await page.fill('#add input[name=company]', XSS);
  await page.click('#add button[type=submit]');
  await page.waitForSelector('#leads tbody tr[data-code="XSS-1"]');
  await page.goto(base + '/lead.html?code=XSS-1');
  await page.waitForSelector('#lead-fields');
  await page.waitForTimeout(300);
  const shown = await page.locator('#lead-fields td').first().textContent();
  const imgs = await page.locator('img[src=x], main img').count();
  check(shown === XSS && imgs === 0 && stats.dialogs.length === 0, 'a lead named <img …> is shown as text on the lead page', { shown, imgs, dialogs: stats.dialogs });

  // English
  await page.goto(base + '/index.html');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  check((await page.locator('header nav a').first().textContent()) === 'Map', 'the English switch');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.waitForFunction(() => Number(document.body.dataset.parcels) > 0);
  if (docShot) { // the README's picture: the availability map with the panel of the signed parcel
    await page.selectOption('#theme', 'availability');
    await page.waitForFunction(() => document.querySelector('#legend strong')?.textContent.includes('土地供应'));
    await page.fill('#free input[name=min_mu]', '30');
    await page.fill('#free input[name=max_mu]', '60');
    await page.click('#free button[type=submit]');
    await page.waitForSelector('#free-table tbody tr');
    await page.locator(`#free-table tbody tr a.open`).first().click();
    await page.waitForTimeout(500);
    await screenshot(page, docShot, 'README screenshot');
  }
  await ctx.close();

  // ---- viewer: reads, no write button, 403 from the API -------------------------------------
  const v = await newPage('vera');
  await login(v.page, 'vera');
  check(await v.page.locator('header nav a[href="/leads.html"]').count() === 0, 'viewer: no leads page in the navigation');
  await v.page.fill('#free input[name=min_mu]', '30');
  await v.page.click('#free button[type=submit]');
  await v.page.waitForSelector('#free-table tbody tr a.open');
  await v.page.locator('#free-table tbody tr a.open').first().click();
  await v.page.waitForFunction(() => document.getElementById('parcel-code').textContent !== '');
  check(await v.page.locator('#reserve, button.reserve, #sign').count() === 0, 'viewer: the parcel panel has no reserve button');
  // near a point of the map (a click on the map, not on a parcel: the map's own click event)
  await v.page.evaluate(() => map.fire('click', { latlng: map.getCenter() }));
  await v.page.fill('#free input[name=within]', '1000');
  await v.page.click('#free button[type=submit]');
  await v.page.waitForFunction(() => document.querySelectorAll('#free-table thead th').length === 6);
  const dist = await v.page.$$eval('#free-table tbody tr', (trs) => trs.map((tr) => Number(tr.children[5].textContent)));
  check(dist.length > 0 && dist.every((d, i) => d <= 1000 && (i === 0 || d >= dist[i - 1])),
    `free parcels within 1000 m of a clicked point, nearest first (${dist.length})`, dist);
  await v.page.goto(`${base}/lead.html?code=${LEAD}`);
  await v.page.waitForFunction(() => document.getElementById('status').className === 'error');
  check(await v.page.locator('#sign, button.reserve').count() === 0, 'viewer: the lead page has no sign or reserve button');
  const csrf = await v.page.evaluate(() => JSON.parse(sessionStorage.getItem('pl.session')).csrf);
  const r = await v.ctx.request.post(`${base}/api/v1/leads/${LEAD}/reserve`, {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, data: { parcel: free[1].code } });
  check(r.status() === 403, 'viewer: the API answers 403 to a reservation', r.status());
  await v.page.goto(base + '/reports.html');
  await v.page.selectOption('#pick select[name=kind]', 'landing');
  await v.page.click('#pick button[type=submit]');
  await v.page.waitForSelector('table[data-key="landing_by_park"] tbody tr');
  const defs = await v.page.locator('p.definition').count();
  await v.page.screenshot({ path: `${work}/reports.png` });
  const csv = await v.ctx.request.get(base + await v.page.getAttribute('#csv', 'href'));
  const xlsx = await v.ctx.request.get(base + await v.page.getAttribute('#xlsx', 'href'));
  check(defs > 0 && csv.status() === 200 && (await csv.text()).includes(',') && xlsx.status() === 200 &&
        (await xlsx.body()).subarray(0, 2).toString() === 'PK', 'viewer: reports with their definitions, CSV and XLSX downloads',
        { defs, csv: csv.status(), xlsx: xlsx.status() });
  // the supervision reports: each asked for its own period (a month for the monthly table)
  await v.page.selectOption('#pick select[name=kind]', 'monthly');
  const periods = await v.page.evaluate(() => [...document.querySelectorAll('#pick label[data-period]')]
    .filter((l) => !l.hidden).map((l) => l.dataset.period));
  await v.page.fill('#pick input[name=month]', '2026-11');
  await v.page.click('#pick button[type=submit]');
  await v.page.waitForSelector('table[data-key="monthly"] tbody tr');
  const monthlyCsv = await v.page.getAttribute('#csv', 'href');
  await v.page.selectOption('#pick select[name=kind]', 'kpi');
  await v.page.click('#pick button[type=submit]');
  await v.page.waitForSelector('table[data-key="kpi"] tbody tr');
  check(periods.join() === 'month' && monthlyCsv.includes('month=2026-11') && !monthlyCsv.includes('as_of'),
    'viewer: the monthly table asked for its month, then the scored figures', { periods, monthlyCsv });
  await v.page.goto(base + '/index.html');
  await v.page.waitForFunction(() => Number(document.body.dataset.parcels) > 0);
  await screenshot(v.page, `${work}/viewer.png`, 'viewer map');
  // GCJ-02 tiles chosen in the settings: the page asks for the parcels in GCJ-02 and draws them
  await v.page.evaluate(() => localStorage.setItem('pl.tilesCrs', 'gcj02'));
  const gcj = v.page.waitForResponse((res) => res.url().includes('/api/v1/parcels?') && res.url().includes('crs=gcj02'));
  await v.page.reload();
  const gres = await gcj;
  const gfc = await gres.json();
  await v.page.waitForFunction(() => Number(document.body.dataset.parcels) > 0);
  check(gres.status() === 200 && gfc.coord_sys === 'GCJ-02' && gfc.features.length > 0,
    'GCJ-02 tiles: the parcels are asked for and drawn in GCJ-02', { status: gres.status(), crs: gfc.coord_sys });
  await v.ctx.close();

  // ---- land: import a small TXT through the import page, commit, see it on the map; edit ----------
  const l = await newPage('lena');
  await login(l.page, 'lena');
  check(await l.page.locator('header nav a[href="/import.html"]').count() === 1 &&
        await l.page.locator('header nav a[href="/users.html"]').count() === 0, 'land: the import page is in the navigation, users is not');
  await l.page.goto(base + '/import.html');
  await l.page.waitForFunction(() => document.querySelectorAll('#upload select[name=park] option').length > 0);
  // a file with a self-intersecting parcel: refused as a whole, the report names the feature, nothing to commit
  await l.page.setInputFiles('#upload input[name=file]', { name: 'bad.txt', mimeType: 'text/plain',
    buffer: Buffer.from(IMPORT_TXT.replace('E2E-002', 'E2E-BAD').replace('J2,1,3990000.000,40506800.000', 'J2,1,3989800.000,40506800.000')
      .replace('J3,1,3989800.000,40506800.000', 'J3,1,3990000.000,40506800.000')) });
  await l.page.click('#upload button[type=submit]');
  await l.page.waitForSelector('#import-messages li.msg-refused');
  const refusedMsg = await l.page.locator('#import-messages li.msg-refused').first().textContent();
  check(/E2E-BAD/.test(refusedMsg) && await l.page.locator('#commit:visible').count() === 0 &&
        (await l.page.locator('#status').getAttribute('class')) === 'error',
    'import: a refused file shows its report with the refused feature, and no commit button', refusedMsg);
  await l.page.setInputFiles('#upload input[name=file]', { name: 'e2e.txt', mimeType: 'text/plain', buffer: Buffer.from(IMPORT_TXT) });
  await l.page.selectOption('#upload select[name=encoding]', 'utf-8');
  await l.page.click('#upload button[type=submit]');
  await l.page.waitForFunction(() => document.body.dataset.preview === '2' && Number(document.body.dataset.existing) > 0, null, { timeout: 20000 });
  const counts = await l.page.$$eval('#import-counts td[data-key]', (tds) => Object.fromEntries(tds.map((t) => [t.dataset.key, t.textContent])));
  const drawn = await l.page.locator('#map path.leaflet-interactive').count();
  check(counts.read === '2' && counts.inserted === '2' && counts.refused === '0' && drawn > 2,
    `import: the dry run reports 2 parcels to insert and draws them over the parcels there (${drawn} shapes)`, { counts, drawn });
  await l.page.click('#commit');
  await l.page.waitForSelector('#done:not([hidden])');
  check(/^\d+$/.test(await l.page.locator('#batch').textContent()), 'import: committed, the report names its batch');
  await l.page.click('#map-link');
  await l.page.waitForFunction(() => !!document.querySelector('path.parcel[data-code="E2E-001"]') &&
    !!document.querySelector('path.parcel[data-code="E2E-002"]'), null, { timeout: 20000 });
  check(true, 'import: the map link shows the new parcels');
  // a parcel's land edits: a move the lifecycle refuses shows the server's message; a legal one and a new name
  await l.page.evaluate(() => showParcel('E2E-001'));
  await l.page.waitForFunction(() => document.getElementById('parcel-code').textContent === 'E2E-001' && !document.getElementById('land-edit').hidden);
  await l.page.selectOption('#status-form select[name=status]', 'production');
  await l.page.click('#status-form button[type=submit]');
  await l.page.waitForFunction(() => document.getElementById('status').className === 'error');
  const refusal = await l.page.locator('#status').textContent();
  check(/E2E-001/.test(refusal), 'land: a status move the lifecycle refuses shows the server\'s message', refusal);
  await l.page.fill('#edit-form input[name=name]', 'e2e 新名称');
  await l.page.click('#edit-form button[type=submit]');
  await l.page.waitForFunction(() => document.getElementById('parcel-history').textContent.includes('e2e 新名称'));
  check((await l.page.locator('#parcel-history').textContent()).includes('lena'), 'land: the new name is in the history with the account');
  await l.ctx.close();

  // ---- admin: a new account that can then log in -------------------------------------------------
  const a = await newPage('adam');
  await login(a.page, 'adam');
  await a.page.click('header nav a[href="/users.html"]');
  await a.page.waitForSelector('#users tbody tr[data-code="lena"]');
  await a.page.fill('#add input[name=name]', 'nina');
  await a.page.selectOption('#add select[name=role]', 'land');
  await a.page.fill('#add input[name=password]', PASSWORD);
  await a.page.click('#add button[type=submit]');
  await a.page.waitForSelector('#users tbody tr[data-code="nina"]');
  check(await a.page.locator('#parks-table tbody tr').count() === 1, 'admin: the users page lists the accounts and the parks');
  await a.ctx.close();
  const n = await newPage('nina');
  await login(n.page, 'nina');
  check(await n.page.locator('header nav a[href="/import.html"]').count() === 1, 'admin: the new account logs in, in its role');
  await n.ctx.close();

  // ---- viewer: no import or users page, 403 from the API ----------------------------------------
  const v2 = await newPage('vera');
  await login(v2.page, 'vera');
  check(await v2.page.locator('header nav a[href="/import.html"], header nav a[href="/users.html"]').count() === 0 &&
        await v2.page.locator('#land-edit').count() === 0, 'viewer: no import or users link, no land edits in the panel');
  const vcsrf = await v2.page.evaluate(() => JSON.parse(sessionStorage.getItem('pl.session')).csrf);
  const up = await v2.ctx.request.post(`${base}/api/v1/imports?park=QDIP&filename=e2e.txt`, {
    headers: { 'X-CSRF-Token': vcsrf, 'Content-Type': 'application/octet-stream' }, data: Buffer.from(IMPORT_TXT) });
  const users = await v2.ctx.request.get(`${base}/api/v1/users`);
  check(up.status() === 403 && users.status() === 403, 'viewer: the API answers 403 to an import and to the accounts', [up.status(), users.status()]);
  await v2.ctx.close();

  // the browser logs the refused file and the refused status move (422s the page shows) as failed resources
  const refused = stats.console.filter((m) => /^lena: error: .*status of 422/.test(m));
  stats.console = stats.console.filter((m) => !refused.includes(m));
  check(refused.length === 2, 'the only failed requests are the refused import and status move', refused);
  check(stats.console.length === 0, 'no console errors or warnings', stats.console);
  check(stats.outside.length === 0 && stats.requests > 20, `no request left localhost (${stats.requests} requests)`, stats.outside);
} catch (e) {
  if (!failures) console.log('FAIL ' + (e.stack || e));
  failures = failures || 1;
  for (const m of stats.console) console.log('     console: ' + m);
} finally {
  await browser.close();
  srv.kill('SIGTERM');
}
process.exit(failures ? 1 : 0);
