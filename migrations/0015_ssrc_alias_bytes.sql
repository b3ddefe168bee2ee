-- An SSRC mapped to a userID object stores its aliasName as the mapping's
-- user_id. aliasName is limited in characters (128, as everywhere), so it
-- may be up to 512 bytes of UTF-8, more than the 256 bytes of a plain
-- userID: an alias of 128 Japanese characters made the insert fail (500).
-- The limit now follows what the wire accepts for each form.
alter table ssrc_maps drop constraint ssrc_maps_user_id_length;
alter table ssrc_maps add constraint ssrc_maps_user_id_length check (
    octet_length(user_id) <= 256 or (user_id = alias_name and char_length(user_id) <= 128)
);
