// The console while a scenario runs: a line per step in a log, one live line on a terminal.
#include "harness/report/console_progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace harness::report {
namespace {

using namespace std::chrono_literals;

history::Event step_begin(int index, const std::string& title) {
  history::Event e;
  e.type = "step.begin";
  e.data = {{"index", index}, {"line", 12}};
  if (!title.empty()) e.data["title"] = title;
  return e;
}

TEST(ConsoleProgressTest, not_live_prints_a_line_as_each_step_starts_with_the_time_so_far) {
  std::ostringstream out;
  std::chrono::nanoseconds now = 6'313ms;
  {
    ConsoleProgress progress(out, [&now] { return now; }, /*live=*/false);
    progress.stream() << "smoke (scenarios/smoke.yaml)\n";
    progress.on_event(step_begin(1, "step 1 (wait, line 12)"));
    now = 842'400ms;
    progress.on_event(step_begin(2, ""));
    history::Event other;
    other.type = "service.exited";
    progress.on_event(other);
    progress.tick();  // nothing: not live
  }
  EXPECT_EQ(out.str(),
            "smoke (scenarios/smoke.yaml)\n"
            "  [6.3 s] step 1 (wait, line 12)\n"
            "  [14 min 2 s] step 2\n");
}

TEST(ConsoleProgressTest, live_redraws_one_line_and_erases_it_before_other_output) {
  std::ostringstream out;
  std::chrono::nanoseconds now = 1'000ms;
  {
    ConsoleProgress progress(out, [&now] { return now; }, /*live=*/true);
    progress.tick();  // before any step: nothing to show
    progress.on_event(step_begin(3, "step 3 (wait, line 12)"));
    progress.tick();
    now = 2'000ms;
    progress.tick();
    progress.stream() << "  service worker.1 exited (killed by SIGKILL) at 2.0 s\n";
    progress.tick();
  }  // the ticker (1 s) may have redrawn too: compare what is on the screen, not every byte

  const std::string erase = "\r\x1b[K";
  const std::string text = out.str();
  // The exit line starts on a blank line (the live line erased first), and the live line is erased at the end.
  EXPECT_NE(text.find(erase + "  service worker.1 exited"), std::string::npos) << text;
  EXPECT_NE(text.find(erase + "  [1.0 s] step 3 (wait, line 12)"), std::string::npos) << text;
  EXPECT_NE(text.find(erase + "  [2.0 s] step 3 (wait, line 12)"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - erase.size()), erase) << text;
  EXPECT_EQ(text.find('\n'), text.find("exited") + std::string("exited (killed by SIGKILL) at 2.0 s").size());
}

TEST(ConsoleProgressTest, a_hostile_step_title_is_escaped) {
  EXPECT_EQ(ConsoleProgress::step_line(500ms, "step 1 \x1b[2J"), "  [0.5 s] step 1 \\x1B[2J");
}

}  // namespace
}  // namespace harness::report
