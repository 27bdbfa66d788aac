#pragma once
// `celery-chaos kinds`: what a scenario can use, generated from the kinds' own tables (never written by hand):
//   steps:     scenario::step_syntaxes()   name, keys, one-line summary
//   faults:    scenario::fault_syntax()    name, keys, one-line summary, whether it has an inverse
//   checks:    check::registry()           name, keys, one-line summary, whether it is judged live
//   services:  scenario::service_kinds()   name, its own keys, its placeholder keys
// Each section is one function; a new section is one more call in kinds_command.
#include <ostream>

namespace harness::cli {

void print_step_kinds(std::ostream& out);
void print_fault_kinds(std::ostream& out);
void print_check_kinds(std::ostream& out);
void print_service_kinds(std::ostream& out);

// Prints every section; returns the exit code (0).
int kinds_command(std::ostream& out);

}  // namespace harness::cli
