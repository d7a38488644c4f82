//! Command-line definitions (clap) and their conversion into the library's options. clap stays
//! in the binary: the library only sees validated plain options.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use plancost::report::{self, Format};
use plancost::{BreakdownOptions, Error, PriceOptions, ci, pricing, terraform};

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
    /// The price cache directory (default: $XDG_CACHE_HOME/plancost, or ~/.cache/plancost).
    #[arg(long, global = true, env = "PLANCOST_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
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
        /// Usage assumptions in Infracost's usage-file format (infracost-usage.yml).
        #[arg(long)]
        usage_file: Option<PathBuf>,
        /// Price as of this day (YYYY-MM-DD) where AWS bills by date, e.g. EKS extended support
        /// once a Kubernetes version leaves standard support. Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        pricing_date: Option<String>,
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
    /// Price every project of the configuration and hold it against its budget and the
    /// policies (exit 1 when a check fails).
    Check {
        /// Projects to check, by name (default: all).
        projects: Vec<String>,
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        /// Write the report to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Price the growth scenarios of the configuration beside the estimate's figures (exit 1
    /// when a scenario exceeds its budget).
    Forecast {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare the unit prices and arithmetic an estimate assumed (the configuration's
    /// `assumptions`) with the price book.
    Audit {
        #[command(flatten)]
        config: ConfigArgs,
        /// Deviations up to this many percent are not flagged (default: the configuration's
        /// `tolerance_percent`, else 1).
        #[arg(long, value_name = "PCT")]
        tolerance: Option<rust_decimal::Decimal>,
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Post the report as a comment on a pull request (GitHub) or merge request (GitLab), or
    /// update the one posted before.
    Comment {
        #[command(subcommand)]
        platform: CommentPlatform,
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

/// Where the configuration and prices come from.
#[derive(clap::Args)]
struct ConfigArgs {
    /// The configuration file (projects, budgets, policies, scenarios, assumptions).
    #[arg(long, default_value = "plancost.yml")]
    config: PathBuf,
    /// A price file made by `plancost prices import --out`, used before the bundled prices.
    #[arg(long, env = "PLANCOST_PRICES")]
    prices: Option<PathBuf>,
}

impl ConfigArgs {
    fn options(
        self,
        projects: Vec<String>,
        cache_dir: Option<PathBuf>,
    ) -> plancost::check::ConfigOptions {
        plancost::check::ConfigOptions {
            config: self.config,
            projects,
            load: load_options(),
            prices: PriceOptions {
                prices_file: self.prices,
                cache_dir,
            },
            generated_at: None,
        }
    }
}

#[derive(Subcommand)]
enum PricesCommand {
    /// Read AWS price files (offer JSON or CSV, GetProducts items, list-price CSV, Karpenter
    /// table, Spot Advisor feed) into the price cache, or into a price file with --out.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write one price file here (for --prices or the bundled snapshot) instead of
        /// storing into the cache.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Directory that file names in the sources are recorded relative to.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Fetch current prices from the public AWS Price List Bulk API into the cache (offer index,
    /// region indexes, regional offer files; no credentials needed).
    Sync {
        /// Region to fetch (repeatable); default: the regions already cached, else us-east-1.
        #[arg(long = "region", value_name = "REGION")]
        regions: Vec<String>,
        /// Offer code to fetch, e.g. AmazonEC2 (repeatable); default: every service plancost prices.
        #[arg(long = "service", value_name = "SERVICE")]
        services: Vec<String>,
        /// Base URL of the Bulk API.
        #[arg(long, env = "PLANCOST_PRICING_ENDPOINT", default_value = plancost::pricing::sync::DEFAULT_ENDPOINT)]
        endpoint: String,
        /// Download again even when the cache holds the same version.
        #[arg(long)]
        force: bool,
        /// Downloads at a time.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=16))]
        jobs: u16,
        /// Retries per request on network errors, 429 and 5xx.
        #[arg(long, default_value_t = 4)]
        retries: u32,
        /// Seconds to wait for a connection, a response, or each read of a body.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Refuse offer files larger than this many MB.
        #[arg(long, default_value_t = 8192)]
        max_download_mb: u64,
    },
    /// Which price sources are in use, their versions and sizes.
    Info {
        #[arg(long, env = "PLANCOST_PRICES")]
        prices: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CommentPlatform {
    /// A pull-request comment through GitHub's REST API (GitHub Enterprise with --api-url).
    /// In GitHub Actions the repository, pull request and API come from the environment.
    Github(CommentArgs),
    /// A merge-request note through GitLab's REST API. In GitLab CI the project, merge
    /// request and API come from CI_PROJECT_ID, CI_MERGE_REQUEST_IID and CI_API_V4_URL.
    Gitlab(CommentArgs),
}

#[derive(Args)]
struct CommentArgs {
    /// A report written by `--format json` (breakdown, diff, merge or check).
    report: PathBuf,
    /// GitHub: owner/name (default GITHUB_REPOSITORY). GitLab: project id or path (default
    /// CI_PROJECT_ID).
    #[arg(long)]
    repo: Option<String>,
    /// Pull-request number or merge-request IID (default: GitHub's event file at
    /// GITHUB_EVENT_PATH, or CI_MERGE_REQUEST_IID).
    #[arg(long, visible_alias = "mr")]
    pr: Option<u64>,
    /// The API token (default GITHUB_TOKEN or GITLAB_TOKEN; the environment is safer, as
    /// other users of the machine can see command lines).
    #[arg(long)]
    token: Option<String>,
    /// The API's base URL (default GITHUB_API_URL or https://api.github.com; CI_API_V4_URL or
    /// https://gitlab.com/api/v4).
    #[arg(long)]
    api_url: Option<String>,
    /// update: edit plancost's comment in place; new: add one each run; delete-and-new: delete
    /// the earlier ones, then add one.
    #[arg(long, value_enum, default_value = "update")]
    behavior: BehaviorArg,
    /// Print the comment instead of posting it; sends nothing and needs no token.
    #[arg(long)]
    dry_run: bool,
    /// Keep a separate comment per tag (e.g. one per project) on the same pull request.
    #[arg(long)]
    tag: Option<String>,
    /// Add a Mermaid pie chart of cost by category (GitHub and GitLab draw it).
    #[arg(long)]
    chart: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum BehaviorArg {
    Update,
    New,
    DeleteAndNew,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Markdown,
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
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::InfracostJson => Format::InfracostJson,
        }
    }
}

/// Scrubs every text the binary writes (see `plancost::redact`).
static REDACTOR: std::sync::OnceLock<plancost::redact::Redactor> = std::sync::OnceLock::new();

fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    match REDACTOR.get() {
        Some(r) => r.scrub(text),
        None => plancost::redact::scrub(text),
    }
}

pub fn run() -> i32 {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut redactor = plancost::redact::Redactor::from_env(&env);
    // A token given on the command line is as secret as one in the environment.
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        if pair[0] == "--token" {
            redactor.add(&pair[1]);
        }
    }
    for arg in &args {
        if let Some(token) = arg.strip_prefix("--token=") {
            redactor.add(token);
        }
    }
    let _ = REDACTOR.set(redactor);
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
            eprintln!("error: {}", scrub(&e.to_string()));
            e.exit_code()
        }
    }
}

fn color_wanted(cli: &Cli) -> bool {
    !cli.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// What the loaders take from the environment, read here so the library reads no globals.
fn load_options() -> terraform::LoadOptions {
    terraform::LoadOptions {
        env_region: env_region(),
        env_tf_vars: terraform::hcl::HclOptions::tf_vars_from_env(std::env::vars()),
    }
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

/// The cache directory: `--cache-dir` / `PLANCOST_CACHE_DIR` (clap reads both), else the XDG one.
fn cache_dir(flag: &Option<PathBuf>) -> Option<PathBuf> {
    flag.clone().or_else(pricing::cache::default_dir)
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
    let quiet = cli.quiet;
    let offline = cli.offline;
    let cli_cache_dir = cli.cache_dir.clone();
    match cli.command {
        Command::Breakdown {
            paths,
            vars,
            var_files,
            format,
            out,
            prices,
            usage_file,
            pricing_date,
        } => {
            let options = BreakdownOptions {
                paths,
                load: load_options(),
                hcl: hcl_options(&vars, var_files)?,
                prices: PriceOptions {
                    prices_file: prices,
                    cache_dir: cache_dir(&cli_cache_dir),
                },
                generated_at: None,
                usage_file,
                pricing_date,
            };
            let outcome = plancost::breakdown(&options)?;
            print_warnings(quiet, &outcome.warnings);
            let report = outcome.report;
            let color = color && out.is_none();
            let width = out.is_none().then(terminal_width).flatten();
            let started = std::time::Instant::now();
            write_report(out.as_ref(), |w| {
                report::write_for_terminal(&report, format.into(), color, width, w)
            })?;
            plancost::timing("write", started);
            // The process ends next: freeing a large plan's report (hundreds of thousands of
            // strings, some 10 ms) would only delay that.
            std::mem::forget(report);
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
                load: load_options(),
                prices: PriceOptions {
                    prices_file: prices,
                    cache_dir: cache_dir(&cli_cache_dir),
                },
                generated_at: None,
                pricing_date: None,
                hcl: Default::default(),
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
        Command::Check {
            projects,
            config,
            format,
            out,
        } => {
            let outcome =
                plancost::check::check(&config.options(projects, cache_dir(&cli_cache_dir)))?;
            print_warnings(quiet, &outcome.warnings);
            let report = outcome.report;
            let color = color && out.is_none();
            write_output(&report::render(&report, format.into(), color), out.as_ref())?;
            Ok(report
                .budget
                .as_ref()
                .map(plancost::budget::exit_code)
                .unwrap_or(0))
        }
        Command::Forecast {
            config,
            format,
            out,
        } => {
            let options = config.options(Vec::new(), cache_dir(&cli_cache_dir));
            let (forecast, warnings) = plancost::forecast::forecast(&options)?;
            print_warnings(quiet, &warnings);
            let text = match format {
                FormatArg::Table => plancost::forecast::render_table(&forecast),
                FormatArg::Json => plancost::forecast::render_json(&forecast),
                FormatArg::Markdown => plancost::forecast::render_markdown(&forecast),
                // The page shows the projects as `check` prices them, with the scenarios as a
                // line against the estimate.
                FormatArg::Html => {
                    let checked = plancost::check::check(&options)?;
                    let series = plancost::forecast::html_series(&forecast);
                    report::html::render_with_forecast(&checked.report, Some(&series))
                }
                FormatArg::InfracostJson => {
                    return Err(Error::Usage(
                        "forecast writes --format table, json, markdown or html".into(),
                    ));
                }
            };
            write_output(&text, out.as_ref())?;
            Ok(plancost::forecast::exit_code(&forecast))
        }
        Command::Audit {
            config,
            tolerance,
            format,
            out,
        } => {
            if tolerance.is_some_and(|t| t.is_sign_negative()) {
                return Err(Error::Usage("--tolerance cannot be negative".into()));
            }
            let text_of = match format {
                FormatArg::Table => plancost::audit::render_table,
                FormatArg::Json => plancost::audit::render_json,
                FormatArg::Markdown | FormatArg::Html | FormatArg::InfracostJson => {
                    return Err(Error::Usage("audit writes --format table or json".into()));
                }
            };
            let (audit, warnings) = plancost::audit::audit(
                &config.options(Vec::new(), cache_dir(&cli_cache_dir)),
                tolerance,
            )?;
            print_warnings(quiet, &warnings);
            write_output(&text_of(&audit), out.as_ref())?;
            Ok(0)
        }
        Command::Comment { platform } => {
            let (platform, args) = match platform {
                CommentPlatform::Github(args) => (ci::Platform::GitHub, args),
                CommentPlatform::Gitlab(args) => (ci::Platform::GitLab, args),
            };
            if offline && !args.dry_run {
                return Err(Error::Usage(
                    "posting a comment needs the network, and --offline was given (--dry-run \
                     prints the comment instead)"
                        .into(),
                ));
            }
            comment(platform, args, quiet)
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
                match out {
                    Some(out) => {
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
                    }
                    None => {
                        let dir = cache_dir(&cli_cache_dir).ok_or_else(|| {
                            Error::Usage(
                                "no cache directory: set --cache-dir, PLANCOST_CACHE_DIR or HOME, or write a file with --out".into(),
                            )
                        })?;
                        let cache = pricing::cache::Cache::new(&dir);
                        let written = cache.store(&set, "import", None)?;
                        if !quiet {
                            eprintln!(
                                "stored {} products in {} cache files under {}",
                                set.product_count(),
                                written.len(),
                                dir.display()
                            );
                        }
                    }
                }
                Ok(0)
            }
            PricesCommand::Sync {
                regions,
                services,
                endpoint,
                force,
                jobs,
                retries,
                timeout,
                max_download_mb,
            } => {
                if offline {
                    return Err(Error::Usage(
                        "prices sync needs the network; --offline forbids it".into(),
                    ));
                }
                let dir = cache_dir(&cli_cache_dir).ok_or_else(|| {
                    Error::Usage(
                        "no cache directory: set --cache-dir, PLANCOST_CACHE_DIR or HOME".into(),
                    )
                })?;
                let mut options = pricing::sync::SyncOptions {
                    endpoint,
                    regions,
                    services,
                    concurrency: jobs.into(),
                    retries,
                    connect_timeout: std::time::Duration::from_secs(timeout.min(60)),
                    read_timeout: std::time::Duration::from_secs(timeout),
                    max_download_bytes: max_download_mb.saturating_mul(1_000_000),
                    force,
                    ..Default::default()
                };
                if quiet {
                    options.progress = pricing::sync::ProgressStyle::Quiet;
                }
                let cache = pricing::cache::Cache::new(&dir);
                let report = pricing::sync::sync(&cache, &options)?;
                if !quiet {
                    eprintln!(
                        "synced into {}: {} updated, {} unchanged{}",
                        dir.display(),
                        report.updated.len(),
                        report.unchanged.len(),
                        if report.not_offered.is_empty() {
                            String::new()
                        } else {
                            format!(", not offered: {}", report.not_offered.join(", "))
                        }
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
                let text = plancost::pricing::info(
                    bytes.as_deref(),
                    prices.as_deref(),
                    cache_dir(&cli_cache_dir).as_deref(),
                )?;
                write_output(&text, None)?;
                Ok(0)
            }
        },
    }
}

fn comment(platform: ci::Platform, args: CommentArgs, quiet: bool) -> Result<i32, Error> {
    let run = ci::CommentRun {
        platform,
        report: args.report,
        repo: args.repo,
        number: args.pr,
        token: args.token,
        api_url: args.api_url,
        behavior: match args.behavior {
            BehaviorArg::Update => ci::Behavior::Update,
            BehaviorArg::New => ci::Behavior::New,
            BehaviorArg::DeleteAndNew => ci::Behavior::DeleteAndNew,
        },
        dry_run: args.dry_run,
        tag: args.tag,
        chart: args.chart,
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let result = ci::comment(&run, &env)?;
    if !quiet {
        for note in &result.notes {
            eprintln!("{}", scrub(note));
        }
    }
    match &result.outcome {
        None => {
            write_output(&result.body, None)?;
            if !quiet {
                let place = result.place.as_deref().unwrap_or("the pull request");
                eprintln!("dry run: the comment above was not posted on {place}");
            }
        }
        Some(outcome) => {
            if !quiet {
                let place = result.place.as_deref().unwrap_or("the pull request");
                eprintln!("{}", outcome.describe(place));
            }
        }
    }
    Ok(0)
}

fn print_warnings(quiet: bool, warnings: &[String]) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {}", scrub(w));
        }
    }
}

/// Writes what `write` produces to `out` (standard output when `None`), scrubbed as it streams
/// (on a second thread): for reports too large to hold as one string.
fn write_report(
    out: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let default = plancost::redact::Redactor::default();
    let redactor = REDACTOR.get().unwrap_or(&default);
    match out {
        Some(path) => write_atomically_with(path, |file| {
            plancost::redact::write_scrubbed(redactor, file, write)
        }),
        None => {
            // A closed pipe (`plancost ... | head`) is not an error worth a message.
            let _ = plancost::redact::write_scrubbed(redactor, std::io::stdout(), write);
            Ok(())
        }
    }
}

fn write_output(text: &str, out: Option<&PathBuf>) -> Result<(), Error> {
    let text = scrub(text);
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

fn write_atomically(path: &PathBuf, bytes: &[u8]) -> Result<(), Error> {
    write_atomically_with(path, |mut file| file.write_all(bytes))
}

/// Writes beside the target and renames, so a reader never sees half a file. A target that
/// exists and is not a regular file (`/dev/null`, a FIFO, `/dev/stdout`) is written in place:
/// renaming over it would replace the device with a file.
fn write_atomically_with(
    path: &PathBuf,
    write: impl FnOnce(&std::fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let cannot = |e: std::io::Error| Error::Usage(format!("cannot write {}: {e}", path.display()));
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(cannot)?;
        return write(&file).map_err(cannot);
    }
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::File::create(&tmp)
        .and_then(|file| write(&file))
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            cannot(e)
        })
}
