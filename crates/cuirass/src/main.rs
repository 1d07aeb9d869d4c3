//! The `cuirass` binary: everything happens in [`cuirass::run`], which the Python package calls
//! too.

fn main() -> std::process::ExitCode {
    cuirass::run(std::env::args_os()).into()
}
