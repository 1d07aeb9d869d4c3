//! The `cuirass` binary: everything happens in [`cuirass::run`], which the Python package calls
//! too.

// Parsing allocates many small nodes; mimalloc is markedly faster than the system allocator here.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cuirass::run(std::env::args_os()).into()
}
