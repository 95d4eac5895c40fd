-- tests/data/report/dataset.sql — the hand-made data set of test_report.c.
-- Every KPI of the three reports is worked out by hand in test_report.c for
-- three dates: D1 = 2023-06-30, D2 = 2024-06-30, D3 = 2025-06-30.
-- Areas are whole 亩 (1 亩 = 10000/15 m²); geometries are placeholders
-- (the reports use area_m2). Loaded into a database made by pl_db_create
-- (EPSG:4549) through the db handle.

INSERT INTO park(id, code, name, name_en, district, created_at, created_by) VALUES
  (1, 'QDIP', '示范园区', 'Demo park', '西海岸新区', '2023-01-01T00:00:00Z', 'tester'),
  (2, 'JMIP', '即墨园区', 'Jimo park', '即墨', '2023-01-01T00:00:00Z', 'tester'),
  (3, 'EMPT', '空园区', 'Empty park', NULL, '2023-01-01T00:00:00Z', 'tester');

-- id park code  亩   status now     created
--  1 QDIP A1    60   reserved       2023-01-01  reserve → available 2023-03-01 → reserved 2024-01-10 (L4, expires 2024-04-10)
--  2 QDIP A2    15   available      2023-01-01  no moves
--  3 QDIP A3    20   available      2023-01-01  no moves (exactly 20 亩: class 20–50)
--  4 QDIP A4   150   construction   2023-01-01  reserve → available 2023-02-01 → listed 2023-09-01
--                                               → transferred 2023-10-01 (P1) → construction 2024-03-01
--  5 QDIP A5   300   transferred    2023-01-01  available → transferred 2024-02-01 (P2)
--  6 QDIP A6    45   available      2024-05-01  no moves (does not exist on D1)
--  7 QDIP A7    90   retired        2023-01-01  available → retired, recorded 2025-01-15 (no effective date)
--  8 JMIP B1   120   transferred    2023-01-01  available → transferred 2023-05-15 (P3)
--  9 JMIP B2    75   reserve        2023-01-01  no moves
-- 10 JMIP B3    60   transferred    2023-01-01  available → transferred 2025-03-01 (P4)
INSERT INTO parcel(id, park_id, code, name, area_m2, status, status_date, created_at, updated_at, geom) VALUES
  (1, 1, 'A1', '地块A1', 40000, 'reserved', '2024-01-10', '2023-01-01T00:00:00Z', '2024-01-10T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((500000 4000000, 500200 4000000, 500200 4000200, 500000 4000200, 500000 4000000))', 4549))),
  (2, 1, 'A2', '地块A2', 10000, 'available', '2023-01-01', '2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((501000 4000000, 501100 4000000, 501100 4000100, 501000 4000100, 501000 4000000))', 4549))),
  (3, 1, 'A3', '地块A3', 13333.333333333334, 'available', '2023-01-01', '2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((502000 4000000, 502100 4000000, 502100 4000100, 502000 4000100, 502000 4000000))', 4549))),
  (4, 1, 'A4', '地块A4', 100000, 'construction', '2024-03-01', '2023-01-01T00:00:00Z', '2024-03-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((503000 4000000, 503100 4000000, 503100 4000100, 503000 4000100, 503000 4000000))', 4549))),
  (5, 1, 'A5', '地块A5', 200000, 'transferred', '2024-02-01', '2023-01-01T00:00:00Z', '2024-02-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((504000 4000000, 504100 4000000, 504100 4000100, 504000 4000100, 504000 4000000))', 4549))),
  (6, 1, 'A6', '地块A6', 30000, 'available', '2024-05-01', '2024-05-01T00:00:00Z', '2024-05-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((505000 4000000, 505100 4000000, 505100 4000100, 505000 4000100, 505000 4000000))', 4549))),
  (7, 1, 'A7', '地块A7', 60000, 'retired', '2025-01-15', '2023-01-01T00:00:00Z', '2025-01-15T08:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((506000 4000000, 506100 4000000, 506100 4000100, 506000 4000100, 506000 4000000))', 4549))),
  (8, 2, 'B1', '地块B1', 80000, 'transferred', '2023-05-15', '2023-01-01T00:00:00Z', '2023-05-15T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((510000 4000000, 510100 4000000, 510100 4000100, 510000 4000100, 510000 4000000))', 4549))),
  (9, 2, 'B2', '地块B2', 50000, 'reserve', '2023-01-01', '2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((511000 4000000, 511100 4000000, 511100 4000100, 511000 4000100, 511000 4000000))', 4549))),
  (10, 2, 'B3', '地块B3', 40000, 'transferred', '2025-03-01', '2023-01-01T00:00:00Z', '2025-03-01T00:00:00Z',
   CastToMultiPolygon(ST_GeomFromText('POLYGON((512000 4000000, 512100 4000000, 512100 4000100, 512000 4000100, 512000 4000000))', 4549)));

INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, note, effective) VALUES
  ('parcel', 1, 'A1', 'status', 'reserve', 'available', '2023-03-01T02:00:00Z', 'tester', NULL, '2023-03-01'),
  ('parcel', 1, 'A1', 'status', 'available', 'reserved', '2024-01-10T02:00:00Z', 'tester', NULL, '2024-01-10'),
  ('parcel', 4, 'A4', 'status', 'reserve', 'available', '2023-02-01T02:00:00Z', 'tester', NULL, '2023-02-01'),
  ('parcel', 4, 'A4', 'status', 'available', 'listed', '2023-09-01T02:00:00Z', 'tester', NULL, '2023-09-01'),
  ('parcel', 4, 'A4', 'status', 'listed', 'transferred', '2023-10-01T02:00:00Z', 'tester', NULL, '2023-10-01'),
  -- recorded late (2024-04-02), effective 2024-03-01
  ('parcel', 4, 'A4', 'status', 'transferred', 'construction', '2024-04-02T02:00:00Z', 'tester', NULL, '2024-03-01'),
  ('parcel', 5, 'A5', 'status', 'available', 'transferred', '2024-02-01T02:00:00Z', 'tester', NULL, '2024-02-01'),
  ('parcel', 7, 'A7', 'status', 'available', 'retired', '2025-01-15T08:00:00Z', 'tester', 'split', NULL),
  ('parcel', 8, 'B1', 'status', 'available', 'transferred', '2023-05-15T02:00:00Z', 'tester', NULL, '2023-05-15'),
  ('parcel', 10, 'B3', 'status', 'available', 'transferred', '2025-03-01T02:00:00Z', 'tester', NULL, '2025-03-01');

-- standard-land indicators (A5: only a base price; A2, A3, A6, A7, B2: none)
INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu, output_per_mu,
                             energy_per_output, base_price, updated_at) VALUES
  (4, 300, 1.0, NULL, NULL, NULL, NULL, 40, '2023-01-01T00:00:00Z'),
  (5, NULL, NULL, NULL, NULL, NULL, NULL, 50, '2023-01-01T00:00:00Z'),
  (8, 300, 1.0, 2.0, 20, NULL, 0.5, NULL, '2023-01-01T00:00:00Z'),
  (10, NULL, NULL, NULL, NULL, 400, NULL, 45, '2023-01-01T00:00:00Z'),
  (1, 280, NULL, NULL, NULL, NULL, NULL, 60, '2023-01-01T00:00:00Z');

-- leads; stage history (effective dates):
-- L1 it 四新        new → contacted 2023-03-01 → signed 2023-10-01 (P1)
-- L2 equipment      new → intent 2023-04-01 → signed 2024-02-01 (P2)
-- L3 it             new → visited 2023-04-01 → signed 2023-05-15 (P3)
-- L4 health 四新     new → intent 2023-12-01; reserved A1 on 2024-01-10
-- L5 marine         new → lost 2024-05-01
-- L6 (no industry)  created 2024-08-01, new
-- L7 equipment 四新  new → intent 2024-01-01 → signed recorded 2025-07-15 without an effective date,
--                   although its project P4 was signed on 2025-03-01
INSERT INTO lead(id, code, company, industry, new_economy, investment, stage, stage_date, created_at, updated_at) VALUES
  (1, 'L1', '甲科技', 'it', 1, 50000, 'signed', '2023-10-01', '2023-01-01T00:00:00Z', '2023-10-01T00:00:00Z'),
  (2, 'L2', '乙装备', 'equipment', 0, 60000, 'signed', '2024-02-01', '2023-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
  (3, 'L3', '丙电子', 'it', 0, 20000, 'signed', '2023-05-15', '2023-01-01T00:00:00Z', '2023-05-15T00:00:00Z'),
  (4, 'L4', '丁医疗', 'health', 1, 15000, 'intent', '2023-12-01', '2023-01-01T00:00:00Z', '2023-12-01T00:00:00Z'),
  (5, 'L5', '戊海洋', 'marine', 0, 8000, 'lost', '2024-05-01', '2023-01-01T00:00:00Z', '2024-05-01T00:00:00Z'),
  (6, 'L6', '己贸易', NULL, 0, NULL, 'new', '2024-08-01', '2024-08-01T00:00:00Z', '2024-08-01T00:00:00Z'),
  (7, 'L7', '庚机械', 'equipment', 1, 10000, 'signed', '2025-03-01', '2023-01-01T00:00:00Z', '2025-07-15T09:00:00Z');
-- the park each lead negotiates for (lead add/edit --park): L5 and L6 name none (未定园区)
UPDATE lead SET park_id = 1 WHERE code IN ('L1', 'L2', 'L4');
UPDATE lead SET park_id = 2 WHERE code IN ('L3', 'L7');

INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, note, effective) VALUES
  ('lead', 1, 'L1', 'created', NULL, '甲科技', '2023-01-01T00:00:00Z', 'tester', NULL, NULL),
  ('lead', 1, 'L1', 'stage', 'new', 'contacted', '2023-03-01T00:00:00Z', 'tester', NULL, '2023-03-01'),
  ('lead', 1, 'L1', 'stage', 'contacted', 'signed', '2023-10-01T00:00:00Z', 'tester', 'project P1', '2023-10-01'),
  ('lead', 2, 'L2', 'stage', 'new', 'intent', '2023-04-01T00:00:00Z', 'tester', NULL, '2023-04-01'),
  ('lead', 2, 'L2', 'stage', 'intent', 'signed', '2024-02-01T00:00:00Z', 'tester', 'project P2', '2024-02-01'),
  ('lead', 3, 'L3', 'stage', 'new', 'visited', '2023-04-01T00:00:00Z', 'tester', NULL, '2023-04-01'),
  ('lead', 3, 'L3', 'stage', 'visited', 'signed', '2023-05-15T00:00:00Z', 'tester', 'project P3', '2023-05-15'),
  ('lead', 4, 'L4', 'stage', 'new', 'intent', '2023-12-01T00:00:00Z', 'tester', NULL, '2023-12-01'),
  ('lead', 5, 'L5', 'stage', 'new', 'lost', '2024-05-01T00:00:00Z', 'tester', NULL, '2024-05-01'),
  ('lead', 7, 'L7', 'stage', 'new', 'intent', '2024-01-01T00:00:00Z', 'tester', NULL, '2024-01-01'),
  ('lead', 7, 'L7', 'stage', 'intent', 'signed', '2025-07-15T09:00:00Z', 'tester', 'project P4', NULL);

