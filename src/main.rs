//! The `plancost` binary: parse the command line, run the library, map the outcome to an exit
//! code (0 ok, 1 budget or policy failed, 2 bad input or usage, 3 prices unavailable).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
