-- Private keys sealed with a key-encryption key that lives outside the database (KeyEncryption): the sealed bytes
-- and the id of the KEK that sealed them. A key stored before (plain PKCS#8) is sealed by the next edge that loads it
-- with a KEK configured. Retired keys keep only their public part: nothing signs with them any more.
alter table signing_keys alter column private_key_pkcs8 drop not null;
alter table signing_keys add column private_key_sealed bytea;
alter table signing_keys add column kek_id text;
alter table signing_keys add constraint signing_keys_current_has_private_part
    check (slot is null or private_key_pkcs8 is not null or private_key_sealed is not null);
alter table signing_keys add constraint signing_keys_sealed_names_its_kek
    check ((private_key_sealed is null) = (kek_id is null));
