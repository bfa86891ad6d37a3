-- Before the shared text rule, a desk could send text holding U+0000. PostgreSQL keeps it in
-- `json` (as the escape \u0000) but cannot turn it into `jsonb` or `text`, so erasing that
-- customer, and some searches, failed for good. The character is dropped from what is stored;
-- every such op is refused from now on. (An escape preceded by an odd number of backslashes is
-- the text "\u0000", not the character, and is left alone; adjacent ones take more rounds.)
DO $$
BEGIN
    LOOP
        UPDATE change_log
        SET op = regexp_replace(op::text, '(^|[^\\])((\\\\)*)\\u0000', '\1\2', 'g')::json
        WHERE op::text ~ '(^|[^\\])((\\\\)*)\\u0000';
        EXIT WHEN NOT FOUND;
    END LOOP;
END
$$;
