{#-
    A subject name as compared with the catalogue: every whitespace removed, full-width
    brackets and colon made half-width, quotes dropped, then a leading code (`201 `), ordinal
    (`一、`, `（二）`), `其中:` and a trailing level mark (`（类）`) stripped.
    expectations/sql_catalogue.py builds the same expression for the check doc.subject_codes;
    keep the two in step.
-#}
{% macro normalise_subject_name(column) -%}
regexp_replace(
    regexp_replace(
        regexp_replace(
            regexp_replace(
                translate(
                    regexp_replace(coalesce({{ column }}, ''), '[\s\p{Z}]+', '', 'g'),
                    '（）：“”‘’"''', '():'
                ),
                '^[0-9]+', ''
            ),
            '^\(?[一二三四五六七八九十百零]+[)、.．]', ''
        ),
        '^其中:', ''
    ),
    '\((类|款|项)\)$', ''
)
{%- endmacro %}
