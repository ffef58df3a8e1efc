/// jemalloc: planning a large catalog is allocation-heavy (glibc's malloc took ~40% of it).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
