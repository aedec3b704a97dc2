{#- Fails for each row whose document is not `published` in the given document dimension. -#}
{% test published_documents_only(model, column_name, to) %}

select facts.{{ column_name }}
from {{ model }} as facts
left join {{ to }} as documents on facts.{{ column_name }} = documents.document_id
where documents.status is distinct from 'published'

{% endtest %}
