//! What the extensions migrations commonly install put into a schema, as far as a column can
//! depend on it: their types, and the functions column defaults call.
//!
//! `DROP EXTENSION … CASCADE` drops every column of the extension's types and every default that
//! calls its functions; without `CASCADE`, PostgreSQL refuses while any exists. rollsafe cannot
//! read an extension's install script, so this table lists the contrib modules and the widely
//! used third-party ones by what their current versions create. An extension not listed is still
//! modelled (created, dropped) but nothing is known to depend on it.

/// The types and default-worthy functions of an extension, by its folded name.
pub fn objects(extension: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match extension {
        "citext" => (&["citext"], &[]),
        "hstore" => (&["hstore", "ghstore"], &[]),
        "ltree" => (&["ltree", "lquery", "ltxtquery", "ltree_gist"], &[]),
        "cube" => (&["cube"], &[]),
        "earthdistance" => (&["earth"], &[]),
        "seg" => (&["seg"], &[]),
        "isn" => (&["ean13", "isbn13", "ismn13", "issn13", "isbn", "ismn", "issn", "upc"], &[]),
        "pg_trgm" => (&["gtrgm"], &[]),
        "postgis" => (&["geometry", "geography", "box2d", "box3d", "box2df", "gidx", "spheroid"], &[]),
        "postgis_raster" => (&["raster"], &[]),
        "postgis_topology" => (&["topogeometry"], &[]),
        "vector" => (&["vector", "halfvec", "sparsevec"], &[]),
        "uuid-ossp" => (&[], &["uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3", "uuid_generate_v4", "uuid_generate_v5"]),
        "pg_uuidv7" => (&[], &["uuid_generate_v7"]),
        "ulid" | "pgx_ulid" => (&["ulid"], &["gen_ulid", "gen_monotonic_ulid"]),
        _ => (&[], &[]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_extensions_bring_nothing_known() {
        assert_eq!(super::objects("citext").0, ["citext"]);
        assert!(super::objects("plpgsql").0.is_empty() && super::objects("plpgsql").1.is_empty());
    }
}
