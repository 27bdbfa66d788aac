#include "harness/cli/kinds.h"

#include <string>
#include <string_view>
#include <vector>

#include "harness/check/check_kind.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/fault_syntax.h"
#include "harness/scenario/service_kind.h"
#include "harness/scenario/step_syntax.h"

namespace harness::cli {

namespace {
std::string joined(const std::vector<std::string_view>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + std::string(word);
  return text;
}

// "  NAME\n      SUMMARY\n      keys: a, b\n" (no keys line for a kind without keys of its own).
void print_kind(std::ostream& out, std::string_view name, std::string_view summary,
                const std::vector<std::string_view>& keys) {
  out << "  " << name << "\n";
  if (!summary.empty()) out << "      " << summary << "\n";
  if (!keys.empty()) out << "      keys: " << joined(keys) << "\n";
}
}  // namespace

void print_check_kinds(std::ostream& out) {
  out << "checks:\n";
  for (const auto& kind : scenario::check_syntaxes().all()) {
    // A live kind reads the running services when it is judged; the others only the History and the run's files.
    const check::CheckKind* judging = check::registry().find(kind.name);
    const std::string summary = (judging && judging->live ? "live: " : "") + std::string(kind.summary);
    print_kind(out, kind.name, summary, kind.keys);
  }
}

void print_step_kinds(std::ostream& out) {
  out << "steps (every kind also takes: at, name; `for:` only where said):\n";
  for (const auto& kind : scenario::step_syntaxes().all()) print_kind(out, kind.name, kind.summary, kind.keys);
}

void print_fault_kinds(std::ostream& out) {
  out << "faults:\n";
  for (const auto& kind : scenario::fault_syntax().all()) {
    // A fault without an inverse is over once applied: `for:` does not apply to it.
    const std::string summary = std::string(kind.summary) + (kind.no_inverse ? " (no inverse)" : "");
    print_kind(out, kind.name, summary, kind.keys);
  }
}

void print_service_kinds(std::ostream& out) {
  out << "services (every kind also takes: " << joined(scenario::k_common_service_keys) << "):\n";
  for (const auto& kind : scenario::list_service_kinds()) {
    print_kind(out, kind.name, kind.summary, {kind.keys.begin(), kind.keys.end()});
    out << "      placeholders: " << joined({kind.placeholders.begin(), kind.placeholders.end()}) << "\n";
  }
}

int kinds_command(std::ostream& out) {
  print_step_kinds(out);
  out << "\n";
  print_fault_kinds(out);
  out << "\n";
  print_check_kinds(out);
  out << "\n";
  print_service_kinds(out);
  return 0;
}

}  // namespace harness::cli
