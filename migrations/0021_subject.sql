-- Erasing a person (`callscope subject erase`, docs/privacy.md): the
-- helpers that take their identifiers out of free text and jsonb wherever
-- they were written — logs, SDPs, event payloads, raw stats.
--
-- `needles` are the strings to remove (identifiers, names, IP addresses,
-- device labels), longest first; `replacements` what each becomes (the
-- pseudonym for a userID, a placeholder for the rest). Matching ignores
-- case: a name typed into a log in capitals is the same name. The
-- replacements never contain `\`, the one special character of a
-- regexp_replace replacement.

create function subject_mentions(t text, needles text[]) returns boolean
    language sql immutable parallel safe
as $$
    select t is not null
       and exists (select 1 from unnest(needles) as n where strpos(lower(t), lower(n)) > 0)
$$;

create function subject_scrub(t text, needles text[], replacements text[]) returns text
    language plpgsql immutable parallel safe
as $$
declare
    i integer;
begin
    if t is null or not subject_mentions(t, needles) then
        return t;
    end if;
    for i in 1 .. coalesce(array_length(needles, 1), 0) loop
        -- ***= : the needle is a literal string, not a pattern.
        t := regexp_replace(t, '***=' || needles[i], replacements[i], 'gi');
    end loop;
    return t;
end
$$;

-- The needles as they appear inside a jsonb document's text (quotes and
-- backslashes escaped), beside their plain form.
create function subject_json_needles(needles text[]) returns text[]
    language sql immutable parallel safe
as $$
    select needles || coalesce(array_agg(substr(to_jsonb(n)::text, 2, length(to_jsonb(n)::text) - 2)), '{}')
      from unnest(needles) as n
$$;

create function subject_mentions_jsonb(doc jsonb, needles text[]) returns boolean
    language sql immutable parallel safe
as $$
    select doc is not null and subject_mentions(doc::text, subject_json_needles(needles))
$$;

-- Every string of `doc`, keys included, scrubbed; the structure stays.
create function subject_scrub_jsonb(doc jsonb, needles text[], replacements text[]) returns jsonb
    language plpgsql immutable parallel safe
as $$
declare
    result jsonb;
begin
    if doc is null or not subject_mentions_jsonb(doc, needles) then
        return doc;
    end if;
    case jsonb_typeof(doc)
        when 'object' then
            select coalesce(jsonb_object_agg(subject_scrub(key, needles, replacements),
                                             subject_scrub_jsonb(value, needles, replacements)), '{}'::jsonb)
              into result from jsonb_each(doc);
        when 'array' then
            select coalesce(jsonb_agg(subject_scrub_jsonb(value, needles, replacements) order by ord), '[]'::jsonb)
              into result from jsonb_array_elements(doc) with ordinality as e(value, ord);
        when 'string' then
            result := to_jsonb(subject_scrub(doc #>> '{}', needles, replacements));
        else
            result := doc;
    end case;
    return result;
end
$$;

-- The needles for a row: the person's own rows lose everything that names
-- them, other people's rows what they share with others (not their device labels).
create function subject_pick(own boolean, mine text[], others text[]) returns text[]
    language sql immutable parallel safe
as $$
    select case when own then mine else others end
$$;

-- `t` cut to at most `max_bytes` (whole characters): a scrubbed text can
-- grow (a short userID becomes a longer pseudonym) past its column's limit.
create function subject_fit(t text, max_bytes integer) returns text
    language plpgsql immutable parallel safe
as $$
begin
    while octet_length(t) > max_bytes loop
        t := left(t, -greatest(1, (octet_length(t) - max_bytes) / 4));
    end loop;
    return t;
end
$$;
