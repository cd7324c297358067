//! The application whose schema `build.rs` checks.

fn main() {
    println!("the schema of this build keeps release v1.0.0 working");
}
