//! Command-line definitions (clap) and their conversion into the library's options. clap stays
//! in the binary: the library only sees validated plain options.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use plancost::report::{self, Format};
use plancost::{BreakdownOptions, Error, PriceOptions, pricing, terraform};

#[derive(Parser)]
#[command(
    name = "plancost",
    version,
    about = "Monthly AWS cost of Terraform, before it is applied, against a budget"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Never use the network (prices come from the cache or the bundled snapshot).
    #[arg(long, global = true)]
    offline: bool,
    /// No colour in terminal output (also when NO_COLOR is set).
    #[arg(long, global = true)]
    no_color: bool,
    /// More detail on standard error.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Only errors on standard error.
    #[arg(short, long, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Monthly cost of what each PATH describes (a plan JSON or a state JSON).
    Breakdown {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        /// Write the report to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A price file made by `plancost prices import --out`, used before the bundled prices.
        #[arg(long, env = "PLANCOST_PRICES")]
        prices: Option<PathBuf>,
        /// Usage assumptions in Infracost's usage-file format (infracost-usage.yml).
        #[arg(long)]
        usage_file: Option<PathBuf>,
    },
    /// Cost change of a plan (prior state against planned values), or of PATH against an
    /// earlier JSON report.
    Diff {
        path: PathBuf,
        /// An earlier `--format json` report to compare with.
        #[arg(long)]
        compare_to: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, env = "PLANCOST_PRICES")]
        prices: Option<PathBuf>,
        #[arg(long)]
        usage_file: Option<PathBuf>,
    },
    /// Combine JSON reports of several projects (monorepos, CI matrices) into one.
    Merge {
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "json")]
        format: FormatArg,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Manage price data.
    Prices {
        #[command(subcommand)]
        command: PricesCommand,
    },
    /// Print a shell completion script (e.g. `plancost completions bash > /etc/bash_completion.d/plancost`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `plancost man > plancost.1 && man ./plancost.1`.
    Man,
}

#[derive(Subcommand)]
enum PricesCommand {
    /// Read AWS price files (offer JSON, list-price CSV, Karpenter table, Spot Advisor feed)
    /// into a price file.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the price file.
        #[arg(long)]
        out: PathBuf,
        /// Directory that file names in the sources are recorded relative to.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Which price sources are in use, their versions and sizes.
    Info {
        #[arg(long, env = "PLANCOST_PRICES")]
        prices: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    /// One self-contained HTML page with charts.
    Html,
    /// Infracost's JSON output (version 0.2), for existing policies and dashboards.
    InfracostJson,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
            FormatArg::InfracostJson => Format::InfracostJson,
        }
    }
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

fn color_wanted(cli: &Cli) -> bool {
    !cli.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// The terminal's width when standard output is a terminal (a table written to a file or a
/// pipe keeps its full width): `COLUMNS` when set, as the user's override, else the terminal's
/// own size. Shells set `COLUMNS` without exporting it, so the size query is what usually
/// answers.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
        .or_else(window_columns)
}

#[cfg(unix)]
fn window_columns() -> Option<usize> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ on standard output writes one `winsize` into `size`, which lives for
    // the whole call; on failure it writes nothing and returns -1.
    let result = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (result == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn window_columns() -> Option<usize> {
    None
}

fn env_region() -> Option<String> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

fn execute(cli: Cli) -> Result<i32, Error> {
    let color = color_wanted(&cli);
    let quiet = cli.quiet;
    match cli.command {
        Command::Breakdown {
            paths,
            format,
            out,
            prices,
            usage_file,
        } => {
            let options = BreakdownOptions {
                paths,
                load: terraform::LoadOptions {
                    env_region: env_region(),
                },
                prices: PriceOptions {
                    prices_file: prices,
                },
                generated_at: None,
                usage_file,
            };
            let outcome = plancost::breakdown(&options)?;
            print_warnings(quiet, &outcome.warnings);
            let report = outcome.report;
            let color = color && out.is_none();
            let width = out.is_none().then(terminal_width).flatten();
            write_output(
                &report::render_for_terminal(&report, format.into(), color, width),
                out.as_ref(),
            )?;
            Ok(0)
        }
        Command::Diff {
            path,
            compare_to,
            format,
            out,
            prices,
            usage_file,
        } => {
            let options = BreakdownOptions {
                paths: vec![path],
                load: terraform::LoadOptions {
                    env_region: env_region(),
                },
                prices: PriceOptions {
                    prices_file: prices,
                },
                generated_at: None,
                usage_file,
            };
            let outcome = plancost::breakdown(&options)?;
            print_warnings(quiet, &outcome.warnings);
            let mut report = outcome.report;
            if let Some(earlier) = compare_to {
                let before = plancost::diff::read_report(&earlier)?;
                plancost::diff::compare(&mut report, &before, &earlier.display().to_string())?;
            }
            let color = color && out.is_none();
            let text = match format {
                FormatArg::Table => report::diff_table::render_fitted(
                    &report,
                    color,
                    out.is_none().then(terminal_width).flatten(),
                ),
                other => report::render(&report, other.into(), color),
            };
            write_output(&text, out.as_ref())?;
            Ok(0)
        }
        Command::Merge {
            reports,
            format,
            out,
        } => {
            let mut read = Vec::new();
            for path in &reports {
                read.push((
                    path.display().to_string(),
                    plancost::diff::read_report(path)?,
                ));
            }
            let merged = plancost::diff::merge(read, plancost::time::now_rfc3339())?;
            let color = color && out.is_none();
            let width = out.is_none().then(terminal_width).flatten();
            write_output(
                &report::render_for_terminal(&merged, format.into(), color, width),
                out.as_ref(),
            )?;
            Ok(0)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "plancost",
                &mut out,
            );
            write_output(&String::from_utf8_lossy(&out), None)?;
            Ok(0)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Error::Usage(format!("cannot render the manual page: {e}")))?;
            write_output(&String::from_utf8_lossy(&out), None)?;
            Ok(0)
        }
        Command::Prices { command } => match command {
            PricesCommand::Import { paths, out, root } => {
                let mut set = pricing::PriceSet::default();
                let summary = pricing::import::import_paths(&paths, root.as_deref(), &mut set)?;
                if !quiet {
                    for (file, what) in &summary.files {
                        eprintln!("imported {}: {what}", file.display());
                    }
                }
                let bytes = pricing::snapshot::write(&set);
                write_atomically(&out, &bytes)?;
                if !quiet {
                    eprintln!(
                        "wrote {} ({} products, {} sources)",
                        out.display(),
                        set.product_count(),
                        set.sources.len()
                    );
                }
                Ok(0)
            }
            PricesCommand::Info { prices } => {
                let bytes = prices
                    .as_ref()
                    .map(|p| {
                        std::fs::read(p)
                            .map_err(|e| Error::Prices(format!("cannot read {}: {e}", p.display())))
                    })
                    .transpose()?;
                let text = plancost::pricing::info(bytes.as_deref(), prices.as_deref())?;
                write_output(&text, None)?;
                Ok(0)
            }
        },
    }
}

fn print_warnings(quiet: bool, warnings: &[String]) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {w}");
        }
    }
}

fn write_output(text: &str, out: Option<&PathBuf>) -> Result<(), Error> {
    match out {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`plancost ... | head`) is not an error worth a message.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
    }
}

/// Writes beside the target and renames, so a reader never sees half a file.
fn write_atomically(path: &PathBuf, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Usage(format!("cannot write {}: {e}", path.display()))
        })
}
