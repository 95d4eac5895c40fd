/* schema.sql.h — the parkland schema: version 1 (created after InitSpatialMetadata)
 * and the migrations to each later version (a new database runs them all). */
#ifndef PARKLAND_SCHEMA_SQL_H
#define PARKLAND_SCHEMA_SQL_H

/* parcel.status's CHECK as version 1 wrote it (version 3 rewrites it, below) */
#define PL_PARCEL_STATUS_CHECK_V1                                                                        \
    "CHECK (status IN ('reserve','available','reserved',\n"                                              \
    "      'listed','transferred','construction','production','verified','idle','retired'))"

static const char pl_schema_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE park(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  name_en TEXT,\n"
    "  district TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL);\n"
    "CREATE TABLE import_batch(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  file TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  format TEXT NOT NULL,\n"
    "  encoding TEXT,\n"
    "  source_srid INTEGER,\n"
    "  target_srid INTEGER NOT NULL,\n"
    "  park_id INTEGER REFERENCES park(id),\n"
    "  options TEXT,\n"
    "  n_read INTEGER NOT NULL DEFAULT 0,\n"
    "  n_inserted INTEGER NOT NULL DEFAULT 0,\n"
    "  n_updated INTEGER NOT NULL DEFAULT 0,\n"
    "  n_skipped INTEGER NOT NULL DEFAULT 0,\n"
    "  n_repaired INTEGER NOT NULL DEFAULT 0,\n"
    "  area_m2 REAL NOT NULL DEFAULT 0,\n"
    "  imported_at TEXT NOT NULL,\n"
    "  imported_by TEXT NOT NULL);\n"
    "CREATE TABLE parcel(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  park_id INTEGER NOT NULL REFERENCES park(id),\n"
    "  code TEXT NOT NULL,\n"
    "  name TEXT,\n"
    "  land_use TEXT,\n"
    "  land_use_code TEXT,\n"
    "  area_m2 REAL NOT NULL CHECK (area_m2 > 0),\n"
    "  declared_area_m2 REAL,\n"
    "  status TEXT NOT NULL DEFAULT 'reserve' " PL_PARCEL_STATUS_CHECK_V1 ",\n"
    "  status_date TEXT NOT NULL,\n"
    "  batch_id INTEGER REFERENCES import_batch(id),\n"
    "  source_ref TEXT,\n"
    "  attrs TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL,\n"
    "  UNIQUE (park_id, code));\n"
    "CREATE INDEX parcel_status ON parcel(status);\n"
    "CREATE TABLE history(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  entity TEXT NOT NULL,\n"
    "  entity_id INTEGER NOT NULL,\n"
    "  code TEXT,\n"
    "  field TEXT NOT NULL,\n"
    "  old_value TEXT,\n"
    "  new_value TEXT,\n"
    "  at TEXT NOT NULL,\n"
    "  who TEXT NOT NULL,\n"
    "  note TEXT,\n"
    "  batch_id INTEGER REFERENCES import_batch(id),\n"
    "  effective TEXT);                 -- YYYY-MM-DD the change takes effect (status moves), NULL = at\n"
    "CREATE INDEX history_entity ON history(entity, entity_id);\n"
    /* ---- reference data ---- */
    "CREATE TABLE industry(\n"
    "  id TEXT PRIMARY KEY,            -- 'it', 'equipment', … (Shandong 十强) or 'other'\n"
    "  name_zh TEXT NOT NULL,\n"
    "  name_en TEXT NOT NULL,\n"
    "  ten_strong INTEGER NOT NULL DEFAULT 1);\n"
    "INSERT INTO industry(id, name_zh, name_en, ten_strong) VALUES\n"
    "  ('it', '新一代信息技术', 'New-generation IT', 1),\n"
    "  ('equipment', '高端装备', 'High-end equipment', 1),\n"
    "  ('energy_materials', '新能源新材料', 'New energy and new materials', 1),\n"
    "  ('marine', '现代海洋', 'Modern marine', 1),\n"
    "  ('health', '医养健康', 'Health and elderly care', 1),\n"
    "  ('chemical', '绿色化工', 'Green chemicals', 1),\n"
    "  ('agriculture', '现代高效农业', 'Modern efficient agriculture', 1),\n"
    "  ('culture', '文化创意', 'Culture and creative', 1),\n"
    "  ('tourism', '精品旅游', 'Boutique tourism', 1),\n"
    "  ('finance', '现代金融', 'Modern finance', 1),\n"
    "  ('other', '其他', 'Other', 0);\n"
    /* national control minimums (工业项目建设用地控制指标), loaded from data/ at init */
    "CREATE TABLE national_control(\n"
    "  edition TEXT NOT NULL,           -- GB/T 4754 edition of the code: '2002', '2011', '2017'\n"
    "  industry_code TEXT NOT NULL,     -- 2-digit GB/T 4754 division, '*' = every industry\n"
    "  industry_name TEXT,\n"
    "  far_min REAL,\n"
    "  building_coverage_min REAL,      -- %\n"
    "  admin_share_max REAL,            -- % of land\n"
    "  source TEXT,\n"
    "  PRIMARY KEY (edition, industry_code));\n"
    /* ---- standard-land indicators (标准地控制指标) ---- */
    "CREATE TABLE parcel_indicator(\n"
    "  parcel_id INTEGER PRIMARY KEY REFERENCES parcel(id) ON DELETE CASCADE,\n"
    "  investment_intensity REAL,       -- 固定资产投资强度 ≥, 万元/亩\n"
    "  far_min REAL,                    -- 容积率 ≥\n"
    "  far_max REAL,                    -- 容积率 ≤\n"
    "  tax_per_mu REAL,                 -- 亩均税收 ≥, 万元/亩·年\n"
    "  output_per_mu REAL,              -- 亩均产值 ≥, 万元/亩·年\n"
    "  energy_per_output REAL,          -- 单位产值能耗 ≤, 吨标准煤/万元\n"
    "  building_coverage_min REAL,      -- 建筑系数 ≥, %\n"
    "  admin_share_max REAL,            -- 行政办公及生活服务设施用地比例 ≤, %\n"
    "  green_ratio_max REAL,            -- 绿地率 ≤, %\n"
    "  industries TEXT,                 -- allowed industry ids, comma-separated; NULL = any\n"
    "  industry_code TEXT,              -- GB/T 4754 division the parcel is planned for\n"
    "  industry_code_edition TEXT,      -- its edition: '2002', '2011', '2017'\n"
    "  base_price REAL,                 -- 起始价, 万元/亩\n"
    "  term_years INTEGER,              -- 出让年限\n"
    "  updated_at TEXT NOT NULL);\n"
    "CREATE TABLE park_indicator(\n"
    "  park_id INTEGER PRIMARY KEY REFERENCES park(id) ON DELETE CASCADE,\n"
    "  investment_intensity REAL, far_min REAL, far_max REAL, tax_per_mu REAL, output_per_mu REAL,\n"
    "  energy_per_output REAL, building_coverage_min REAL, admin_share_max REAL, green_ratio_max REAL,\n"
    "  industries TEXT, industry_code TEXT, industry_code_edition TEXT, base_price REAL, term_years INTEGER,\n"
    "  threshold_investment_intensity REAL,  -- the park's own floor (e.g. Qingdao cluster 280 万元/亩)\n"
    "  threshold_tax_per_mu REAL,            -- (e.g. 20 万元/亩·年)\n"
    "  threshold_output_per_mu REAL,\n"
    "  updated_at TEXT NOT NULL);\n"
    /* ---- leads (招商线索) ---- */
    "CREATE TABLE lead(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  company TEXT NOT NULL,\n"
    "  company_en TEXT,\n"
    "  country TEXT,                    -- country or region of origin\n"
    "  industry TEXT REFERENCES industry(id),\n"
    "  industry_code TEXT,              -- GB/T 4754 division, optional\n"
    "  new_economy INTEGER NOT NULL DEFAULT 0,  -- 四新\n"
    "  investment REAL,                 -- planned investment, 万元 CNY\n"
    "  currency TEXT,                   -- original currency when foreign (EUR, JPY…)\n"
    "  investment_foreign REAL,         -- planned investment in that currency, 万\n"
    "  rate REAL,                       -- CNY per unit of that currency\n"
    "  land_mu REAL,                    -- land demand, 亩\n"
    "  tax_per_mu REAL,                 -- expected tax, 万元/亩·年\n"
    "  output_per_mu REAL,              -- expected output, 万元/亩·年\n"
    "  contact TEXT, owner TEXT, source TEXT, note TEXT,\n"
    "  stage TEXT NOT NULL DEFAULT 'new' CHECK (stage IN ('new','contacted','visited','intent','signed','lost')),\n"
    "  stage_date TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL);\n"
    "CREATE TABLE reservation(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  parcel_id INTEGER NOT NULL REFERENCES parcel(id),\n"
    "  lead_id INTEGER REFERENCES lead(id),\n"
    "  reserved_on TEXT NOT NULL,\n"
    "  expires_on TEXT NOT NULL,\n"
    "  released_on TEXT,                -- NULL while the reservation holds\n"
    "  note TEXT);\n"
    "CREATE INDEX reservation_parcel ON reservation(parcel_id);\n"
    /* ---- signed projects (签约项目) ---- */
    "CREATE TABLE project(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id),\n"
    "  signed_on TEXT NOT NULL,\n"
    "  investment REAL,                 -- committed investment, 万元\n"
    "  investment_intensity REAL,       -- committed, 万元/亩\n"
    "  far REAL,\n"
    "  tax_per_mu REAL,                 -- 万元/亩·年\n"
    "  output_per_mu REAL,              -- 万元/亩·年\n"
    "  energy_per_output REAL,          -- 吨标准煤/万元\n"
    "  shortfall_note TEXT,             -- why committed indicators below the parcel's were accepted\n"
    "  terminated_on TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL);\n"
    "CREATE TABLE project_parcel(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  parcel_id INTEGER NOT NULL REFERENCES parcel(id),\n"
    "  PRIMARY KEY (project_id, parcel_id));\n"
    "CREATE INDEX project_parcel_parcel ON project_parcel(parcel_id);\n"
    /* the project's stage is derived from the actual dates: never stored */
    "CREATE TABLE milestone(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('land','construction','production','verification')),\n"
    "  planned TEXT,                    -- agreed date YYYY-MM-DD\n"
    "  actual TEXT,\n"
    "  PRIMARY KEY (project_id, kind));\n"
    "CREATE TABLE investment_plan(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  year INTEGER NOT NULL,\n"
    "  amount REAL NOT NULL,            -- planned investment of the year, 万元\n"
    "  PRIMARY KEY (project_id, year));\n"
    "CREATE TABLE investment_progress(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  period TEXT NOT NULL,            -- YYYY-MM\n"
    "  amount REAL NOT NULL,            -- completed in that month, 万元\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (project_id, period));\n"
    "CREATE TABLE parcel_lineage(       -- split and merge\n"
    "  parent_id INTEGER NOT NULL REFERENCES parcel(id),\n"
    "  child_id INTEGER NOT NULL REFERENCES parcel(id),\n"
    "  operation TEXT NOT NULL CHECK (operation IN ('split','merge')),\n"
    "  at TEXT NOT NULL,\n"
    "  PRIMARY KEY (parent_id, child_id));\n";

/* Version 1 → 2 (issue 6, speed at 100 000 parcels):
 * - parcel(status, area_m2, park_id, code, name) replaces parcel(status):
 *   `query free` and `match` look for free parcels in an area window — a
 *   range scan instead of a walk over every free parcel, and one that never
 *   reads the table rows (with their geometry) for what it shows;
 * - crs_pipeline keeps the PROJ pipeline of each pair of coordinate systems
 *   parkland transforms between, so that a new process builds its
 *   transformation from the pipeline string (≈ 0.2 ms) instead of searching
 *   proj.db (100–200 ms). A row is only used by the PROJ version that wrote it. */
static const char pl_schema_v2[] =
    "DROP INDEX IF EXISTS parcel_status;\n"
    "CREATE INDEX parcel_status_area ON parcel(status, area_m2, park_id, code, name);\n"
    "CREATE TABLE crs_pipeline(\n"
    "  src_srid INTEGER NOT NULL,\n"
    "  dst_srid INTEGER NOT NULL,\n"
    "  proj_version TEXT NOT NULL,\n"
    "  pipeline TEXT NOT NULL,         -- proj_as_proj_string of the normalised crs_to_crs operation\n"
    "  PRIMARY KEY (src_srid, dst_srid, proj_version));\n";

/* Version 2 → 3 (issue 6): parcel.status's CHECK compares with each status in
 * turn. Written as `status IN (list)`, SQLite builds an ephemeral table of the
 * list once per execution of every statement that writes a parcel: ≈ 42 000 of
 * the ≈ 235 000 instructions an import spends writing one parcel. The rows are
 * the same and satisfy both forms. SQLite cannot ALTER a CHECK: db.c rewrites
 * the table's definition in sqlite_schema, SQLite's documented procedure for a
 * constraint every row already satisfies (lang_altertable.html, "otheralter"). */
#define PL_PARCEL_STATUS_CHECK_V3                                                                        \
    "CHECK (status = 'reserve' OR status = 'available' OR status = 'reserved' OR status = 'listed'\n"    \
    "      OR status = 'transferred' OR status = 'construction' OR status = 'production'\n"              \
    "      OR status = 'verified' OR status = 'idle' OR status = 'retired')"

/* Version 3 → 4 (issue 12): a park's 7 parameters from an old datum (Xian 1980,
 * Beijing 1954) to CGCS2000/WGS 84, used by an import of a file in that datum
 * into the park when the import names none (--towgs84). */
static const char pl_schema_v4[] =
    "CREATE TABLE park_datum_shift(\n"
    "  park_id INTEGER NOT NULL REFERENCES park(id) ON DELETE CASCADE,\n"
    "  datum TEXT NOT NULL CHECK (datum = 'Xian 1980' OR datum = 'Beijing 1954'),\n"
    "  towgs84 TEXT NOT NULL,          -- dX,dY,dZ (m),rX,rY,rZ (arc-seconds),scale (ppm): position vector\n"
    "  note TEXT,\n"
    "  updated_at TEXT NOT NULL,\n"
    "  updated_by TEXT NOT NULL,\n"
    "  PRIMARY KEY (park_id, datum));\n";

/* Version 4 → 5 (issue 13): an import batch can be undone. The batch keeps its
 * row (history rows name it); undone_at/undone_by say that its parcels were
 * removed, and by whom, so that it is listed as undone and not undone twice. */
static const char pl_schema_v5[] =
    "ALTER TABLE import_batch ADD COLUMN undone_at TEXT;   -- UTC, NULL while the batch stands\n"
    "ALTER TABLE import_batch ADD COLUMN undone_by TEXT;\n";

/* Version 5 → 6 (issue 13 §3, the steps agree with how land is supplied):
 * - lead.park_id: the park a lead is negotiating for (`lead add/edit --park`);
 *   the "leads by park" report counts a lead in that park only, and leads
 *   without one in a row of their own;
 * - signing an investment agreement (投资协议) no longer transfers land: it
 *   holds the parcels for the project (预留 reserved, or 挂牌 listed), and the
 *   actual land milestone (出让合同/交地) transfers them (已出让).
 * A database signed under the old model has parcels 'transferred' at signing.
 * Where the project has an actual land date, the land office recorded the
 * transfer: the parcels stay as they are. Where it has none, nothing says the
 * land was supplied (the alerts already report "计划供地逾期" for it), and the
 * status was only the old model's side effect: those parcels go back to
 * 'reserved' for the project from its signing date, with a history row each
 * (old 'transferred', new 'reserved', effective = the signing date, a note
 * naming the project), so that the map, the alerts and the history agree; the
 * land milestone, when it is recorded, transfers them. Recording the land
 * milestone from the signing date instead would invent a 出让合同 nobody
 * entered. Terminated projects are left alone (their parcels' fate was
 * decided when they ended).
 * A lead that names no park gets the one park of its projects' parcels, else
 * the one park of the parcels reserved for it (not when they span parks),
 * with a history row each: the parks the report counted it in until now.
 * ?2 = the time (UTC), ?3 = the user, bound by db.c. */
static const char pl_schema_v6_ddl[] =
    "ALTER TABLE lead ADD COLUMN park_id INTEGER REFERENCES park(id);  -- negotiating for; NULL = not decided\n";
static const char *const pl_schema_v6_data[] = {
    "DROP TABLE IF EXISTS temp.v6_parcel",
    "CREATE TEMP TABLE v6_parcel AS"
    " SELECT c.id AS id, c.code AS code, min(x.code) AS project, min(x.signed_on) AS signed_on"
    " FROM project x JOIN project_parcel pp ON pp.project_id = x.id JOIN parcel c ON c.id = pp.parcel_id"
    " WHERE x.terminated_on IS NULL AND c.status = 'transferred'"
    "   AND NOT EXISTS (SELECT 1 FROM milestone m WHERE m.project_id = x.id AND m.kind = 'land'"
    "                   AND m.actual IS NOT NULL)"
    " GROUP BY c.id",
    "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, note, effective)"
    " SELECT 'parcel', id, code, 'status', 'transferred', 'reserved', ?2, ?3,"
    "  'schema 6: held for project ' || project || ' signed on ' || signed_on || ' until its land supply"
    " (出让合同/交地); signing no longer transfers land', signed_on FROM v6_parcel ORDER BY id",
    "UPDATE parcel SET status = 'reserved', status_date = (SELECT signed_on FROM v6_parcel v WHERE v.id = parcel.id),"
    " updated_at = ?2 WHERE id IN (SELECT id FROM v6_parcel)",
    "DROP TABLE temp.v6_parcel",
    "DROP TABLE IF EXISTS temp.v6_lead",
    "CREATE TEMP TABLE v6_lead AS SELECT id, code, project_park, reserved_park FROM"
    " (SELECT l.id AS id, l.code AS code,"
    "  (SELECT CASE WHEN count(DISTINCT c.park_id) = 1 THEN min(c.park_id) END FROM project x"
    "   JOIN project_parcel pp ON pp.project_id = x.id JOIN parcel c ON c.id = pp.parcel_id"
    "   WHERE x.lead_id = l.id) AS project_park,"
    "  (SELECT CASE WHEN count(DISTINCT c.park_id) = 1 THEN min(c.park_id) END FROM reservation r"
    "   JOIN parcel c ON c.id = r.parcel_id WHERE r.lead_id = l.id) AS reserved_park"
    "  FROM lead l WHERE l.park_id IS NULL)"
    " WHERE project_park IS NOT NULL OR reserved_park IS NOT NULL",
    "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, note)"
    " SELECT 'lead', v.id, v.code, 'park', NULL, k.code, ?2, ?3,"
    "  CASE WHEN v.project_park IS NOT NULL THEN 'schema 6: the park of its project''s parcels'"
    "  ELSE 'schema 6: the park of the parcels reserved for it' END"
    " FROM v6_lead v JOIN park k ON k.id = COALESCE(v.project_park, v.reserved_park) ORDER BY v.id",
    "UPDATE lead SET park_id = (SELECT COALESCE(project_park, reserved_park) FROM v6_lead v WHERE v.id = lead.id)"
    " WHERE id IN (SELECT id FROM v6_lead)",
    "DROP TABLE temp.v6_lead",
    NULL};
/* Schema 8: the accounts of `parkland serve` (parkland/user.h). The password
 * is an argon2id encoded hash (salt and parameters inside); disabled_at is
 * NULL while the account may log in. History rows of entity 'user'. */
static const char pl_schema_v8[] =
    "CREATE TABLE IF NOT EXISTS app_user(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  role TEXT NOT NULL CHECK (role = 'viewer' OR role = 'investment' OR role = 'land' OR role = 'admin'),\n"
    "  password_hash TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL,\n"
    "  disabled_at TEXT);\n";
/* Schema 7: when a parcel entered the land bank (import parcels --date D; NULL:
 * the day it was recorded, created_at), and the day the park took a parcel back
 * from a project (pl_parcel_reclaim; NULL while the project holds it). */
static const char pl_schema_v7[] =
    "ALTER TABLE parcel ADD COLUMN entered_on TEXT;          -- YYYY-MM-DD, NULL = date of created_at\n"
    "ALTER TABLE project_parcel ADD COLUMN reclaimed_on TEXT; -- YYYY-MM-DD, NULL = held by the project\n";
/* Schema 13: a parcel found by its code alone (`parcel show CODE`, the API's
 * /parcels/CODE, every command that takes a parcel code without --park) was a
 * walk over the (park_id, code) index; this index finds it at once. */
static const char pl_schema_v13[] = "CREATE INDEX IF NOT EXISTS parcel_code ON parcel(code);\n";

/* Schema 14 (issue 15 §3): the approval of a parcel for construction use
 * (农用地转用/土地征收批准): the approval document's number and the day it was
 * approved, set by `parcel edit --approval-doc --approved-on` (history rows
 * 'approval_doc', 'approved_on'). A parcel approved on or before D and not
 * supplied to a project on D is 批而未供 in the stock ledger (parkland/ledger.h).
 * Added by schema_v14 when missing: independent of the other numbers. */
static const char pl_schema_v14[] =
    "ALTER TABLE parcel ADD COLUMN approval_doc TEXT;  -- 批准文号 (land-use conversion / expropriation approval)\n"
    "ALTER TABLE parcel ADD COLUMN approved_on TEXT;   -- YYYY-MM-DD approved\n";

/* Schema 15: what `match` keeps in memory per connection (match_snapshot.c) is
 * valid while these counters stand. One row per table it reads; a trigger adds
 * one in the writer's transaction, so a reader sees the counter of the data it
 * reads. parcel: only the columns match keeps (a name or stage edit elsewhere
 * rebuilds nothing); lead: only what links a project to its industry (a lead
 * added or moved to another stage rebuilds nothing). Counters only grow.
 * IF NOT EXISTS / OR IGNORE: independent of the other numbers. */
static const char pl_schema_v15[] =
    "CREATE TABLE IF NOT EXISTS match_generation(\n"
    "  name TEXT PRIMARY KEY,\n"
    "  gen INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;\n"
    "INSERT OR IGNORE INTO match_generation(name) VALUES ('parcel'), ('parcel_indicator'), ('project'),"
    " ('project_parcel'), ('lead');\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_parcel_ins AFTER INSERT ON parcel BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'parcel'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_parcel_upd AFTER UPDATE OF id, park_id, status, area_m2, geom ON parcel BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'parcel'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_parcel_del AFTER DELETE ON parcel BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'parcel'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_indicator_ins AFTER INSERT ON parcel_indicator BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'parcel_indicator'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_indicator_upd AFTER UPDATE ON parcel_indicator BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'parcel_indicator'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_indicator_del AFTER DELETE ON parcel_indicator BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'parcel_indicator'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_project_ins AFTER INSERT ON project BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'project'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_project_upd AFTER UPDATE OF id, lead_id, terminated_on ON project BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'project'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_project_del AFTER DELETE ON project BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'project'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_project_parcel_ins AFTER INSERT ON project_parcel BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'project_parcel'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_project_parcel_upd AFTER UPDATE ON project_parcel BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'project_parcel'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_project_parcel_del AFTER DELETE ON project_parcel BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'project_parcel'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_lead_upd AFTER UPDATE OF id, industry ON lead BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'lead'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS match_gen_lead_del AFTER DELETE ON lead BEGIN"
    " UPDATE match_generation SET gen = gen + 1 WHERE name = 'lead'; END;\n";

/* Schema 10 (issue 15 §1, §4): the deadlines of a transfer contract and the
 * figures the province scores.
 * - milestone.kind takes 'completion' (竣工): its agreed and actual dates
 *   beside land (交地), construction (开工), production (投产) and
 *   verification (达产). SQLite cannot ALTER a CHECK: the table is rebuilt
 *   with its rows (nothing refers to it);
 * - project_extension: a 延期开工 / 延期竣工 agreed with a document number and
 *   a new deadline (one per project and kind; recording it again replaces it,
 *   history keeps the old one);
 * - project_funds: funds in place (到位资金) per month, like investment_progress;
 * - kpi_target: the target of a figure per park (park_id 0: every park). */
static const char pl_schema_v10_milestone[] =
    "CREATE TABLE milestone_v10(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  kind TEXT NOT NULL CHECK (kind = 'land' OR kind = 'construction' OR kind = 'completion'\n"
    "    OR kind = 'production' OR kind = 'verification'),\n"
    "  planned TEXT,                    -- agreed date YYYY-MM-DD\n"
    "  actual TEXT,\n"
    "  PRIMARY KEY (project_id, kind));\n"
    "INSERT INTO milestone_v10(project_id, kind, planned, actual) SELECT project_id, kind, planned, actual FROM milestone;\n"
    "DROP TABLE milestone;\n"
    "ALTER TABLE milestone_v10 RENAME TO milestone;\n";
static const char pl_schema_v10[] =
    "CREATE TABLE IF NOT EXISTS project_extension(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  kind TEXT NOT NULL CHECK (kind = 'construction' OR kind = 'completion'),\n"
    "  document TEXT NOT NULL,          -- number of the agreement (延期开工/延期竣工)\n"
    "  until TEXT NOT NULL,             -- the new deadline YYYY-MM-DD\n"
    "  agreed_on TEXT NOT NULL,         -- the day it was agreed\n"
    "  note TEXT,\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (project_id, kind));\n"
    "CREATE TABLE IF NOT EXISTS project_funds(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  period TEXT NOT NULL,            -- YYYY-MM\n"
    "  amount REAL NOT NULL,            -- funds in place in that month, 万元\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (project_id, period));\n"
    "CREATE TABLE IF NOT EXISTS kpi_target(\n"
    "  park_id INTEGER NOT NULL DEFAULT 0, -- 0: every park\n"
    "  kpi TEXT NOT NULL,\n"
    "  target_pct REAL NOT NULL,\n"
    "  updated_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (park_id, kpi));\n";

/* Schema 9 (issue 15 §2): inspection records (巡查) with their photos and
 * documents (BLOBs with their SHA-256), idle-land cases under MLR order 53
 * (疑似 → 认定 → 处置 → closed), and the parcel's transfer price (成交价,
 * 万元) the idle fee is 20 % of. IF NOT EXISTS: independent of the other
 * numbers; the column is added by schema_v9 when missing. */
static const char pl_schema_v9[] =
    "CREATE TABLE IF NOT EXISTS inspection(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  parcel_id INTEGER NOT NULL REFERENCES parcel(id),\n"
    "  inspected_on TEXT NOT NULL,        -- YYYY-MM-DD\n"
    "  progress_pct REAL,                 -- construction progress, %\n"
    "  built_area_m2 REAL,                -- area developed (已开发/建成面积), m²\n"
    "  invested_wan REAL,                 -- investment spent so far, 万元\n"
    "  stopped_since TEXT,                -- YYYY-MM-DD work stopped (停工), NULL = working\n"
    "  note TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS inspection_parcel ON inspection(parcel_id, inspected_on);\n"
    "CREATE TABLE IF NOT EXISTS inspection_file(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  inspection_id INTEGER NOT NULL REFERENCES inspection(id),\n"
    "  name TEXT NOT NULL,                -- the file's name as given (no directory)\n"
    "  mime TEXT NOT NULL,                -- image/jpeg, image/png, application/pdf (by magic bytes)\n"
    "  size INTEGER NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  data BLOB NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS inspection_file_sha256 ON inspection_file(sha256);\n"
    "CREATE INDEX IF NOT EXISTS inspection_file_inspection ON inspection_file(inspection_id);\n"
    "CREATE TABLE IF NOT EXISTS idle_case(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  parcel_id INTEGER NOT NULL UNIQUE REFERENCES parcel(id),\n"
    "  found_on TEXT NOT NULL,            -- the day it was recorded (confirmed, or exempted while suspected)\n"
    "  basis TEXT NOT NULL CHECK (basis = 'not_started' OR basis = 'stopped'),\n"
    "  idle_since TEXT NOT NULL,          -- agreed start (not_started) or stopped since (stopped)\n"
    "  project TEXT, agreed_start TEXT, inspected_on TEXT,\n"
    "  area_m2 REAL, built_area_m2 REAL, invested_wan REAL, investment_wan REAL,\n"
    "  decision_no TEXT, confirmed_on TEXT, -- 认定: decision number and date\n"
    "  disposed_on TEXT,                  -- 处置: first disposal (fee, delay)\n"
    "  disposal TEXT CHECK (disposal IS NULL OR disposal = 'fee' OR disposal = 'delay'\n"
    "      OR disposal = 'reclaim' OR disposal = 'exempt'),  -- the latest\n"
    "  fee_wan REAL, price_wan REAL, delay_until TEXT,\n"
    "  closed_on TEXT,                    -- reclaimed or exempted\n"
    "  note TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL);\n";
static const char pl_schema_v9_price[] =
    "ALTER TABLE parcel ADD COLUMN transfer_price_wan REAL; -- 成交价 (transfer price), 万元\n";

/* Schema 11: 亩均效益 (parkland/muni.h): each project's annual figures per
 * year, and the evaluation's settings (weights, baselines, cut-offs) that
 * differ from the defaults (key → number). */
static const char pl_schema_v11[] =
    "CREATE TABLE IF NOT EXISTS annual_figure(\n"
    "  project_id INTEGER NOT NULL REFERENCES project(id),\n"
    "  year INTEGER NOT NULL,\n"
    "  tax REAL NOT NULL,               -- tax paid, 万元\n"
    "  sales REAL NOT NULL,             -- sales revenue, 万元\n"
    "  added_value REAL,                -- industrial added value, 万元\n"
    "  energy REAL,                     -- energy use, 吨标准煤 (tce)\n"
    "  rd REAL,                         -- R&D spending, 万元\n"
    "  employees REAL,                  -- average employees\n"
    "  source TEXT,                     -- file and line\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (project_id, year));\n"
    "CREATE TABLE IF NOT EXISTS muni_setting(key TEXT PRIMARY KEY, value REAL NOT NULL);\n";

/* Schema 12: a park's contacts for the investor brief (lead brief): one row a
 * park at most, every field optional; changes go into the history (entity
 * park, fields contact_name, contact_phone, contact_address, contact_email).
 * IF NOT EXISTS: it depends on no other step after 1. */
static const char pl_schema_v12[] =
    "CREATE TABLE IF NOT EXISTS park_contact(\n"
    "  park_id INTEGER PRIMARY KEY REFERENCES park(id) ON DELETE CASCADE,\n"
    "  name TEXT,\n"
    "  phone TEXT,\n"
    "  address TEXT,\n"
    "  email TEXT);\n";

#endif
