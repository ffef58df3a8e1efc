//! `seadiff migrate generate NAME`: the plan as a sea-orm-migration file.

use differ::plan::Store;
use differ::postgres::Online;
use differ::render::Mode;

use super::apply::{parse_allowed, refuse_blocked};
use super::{Live, render};
use crate::args::{Cli, Format, GenerateArgs, Output};
use crate::failure::{Failure, exit};
use crate::migrate;
use crate::printer::Printer;

pub(super) async fn generate(
    cli: &Cli,
    printer: &mut Printer,
    args: &GenerateArgs,
) -> Result<u8, Failure> {
    migrate::valid_name(&args.name).map_err(Failure::new)?;
    let allowed = parse_allowed(&args.allow_hazard)?;
    let dir = &cli.global.migration_dir;
    let lib_path = dir.join("src").join("lib.rs");
    let lib = std::fs::read_to_string(&lib_path).map_err(|e| {
        Failure::caused(format!("cannot read {}", lib_path.display()), &e)
            .hint("point --migration-dir at your sea-orm-migration crate (the directory holding Cargo.toml and src/lib.rs)")
    })?;

    let mut live = Live::open(cli, printer).await?;
    let current = live.read(printer).await?;
    let online = if args.no_online {
        Online::Never
    } else {
        Online::Always
    };
    let plan = live.plan(printer, &current, online).await?;
    let cx = live.context(Mode::Plan, allowed.clone(), &Default::default());
    let output = Output {
        format: Format::Text,
        markdown_cap: 0,
    };
    printer.out(&render(&plan, &cx, &output, printer.color));
    if plan.is_empty() {
        return Err(Failure::new(format!(
            "nothing to migrate: {} already matches the declaration",
            live.endpoint
        ))
        .hint("edit an entity or schema.yaml first"));
    }
    refuse_blocked(&plan, &allowed)?;

    let now = chrono::Utc::now();
    let module = migrate::module_name(now, &args.name);
    let made_from = match plan.fingerprints.get(&Store::Postgres) {
        Some(f) => format!("the plan {} → {}", f.current, f.desired),
        None => "a plan".to_owned(),
    };
    let file = migrate::path(dir, &module);
    if file.exists() {
        return Err(Failure::new(format!("{} already exists", file.display())));
    }
    let registered = migrate::register(&lib, &module).map_err(|e| {
        Failure::new(format!(
            "cannot register the migration in {}: {e}",
            lib_path.display()
        ))
    })?;
    std::fs::write(&file, migrate::file(&module, &plan, &made_from, now))
        .map_err(|e| Failure::caused(format!("cannot write {}", file.display()), &e))?;
    std::fs::write(&lib_path, registered)
        .map_err(|e| Failure::caused(format!("cannot write {}", lib_path.display()), &e))?;
    printer.info(&format!(
        "wrote {} ({} up, {} down) and registered it in {}",
        file.display(),
        differ::plan::noun("step", plan.steps.len()),
        differ::plan::noun("step", plan.rollback.as_ref().map_or(0, |r| r.steps.len())),
        lib_path.display()
    ));
    Ok(exit::OK)
}
