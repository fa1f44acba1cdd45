-- PostgreSQL's text cannot hold U+0000, which JSON text may carry and SQLite stores as sent. From
-- this version the store writes it U+FFFF '0' and U+FFFF itself U+FFFF U+FFFF in every text column
-- of an opportunity but its code (TextColumns.WITHOUT_NUL): the values stored before that hold
-- U+FFFF (a noncharacter: none is expected) are doubled here, so that they read back unchanged.
UPDATE opportunity SET
    final_customer_name = replace(final_customer_name, U&'\FFFF', U&'\FFFF\FFFF'),
    opportunity_name = replace(opportunity_name, U&'\FFFF', U&'\FFFF\FFFF'),
    project_location = replace(project_location, U&'\FFFF', U&'\FFFF\FFFF'),
    operator_name = replace(operator_name, U&'\FFFF', U&'\FFFF\FFFF'),
    expected_close_date = replace(expected_close_date, U&'\FFFF', U&'\FFFF\FFFF'),
    confidence_pct = replace(confidence_pct, U&'\FFFF', U&'\FFFF\FFFF'),
    stage = replace(stage, U&'\FFFF', U&'\FFFF\FFFF'),
    opportunity_type = replace(opportunity_type, U&'\FFFF', U&'\FFFF\FFFF'),
    product_type = replace(product_type, U&'\FFFF', U&'\FFFF\FFFF'),
    source = replace(source, U&'\FFFF', U&'\FFFF\FFFF'),
    pre_sales_name = replace(pre_sales_name, U&'\FFFF', U&'\FFFF\FFFF'),
    competitor_name = replace(competitor_name, U&'\FFFF', U&'\FFFF\FFFF'),
    oms_push_time = replace(oms_push_time, U&'\FFFF', U&'\FFFF\FFFF'),
    status = replace(status, U&'\FFFF', U&'\FFFF\FFFF'),
    lost_reason = replace(lost_reason, U&'\FFFF', U&'\FFFF\FFFF'),
    description = replace(description, U&'\FFFF', U&'\FFFF\FFFF'),
    created_at = replace(created_at, U&'\FFFF', U&'\FFFF\FFFF'),
    updated_at = replace(updated_at, U&'\FFFF', U&'\FFFF\FFFF')
WHERE strpos(final_customer_name, U&'\FFFF') > 0
   OR strpos(opportunity_name, U&'\FFFF') > 0
   OR strpos(project_location, U&'\FFFF') > 0
   OR strpos(operator_name, U&'\FFFF') > 0
   OR strpos(expected_close_date, U&'\FFFF') > 0
   OR strpos(confidence_pct, U&'\FFFF') > 0
   OR strpos(stage, U&'\FFFF') > 0
   OR strpos(opportunity_type, U&'\FFFF') > 0
   OR strpos(product_type, U&'\FFFF') > 0
   OR strpos(source, U&'\FFFF') > 0
   OR strpos(pre_sales_name, U&'\FFFF') > 0
   OR strpos(competitor_name, U&'\FFFF') > 0
   OR strpos(oms_push_time, U&'\FFFF') > 0
   OR strpos(status, U&'\FFFF') > 0
   OR strpos(lost_reason, U&'\FFFF') > 0
   OR strpos(description, U&'\FFFF') > 0
   OR strpos(created_at, U&'\FFFF') > 0
   OR strpos(updated_at, U&'\FFFF') > 0;
