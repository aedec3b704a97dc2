{#- How many leading characters two subject codes share (0 to 7); 0 when either is null. -#}
{% macro common_prefix_length(left_code, right_code) -%}
case
    {%- for length in range(7, 0, -1) %}
    when left({{ left_code }}, {{ length }}) = left({{ right_code }}, {{ length }})
        and length({{ left_code }}) >= {{ length }} and length({{ right_code }}) >= {{ length }}
        then {{ length }}
    {%- endfor %}
    else 0
end
{%- endmacro %}
