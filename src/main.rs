//! The `plancost` binary: parse the command line, run the library, map the outcome to an exit
//! code (0 ok, 1 budget or policy failed, 2 bad input or usage, 3 prices unavailable).

mod cli;

/// A plan of 100,000 resources is millions of small allocations (values, strings, report lines);
/// glibc's allocator spent a third of such a run in `malloc_consolidate` and its free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
