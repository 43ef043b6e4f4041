-- The schema of a new plangraph store on PostgreSQL: pg_dump of a database the migrations
-- made, rewritten by migration::baseline::from_dump. Generated; do not edit. To remake it:
--   PLANGRAPH_BLESS=1 cargo test --test api baseline
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE FUNCTION breakdown_declaration_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "breakdown_declaration__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION breakdown_declaration_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "breakdown_declaration__history" ("id", "indicator_id", "version", "aggregation", "dimensions", "declared_at") SELECT n."id", n."indicator_id", n."version", n."aggregation", n."dimensions", n."declared_at" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION breakdown_declaration_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "breakdown_declaration__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "breakdown_declaration__history" ("id", "indicator_id", "version", "aggregation", "dimensions", "declared_at") VALUES (NEW."id", NEW."indicator_id", NEW."version", NEW."aggregation", NEW."dimensions", NEW."declared_at"); END IF; RETURN NULL; END $$;
CREATE FUNCTION bump_data_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE data_version SET version = version + 1, structure_version = structure_version + CASE WHEN TG_NARGS > 0 AND TG_ARGV[0] = 'values' THEN 0 ELSE 1 END WHERE id = 1; PERFORM pg_notify('plangraph_data_version', ''); RETURN NULL; END $$;
CREATE FUNCTION codelist_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "codelist__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION codelist_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "codelist__history" ("id", "dimension", "version", "codes", "defined_at") SELECT n."id", n."dimension", n."version", n."codes", n."defined_at" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION codelist_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "codelist__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "codelist__history" ("id", "dimension", "version", "codes", "defined_at") VALUES (NEW."id", NEW."dimension", NEW."version", NEW."codes", NEW."defined_at"); END IF; RETURN NULL; END $$;
CREATE FUNCTION department_alias_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "department_alias__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION department_alias_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "department_alias__history" ("id", "alias", "department_id", "line_start", "line_end", "source_text") SELECT n."id", n."alias", n."department_id", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION department_alias_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "department_alias__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "department_alias__history" ("id", "alias", "department_id", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."alias", NEW."department_id", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION department_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "department__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION department_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "department__history" ("id", "name", "kind", "line_start", "line_end", "source_text") SELECT n."id", n."name", n."kind", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION department_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "department__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "department__history" ("id", "name", "kind", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."name", NEW."kind", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION document_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "document__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION document_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "document__history" ("id", "number", "issuer", "issue_date", "title", "sha256", "line_count", "imported_at", "model_version") SELECT n."id", n."number", n."issuer", n."issue_date", n."title", n."sha256", n."line_count", n."imported_at", n."model_version" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION document_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "document__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "document__history" ("id", "number", "issuer", "issue_date", "title", "sha256", "line_count", "imported_at", "model_version") VALUES (NEW."id", NEW."number", NEW."issuer", NEW."issue_date", NEW."title", NEW."sha256", NEW."line_count", NEW."imported_at", NEW."model_version"); END IF; RETURN NULL; END $$;
CREATE FUNCTION domain_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "domain__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION domain_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "domain__history" ("id", "key", "plan_id", "ordinal", "number", "title", "chapter", "line_start", "line_end", "source_text") SELECT n."id", n."key", n."plan_id", n."ordinal", n."number", n."title", n."chapter", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION domain_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "domain__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "domain__history" ("id", "key", "plan_id", "ordinal", "number", "title", "chapter", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."key", NEW."plan_id", NEW."ordinal", NEW."number", NEW."title", NEW."chapter", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION evaluation_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "evaluation__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION evaluation_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "evaluation__history" ("id", "kind", "plan_code", "through_year", "rules_version", "data_version", "frozen_at", "sha256", "revises_id", "item_count", "as_of", "publication_seq") SELECT n."id", n."kind", n."plan_code", n."through_year", n."rules_version", n."data_version", n."frozen_at", n."sha256", n."revises_id", n."item_count", n."as_of", n."publication_seq" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION evaluation_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "evaluation__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "evaluation__history" ("id", "kind", "plan_code", "through_year", "rules_version", "data_version", "frozen_at", "sha256", "revises_id", "item_count", "as_of", "publication_seq") VALUES (NEW."id", NEW."kind", NEW."plan_code", NEW."through_year", NEW."rules_version", NEW."data_version", NEW."frozen_at", NEW."sha256", NEW."revises_id", NEW."item_count", NEW."as_of", NEW."publication_seq"); END IF; RETURN NULL; END $$;
CREATE FUNCTION evaluation_is_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'evaluations are append-only: freeze a revising evaluation'; END $$;
CREATE FUNCTION evaluation_item_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "evaluation_item__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION evaluation_item_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "evaluation_item__history" ("id", "evaluation_id", "ordinal", "target_id", "target_key", "plan_code", "domain", "nature", "departments", "indicator", "unit", "class", "value", "value_year", "target_value", "comparator", "target_year", "binding", "progress", "expected", "reason_zh", "reason_en") SELECT n."id", n."evaluation_id", n."ordinal", n."target_id", n."target_key", n."plan_code", n."domain", n."nature", n."departments", n."indicator", n."unit", n."class", n."value", n."value_year", n."target_value", n."comparator", n."target_year", n."binding", n."progress", n."expected", n."reason_zh", n."reason_en" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION evaluation_item_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "evaluation_item__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "evaluation_item__history" ("id", "evaluation_id", "ordinal", "target_id", "target_key", "plan_code", "domain", "nature", "departments", "indicator", "unit", "class", "value", "value_year", "target_value", "comparator", "target_year", "binding", "progress", "expected", "reason_zh", "reason_en") VALUES (NEW."id", NEW."evaluation_id", NEW."ordinal", NEW."target_id", NEW."target_key", NEW."plan_code", NEW."domain", NEW."nature", NEW."departments", NEW."indicator", NEW."unit", NEW."class", NEW."value", NEW."value_year", NEW."target_value", NEW."comparator", NEW."target_year", NEW."binding", NEW."progress", NEW."expected", NEW."reason_zh", NEW."reason_en"); END IF; RETURN NULL; END $$;
CREATE FUNCTION goal_department_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "goal_department__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION goal_department_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "goal_department__history" ("id", "goal_id", "department_id", "role", "ordinal", "raw", "line_start", "line_end", "source_text") SELECT n."id", n."goal_id", n."department_id", n."role", n."ordinal", n."raw", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION goal_department_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "goal_department__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "goal_department__history" ("id", "goal_id", "department_id", "role", "ordinal", "raw", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."goal_id", NEW."department_id", NEW."role", NEW."ordinal", NEW."raw", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION goal_group_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "goal_group__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION goal_group_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "goal_group__history" ("id", "goal_id", "role", "ordinal", "phrase", "line_start", "line_end", "source_text") SELECT n."id", n."goal_id", n."role", n."ordinal", n."phrase", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION goal_group_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "goal_group__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "goal_group__history" ("id", "goal_id", "role", "ordinal", "phrase", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."goal_id", NEW."role", NEW."ordinal", NEW."phrase", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION goal_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "goal__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION goal_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "goal__history" ("id", "key", "plan_id", "domain_id", "ordinal", "kind", "number", "text", "department_tag", "line_start", "line_end", "source_text") SELECT n."id", n."key", n."plan_id", n."domain_id", n."ordinal", n."kind", n."number", n."text", n."department_tag", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION goal_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "goal__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "goal__history" ("id", "key", "plan_id", "domain_id", "ordinal", "kind", "number", "text", "department_tag", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."key", NEW."plan_id", NEW."domain_id", NEW."ordinal", NEW."kind", NEW."number", NEW."text", NEW."department_tag", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION indicator_assignment_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "indicator_assignment__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION indicator_assignment_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "indicator_assignment__history" ("id", "indicator_id", "department_id", "created_at") SELECT n."id", n."indicator_id", n."department_id", n."created_at" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION indicator_assignment_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "indicator_assignment__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "indicator_assignment__history" ("id", "indicator_id", "department_id", "created_at") VALUES (NEW."id", NEW."indicator_id", NEW."department_id", NEW."created_at"); END IF; RETURN NULL; END $$;
CREATE FUNCTION indicator_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "indicator__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION indicator_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "indicator__history" ("id", "key", "ordinal", "name", "unit", "direction", "line_start", "direction_inferred") SELECT n."id", n."key", n."ordinal", n."name", n."unit", n."direction", n."line_start", n."direction_inferred" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION indicator_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "indicator__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "indicator__history" ("id", "key", "ordinal", "name", "unit", "direction", "line_start", "direction_inferred") VALUES (NEW."id", NEW."key", NEW."ordinal", NEW."name", NEW."unit", NEW."direction", NEW."line_start", NEW."direction_inferred"); END IF; RETURN NULL; END $$;
CREATE FUNCTION indicator_value_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "indicator_value__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION indicator_value_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "indicator_value__history" ("id", "key", "indicator_id", "year", "value", "status", "origin", "version", "line_start", "line_end", "source_text", "created_at", "department_id", "note", "submitted_by", "reviewed_by", "reviewed_at", "review_comment", "updated_at", "year_inferred", "raw", "breakdown") SELECT n."id", n."key", n."indicator_id", n."year", n."value", n."status", n."origin", n."version", n."line_start", n."line_end", n."source_text", n."created_at", n."department_id", n."note", n."submitted_by", n."reviewed_by", n."reviewed_at", n."review_comment", n."updated_at", n."year_inferred", n."raw", n."breakdown" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION indicator_value_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "indicator_value__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "indicator_value__history" ("id", "key", "indicator_id", "year", "value", "status", "origin", "version", "line_start", "line_end", "source_text", "created_at", "department_id", "note", "submitted_by", "reviewed_by", "reviewed_at", "review_comment", "updated_at", "year_inferred", "raw", "breakdown") VALUES (NEW."id", NEW."key", NEW."indicator_id", NEW."year", NEW."value", NEW."status", NEW."origin", NEW."version", NEW."line_start", NEW."line_end", NEW."source_text", NEW."created_at", NEW."department_id", NEW."note", NEW."submitted_by", NEW."reviewed_by", NEW."reviewed_at", NEW."review_comment", NEW."updated_at", NEW."year_inferred", NEW."raw", NEW."breakdown"); END IF; RETURN NULL; END $$;
CREATE FUNCTION monitored_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "monitored__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION monitored_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "monitored__history" ("id", "key", "plan_id", "indicator_id", "name", "table_category", "table_number", "line_start", "line_end", "source_text") SELECT n."id", n."key", n."plan_id", n."indicator_id", n."name", n."table_category", n."table_number", n."line_start", n."line_end", n."source_text" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION monitored_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "monitored__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "monitored__history" ("id", "key", "plan_id", "indicator_id", "name", "table_category", "table_number", "line_start", "line_end", "source_text") VALUES (NEW."id", NEW."key", NEW."plan_id", NEW."indicator_id", NEW."name", NEW."table_category", NEW."table_number", NEW."line_start", NEW."line_end", NEW."source_text"); END IF; RETURN NULL; END $$;
CREATE FUNCTION plan_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "plan__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION plan_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "plan__history" ("id", "document_id", "code", "ordinal", "title", "notice_title", "period_start", "period_end", "overall_goal", "line_start", "line_end", "source_text", "indicator_count") SELECT n."id", n."document_id", n."code", n."ordinal", n."title", n."notice_title", n."period_start", n."period_end", n."overall_goal", n."line_start", n."line_end", n."source_text", n."indicator_count" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION plan_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "plan__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "plan__history" ("id", "document_id", "code", "ordinal", "title", "notice_title", "period_start", "period_end", "overall_goal", "line_start", "line_end", "source_text", "indicator_count") VALUES (NEW."id", NEW."document_id", NEW."code", NEW."ordinal", NEW."title", NEW."notice_title", NEW."period_start", NEW."period_end", NEW."overall_goal", NEW."line_start", NEW."line_end", NEW."source_text", NEW."indicator_count"); END IF; RETURN NULL; END $$;
CREATE FUNCTION self_assessment_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "self_assessment__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION self_assessment_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "self_assessment__history" ("id", "target_id", "department_id", "kind", "through_year", "class", "done", "held_back", "status", "version", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_comment") SELECT n."id", n."target_id", n."department_id", n."kind", n."through_year", n."class", n."done", n."held_back", n."status", n."version", n."submitted_by", n."submitted_at", n."reviewed_by", n."reviewed_at", n."review_comment" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION self_assessment_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "self_assessment__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "self_assessment__history" ("id", "target_id", "department_id", "kind", "through_year", "class", "done", "held_back", "status", "version", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_comment") VALUES (NEW."id", NEW."target_id", NEW."department_id", NEW."kind", NEW."through_year", NEW."class", NEW."done", NEW."held_back", NEW."status", NEW."version", NEW."submitted_by", NEW."submitted_at", NEW."reviewed_by", NEW."reviewed_at", NEW."review_comment"); END IF; RETURN NULL; END $$;
CREATE FUNCTION stamp_data_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.changed_at = EXTRACT(EPOCH FROM now())::bigint; RETURN NEW; END $$;
CREATE FUNCTION status_tally_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "status_tally__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."scope" = o."scope" AND h."scope_id" = o."scope_id" AND h."role" = o."role" AND h."status" = o."status"; RETURN NULL; END $$;
CREATE FUNCTION status_tally_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "status_tally__history" ("scope", "scope_id", "role", "status", "n") SELECT n."scope", n."scope_id", n."role", n."status", n."n" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION status_tally_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "status_tally__history" SET h_to = -1 WHERE h_to IS NULL AND "scope" = OLD."scope" AND "scope_id" = OLD."scope_id" AND "role" = OLD."role" AND "status" = OLD."status"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "status_tally__history" ("scope", "scope_id", "role", "status", "n") VALUES (NEW."scope", NEW."scope_id", NEW."role", NEW."status", NEW."n"); END IF; RETURN NULL; END $$;
CREATE FUNCTION target_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "target__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION target_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "target__history" ("id", "key", "indicator_id", "plan_id", "domain_id", "goal_id", "ordinal", "name", "unit", "direction", "nature", "nature_raw", "table_category", "table_number", "baseline_year", "baseline_value", "baseline_raw", "year", "comparator", "value", "basis", "raw", "inferred", "line_start", "line_end", "source_text", "status") SELECT n."id", n."key", n."indicator_id", n."plan_id", n."domain_id", n."goal_id", n."ordinal", n."name", n."unit", n."direction", n."nature", n."nature_raw", n."table_category", n."table_number", n."baseline_year", n."baseline_value", n."baseline_raw", n."year", n."comparator", n."value", n."basis", n."raw", n."inferred", n."line_start", n."line_end", n."source_text", n."status" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION target_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "target__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "target__history" ("id", "key", "indicator_id", "plan_id", "domain_id", "goal_id", "ordinal", "name", "unit", "direction", "nature", "nature_raw", "table_category", "table_number", "baseline_year", "baseline_value", "baseline_raw", "year", "comparator", "value", "basis", "raw", "inferred", "line_start", "line_end", "source_text", "status") VALUES (NEW."id", NEW."key", NEW."indicator_id", NEW."plan_id", NEW."domain_id", NEW."goal_id", NEW."ordinal", NEW."name", NEW."unit", NEW."direction", NEW."nature", NEW."nature_raw", NEW."table_category", NEW."table_number", NEW."baseline_year", NEW."baseline_value", NEW."baseline_raw", NEW."year", NEW."comparator", NEW."value", NEW."basis", NEW."raw", NEW."inferred", NEW."line_start", NEW."line_end", NEW."source_text", NEW."status"); END IF; RETURN NULL; END $$;
CREATE FUNCTION value_event_history_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN UPDATE "value_event__history" h SET h_to = -1 FROM history_old_rows o WHERE h.h_to IS NULL AND h."id" = o."id"; RETURN NULL; END $$;
CREATE FUNCTION value_event_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO "value_event__history" ("id", "value_id", "indicator_id", "year", "action", "actor_id", "actor_name", "at", "old_value", "new_value", "old_status", "new_status", "comment") SELECT n."id", n."value_id", n."indicator_id", n."year", n."action", n."actor_id", n."actor_name", n."at", n."old_value", n."new_value", n."old_status", n."new_status", n."comment" FROM history_new_rows n; RETURN NULL; END $$;
CREATE FUNCTION value_event_history_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE "value_event__history" SET h_to = -1 WHERE h_to IS NULL AND "id" = OLD."id"; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO "value_event__history" ("id", "value_id", "indicator_id", "year", "action", "actor_id", "actor_name", "at", "old_value", "new_value", "old_status", "new_status", "comment") VALUES (NEW."id", NEW."value_id", NEW."indicator_id", NEW."year", NEW."action", NEW."actor_id", NEW."actor_name", NEW."at", NEW."old_value", NEW."new_value", NEW."old_status", NEW."new_status", NEW."comment"); END IF; RETURN NULL; END $$;
CREATE FUNCTION value_event_is_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'value_event is append-only'; END $$;
CREATE TABLE app_user (
    id integer NOT NULL,
    username character varying NOT NULL,
    password_hash character varying NOT NULL,
    role character varying NOT NULL,
    department_id integer,
    disabled boolean DEFAULT false NOT NULL,
    token_version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    access_until timestamp with time zone
);
ALTER TABLE app_user ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME app_user_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE audit_log (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    actor character varying,
    actor_role character varying,
    action character varying NOT NULL,
    target text,
    outcome character varying NOT NULL,
    before text,
    after text,
    address character varying
);
ALTER TABLE audit_log ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE breakdown_declaration (
    id integer NOT NULL,
    indicator_id integer NOT NULL,
    version integer NOT NULL,
    aggregation character varying NOT NULL,
    dimensions text NOT NULL,
    declared_at timestamp with time zone NOT NULL
);
CREATE TABLE breakdown_declaration__history (
    id integer,
    indicator_id integer,
    version integer,
    aggregation character varying,
    dimensions text,
    declared_at timestamp with time zone,
    h_from bigint,
    h_to bigint
);
ALTER TABLE breakdown_declaration ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME breakdown_declaration_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE codelist (
    id integer NOT NULL,
    dimension character varying NOT NULL,
    version integer NOT NULL,
    codes text NOT NULL,
    defined_at timestamp with time zone NOT NULL
);
CREATE TABLE codelist__history (
    id integer,
    dimension character varying,
    version integer,
    codes text,
    defined_at timestamp with time zone,
    h_from bigint,
    h_to bigint
);
ALTER TABLE codelist ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME codelist_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE data_version (
    id integer NOT NULL,
    version bigint NOT NULL,
    changed_at bigint DEFAULT 0 NOT NULL,
    structure_version bigint DEFAULT 1 NOT NULL
);
COMMENT ON TABLE data_version IS 'versioning 50898f7f6f00ac29';
CREATE TABLE department (
    id integer NOT NULL,
    name character varying NOT NULL,
    kind character varying NOT NULL,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE department__history (
    id integer,
    name character varying,
    kind character varying,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
CREATE TABLE department_alias (
    id integer NOT NULL,
    alias character varying NOT NULL,
    department_id integer NOT NULL,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE department_alias__history (
    id integer,
    alias character varying,
    department_id integer,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE department_alias ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME department_alias_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE department ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME department_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE document (
    id integer NOT NULL,
    number character varying NOT NULL,
    issuer character varying NOT NULL,
    issue_date date NOT NULL,
    title text NOT NULL,
    sha256 character varying NOT NULL,
    line_count integer NOT NULL,
    imported_at timestamp with time zone NOT NULL,
    model_version integer DEFAULT 1 NOT NULL
);
CREATE TABLE document__history (
    id integer,
    number character varying,
    issuer character varying,
    issue_date date,
    title text,
    sha256 character varying,
    line_count integer,
    imported_at timestamp with time zone,
    model_version integer,
    h_from bigint,
    h_to bigint
);
ALTER TABLE document ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME document_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE domain (
    id integer NOT NULL,
    key character varying NOT NULL,
    plan_id integer NOT NULL,
    ordinal integer NOT NULL,
    number character varying NOT NULL,
    title text NOT NULL,
    chapter text NOT NULL,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE domain__history (
    id integer,
    key character varying,
    plan_id integer,
    ordinal integer,
    number character varying,
    title text,
    chapter text,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE domain ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME domain_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE evaluation (
    id integer NOT NULL,
    kind character varying NOT NULL,
    plan_code character varying,
    through_year integer NOT NULL,
    rules_version character varying NOT NULL,
    data_version bigint NOT NULL,
    frozen_at timestamp with time zone NOT NULL,
    sha256 character varying NOT NULL,
    revises_id integer,
    item_count integer NOT NULL,
    as_of timestamp with time zone,
    publication_seq bigint
);
CREATE TABLE evaluation__history (
    id integer,
    kind character varying,
    plan_code character varying,
    through_year integer,
    rules_version character varying,
    data_version bigint,
    frozen_at timestamp with time zone,
    sha256 character varying,
    revises_id integer,
    item_count integer,
    as_of timestamp with time zone,
    publication_seq bigint,
    h_from bigint,
    h_to bigint
);
ALTER TABLE evaluation ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME evaluation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE evaluation_item (
    id integer NOT NULL,
    evaluation_id integer NOT NULL,
    ordinal integer NOT NULL,
    target_id integer NOT NULL,
    target_key character varying NOT NULL,
    plan_code character varying NOT NULL,
    domain character varying NOT NULL,
    nature character varying NOT NULL,
    departments text NOT NULL,
    indicator character varying NOT NULL,
    unit character varying,
    class character varying NOT NULL,
    value double precision,
    value_year integer,
    target_value double precision,
    comparator character varying,
    target_year integer NOT NULL,
    binding boolean NOT NULL,
    progress double precision,
    expected double precision,
    reason_zh text NOT NULL,
    reason_en text NOT NULL
);
CREATE TABLE evaluation_item__history (
    id integer,
    evaluation_id integer,
    ordinal integer,
    target_id integer,
    target_key character varying,
    plan_code character varying,
    domain character varying,
    nature character varying,
    departments text,
    indicator character varying,
    unit character varying,
    class character varying,
    value double precision,
    value_year integer,
    target_value double precision,
    comparator character varying,
    target_year integer,
    binding boolean,
    progress double precision,
    expected double precision,
    reason_zh text,
    reason_en text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE evaluation_item ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME evaluation_item_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE goal (
    id integer NOT NULL,
    key character varying NOT NULL,
    plan_id integer NOT NULL,
    domain_id integer,
    ordinal integer NOT NULL,
    kind character varying NOT NULL,
    number character varying,
    text text NOT NULL,
    department_tag text,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE goal__history (
    id integer,
    key character varying,
    plan_id integer,
    domain_id integer,
    ordinal integer,
    kind character varying,
    number character varying,
    text text,
    department_tag text,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
CREATE TABLE goal_department (
    id integer NOT NULL,
    goal_id integer NOT NULL,
    department_id integer NOT NULL,
    role character varying NOT NULL,
    ordinal integer NOT NULL,
    raw character varying NOT NULL,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE goal_department__history (
    id integer,
    goal_id integer,
    department_id integer,
    role character varying,
    ordinal integer,
    raw character varying,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE goal_department ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME goal_department_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE goal_group (
    id integer NOT NULL,
    goal_id integer NOT NULL,
    role character varying NOT NULL,
    ordinal integer NOT NULL,
    phrase text NOT NULL,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE goal_group__history (
    id integer,
    goal_id integer,
    role character varying,
    ordinal integer,
    phrase text,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE goal_group ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME goal_group_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE goal ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME goal_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE indicator (
    id integer NOT NULL,
    key character varying NOT NULL,
    ordinal integer NOT NULL,
    name text NOT NULL,
    unit character varying,
    direction character varying NOT NULL,
    line_start integer NOT NULL,
    direction_inferred boolean DEFAULT false NOT NULL
);
CREATE TABLE indicator__history (
    id integer,
    key character varying,
    ordinal integer,
    name text,
    unit character varying,
    direction character varying,
    line_start integer,
    direction_inferred boolean,
    h_from bigint,
    h_to bigint
);
CREATE TABLE indicator_assignment (
    id integer NOT NULL,
    indicator_id integer NOT NULL,
    department_id integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE TABLE indicator_assignment__history (
    id integer,
    indicator_id integer,
    department_id integer,
    created_at timestamp with time zone,
    h_from bigint,
    h_to bigint
);
ALTER TABLE indicator_assignment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME indicator_assignment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE indicator ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME indicator_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE indicator_value (
    id integer NOT NULL,
    key character varying,
    indicator_id integer NOT NULL,
    year integer NOT NULL,
    value double precision NOT NULL,
    status character varying NOT NULL,
    origin character varying NOT NULL,
    version integer NOT NULL,
    line_start integer,
    line_end integer,
    source_text text,
    created_at timestamp with time zone NOT NULL,
    department_id integer,
    note text,
    submitted_by integer,
    reviewed_by integer,
    reviewed_at timestamp with time zone,
    review_comment text,
    updated_at timestamp with time zone,
    year_inferred boolean DEFAULT false NOT NULL,
    raw text,
    breakdown character varying DEFAULT ''::character varying NOT NULL
);
CREATE TABLE indicator_value__history (
    id integer,
    key character varying,
    indicator_id integer,
    year integer,
    value double precision,
    status character varying,
    origin character varying,
    version integer,
    line_start integer,
    line_end integer,
    source_text text,
    created_at timestamp with time zone,
    department_id integer,
    note text,
    submitted_by integer,
    reviewed_by integer,
    reviewed_at timestamp with time zone,
    review_comment text,
    updated_at timestamp with time zone,
    year_inferred boolean,
    raw text,
    breakdown character varying,
    h_from bigint,
    h_to bigint
);
ALTER TABLE indicator_value ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME indicator_value_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE monitored (
    id integer NOT NULL,
    key character varying NOT NULL,
    plan_id integer NOT NULL,
    indicator_id integer NOT NULL,
    name text NOT NULL,
    table_category character varying,
    table_number integer,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL
);
CREATE TABLE monitored__history (
    id integer,
    key character varying,
    plan_id integer,
    indicator_id integer,
    name text,
    table_category character varying,
    table_number integer,
    line_start integer,
    line_end integer,
    source_text text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE monitored ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME monitored_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE plan (
    id integer NOT NULL,
    document_id integer NOT NULL,
    code character varying NOT NULL,
    ordinal integer NOT NULL,
    title text NOT NULL,
    notice_title text,
    period_start integer NOT NULL,
    period_end integer NOT NULL,
    overall_goal text,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL,
    indicator_count integer DEFAULT 0 NOT NULL
);
CREATE TABLE plan__history (
    id integer,
    document_id integer,
    code character varying,
    ordinal integer,
    title text,
    notice_title text,
    period_start integer,
    period_end integer,
    overall_goal text,
    line_start integer,
    line_end integer,
    source_text text,
    indicator_count integer,
    h_from bigint,
    h_to bigint
);
ALTER TABLE plan ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME plan_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE publication (
    seq bigint NOT NULL,
    version bigint NOT NULL,
    at_us bigint NOT NULL
);
COMMENT ON TABLE publication IS 'history f8c4bbbf58bc068a';
CREATE TABLE seaql_migrations (
    version character varying NOT NULL,
    applied_at bigint NOT NULL
);
CREATE TABLE self_assessment (
    id integer NOT NULL,
    target_id integer NOT NULL,
    department_id integer NOT NULL,
    kind text NOT NULL,
    through_year integer NOT NULL,
    class text NOT NULL,
    done text NOT NULL,
    held_back text NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    submitted_by integer,
    submitted_at timestamp with time zone NOT NULL,
    reviewed_by integer,
    reviewed_at timestamp with time zone,
    review_comment text
);
CREATE TABLE self_assessment__history (
    id integer,
    target_id integer,
    department_id integer,
    kind text,
    through_year integer,
    class text,
    done text,
    held_back text,
    status text,
    version integer,
    submitted_by integer,
    submitted_at timestamp with time zone,
    reviewed_by integer,
    reviewed_at timestamp with time zone,
    review_comment text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE self_assessment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME self_assessment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE status_tally (
    scope character varying NOT NULL,
    scope_id integer NOT NULL,
    role character varying NOT NULL,
    status character varying NOT NULL,
    n bigint NOT NULL
);
CREATE TABLE status_tally__history (
    scope character varying,
    scope_id integer,
    role character varying,
    status character varying,
    n bigint,
    h_from bigint,
    h_to bigint
);
CREATE TABLE target (
    id integer NOT NULL,
    key character varying NOT NULL,
    indicator_id integer NOT NULL,
    plan_id integer NOT NULL,
    domain_id integer,
    goal_id integer,
    ordinal integer NOT NULL,
    name text NOT NULL,
    unit character varying,
    direction character varying NOT NULL,
    nature character varying NOT NULL,
    nature_raw character varying,
    table_category character varying,
    table_number integer,
    baseline_year integer,
    baseline_value double precision,
    baseline_raw character varying,
    year integer NOT NULL,
    comparator character varying,
    value double precision,
    basis character varying NOT NULL,
    raw text NOT NULL,
    inferred character varying DEFAULT ''::character varying NOT NULL,
    line_start integer NOT NULL,
    line_end integer NOT NULL,
    source_text text NOT NULL,
    status character varying DEFAULT 'no_data'::character varying NOT NULL
);
CREATE TABLE target__history (
    id integer,
    key character varying,
    indicator_id integer,
    plan_id integer,
    domain_id integer,
    goal_id integer,
    ordinal integer,
    name text,
    unit character varying,
    direction character varying,
    nature character varying,
    nature_raw character varying,
    table_category character varying,
    table_number integer,
    baseline_year integer,
    baseline_value double precision,
    baseline_raw character varying,
    year integer,
    comparator character varying,
    value double precision,
    basis character varying,
    raw text,
    inferred character varying,
    line_start integer,
    line_end integer,
    source_text text,
    status character varying,
    h_from bigint,
    h_to bigint
);
ALTER TABLE target ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME target_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE value_event (
    id integer NOT NULL,
    value_id integer NOT NULL,
    indicator_id integer NOT NULL,
    year integer NOT NULL,
    action character varying NOT NULL,
    actor_id integer,
    actor_name character varying NOT NULL,
    at timestamp with time zone NOT NULL,
    old_value double precision,
    new_value double precision,
    old_status character varying,
    new_status character varying NOT NULL,
    comment text
);
CREATE TABLE value_event__history (
    id integer,
    value_id integer,
    indicator_id integer,
    year integer,
    action character varying,
    actor_id integer,
    actor_name character varying,
    at timestamp with time zone,
    old_value double precision,
    new_value double precision,
    old_status character varying,
    new_status character varying,
    comment text,
    h_from bigint,
    h_to bigint
);
ALTER TABLE value_event ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME value_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE value_unavailable (
    id integer NOT NULL,
    indicator_id integer NOT NULL,
    year integer NOT NULL,
    department_id integer NOT NULL,
    note text,
    declared_by integer,
    declared_at timestamp with time zone NOT NULL
);
ALTER TABLE value_unavailable ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME value_unavailable_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
INSERT INTO data_version (id, version, changed_at, structure_version) VALUES (1, 2, 0, 2);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000001_plans', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000002_data_version', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000003_read_indexes', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000004_submissions', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000005_append_only', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000006_series', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000007_data_changed_at', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000008_target_status', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000009_version_notify', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000010_nested_positions', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000011_structure_version', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000012_search_index', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261129_000013_status_tally', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261130_000014_target_order', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261206_000015_value_unavailable', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261206_000016_evaluations', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261206_000017_access_until', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261206_000018_publication', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261206_000019_evaluation_as_of', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261206_000020_self_assessment', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261207_000021_monitored', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261207_000022_value_breakdown', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261207_000023_value_cells_index', 0);
INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20261207_000024_breakdown_declarations', 0);
SELECT pg_catalog.setval('app_user_id_seq', 1, false);
SELECT pg_catalog.setval('audit_log_id_seq', 1, false);
SELECT pg_catalog.setval('breakdown_declaration_id_seq', 1, false);
SELECT pg_catalog.setval('codelist_id_seq', 1, false);
SELECT pg_catalog.setval('department_alias_id_seq', 1, false);
SELECT pg_catalog.setval('department_id_seq', 1, false);
SELECT pg_catalog.setval('document_id_seq', 1, false);
SELECT pg_catalog.setval('domain_id_seq', 1, false);
SELECT pg_catalog.setval('evaluation_id_seq', 1, false);
SELECT pg_catalog.setval('evaluation_item_id_seq', 1, false);
SELECT pg_catalog.setval('goal_department_id_seq', 1, false);
SELECT pg_catalog.setval('goal_group_id_seq', 1, false);
SELECT pg_catalog.setval('goal_id_seq', 1, false);
SELECT pg_catalog.setval('indicator_assignment_id_seq', 1, false);
SELECT pg_catalog.setval('indicator_id_seq', 1, false);
SELECT pg_catalog.setval('indicator_value_id_seq', 1, false);
SELECT pg_catalog.setval('monitored_id_seq', 1, false);
SELECT pg_catalog.setval('plan_id_seq', 1, false);
SELECT pg_catalog.setval('self_assessment_id_seq', 1, false);
SELECT pg_catalog.setval('target_id_seq', 1, false);
SELECT pg_catalog.setval('value_event_id_seq', 1, false);
SELECT pg_catalog.setval('value_unavailable_id_seq', 1, false);
CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER breakdown_declaration_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON breakdown_declaration FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER breakdown_declaration_history_delete AFTER DELETE ON breakdown_declaration REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION breakdown_declaration_history_deleted();
CREATE TRIGGER breakdown_declaration_history_insert AFTER INSERT ON breakdown_declaration REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION breakdown_declaration_history_inserted();
CREATE TRIGGER breakdown_declaration_history_update AFTER UPDATE ON breakdown_declaration FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION breakdown_declaration_history_row();
CREATE TRIGGER codelist_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON codelist FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER codelist_history_delete AFTER DELETE ON codelist REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION codelist_history_deleted();
CREATE TRIGGER codelist_history_insert AFTER INSERT ON codelist REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION codelist_history_inserted();
CREATE TRIGGER codelist_history_update AFTER UPDATE ON codelist FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION codelist_history_row();
CREATE TRIGGER data_version_stamps BEFORE UPDATE OF version ON data_version FOR EACH ROW EXECUTE FUNCTION stamp_data_version();
CREATE TRIGGER department_alias_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON department_alias FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER department_alias_history_delete AFTER DELETE ON department_alias REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION department_alias_history_deleted();
CREATE TRIGGER department_alias_history_insert AFTER INSERT ON department_alias REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION department_alias_history_inserted();
CREATE TRIGGER department_alias_history_update AFTER UPDATE ON department_alias FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION department_alias_history_row();
CREATE TRIGGER department_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON department FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER department_history_delete AFTER DELETE ON department REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION department_history_deleted();
CREATE TRIGGER department_history_insert AFTER INSERT ON department REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION department_history_inserted();
CREATE TRIGGER department_history_update AFTER UPDATE ON department FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION department_history_row();
CREATE TRIGGER document_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON document FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER document_history_delete AFTER DELETE ON document REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION document_history_deleted();
CREATE TRIGGER document_history_insert AFTER INSERT ON document REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION document_history_inserted();
CREATE TRIGGER document_history_update AFTER UPDATE ON document FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION document_history_row();
CREATE TRIGGER domain_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON domain FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER domain_history_delete AFTER DELETE ON domain REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION domain_history_deleted();
CREATE TRIGGER domain_history_insert AFTER INSERT ON domain REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION domain_history_inserted();
CREATE TRIGGER domain_history_update AFTER UPDATE ON domain FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION domain_history_row();
CREATE TRIGGER evaluation_append_only BEFORE DELETE OR UPDATE ON evaluation FOR EACH ROW EXECUTE FUNCTION evaluation_is_append_only();
CREATE TRIGGER evaluation_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON evaluation FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('values');
CREATE TRIGGER evaluation_history_delete AFTER DELETE ON evaluation REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_history_deleted();
CREATE TRIGGER evaluation_history_insert AFTER INSERT ON evaluation REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_history_inserted();
CREATE TRIGGER evaluation_history_update AFTER UPDATE ON evaluation FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION evaluation_history_row();
CREATE TRIGGER evaluation_item_append_only BEFORE DELETE OR UPDATE ON evaluation_item FOR EACH ROW EXECUTE FUNCTION evaluation_is_append_only();
CREATE TRIGGER evaluation_item_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON evaluation_item FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('values');
CREATE TRIGGER evaluation_item_history_delete AFTER DELETE ON evaluation_item REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_item_history_deleted();
CREATE TRIGGER evaluation_item_history_insert AFTER INSERT ON evaluation_item REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_item_history_inserted();
CREATE TRIGGER evaluation_item_history_update AFTER UPDATE ON evaluation_item FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION evaluation_item_history_row();
CREATE TRIGGER evaluation_item_no_truncate BEFORE TRUNCATE ON evaluation_item FOR EACH STATEMENT EXECUTE FUNCTION evaluation_is_append_only();
CREATE TRIGGER evaluation_no_truncate BEFORE TRUNCATE ON evaluation FOR EACH STATEMENT EXECUTE FUNCTION evaluation_is_append_only();
CREATE TRIGGER goal_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON goal FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER goal_department_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON goal_department FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER goal_department_history_delete AFTER DELETE ON goal_department REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_department_history_deleted();
CREATE TRIGGER goal_department_history_insert AFTER INSERT ON goal_department REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_department_history_inserted();
CREATE TRIGGER goal_department_history_update AFTER UPDATE ON goal_department FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION goal_department_history_row();
CREATE TRIGGER goal_group_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON goal_group FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER goal_group_history_delete AFTER DELETE ON goal_group REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_group_history_deleted();
CREATE TRIGGER goal_group_history_insert AFTER INSERT ON goal_group REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_group_history_inserted();
CREATE TRIGGER goal_group_history_update AFTER UPDATE ON goal_group FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION goal_group_history_row();
CREATE TRIGGER goal_history_delete AFTER DELETE ON goal REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_history_deleted();
CREATE TRIGGER goal_history_insert AFTER INSERT ON goal REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_history_inserted();
CREATE TRIGGER goal_history_update AFTER UPDATE ON goal FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION goal_history_row();
CREATE TRIGGER indicator_assignment_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON indicator_assignment FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER indicator_assignment_history_delete AFTER DELETE ON indicator_assignment REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_assignment_history_deleted();
CREATE TRIGGER indicator_assignment_history_insert AFTER INSERT ON indicator_assignment REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_assignment_history_inserted();
CREATE TRIGGER indicator_assignment_history_update AFTER UPDATE ON indicator_assignment FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION indicator_assignment_history_row();
CREATE TRIGGER indicator_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON indicator FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER indicator_history_delete AFTER DELETE ON indicator REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_history_deleted();
CREATE TRIGGER indicator_history_insert AFTER INSERT ON indicator REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_history_inserted();
CREATE TRIGGER indicator_history_update AFTER UPDATE ON indicator FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION indicator_history_row();
CREATE TRIGGER indicator_value_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON indicator_value FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('values');
CREATE TRIGGER indicator_value_history_delete AFTER DELETE ON indicator_value REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_value_history_deleted();
CREATE TRIGGER indicator_value_history_insert AFTER INSERT ON indicator_value REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_value_history_inserted();
CREATE TRIGGER indicator_value_history_update AFTER UPDATE ON indicator_value FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION indicator_value_history_row();
CREATE TRIGGER monitored_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON monitored FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER monitored_history_delete AFTER DELETE ON monitored REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION monitored_history_deleted();
CREATE TRIGGER monitored_history_insert AFTER INSERT ON monitored REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION monitored_history_inserted();
CREATE TRIGGER monitored_history_update AFTER UPDATE ON monitored FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION monitored_history_row();
CREATE TRIGGER plan_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON plan FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER plan_history_delete AFTER DELETE ON plan REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_history_deleted();
CREATE TRIGGER plan_history_insert AFTER INSERT ON plan REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_history_inserted();
CREATE TRIGGER plan_history_update AFTER UPDATE ON plan FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION plan_history_row();
CREATE TRIGGER self_assessment_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON self_assessment FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER self_assessment_history_delete AFTER DELETE ON self_assessment REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION self_assessment_history_deleted();
CREATE TRIGGER self_assessment_history_insert AFTER INSERT ON self_assessment REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION self_assessment_history_inserted();
CREATE TRIGGER self_assessment_history_update AFTER UPDATE ON self_assessment FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION self_assessment_history_row();
CREATE TRIGGER status_tally_history_delete AFTER DELETE ON status_tally REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION status_tally_history_deleted();
CREATE TRIGGER status_tally_history_insert AFTER INSERT ON status_tally REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION status_tally_history_inserted();
CREATE TRIGGER status_tally_history_update AFTER UPDATE ON status_tally FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION status_tally_history_row();
CREATE TRIGGER target_bumps_data_version AFTER INSERT OR DELETE OR UPDATE OF id, key, indicator_id, plan_id, domain_id, goal_id, ordinal, name, unit, direction, nature, nature_raw, table_category, table_number, baseline_year, baseline_value, baseline_raw, year, comparator, value, basis, raw, inferred, line_start, line_end, source_text ON target FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('structure');
CREATE TRIGGER target_history_delete AFTER DELETE ON target REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION target_history_deleted();
CREATE TRIGGER target_history_insert AFTER INSERT ON target REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION target_history_inserted();
CREATE TRIGGER target_history_update AFTER UPDATE ON target FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION target_history_row();
CREATE TRIGGER target_values_bumps_data_version AFTER UPDATE OF status ON target FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('values');
CREATE TRIGGER value_event_append_only BEFORE DELETE OR UPDATE ON value_event FOR EACH ROW EXECUTE FUNCTION value_event_is_append_only();
CREATE TRIGGER value_event_bumps_data_version AFTER INSERT OR DELETE OR UPDATE ON value_event FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('values');
CREATE TRIGGER value_event_history_delete AFTER DELETE ON value_event REFERENCING OLD TABLE AS history_old_rows FOR EACH STATEMENT EXECUTE FUNCTION value_event_history_deleted();
CREATE TRIGGER value_event_history_insert AFTER INSERT ON value_event REFERENCING NEW TABLE AS history_new_rows FOR EACH STATEMENT EXECUTE FUNCTION value_event_history_inserted();
CREATE TRIGGER value_event_history_update AFTER UPDATE ON value_event FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION value_event_history_row();
CREATE TRIGGER value_event_no_truncate BEFORE TRUNCATE ON value_event FOR EACH STATEMENT EXECUTE FUNCTION value_event_is_append_only();
-- Keys, indexes and foreign keys: made after a seeded store's first rows.
ALTER TABLE ONLY app_user
    ADD CONSTRAINT app_user_pkey PRIMARY KEY (id);
ALTER TABLE ONLY app_user
    ADD CONSTRAINT app_user_username_key UNIQUE (username);
ALTER TABLE ONLY audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);
ALTER TABLE ONLY breakdown_declaration
    ADD CONSTRAINT breakdown_declaration_indicator_id_key UNIQUE (indicator_id);
ALTER TABLE ONLY breakdown_declaration
    ADD CONSTRAINT breakdown_declaration_pkey PRIMARY KEY (id);
ALTER TABLE ONLY codelist
    ADD CONSTRAINT codelist_pkey PRIMARY KEY (id);
ALTER TABLE ONLY data_version
    ADD CONSTRAINT data_version_pkey PRIMARY KEY (id);
ALTER TABLE ONLY department_alias
    ADD CONSTRAINT department_alias_alias_key UNIQUE (alias);
ALTER TABLE ONLY department_alias
    ADD CONSTRAINT department_alias_pkey PRIMARY KEY (id);
ALTER TABLE ONLY department
    ADD CONSTRAINT department_name_key UNIQUE (name);
ALTER TABLE ONLY department
    ADD CONSTRAINT department_pkey PRIMARY KEY (id);
ALTER TABLE ONLY document
    ADD CONSTRAINT document_number_key UNIQUE (number);
ALTER TABLE ONLY document
    ADD CONSTRAINT document_pkey PRIMARY KEY (id);
ALTER TABLE ONLY domain
    ADD CONSTRAINT domain_key_key UNIQUE (key);
ALTER TABLE ONLY domain
    ADD CONSTRAINT domain_pkey PRIMARY KEY (id);
ALTER TABLE ONLY evaluation_item
    ADD CONSTRAINT evaluation_item_pkey PRIMARY KEY (id);
ALTER TABLE ONLY evaluation
    ADD CONSTRAINT evaluation_pkey PRIMARY KEY (id);
ALTER TABLE ONLY evaluation
    ADD CONSTRAINT evaluation_sha256_key UNIQUE (sha256);
ALTER TABLE ONLY goal_department
    ADD CONSTRAINT goal_department_pkey PRIMARY KEY (id);
ALTER TABLE ONLY goal_group
    ADD CONSTRAINT goal_group_pkey PRIMARY KEY (id);
ALTER TABLE ONLY goal
    ADD CONSTRAINT goal_key_key UNIQUE (key);
ALTER TABLE ONLY goal
    ADD CONSTRAINT goal_pkey PRIMARY KEY (id);
ALTER TABLE ONLY indicator_assignment
    ADD CONSTRAINT indicator_assignment_pkey PRIMARY KEY (id);
ALTER TABLE ONLY indicator
    ADD CONSTRAINT indicator_key_key UNIQUE (key);
ALTER TABLE ONLY indicator
    ADD CONSTRAINT indicator_pkey PRIMARY KEY (id);
ALTER TABLE ONLY indicator_value
    ADD CONSTRAINT indicator_value_key_key UNIQUE (key);
ALTER TABLE ONLY indicator_value
    ADD CONSTRAINT indicator_value_pkey PRIMARY KEY (id);
ALTER TABLE ONLY monitored
    ADD CONSTRAINT monitored_key_key UNIQUE (key);
ALTER TABLE ONLY monitored
    ADD CONSTRAINT monitored_pkey PRIMARY KEY (id);
ALTER TABLE ONLY plan
    ADD CONSTRAINT plan_code_key UNIQUE (code);
ALTER TABLE ONLY plan
    ADD CONSTRAINT plan_pkey PRIMARY KEY (id);
ALTER TABLE ONLY publication
    ADD CONSTRAINT publication_pkey PRIMARY KEY (seq);
ALTER TABLE ONLY seaql_migrations
    ADD CONSTRAINT seaql_migrations_pkey PRIMARY KEY (version);
ALTER TABLE ONLY self_assessment
    ADD CONSTRAINT self_assessment_pkey PRIMARY KEY (id);
ALTER TABLE ONLY status_tally
    ADD CONSTRAINT status_tally_pkey PRIMARY KEY (scope, scope_id, role, status);
ALTER TABLE ONLY target
    ADD CONSTRAINT target_key_key UNIQUE (key);
ALTER TABLE ONLY target
    ADD CONSTRAINT target_pkey PRIMARY KEY (id);
ALTER TABLE ONLY value_event
    ADD CONSTRAINT value_event_pkey PRIMARY KEY (id);
ALTER TABLE ONLY value_unavailable
    ADD CONSTRAINT value_unavailable_pkey PRIMARY KEY (id);
CREATE INDEX idx_alias_department ON department_alias USING btree (department_id);
CREATE UNIQUE INDEX idx_assignment_unique ON indicator_assignment USING btree (indicator_id, department_id);
CREATE INDEX idx_audit_actor ON audit_log USING btree (actor);
CREATE INDEX idx_audit_at ON audit_log USING btree (at);
CREATE UNIQUE INDEX idx_codelist_version ON codelist USING btree (dimension, version);
CREATE UNIQUE INDEX idx_domain_plan ON domain USING btree (plan_id, ordinal);
CREATE INDEX idx_goal_department_department ON goal_department USING btree (department_id, role);
CREATE UNIQUE INDEX idx_goal_department_unique ON goal_department USING btree (goal_id, department_id, role);
CREATE INDEX idx_goal_domain ON goal USING btree (domain_id, ordinal);
CREATE INDEX idx_goal_group_goal ON goal_group USING btree (goal_id, ordinal);
CREATE INDEX idx_goal_kind ON goal USING btree (kind);
CREATE UNIQUE INDEX idx_goal_plan ON goal USING btree (plan_id, ordinal);
CREATE INDEX idx_goal_position ON goal USING btree (line_start, id);
CREATE INDEX idx_indicator_name ON indicator USING btree (name, id);
CREATE INDEX idx_indicator_name_trgm ON indicator USING gin (name gin_trgm_ops);
CREATE INDEX idx_indicator_position ON indicator USING btree (line_start, ordinal);
CREATE INDEX idx_monitored_indicator ON monitored USING btree (indicator_id);
CREATE INDEX idx_plan_document ON plan USING btree (document_id);
CREATE INDEX idx_target_domain ON target USING btree (domain_id, line_start, ordinal, status);
CREATE INDEX idx_target_goal ON target USING btree (goal_id, line_start, ordinal, status);
CREATE INDEX idx_target_indicator ON target USING btree (indicator_id, year);
CREATE INDEX idx_target_plan ON target USING btree (plan_id, line_start, ordinal);
CREATE INDEX idx_target_plan_status ON target USING btree (plan_id, status, line_start, ordinal);
CREATE INDEX idx_target_position ON target USING btree (line_start, ordinal);
CREATE INDEX idx_target_status ON target USING btree (status, line_start, ordinal);
CREATE INDEX idx_value_event_indicator ON value_event USING btree (indicator_id, year);
CREATE INDEX idx_value_event_value ON value_event USING btree (value_id);
CREATE INDEX idx_value_indicator_year ON indicator_value USING btree (indicator_id, year, status);
CREATE UNIQUE INDEX idx_value_slot_version ON indicator_value USING btree (indicator_id, year, breakdown, version);
CREATE INDEX idx_value_status_indicator ON indicator_value USING btree (status, indicator_id, breakdown, year);
CREATE INDEX publication_at ON publication USING btree (at_us);
CREATE UNIQUE INDEX self_assessment_one_per_round ON self_assessment USING btree (kind, through_year, target_id, department_id);
CREATE UNIQUE INDEX ux_item_position ON evaluation_item USING btree (evaluation_id, ordinal);
CREATE UNIQUE INDEX ux_unavailable_cell ON value_unavailable USING btree (indicator_id, year, department_id);
ALTER TABLE ONLY department_alias
    ADD CONSTRAINT fk_alias_department FOREIGN KEY (department_id) REFERENCES department(id) ON DELETE CASCADE;
ALTER TABLE ONLY indicator_assignment
    ADD CONSTRAINT fk_assignment_department FOREIGN KEY (department_id) REFERENCES department(id) ON DELETE RESTRICT;
ALTER TABLE ONLY indicator_assignment
    ADD CONSTRAINT fk_assignment_indicator FOREIGN KEY (indicator_id) REFERENCES indicator(id) ON DELETE CASCADE;
ALTER TABLE ONLY breakdown_declaration
    ADD CONSTRAINT fk_breakdown_declaration_indicator FOREIGN KEY (indicator_id) REFERENCES indicator(id) ON DELETE CASCADE;
ALTER TABLE ONLY domain
    ADD CONSTRAINT fk_domain_plan FOREIGN KEY (plan_id) REFERENCES plan(id) ON DELETE RESTRICT;
ALTER TABLE ONLY evaluation
    ADD CONSTRAINT fk_evaluation_revises FOREIGN KEY (revises_id) REFERENCES evaluation(id) ON DELETE RESTRICT;
ALTER TABLE ONLY goal_department
    ADD CONSTRAINT fk_goal_department_department FOREIGN KEY (department_id) REFERENCES department(id) ON DELETE RESTRICT;
ALTER TABLE ONLY goal_department
    ADD CONSTRAINT fk_goal_department_goal FOREIGN KEY (goal_id) REFERENCES goal(id) ON DELETE CASCADE;
ALTER TABLE ONLY goal
    ADD CONSTRAINT fk_goal_domain FOREIGN KEY (domain_id) REFERENCES domain(id) ON DELETE RESTRICT;
ALTER TABLE ONLY goal_group
    ADD CONSTRAINT fk_goal_group_goal FOREIGN KEY (goal_id) REFERENCES goal(id) ON DELETE CASCADE;
ALTER TABLE ONLY goal
    ADD CONSTRAINT fk_goal_plan FOREIGN KEY (plan_id) REFERENCES plan(id) ON DELETE RESTRICT;
ALTER TABLE ONLY evaluation_item
    ADD CONSTRAINT fk_item_evaluation FOREIGN KEY (evaluation_id) REFERENCES evaluation(id) ON DELETE RESTRICT;
ALTER TABLE ONLY monitored
    ADD CONSTRAINT fk_monitored_indicator FOREIGN KEY (indicator_id) REFERENCES indicator(id) ON DELETE RESTRICT;
ALTER TABLE ONLY monitored
    ADD CONSTRAINT fk_monitored_plan FOREIGN KEY (plan_id) REFERENCES plan(id) ON DELETE RESTRICT;
ALTER TABLE ONLY plan
    ADD CONSTRAINT fk_plan_document FOREIGN KEY (document_id) REFERENCES document(id) ON DELETE RESTRICT;
ALTER TABLE ONLY self_assessment
    ADD CONSTRAINT fk_self_assessment_department FOREIGN KEY (department_id) REFERENCES department(id) ON DELETE RESTRICT;
ALTER TABLE ONLY self_assessment
    ADD CONSTRAINT fk_self_assessment_target FOREIGN KEY (target_id) REFERENCES target(id) ON DELETE CASCADE;
ALTER TABLE ONLY target
    ADD CONSTRAINT fk_target_domain FOREIGN KEY (domain_id) REFERENCES domain(id) ON DELETE RESTRICT;
ALTER TABLE ONLY target
    ADD CONSTRAINT fk_target_goal FOREIGN KEY (goal_id) REFERENCES goal(id) ON DELETE RESTRICT;
ALTER TABLE ONLY target
    ADD CONSTRAINT fk_target_indicator FOREIGN KEY (indicator_id) REFERENCES indicator(id) ON DELETE RESTRICT;
ALTER TABLE ONLY target
    ADD CONSTRAINT fk_target_plan FOREIGN KEY (plan_id) REFERENCES plan(id) ON DELETE RESTRICT;
ALTER TABLE ONLY value_unavailable
    ADD CONSTRAINT fk_unavailable_department FOREIGN KEY (department_id) REFERENCES department(id) ON DELETE RESTRICT;
ALTER TABLE ONLY value_unavailable
    ADD CONSTRAINT fk_unavailable_indicator FOREIGN KEY (indicator_id) REFERENCES indicator(id) ON DELETE CASCADE;
ALTER TABLE ONLY app_user
    ADD CONSTRAINT fk_user_department FOREIGN KEY (department_id) REFERENCES department(id) ON DELETE RESTRICT;
ALTER TABLE ONLY indicator_value
    ADD CONSTRAINT fk_value_indicator FOREIGN KEY (indicator_id) REFERENCES indicator(id) ON DELETE RESTRICT;
