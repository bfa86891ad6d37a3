-- What a device may write, set by its enrollment code: a frontline desk logs conversations and
-- edits customers; reviews, deletions and erasures come only from a supervisor's or an
-- administrator's device (and, on any device, only from someone of that role).
ALTER TABLE enrollment_codes ADD COLUMN device_role text NOT NULL DEFAULT 'frontline'
    CHECK (device_role IN ('frontline', 'supervisor', 'admin'));
ALTER TABLE devices ADD COLUMN device_role text NOT NULL DEFAULT 'frontline'
    CHECK (device_role IN ('frontline', 'supervisor', 'admin'));
UPDATE enrollment_codes SET device_role = CASE WHEN reads_org THEN 'admin'
                                               WHEN cardinality(also_reads) > 0 THEN 'supervisor'
                                               ELSE 'frontline' END;
UPDATE devices SET device_role = CASE WHEN reads_org THEN 'admin'
                                      WHEN cardinality(also_reads) > 0 THEN 'supervisor'
                                      ELSE 'frontline' END;
