// ctxheap: the command-line front end (docs/cli.md).
#include "commands.hpp"
#include "memory_reserve.hpp"

int main(int argc, char** argv) {
  ctxheap::cli::keep_memory_for_unwinding();
  return ctxheap::cli::run(argc, argv);
}
