#pragma once
// The console while a scenario runs: which step it is at and for how long, so a 100 s wait is not silence.
// Not on a terminal (a CI log), a line as each step starts: "  [12.3 s] step 3 (wait, line 12)". On a terminal, one
// live line redrawn every second with the time so far, erased before anything else is printed (every other
// console line goes through stream(), so a service that exits still prints its own line above it).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>

#include "harness/history/event.h"

namespace harness::report {

class ConsoleProgress {
public:
  // `elapsed`: the time since the scenario started (called from the ticker thread too). `live`: redraw a live
  // line (a terminal) instead of printing a line per step. REQUIRES: `out` outlives this.
  ConsoleProgress(std::ostream& out, std::function<std::chrono::nanoseconds()> elapsed, bool live);
  ~ConsoleProgress();  // stops the ticker and erases the live line
  ConsoleProgress(const ConsoleProgress&) = delete;
  ConsoleProgress& operator=(const ConsoleProgress&) = delete;

  // What every other console line of the scenario is written to: `out`, with the live line erased first.
  std::ostream& stream() { return m_stream; }

  // A History observer: step.begin (its data.title, else "step N") starts a step.
  void on_event(const history::Event& event);

  // Redraws the live line now (the ticker calls it every second); nothing when not live or before a step.
  void tick();

  // "  [12.3 s] step 3 (wait, line 12)"
  static std::string step_line(std::chrono::nanoseconds elapsed, const std::string& title);

private:
  // Forwards to the real console; erases the live line before the first character written after a redraw.
  class EraseFirstBuf : public std::streambuf {
  public:
    explicit EraseFirstBuf(ConsoleProgress& owner) : m_owner(owner) {}
  protected:
    int overflow(int c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;
  private:
    ConsoleProgress& m_owner;
  };

  void erase_live_locked();
  void write_locked(const char* s, std::streamsize n);
  void run_ticker();

  std::ostream& m_out;
  std::function<std::chrono::nanoseconds()> m_elapsed;
  const bool m_live;
  std::mutex m_mutex;
  bool m_shown = false;          // the live line is on the screen
  bool m_at_line_start = true;   // the last character written was a newline: a redraw may come now
  std::string m_step;            // the current step's title
  EraseFirstBuf m_buf;
  std::ostream m_stream;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::thread m_ticker;
};

}  // namespace harness::report
