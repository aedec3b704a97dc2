-- One row per department (normalised name) seen in any document, with its region.
--
-- Region rule: the leading administrative prefix of the name.
--   1. a province-level name (河南省, 上海市, 广西壮族自治区, ...) from the list below, followed
--      by a prefecture-level city when one is printed: 河南省许昌市民政局 -> 河南省许昌市,
--      上海市普陀区财政局 -> 上海市 (districts and counties are not part of the region);
--   2. otherwise a leading city name of 2 to 4 characters: 许昌市人力资源和社会保障局 -> 许昌市;
--   3. otherwise null. 市场 (market) never ends a city name: 国家市场监督管理总局 -> null.
with

documents as (
    select * from {{ ref('int_document_status') }}
    where department_id is not null
),

provinces as (
    select unnest([
        '北京市', '天津市', '上海市', '重庆市',
        '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省', '浙江省', '安徽省',
        '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '海南省',
        '四川省', '贵州省', '云南省', '陕西省', '甘肃省', '青海省', '台湾省',
        '内蒙古自治区', '广西壮族自治区', '西藏自治区', '宁夏回族自治区', '新疆维吾尔自治区',
        '香港特别行政区', '澳门特别行政区'
    ]) as province
),

departments as (
    select
        department_id,
        department_name,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        cast(count(*) as integer) as document_count,
        cast(count(*) filter (where status = 'published') as integer) as published_document_count,
        -- the department's latest document: published first, then the latest year
        arg_max(
            document_id, [(status = 'published')::integer, coalesce(fiscal_year, 0)]
        ) as latest_document_id,
        arg_max(
            fiscal_year, [(status = 'published')::integer, coalesce(fiscal_year, 0)]
        ) as latest_fiscal_year
    from documents
    group by department_id, department_name
),

with_province as (
    select
        departments.*,
        provinces.province,
        substr(departments.department_name, length(provinces.province) + 1) as after_province
    from departments
    left join provinces on starts_with(departments.department_name, provinces.province)
),

with_region as (
    select
        *,
        case
            when province is not null
                then province || regexp_extract(after_province, '^([^省市区县]{2,4}市)([^场]|$)', 1)
            else nullif(regexp_extract(department_name, '^([^省市区县]{2,4}市)([^场]|$)', 1), '')
        end as region
    from with_province
),

final as (
    select
        department_id,
        department_name,
        latest_fiscal_year as fiscal_year,
        latest_document_id as document_id,
        region,
        province,
        first_fiscal_year,
        last_fiscal_year,
        document_count,
        published_document_count
    from with_region
)

select * from final
