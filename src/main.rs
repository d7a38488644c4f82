//! The `plancost` binary: parse the command line, run the library, map the outcome to an exit
//! code (0 ok, 1 budget or policy failed, 2 bad input or usage, 3 prices unavailable).

mod cli;

/// A plan of 100,000 resources is millions of small allocations (values, strings, report lines);
/// glibc's allocator spent a third of such a run in `malloc_consolidate` and its free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    keep_freed_memory();
    std::process::exit(cli::run());
}

/// mimalloc gives memory back to the system a while after it is freed (`purge_delay`, 1 s in
/// the mimalloc 3 that libmimalloc-sys builds). A large plan frees and reuses hundreds of MB
/// within its run, and every page given back and touched again is a fault and a zeroing: about
/// 0.35 s of a 1.3 s run (in system time) on the benchmark machine. A process that lives for a
/// second gains nothing from giving memory back early, so it keeps it.
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h; libmimalloc-sys does not name it. Its default
    // identifies it: another mimalloc whose option 15 is something else is left alone.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const PURGE_DELAY_DEFAULT_MS: std::ffi::c_long = 1000;
    // SAFETY: mi_option_get and mi_option_set read and write an entry of mimalloc's option
    // table; any option index is valid to ask for, and -1 is purge_delay's "never".
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == PURGE_DELAY_DEFAULT_MS {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}
