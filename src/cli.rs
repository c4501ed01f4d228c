//! The `attune` command line: `serve` (the default), `migrate`, `user create` and `demo`.

use std::io::Read;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app;
use crate::config::{DatabaseConfig, LogFormat, ServerConfig};
use crate::domain::password::{self, PasswordProblem};
use crate::domain::people::{NewPerson, PersonForm, Roles};
use crate::error::AppError;
use crate::{db, demo, startup, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "attune",
    version,
    about = "Attune: a workplace empathy program you host yourself"
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Log format.
    #[arg(long, env = "ATTUNE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default): creates and migrates the database first.
    Serve(Box<ServerConfig>),
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Manage people.
    #[command(subcommand)]
    User(UserCommand),
    /// Fill an empty database with a believable sample company to explore.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Grow the company to this many people, each with a year of history (quiz attempts,
    /// plans, story nights, recognitions): for load tests. 100,000 takes a few minutes.
    #[arg(long, value_parser = clap::value_parser!(i64).range(60..=1_000_000))]
    pub people: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a person. The password is read from standard input (for automation).
    Create(CreateUser),
    /// Set a person's password (read from standard input) and end all their sessions: for an
    /// operator helping someone who has forgotten theirs.
    SetPassword(SetPassword),
}

#[derive(Debug, Args)]
pub struct SetPassword {
    /// The person's email address.
    #[arg(long)]
    pub email: String,
}

#[derive(Debug, Args)]
pub struct CreateUser {
    /// Email address (unique).
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Role. Everyone is an employee; organizer and hr_admin add rights.
    #[arg(long, value_enum, default_value_t = RoleArg::Employee)]
    pub role: RoleArg,
    /// Department.
    #[arg(long, default_value = "")]
    pub department: String,
    /// Office.
    #[arg(long, default_value = "")]
    pub office: String,
    /// IANA time zone, e.g. Europe/London.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum RoleArg {
    Employee,
    Organizer,
    HrAdmin,
}

/// Runs the command line. `attune` with no subcommand is `attune serve`.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init(cli.log_format);
    let database_url = cli.database.database_url.clone();
    match cli.command {
        None => {
            let config = ServerConfig::parse_from_env();
            startup::serve(&database_url, config).await
        }
        Some(Command::Serve(config)) => startup::serve(&database_url, *config).await,
        Some(Command::Migrate) => {
            startup::prepare_database(&database_url).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Some(Command::User(UserCommand::Create(args))) => create_user(&database_url, args).await,
        Some(Command::User(UserCommand::SetPassword(args))) => {
            set_password(&database_url, args).await
        }
        Some(Command::Demo(args)) => {
            let pool = startup::prepare_database(&database_url).await?;
            demo::run(&pool, args.people).await
        }
    }
}

impl ServerConfig {
    /// The server settings from the environment alone (for `attune` with no subcommand).
    fn parse_from_env() -> ServerConfig {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            config: ServerConfig,
        }
        Only::parse_from(["attune"]).config
    }
}

/// Reads a password from standard input (one line; the trailing newline is not part of it).
fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("reading the password from standard input")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

async fn set_password(database_url: &str, args: SetPassword) -> anyhow::Result<()> {
    let pool = startup::prepare_database(database_url).await?;
    let email = args.email.trim().to_lowercase();
    let Some((person, _)) = db::people::find_for_sign_in(&pool, &email).await? else {
        anyhow::bail!("no one with the email {email} is in Attune");
    };
    let password = read_password()?;
    if let Err(PasswordProblem(message)) =
        password::check(&password, &[&person.email, &person.display_name])
    {
        anyhow::bail!("password refused: {message}");
    }
    app::people::set_password(&pool, person.id, password)
        .await
        .map_err(|err| anyhow::anyhow!("setting the password: {err}"))?;
    println!(
        "Password set for {} <{}>; their other sessions have ended.",
        person.display_name, person.email
    );
    Ok(())
}

async fn create_user(database_url: &str, args: CreateUser) -> anyhow::Result<()> {
    let roles = Roles {
        organizer: args.role == RoleArg::Organizer,
        hr_admin: args.role == RoleArg::HrAdmin,
    };
    let form = PersonForm {
        email: args.email,
        display_name: args.name,
        department: args.department,
        office: args.office,
        time_zone: args.time_zone,
    };
    let person = NewPerson::parse(&form, roles).map_err(|errors| {
        anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;

    let password = read_password()?;
    if let Err(problem) = password::check(
        &password,
        &[person.email.as_str(), person.display_name.as_str()],
    ) {
        let PasswordProblem(message) = problem;
        anyhow::bail!("password refused: {message}");
    }
    let pool = startup::prepare_database(database_url).await?;
    match app::people::add_with_password(&pool, &person, password).await {
        Ok(id) => {
            println!(
                "Created {} <{}> ({id}).",
                person.display_name.as_str(),
                person.email
            );
            Ok(())
        }
        Err(AppError::Taken { .. }) => {
            anyhow::bail!("someone with the email {} already exists", person.email)
        }
        Err(err) => Err(anyhow::anyhow!("adding the person: {err}")),
    }
}