INSERT INTO reservation(id, parcel_id, lead_id, reserved_on, expires_on, released_on, note) VALUES
  (1, 1, 4, '2024-01-10', '2024-04-10', NULL, NULL);

-- projects:      lead  signed      parcels  committed 万元  intensity FAR  tax   output energy
INSERT INTO project(id, code, lead_id, signed_on, investment, investment_intensity, far, tax_per_mu, output_per_mu,
                    energy_per_output, created_at, updated_at) VALUES
  (1, 'P1', 1, '2023-10-01', 30000, 320, 1.5, NULL, NULL, NULL, '2023-10-01T00:00:00Z', '2023-10-01T00:00:00Z'),
  (2, 'P2', 2, '2024-02-01', 60000, 200, NULL, NULL, NULL, NULL, '2024-02-01T00:00:00Z', '2024-02-01T00:00:00Z'),
  (3, 'P3', 3, '2023-05-15', 20000, 250, 1.2, NULL, NULL, 0.6, '2023-05-15T00:00:00Z', '2023-05-15T00:00:00Z'),
  (4, 'P4', 7, '2025-03-01', 10000, NULL, NULL, NULL, 450, NULL, '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z');
INSERT INTO project_parcel(project_id, parcel_id) VALUES (1, 4), (2, 5), (3, 8), (4, 10);

-- milestones (an actual after D does not count on D: P1's production 2025-08-01)
INSERT INTO milestone(project_id, kind, planned, actual) VALUES
  (1, 'land', '2023-11-01', '2023-11-15'),
  (1, 'construction', '2024-01-01', '2024-03-01'),
  (1, 'production', '2025-01-01', '2025-08-01'),
  (1, 'verification', '2026-01-01', NULL),
  (2, 'land', '2024-03-01', '2024-03-10'),
  (2, 'construction', '2024-05-01', NULL),
  (2, 'production', '2026-01-01', NULL),
  (3, 'land', '2023-05-20', '2023-05-25'),
  (3, 'construction', '2023-06-01', NULL);

INSERT INTO investment_plan(project_id, year, amount) VALUES
  (3, 2023, 8000), (1, 2024, 10000), (2, 2024, 20000), (3, 2024, 10000),
  (1, 2025, 5000), (2, 2025, 10000), (4, 2025, 5000);
INSERT INTO investment_progress(project_id, period, amount, recorded_at) VALUES
  (3, '2023-05', 1000, '2023-06-01T00:00:00Z'), (3, '2023-06', 1000, '2023-07-01T00:00:00Z'),
  (3, '2023-07', 2000, '2023-08-01T00:00:00Z'), (1, '2023-12', 1500, '2024-01-01T00:00:00Z'),
  (1, '2024-03', 3000, '2024-04-01T00:00:00Z'), (1, '2024-06', 2000, '2024-07-01T00:00:00Z'),
  (1, '2024-07', 5000, '2024-08-01T00:00:00Z'), (2, '2024-05', 4000, '2024-06-01T00:00:00Z'),
  (1, '2025-02', 1000, '2025-03-01T00:00:00Z'), (1, '2025-06', 500, '2025-07-01T00:00:00Z'),
  (1, '2025-07', 9999, '2025-08-01T00:00:00Z'), (4, '2025-04', 2500, '2025-05-01T00:00:00Z');
