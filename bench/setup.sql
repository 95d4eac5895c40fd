-- bench/setup.sql — a generated park's life after import (bench/run, bench/serve):
-- statuses from the generator's attributes, indicators, three leads, a project.
-- Benchmark-only shortcuts, straight into the tables (no history rows): see bench/README.md.
.bail on
BEGIN;
UPDATE parcel SET status = json_extract(attrs, '$.status'), status_date = '2024-06-18'
 WHERE json_extract(attrs, '$.status') IN ('reserve','available','reserved','listed','transferred',
       'construction','production','verified','idle');
INSERT OR REPLACE INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu,
       output_per_mu, energy_per_output, building_coverage_min, admin_share_max, industries, updated_at)
SELECT id, 250 + 20 * (id % 6), 0.8 + 0.2 * (id % 3), 1.6 + 0.2 * (id % 4), 15 + 5 * (id % 4),
       300 + 50 * (id % 5), 0.3, 40, 7,
       CASE id % 8 WHEN 0 THEN NULL WHEN 1 THEN 'it' WHEN 2 THEN 'equipment' WHEN 3 THEN 'it,equipment'
            WHEN 4 THEN 'energy_materials' WHEN 5 THEN 'marine,health' WHEN 6 THEN 'chemical'
            ELSE 'equipment,energy_materials' END,
       '2024-06-18T00:00:00Z'
  FROM parcel WHERE id % 10 <> 9;
INSERT INTO lead(code, company, company_en, country, industry, investment, land_mu, tax_per_mu, output_per_mu,
                 stage, stage_date, created_at, updated_at) VALUES
 ('BENCH-EQ', '基准装备制造有限公司', 'Bench Equipment GmbH', 'DE', 'equipment', 13500, 45, 25, 400,
  'intent', '2024-06-18', '2024-06-18T00:00:00Z', '2024-06-18T00:00:00Z'),
 ('BENCH-IT', '基准信息技术株式会社', 'Bench IT KK', 'JP', 'it', 30000, 100, 30, 600,
  'visited', '2024-06-18', '2024-06-18T00:00:00Z', '2024-06-18T00:00:00Z');
-- one signed lead and its project per 7th transferred/built parcel, as a park has them: a
-- project on one parcel (BENCH-S-NNNNNN, P-BENCH-NNNNNN with the parcel's id)
INSERT INTO lead(code, company, company_en, country, industry, investment, land_mu, tax_per_mu, output_per_mu,
                 stage, stage_date, created_at, updated_at)
SELECT printf('BENCH-S-%06d', id), '基准已签约企业' || id, 'Bench Signed ' || id, 'KR', 'equipment', 20000, 60, 25,
       400, 'signed', '2024-06-18', '2024-06-18T00:00:00Z', '2024-06-18T00:00:00Z'
  FROM parcel WHERE status IN ('transferred', 'construction', 'production', 'verified') AND id % 7 = 0;
INSERT INTO project(code, lead_id, signed_on, investment, investment_intensity, far, tax_per_mu,
                    created_at, updated_at)
SELECT 'P-BENCH-' || substr(code, 9), id, '2024-06-18', 20000, 330, 1.2, 25, '2024-06-18T00:00:00Z',
       '2024-06-18T00:00:00Z'
  FROM lead WHERE code LIKE 'BENCH-S-%';
INSERT INTO project_parcel(project_id, parcel_id)
SELECT id, CAST(substr(code, 9) AS INTEGER) FROM project WHERE code LIKE 'P-BENCH-%';
COMMIT;
