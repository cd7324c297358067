//! Avro contracts (`.avsc`), checked against the previous release as a schema registry checks
//! them, offline and with every incompatibility located: [`resolution`] decides, by the
//! specification's schema resolution, what data one schema can read of another's.
//!
//! Work in progress (issue 10): the format entry that reads the trees' `.avsc` files, pairs the
//! schemas of N-1 and N and runs the check in the configured modes comes next.

pub mod resolution;
