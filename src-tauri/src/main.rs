//! The `customer-space` desktop app's entry point; everything is in the library so tests can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    customer_space_lib::run();
}
