#include "harness/check/check_kind.h"

namespace harness::check {

std::filesystem::path JudgeContext::next_report(const std::string& stem, const std::string& extension) {
  const int n = ++reports[stem];
  return run_dir / (n == 1 ? stem + extension : stem + "-" + std::to_string(n) + extension);
}

util::Registry<CheckKind>& registry() {
  static util::Registry<CheckKind> kinds;
  return kinds;
}

bool add_kind(scenario::CheckSyntax syntax, CheckKind judging) {
  judging.name = syntax.name;
  (void)scenario::check_syntaxes().add(std::move(syntax));
  return registry().add(judging);
}

Verdict judge(const scenario::Check& check, JudgeContext& context) {
  const std::string classname = context.scenario + "." + check.kind;
  const auto started = std::chrono::steady_clock::now();
  Verdict verdict;
  if (const CheckKind* kind = registry().find(check.kind)) {
    verdict = kind->judge(check, classname, context);
  } else {
    verdict.outcome = Outcome::k_error;
    verdict.message = "unknown check kind '" + check.kind + "'";
  }
  verdict.name = check.name;
  verdict.classname = classname;
  verdict.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return verdict;
}

}  // namespace harness::check
