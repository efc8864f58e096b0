// ctxheap: the command-line front end (docs/cli.md).
#include "commands.hpp"

int main(int argc, char** argv) { return ctxheap::cli::run(argc, argv); }
