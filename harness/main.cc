#include "harness/cli/cli.h"

int main(int argc, char** argv) { return harness::cli::cli_main(argc, argv); }
