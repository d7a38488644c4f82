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
    /// Monthly cost of what each PATH describes (a plan JSON, a state JSON, or a directory of
    /// Terraform HCL, evaluated without Terraform).
    Breakdown {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Set a root variable of an HCL directory, as `terraform plan -var` does (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Read root variables of an HCL directory from a .tfvars(.json) file (repeatable).
        #[arg(long = "var-file", value_name = "FILE")]
        var_files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        /// Write the report to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A price file made by `plancost prices import --out`, used before the bundled prices.
        #[arg(long, env = "PLANCOST_PRICES")]
        prices: Option<PathBuf>,
    },
    /// Manage price data.
    Prices {
        #[command(subcommand)]
        command: PricesCommand,
    },
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
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
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

fn env_region() -> Option<String> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

/// `--var NAME=VALUE` pairs, `--var-file` files and the environment's `TF_VAR_*` variables.
fn hcl_options(
    vars: &[String],
    var_files: Vec<PathBuf>,
) -> Result<terraform::hcl::HclOptions, Error> {
    let vars = vars
        .iter()
        .map(|v| {
            v.split_once('=')
                .filter(|(name, _)| !name.is_empty())
                .map(|(name, value)| (name.trim().to_string(), value.to_string()))
                .ok_or_else(|| Error::Usage(format!("--var {v:?}: expected NAME=VALUE")))
        })
        .collect::<Result<_, _>>()?;
    Ok(terraform::hcl::HclOptions {
        vars,
        var_files,
        env_vars: terraform::hcl::HclOptions::tf_vars_from_env(std::env::vars()),
        ..Default::default()
    })
}

fn execute(cli: Cli) -> Result<i32, Error> {
    let color = color_wanted(&cli);
    match cli.command {
        Command::Breakdown {
            paths,
            vars,
            var_files,
            format,
            out,
            prices,
        } => {
            let options = BreakdownOptions {
                paths,
                load: terraform::LoadOptions {
                    env_region: env_region(),
                },
                hcl: hcl_options(&vars, var_files)?,
                prices: PriceOptions {
                    prices_file: prices,
                },
                generated_at: None,
            };
            let report = plancost::breakdown(&options)?;
            let color = color && out.is_none();
            write_output(&report::render(&report, format.into(), color), out.as_ref())?;
            Ok(0)
        }
        Command::Prices { command } => match command {
            PricesCommand::Import { paths, out, root } => {
                let mut set = pricing::PriceSet::default();
                let summary = pricing::import::import_paths(&paths, root.as_deref(), &mut set)?;
                if !cli.quiet {
                    for (file, what) in &summary.files {
                        eprintln!("imported {}: {what}", file.display());
                    }
                }
                let bytes = pricing::snapshot::write(&set);
                write_atomically(&out, &bytes)?;
                if !cli.quiet {
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
