#pragma once
// `celery-chaos kinds`: what a scenario can use, generated from the kinds' own tables (never written by hand):
//   checks:    check::registry()  name, keys, one-line summary
//   services:  the service kinds the reader knows, with their keys
// Each section is one function; a new section (faults, steps) is one more call in kinds_command.
#include <ostream>

namespace harness::cli {

void print_check_kinds(std::ostream& out);
void print_service_kinds(std::ostream& out);

// Prints every section; returns the exit code (0).
int kinds_command(std::ostream& out);

}  // namespace harness::cli
